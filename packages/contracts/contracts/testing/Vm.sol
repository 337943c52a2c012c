// SPDX-License-Identifier: MIT
pragma solidity 0.8.30;

// `Vm` is Foundry's name for it, so the tests read like Foundry tests
// solhint-disable interface-starts-with-i

/// @title Vm: the Hardhat 3 (EDR) cheatcodes the Solidity tests use, declared here since there is no forge-std.
/// @dev EDR serves these at the Foundry cheatcode address; each one is exercised by a test in this repository.
interface Vm {
    /// @notice One event recorded after `recordLogs`.
    struct Log {
        bytes32[] topics;
        bytes data;
        address emitter;
    }

    /// @notice Sets `block.timestamp`.
    function warp(uint256 newTimestamp) external;

    /// @notice Makes `msg.sender` of the next call `sender`.
    function prank(address sender) external;

    /// @notice Makes `msg.sender` of every following call `sender`, until `stopPrank`.
    function startPrank(address sender) external;

    /// @notice Ends `startPrank`.
    function stopPrank() external;

    /// @notice The next call must revert with exactly `revertData`.
    function expectRevert(bytes calldata revertData) external;

    /// @notice The next call must revert with data starting with `revertData` (for errors without arguments).
    function expectRevert(bytes4 revertData) external;

    /// @notice The next call must revert, with any data.
    function expectRevert() external;

    /// @notice The next event emitted by `emitter` must match the one emitted next by the test, on the checked parts.
    function expectEmit(bool checkTopic1, bool checkTopic2, bool checkTopic3, bool checkData, address emitter) external;

    /// @notice Discards a fuzz input for which `condition` is false.
    function assume(bool condition) external;

    /// @notice Starts recording every event emitted from now on.
    function recordLogs() external;

    /// @notice The events recorded since `recordLogs` or the last call of this, which it clears.
    function getRecordedLogs() external returns (Log[] memory logs);
}

/// @dev address(uint160(uint256(keccak256("hevm cheat code")))), where Foundry and EDR serve cheatcodes.
Vm constant vm = Vm(0x7109709ECfa91a80626fF3989D68f67F5b1DD12D);
