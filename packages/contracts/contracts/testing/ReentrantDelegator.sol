// SPDX-License-Identifier: MIT
pragma solidity 0.8.30;

// calling back with arbitrary data and bubbling its revert is the point of this contract
// solhint-disable avoid-low-level-calls

import {IERC677Receiver} from "../interfaces/IERC677.sol";

/// @title ReentrantDelegator: a contract delegator that calls the registry back when told of incoming tokens (tests).
contract ReentrantDelegator is IERC677Receiver {
    /// @dev A call back gets this fraction of the gas left, so that against a registry without its guard the
    /// recursion runs out of gas a few dozen frames deep and fails the test, instead of exhausting the call depth.
    uint256 private constant GAS_SHARE = 8;

    address public immutable registry;
    /// @notice The call made to the registry from `onTokenTransfer`; none if empty.
    bytes public reentry;
    uint256 public notifications;

    constructor(address registry_) {
        registry = registry_;
    }

    function setReentry(bytes calldata reentry_) external {
        reentry = reentry_;
    }

    /// @notice Acts as the delegator: calls `target` with `data`, bubbling up a revert.
    function execute(address target, bytes calldata data) external returns (bytes memory returned) {
        bool ok;
        (ok, returned) = target.call(data);
        if (!ok) _bubble(returned);
    }

    function onTokenTransfer(address, uint256, bytes calldata) external {
        ++notifications;
        if (reentry.length == 0) return;
        (bool ok, bytes memory returned) = registry.call{gas: gasleft() / GAS_SHARE}(reentry);
        if (!ok) _bubble(returned);
    }

    function _bubble(bytes memory returned) private pure {
        assembly ("memory-safe") {
            revert(add(returned, 32), mload(returned))
        }
    }
}
