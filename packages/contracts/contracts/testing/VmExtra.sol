// SPDX-License-Identifier: MIT
pragma solidity 0.8.30;

// `Vm` is Foundry's name for it, so the tests read like Foundry tests
// solhint-disable interface-starts-with-i

/// @title VmExtra: Hardhat 3 (EDR) cheatcodes beyond those of `Vm.sol`, for the oracle tests: a prank that also sets
/// `tx.origin` (FluxAggregator's `oracleRoundState` answers only off-chain callers) and storage-access recording (to
/// count the slots a submission touches). Kept apart from `Vm.sol`, which the other tests share.
interface VmExtra {
    /// @notice Makes `msg.sender` of the next call `sender` and `tx.origin` `origin`.
    function prank(address sender, address origin) external;

    /// @notice Records every storage access from now on.
    function record() external;

    /// @notice The storage slots of `target` read and written since `record`.
    function accesses(address target) external returns (bytes32[] memory readSlots, bytes32[] memory writeSlots);
}

/// @dev Where EDR serves cheatcodes, as `vm` in `Vm.sol`.
VmExtra constant vmExtra = VmExtra(0x7109709ECfa91a80626fF3989D68f67F5b1DD12D);
