// SPDX-License-Identifier: MIT
pragma solidity 0.8.30;

import {IERC677} from "../interfaces/IERC677.sol";

/// @title BenchDelegators: fills a pool with many distinct delegators in few transactions (benchmarks and tests only).
/// @dev Each delegator is a small contract that, while being constructed, takes its tokens from the factory and
/// delegates them with ERC-677 `transferAndCall`, so it is a real, separate delegation.
contract BenchDelegators {
    IERC677 public immutable token;
    address public immutable registry;
    uint256 private _pendingAmount;

    constructor(IERC677 token_, address registry_) {
        token = token_;
        registry = registry_;
    }

    /// @notice Creates `count` delegators of `pool`, each delegating `amount` (this contract must hold the tokens).
    function addDelegators(address pool, uint256 count, uint256 amount) external {
        _pendingAmount = amount;
        for (uint256 i = 0; i < count; ++i) {
            new BenchDelegator(token, registry, pool);
        }
        _pendingAmount = 0;
    }

    /// @notice Called by a delegator under construction to receive its tokens.
    function fund() external returns (uint256 amount) {
        amount = _pendingAmount;
        token.transfer(msg.sender, amount);
    }
}

contract BenchDelegator {
    constructor(IERC677 token, address registry, address pool) {
        uint256 amount = BenchDelegators(msg.sender).fund();
        token.transferAndCall(registry, amount, abi.encode(pool));
    }
}
