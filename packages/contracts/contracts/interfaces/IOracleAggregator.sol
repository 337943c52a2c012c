// SPDX-License-Identifier: MIT
pragma solidity 0.8.30;

/// @title IOracleAggregator: the part of a FluxAggregator (Chainlink's or ours) an oracle's admin uses to be paid.
interface IOracleAggregator {
    /// @notice What the aggregator owes `oracle` for its submissions.
    function withdrawablePayment(address oracle) external view returns (uint256);

    /// @notice Pays `amount` of what is owed to `oracle` to `recipient`. Only `oracle`'s admin may call it.
    function withdrawPayment(address oracle, address recipient, uint256 amount) external;

    /// @notice Makes the caller `oracle`'s admin, after the current admin offered it with `transferAdmin`.
    function acceptAdmin(address oracle) external;
}
