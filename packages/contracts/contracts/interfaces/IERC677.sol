// SPDX-License-Identifier: MIT
pragma solidity 0.8.30;

import {IERC20} from "@openzeppelin/contracts/token/ERC20/IERC20.sol";

/// @title ERC-677: an ERC-20 whose transfer can notify the receiving contract in the same call (LINK's interface).
interface IERC677 is IERC20 {
    /// @notice Emitted alongside ERC-20's `Transfer` by `transferAndCall`, carrying the call data.
    event Transfer(address indexed from, address indexed to, uint256 value, bytes data);

    /// @notice Transfers `value` to `to`; if `to` is a contract, then calls
    /// `to.onTokenTransfer(msg.sender, value, data)`.
    function transferAndCall(address to, uint256 value, bytes calldata data) external returns (bool success);
}

/// @title The receiving side of ERC-677.
interface IERC677Receiver {
    /// @notice Called by an ERC-677 token after `value` tokens from `sender` arrived at this contract.
    function onTokenTransfer(address sender, uint256 value, bytes calldata data) external;
}
