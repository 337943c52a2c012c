// SPDX-License-Identifier: MIT
pragma solidity 0.8.30;

/// @title IFluxAggregatorOwnable: the aggregator's two-step ownership, with the events and functions of Chainlink's
/// `Owned`, so that tools managing Chainlink feeds manage ours.
interface IFluxAggregatorOwnable {
    /// @notice `from`, the owner, proposed `to` as the next owner.
    event OwnershipTransferRequested(address indexed from, address indexed to);
    /// @notice `to` accepted the ownership `from` held.
    event OwnershipTransferred(address indexed from, address indexed to);

    error FluxAggregatorNotOwner(address caller);
    error FluxAggregatorNotProposedOwner(address caller);

    /// @notice The owner: configures rounds and oracles, moves the funds not reserved for oracles.
    function owner() external view returns (address);

    /// @notice Proposes `_to` as the next owner; it becomes the owner once it accepts. A later proposal replaces this
    /// one, and proposing the zero address withdraws it.
    /// @dev Requirements: the caller is the owner.
    function transferOwnership(address _to) external;

    /// @notice Makes the caller the owner.
    /// @dev Requirements: the caller is the proposed owner.
    function acceptOwnership() external;
}
