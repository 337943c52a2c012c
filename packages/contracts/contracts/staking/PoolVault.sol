// SPDX-License-Identifier: MIT
pragma solidity 0.8.30;

import {IERC20} from "@openzeppelin/contracts/token/ERC20/IERC20.sol";
import {SafeERC20} from "@openzeppelin/contracts/token/ERC20/utils/SafeERC20.sol";

/// @title PoolVault: one per pool; its address is the pool's on-chain identity and it holds the pool's tokens.
/// @dev LinkPool's per-node PoolStorage and Aion's PoolCoinbase in one. Only the registry that created it can move
/// tokens out, and the registry only pays them to the delegator (or operator, or fee recipient) they are owed to.
contract PoolVault {
    using SafeERC20 for IERC20;

    /// @notice The registry that created this vault and keeps its accounts.
    address public immutable registry;
    /// @notice The token this vault holds.
    IERC20 public immutable token;

    /// @notice A caller other than the registry tried to move tokens.
    error PoolVaultUnauthorized(address caller);

    constructor(IERC20 token_) {
        registry = msg.sender;
        token = token_;
    }

    /// @notice Pays `amount` tokens to `to`.
    /// @dev Requirements: the caller is the registry.
    function pay(address to, uint256 amount) external {
        if (msg.sender != registry) revert PoolVaultUnauthorized(msg.sender);
        token.safeTransfer(to, amount);
    }
}
