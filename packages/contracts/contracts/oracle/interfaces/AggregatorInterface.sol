// SPDX-License-Identifier: MIT
pragma solidity 0.8.30;

// Chainlink's name, kept so that consumers written against Chainlink's interfaces compile against ours unchanged
// solhint-disable interface-starts-with-i

/// @title AggregatorInterface: Chainlink's first price-feed read interface (v2), with its two events.
/// @notice The getters answer 0 where there is no answer yet; `AggregatorV3Interface` says so instead.
interface AggregatorInterface {
    /// @notice A round got an answer, or a new one as more submissions arrived.
    /// @param current the answer
    /// @param roundId the round answered
    /// @param updatedAt the block timestamp of the answer
    event AnswerUpdated(int256 indexed current, uint256 indexed roundId, uint256 updatedAt);

    /// @notice A round started.
    /// @param roundId the new round
    /// @param startedBy the oracle or requester that started it
    /// @param startedAt the block timestamp it started at
    event NewRound(uint256 indexed roundId, address indexed startedBy, uint256 startedAt);

    /// @notice The answer of the round answered last; 0 before any.
    function latestAnswer() external view returns (int256);

    /// @notice When the round answered last was last updated; 0 before any answer.
    function latestTimestamp() external view returns (uint256);

    /// @notice The id of the round answered last; 0 before any answer.
    function latestRound() external view returns (uint256);

    /// @notice The answer of `_roundId`; 0 if it has none or the id is not a round id (above 32 bits).
    function getAnswer(uint256 _roundId) external view returns (int256);

    /// @notice When `_roundId`'s answer was last updated; 0 if it has none or the id is not a round id.
    function getTimestamp(uint256 _roundId) external view returns (uint256);
}
