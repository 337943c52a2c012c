// SPDX-License-Identifier: MIT
pragma solidity 0.8.30;

import {AggregatorValidatorInterface} from "../oracle/interfaces/AggregatorValidatorInterface.sol";

/// @title AggregatorValidatorMock: records what an aggregator tells it, or misbehaves on demand (tests only).
contract AggregatorValidatorMock is AggregatorValidatorInterface {
    /// @notice How `validate` answers.
    enum Behaviour {
        Records, // records the call, emits `Validated`, returns true
        Reverts, // reverts
        EatsGas, // loops until it runs out of gas
        ReturnsNothing // returns without data
    }

    event Validated(
        uint256 previousRoundId,
        int256 indexed previousAnswer,
        uint256 currentRoundId,
        int256 indexed currentAnswer
    );

    error AggregatorValidatorMockRefused(uint256 currentRoundId, int256 currentAnswer);

    Behaviour public behaviour;
    uint256 public calls;
    uint256 public previousRoundId;
    int256 public previousAnswer;
    uint256 public currentRoundId;
    int256 public currentAnswer;

    function setBehaviour(Behaviour behaviour_) external {
        behaviour = behaviour_;
    }

    function validate(
        uint256 previousRoundId_,
        int256 previousAnswer_,
        uint256 currentRoundId_,
        int256 currentAnswer_
    ) external returns (bool) {
        Behaviour current = behaviour;
        if (current == Behaviour.Reverts) revert AggregatorValidatorMockRefused(currentRoundId_, currentAnswer_);
        if (current == Behaviour.EatsGas) {
            uint256 spins;
            while (gasleft() > 0) ++spins;
        }
        if (current == Behaviour.ReturnsNothing) {
            assembly ("memory-safe") {
                return(0, 0)
            }
        }
        ++calls;
        previousRoundId = previousRoundId_;
        previousAnswer = previousAnswer_;
        currentRoundId = currentRoundId_;
        currentAnswer = currentAnswer_;
        emit Validated(previousRoundId_, previousAnswer_, currentRoundId_, currentAnswer_);
        return true;
    }
}
