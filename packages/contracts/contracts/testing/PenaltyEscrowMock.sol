// SPDX-License-Identifier: MIT
pragma solidity 0.8.30;

import {IERC20} from "@openzeppelin/contracts/token/ERC20/IERC20.sol";
import {SafeERC20} from "@openzeppelin/contracts/token/ERC20/utils/SafeERC20.sol";

/// @title PenaltyEscrowMock: a penalty contract for the tests. It holds the deposits pools pay into it and, at its
/// arbiter's word, refunds them (to whoever returns them to the pool with `returnPenalty`, or straight to a vault,
/// where they are a reward) or keeps them, which is a slash.
contract PenaltyEscrowMock {
    using SafeERC20 for IERC20;

    /// @notice The token deposits are paid in.
    IERC20 public immutable token;
    /// @notice Who decides refunds: the deployer.
    address public immutable arbiter;

    /// @notice `amount` of the deposits went back to `to`.
    event Refunded(address indexed to, uint256 amount);

    error PenaltyEscrowMockUnauthorized(address caller);

    constructor(IERC20 token_) {
        token = token_;
        arbiter = msg.sender;
    }

    /// @notice Sends `amount` of the deposits to `to`. What is never refunded stays here: slashed.
    /// @dev Requirements: the caller is the arbiter; this contract holds `amount`.
    function refund(address to, uint256 amount) external {
        if (msg.sender != arbiter) revert PenaltyEscrowMockUnauthorized(msg.sender);
        emit Refunded(to, amount);
        token.safeTransfer(to, amount);
    }

    /// @notice The deposits held now.
    function held() external view returns (uint256 amount) {
        return token.balanceOf(address(this));
    }
}
