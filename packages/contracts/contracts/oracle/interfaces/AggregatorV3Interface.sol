// SPDX-License-Identifier: MIT
pragma solidity 0.8.30;

// Chainlink's name, kept so that consumers written against Chainlink's interfaces compile against ours unchanged
// solhint-disable interface-starts-with-i

/// @title AggregatorV3Interface: Chainlink's current price-feed read interface.
/// @notice `getRoundData` and `latestRoundData` revert with `Error("No data present")` for a round without an answer,
/// rather than answer zeros a consumer could take for a reported value.
interface AggregatorV3Interface {
    /// @notice How many decimals the answers have.
    function decimals() external view returns (uint8);

    /// @notice What the feed reports, e.g. "ETH / USD".
    function description() external view returns (string memory);

    /// @notice The aggregator's version.
    function version() external view returns (uint256);

    /// @notice One round's answer and times.
    /// @dev Requirements: the round has an answer (`answeredInRound` is not 0) and `_roundId` fits in 32 bits.
    /// @param _roundId the round (Chainlink's parameter and result names throughout, so bindings match)
    /// @return roundId `_roundId`, as asked
    /// @return answer the round's answer
    /// @return startedAt when the round started
    /// @return updatedAt when its answer was last updated
    /// @return answeredInRound the round whose submissions the answer comes from: `roundId` unless it timed out and
    /// carries an earlier round's answer
    function getRoundData(
        uint80 _roundId
    )
        external
        view
        returns (uint80 roundId, int256 answer, uint256 startedAt, uint256 updatedAt, uint80 answeredInRound);

    /// @notice `getRoundData` of the round answered last.
    /// @dev Requirements: some round has an answer.
    function latestRoundData()
        external
        view
        returns (uint80 roundId, int256 answer, uint256 startedAt, uint256 updatedAt, uint80 answeredInRound);
}
