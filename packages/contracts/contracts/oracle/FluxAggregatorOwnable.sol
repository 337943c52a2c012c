// SPDX-License-Identifier: MIT
pragma solidity 0.8.30;

import {IFluxAggregatorOwnable} from "./interfaces/IFluxAggregatorOwnable.sol";

/// @title FluxAggregatorOwnable: two-step ownership with the ABI of Chainlink's `Owned` (OpenZeppelin's
/// `Ownable2Step` names its events and functions differently, and adds `renounceOwnership`).
/// @dev The deployer owns the contract from the start, without an event, as with Chainlink's.
abstract contract FluxAggregatorOwnable is IFluxAggregatorOwnable {
    address private _owner;
    address private _proposedOwner;

    modifier onlyOwner() {
        _checkOwner();
        _;
    }

    constructor() {
        _owner = msg.sender;
    }

    /// @inheritdoc IFluxAggregatorOwnable
    function owner() public view returns (address) {
        return _owner;
    }

    /// @inheritdoc IFluxAggregatorOwnable
    function transferOwnership(address _to) external onlyOwner {
        _proposedOwner = _to;
        emit OwnershipTransferRequested(msg.sender, _to);
    }

    /// @inheritdoc IFluxAggregatorOwnable
    function acceptOwnership() external {
        if (msg.sender != _proposedOwner) revert FluxAggregatorNotProposedOwner(msg.sender);
        address previous = _owner;
        _owner = msg.sender;
        _proposedOwner = address(0);
        emit OwnershipTransferred(previous, msg.sender);
    }

    function _checkOwner() internal view {
        if (msg.sender != _owner) revert FluxAggregatorNotOwner(msg.sender);
    }
}
