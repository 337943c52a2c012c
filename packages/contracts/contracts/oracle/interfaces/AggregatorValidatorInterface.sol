// SPDX-License-Identifier: MIT
pragma solidity 0.8.30;

// Chainlink's name, kept so that validators written for Chainlink's aggregator plug into ours unchanged
// solhint-disable interface-starts-with-i

/// @title AggregatorValidatorInterface: what an aggregator tells its validator each time a round gets an answer.
/// @notice The aggregator calls it with a gas cap and ignores a refusal, so a validator can flag an answer (a deviation
/// too large, say) but never stop one.
interface AggregatorValidatorInterface {
    /// @param previousRoundId the round whose submissions the previous round's answer came from
    /// @param previousAnswer the previous round's answer
    /// @param currentRoundId the round just answered
    /// @param currentAnswer its answer
    /// @return valid whether the validator finds the answer valid (the aggregator does not act on it)
    function validate(
        uint256 previousRoundId,
        int256 previousAnswer,
        uint256 currentRoundId,
        int256 currentAnswer
    ) external returns (bool valid);
}
