// SPDX-License-Identifier: MIT
pragma solidity 0.8.30;

import {FluxAggregatorBase} from "./FluxAggregatorBase.sol";
import {AggregatorInterface} from "./interfaces/AggregatorInterface.sol";
import {AggregatorV3Interface} from "./interfaces/AggregatorV3Interface.sol";
import {AggregatorValidatorInterface} from "./interfaces/AggregatorValidatorInterface.sol";
import {CompactInt} from "./libraries/CompactInt.sol";
import {Median} from "./libraries/Median.sol";

/// @title FluxAggregatorRounds: the life of a round (start, submissions, answer, timeout) and the answers it leaves.
/// @dev A round that times out keeps Chainlink's rule: when the next round starts after the timeout, the timed-out
/// round takes the previous round's answer and `answeredInRound`, even if it had reached `minSubmissions` (its
/// own answer is then replaced), unless it had all `maxSubmissions`.
abstract contract FluxAggregatorRounds is FluxAggregatorBase {
    /// @dev The low half of a `_submissionWords` word.
    uint256 private constant LOW_HALF = 0xffffffffffffffffffffffffffffffff;

    /// @dev AggregatorV3Interface's documented refusal, which consumers of Chainlink feeds look for: kept as a string.
    string private constant NO_DATA = "No data present";

    // ------------------------------------------------------------------ AggregatorInterface

    /// @inheritdoc AggregatorInterface
    function latestAnswer() external view returns (int256) {
        uint32 latest = _head.latestRoundId;
        return _answerOf(latest, _rounds[latest].answer);
    }

    /// @inheritdoc AggregatorInterface
    function latestTimestamp() external view returns (uint256) {
        return _rounds[_head.latestRoundId].updatedAt;
    }

    /// @inheritdoc AggregatorInterface
    function latestRound() external view returns (uint256) {
        return _head.latestRoundId;
    }

    /// @inheritdoc AggregatorInterface
    function getAnswer(uint256 _roundId) external view returns (int256) {
        if (_roundId > ROUND_MAX) return 0;
        uint32 roundId = uint32(_roundId);
        return _answerOf(roundId, _rounds[roundId].answer);
    }

    /// @inheritdoc AggregatorInterface
    function getTimestamp(uint256 _roundId) external view returns (uint256) {
        if (_roundId > ROUND_MAX) return 0;
        return _rounds[uint32(_roundId)].updatedAt;
    }

    // ------------------------------------------------------------------ AggregatorV3Interface

    /// @inheritdoc AggregatorV3Interface
    function getRoundData(
        uint80 _roundId
    )
        public
        view
        returns (uint80 roundId, int256 answer, uint256 startedAt, uint256 updatedAt, uint80 answeredInRound)
    {
        // the low 32 bits are read first, as Chainlink's does; a larger id then has no data
        Round memory round = _rounds[uint32(_roundId)];
        // solhint-disable-next-line gas-custom-errors
        require(round.answeredInRound > 0 && _roundId <= ROUND_MAX, NO_DATA);
        return (
            _roundId,
            _answerOf(uint32(_roundId), round.answer),
            round.startedAt,
            round.updatedAt,
            round.answeredInRound
        );
    }

    /// @inheritdoc AggregatorV3Interface
    function latestRoundData()
        external
        view
        returns (uint80 roundId, int256 answer, uint256 startedAt, uint256 updatedAt, uint80 answeredInRound)
    {
        return getRoundData(_head.latestRoundId);
    }

    // ------------------------------------------------------------------ the life of a round

    /// @dev Starts `roundId`, the round after the reporting round, in `head` (which the caller stores): the reporting
    /// round carries its predecessor's answer if it timed out, keeps its details if they are still live, and the new
    /// round takes the future rounds' parameters.
    function _startRound(Head memory head, uint32 roundId) internal {
        uint32 previous = head.reportingRoundId;
        if (head.timeout != 0) {
            Round storage round = _rounds[previous];
            if (_timedOut(round.startedAt, head.timeout)) {
                _carryAnswer(round, previous);
                _clearDetails(head);
            }
        }
        if (_liveDetails(head)) _details[previous] = _detailsOf(previous, head);
        FutureRounds memory future = _futureRounds;
        head.reportingRoundId = roundId;
        // the counts were checked against the oracle count, at most MAX_ORACLE_COUNT, so 8 bits hold them
        head.submissionCount = 0;
        head.maxSubmissions = uint8(future.maxSubmissionCount);
        head.minSubmissions = uint8(future.minSubmissionCount);
        head.timeout = future.timeout;
        head.paymentAmount = future.paymentAmount;
        uint64 startedAt = uint64(block.timestamp);
        _rounds[roundId].startedAt = startedAt;
        emit NewRound(roundId, msg.sender, startedAt);
    }

    /// @dev A round that timed out takes the answer of the round before it.
    function _carryAnswer(Round storage round, uint32 roundId) private {
        uint32 before = roundId - 1;
        Round memory carried = _rounds[before];
        if (carried.answer == 0) _wideAnswers[roundId] = _wideAnswers[before];
        round.answer = carried.answer;
        round.answeredInRound = carried.answeredInRound;
        round.updatedAt = uint64(block.timestamp);
    }

    /// @dev Whether the reporting round's details are not all zero, so must be kept once it is no longer reporting.
    function _liveDetails(Head memory head) private pure returns (bool) {
        return
            (uint256(head.submissionCount) |
                head.maxSubmissions |
                head.minSubmissions |
                head.timeout |
                head.paymentAmount) != 0;
    }

    function _clearDetails(Head memory head) internal pure {
        head.submissionCount = 0;
        head.maxSubmissions = 0;
        head.minSubmissions = 0;
        head.timeout = 0;
        head.paymentAmount = 0;
    }

    /// @dev Keeps `submission` as submission number `position` of a round of `parity`.
    function _storeSubmission(uint256 parity, uint256 position, int256 submission) internal {
        uint256 half = CompactInt.pack(submission, SUBMISSION_BITS);
        if (half == 0) _wideSubmissions[_wideSubmissionKey(parity, position)] = submission;
        uint256[WORDS_PER_ROUND] storage words = _submissionWords[parity];
        uint256 index = position >> 1;
        uint256 word = words[index];
        words[index] = position & 1 == 0 ? (word & ~LOW_HALF) | half : (word & LOW_HALF) | (half << 128);
    }

    /// @dev The median of the first `count` submissions of a round of `parity`.
    function _median(uint256 parity, uint256 count) internal view returns (int256) {
        int256[] memory values = new int256[](count);
        uint256[WORDS_PER_ROUND] storage words = _submissionWords[parity];
        uint256 spilled; // bit k: submission k is in `_wideSubmissions`
        // one SLOAD per two submissions, each unpacked in place (CompactInt's offset binary), in assembly since the
        // median reads every submission of the round on each answer (gas savings)
        assembly ("memory-safe") {
            let slot := words.slot
            let out := add(values, 0x20)
            let bias := shl(sub(SUBMISSION_BITS, 1), 1)
            for {
                let position := 0
            } lt(position, count) {
                position := add(position, 2)
            } {
                let word := sload(add(slot, shr(1, position)))
                let low := and(word, LOW_HALF)
                mstore(add(out, shl(5, position)), sub(low, bias))
                if iszero(low) {
                    spilled := or(spilled, shl(position, 1))
                }
                let next := add(position, 1)
                if lt(next, count) {
                    let high := shr(SUBMISSION_BITS, word)
                    mstore(add(out, shl(5, next)), sub(high, bias))
                    if iszero(high) {
                        spilled := or(spilled, shl(next, 1))
                    }
                }
            }
        }
        for (uint256 position = 0; spilled != 0; ++position) {
            if (spilled & 1 == 1) values[position] = _wideSubmissions[_wideSubmissionKey(parity, position)];
            spilled >>= 1;
        }
        return Median.calculateInPlace(values);
    }

    /// @dev Records `answer` as `roundId`'s, updated now.
    function _recordAnswer(uint32 roundId, int256 answer) internal {
        uint256 packed = CompactInt.pack(answer, ANSWER_BITS);
        if (packed == 0) _wideAnswers[roundId] = answer;
        Round storage round = _rounds[roundId];
        // everything but `startedAt` changes: one SLOAD and one SSTORE (gas savings)
        uint256 changed = (uint256(uint64(block.timestamp)) << 64) | (uint256(roundId) << 128) | (packed << 160);
        assembly ("memory-safe") {
            let slot := round.slot
            sstore(slot, or(and(sload(slot), 0xffffffffffffffff), changed))
        }
        emit AnswerUpdated(answer, roundId, block.timestamp);
    }

    /// @dev Tells the validator about `roundId`'s new answer, with at most VALIDATOR_GAS_LIMIT gas, ignoring whether it
    /// reverts. Like Chainlink's high-level call, it refuses (so the submission reverts) if the validator has no code
    /// or returns less than a word.
    function _reportToValidator(uint32 roundId, int256 answer) internal {
        address validator_ = address(_validator);
        if (validator_ == address(0)) return;
        uint32 previous = roundId - 1;
        Round memory before = _rounds[previous];
        int256 previousAnswer = _answerOf(previous, before.answer);
        if (validator_.code.length == 0) revert FluxAggregatorValidatorNotContract(validator_);
        bytes4 selector = AggregatorValidatorInterface.validate.selector;
        uint256 previousAnsweredIn = before.answeredInRound;
        bool tooShort;
        uint256 size;
        assembly ("memory-safe") {
            // the call data is built in scratch memory past the free pointer, and nothing is copied back: a validator's
            // return data costs nothing however large (gas savings)
            let data := mload(0x40)
            mstore(data, selector)
            mstore(add(data, 0x04), previousAnsweredIn)
            mstore(add(data, 0x24), previousAnswer)
            // masked: `submit`'s uint32(_roundId) is not cleaned on the stack, and the validator gets the low 32 bits
            mstore(add(data, 0x44), and(roundId, 0xffffffff))
            mstore(add(data, 0x64), answer)
            let ok := call(VALIDATOR_GAS_LIMIT, validator_, 0, data, 0x84, 0, 0)
            size := returndatasize()
            tooShort := and(ok, lt(size, 0x20))
        }
        if (tooShort) revert FluxAggregatorValidatorAnswerTooShort(validator_, size);
    }
}
