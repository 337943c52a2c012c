// SPDX-License-Identifier: MIT
pragma solidity 0.8.30;

import {IERC20} from "@openzeppelin/contracts/token/ERC20/IERC20.sol";
import {FluxAggregatorOwnable} from "./FluxAggregatorOwnable.sol";
import {AggregatorValidatorInterface} from "./interfaces/AggregatorValidatorInterface.sol";
import {IFluxAggregator} from "./interfaces/IFluxAggregator.sol";
import {CompactInt} from "./libraries/CompactInt.sol";

/// @title FluxAggregatorBase: the aggregator's state, packed for the submission path, and the rules its parts share:
/// where a round's details live, when a round timed out or may be superseded, whether an oracle may report to a round.
/// @dev What a submission touches, and why it is laid out so (every slot a submission reads is cold, 2,100 gas, and
/// every one it writes costs 2,900 more):
/// - `_head`: the reporting round's id and details and the latest answered round, one slot read and written by
///   every submission; a round's details move to `_details` only if they are still live when the next round starts.
/// - the oracle's `OracleReport` (payments, last round, latest submission; written) and `OracleEnrollment` (the rounds
///   it may report to; only read): where Chainlink's layout writes two oracle slots, this one writes one.
/// - one word of `_submissionWords`: two submissions per slot, in slots reused round after round (a round's
///   submissions are only needed while it takes them), so a submission writes 2,900 gas instead of a fresh 22,100 and
///   the median reads half as many slots.
/// - `_funds`: written by every payment.
/// A round's answer and times take one fresh slot per round (`Round`). Values that do not fit the packed fields spill
/// into `_wide*` slots that only such values touch (`CompactInt`). The hot slots are read and written whole, one
/// SLOAD and one SSTORE each, through `_load*` and `_store*` (the compiler would touch them once per member), and
/// `changeOracles` writes the slots an added oracle's submissions will use, so that none of them pays for a
/// zero-to-nonzero write (20,000 gas) in its first rounds: the owner does, once.
abstract contract FluxAggregatorBase is IFluxAggregator, FluxAggregatorOwnable {
    /// @dev `withdrawFunds` leaves enough for this many rounds of every oracle at the current payment.
    uint256 internal constant RESERVE_ROUNDS = 2;
    uint256 internal constant MAX_ORACLE_COUNT = 77;
    uint32 internal constant ROUND_MAX = type(uint32).max;
    /// @dev The gas a validator gets, so that it can never stop an answer.
    uint256 internal constant VALIDATOR_GAS_LIMIT = 100_000;
    /// @dev `_submissionWords` words per round: two submissions each, for MAX_ORACLE_COUNT submissions.
    uint256 internal constant WORDS_PER_ROUND = (MAX_ORACLE_COUNT + 1) / 2;
    /// @dev Bits of a packed answer or latest submission, and of a packed submission (`CompactInt`).
    uint256 internal constant ANSWER_BITS = 96;
    uint256 internal constant SUBMISSION_BITS = 128;

    /// @inheritdoc IFluxAggregator
    address public immutable linkToken;
    /// @inheritdoc IFluxAggregator
    int256 public immutable minSubmissionValue;
    /// @inheritdoc IFluxAggregator
    int256 public immutable maxSubmissionValue;
    /// @notice How many decimals the answers have.
    uint8 public immutable decimals;

    /// @dev Why `validateOracleRound` refuses an oracle a round; `None`: it does not.
    enum Refusal {
        None,
        NotEnabled,
        NotYetEnabled,
        NoLongerAllowed,
        AlreadyReported,
        InvalidRound,
        PreviousRoundNotSupersedable
    }

    /// @dev The reporting round and its details, and the latest answered round: one slot, read and written by every
    /// submission (gas savings). The submission counts fit 8 bits since they never exceed MAX_ORACLE_COUNT.
    struct Head {
        uint32 reportingRoundId;
        uint32 latestRoundId;
        // the reporting round's details; all zero once it has all its submissions or timed out (Chainlink deletes them)
        uint8 submissionCount;
        uint8 maxSubmissions;
        uint8 minSubmissions;
        uint32 timeout;
        uint128 paymentAmount;
    }

    /// @dev A round's details once it is no longer the reporting round, kept only while they are not all zero: the
    /// previous round may still take late submissions, and `oracleRoundState` reports any round's timeout and payment.
    struct Details {
        uint8 submissionCount;
        uint8 maxSubmissions;
        uint8 minSubmissions;
        uint32 timeout;
        uint128 paymentAmount;
    }

    /// @dev A round's answer and times in one slot (gas savings).
    struct Round {
        uint64 startedAt;
        uint64 updatedAt;
        uint32 answeredInRound;
        uint96 answer; // CompactInt-packed; 0: in `_wideAnswers`
    }

    /// @dev What an oracle earned and last reported: the one oracle slot every submission writes (gas savings).
    struct OracleReport {
        uint128 withdrawable;
        uint32 lastReportedRound;
        uint96 latestSubmission; // CompactInt-packed; 0: in `wideLatestSubmission`
    }

    /// @dev Which rounds an oracle may report to, and who administers it: read by every submission, written only when
    /// the oracle is added or removed, starts a round, or changes admin.
    struct OracleEnrollment {
        uint32 startingRound; // 0: never enabled
        uint32 endingRound; // ROUND_MAX while enabled
        uint32 lastStartedRound;
        address admin;
    }

    /// @dev The rarely read rest of an oracle.
    struct OracleListing {
        uint16 index; // in `_oracleAddresses`, while enabled
        address pendingAdmin;
    }

    /// @dev Everything about one oracle: four slots, each read by different calls.
    struct Oracle {
        OracleReport report;
        OracleEnrollment enrollment;
        OracleListing listing;
        int256 wideLatestSubmission; // the latest submission when it does not fit `report`
    }

    struct Requester {
        bool authorized;
        uint32 delay;
        uint32 lastStartedRound;
    }

    /// @dev One slot, written by every payment.
    struct Funds {
        uint128 available;
        uint128 allocated;
    }

    /// @dev What rounds started from now on take: one slot, read when a round starts.
    struct FutureRounds {
        uint128 paymentAmount;
        uint32 maxSubmissionCount;
        uint32 minSubmissionCount;
        uint32 restartDelay;
        uint32 timeout;
    }

    Head internal _head;
    Funds internal _funds;
    FutureRounds internal _futureRounds;
    AggregatorValidatorInterface internal _validator;
    string internal _feedDescription;
    address[] internal _oracleAddresses;
    mapping(uint32 roundId => Round) internal _rounds;
    mapping(uint32 roundId => int256) internal _wideAnswers;
    mapping(uint32 roundId => Details) internal _details;
    mapping(address oracle => Oracle) internal _oracles;
    mapping(address requester => Requester) internal _requesters;
    /// @dev The submissions of the rounds with an even id in [0], with an odd id in [1]: those of the reporting round
    /// and of the previous one, which may still take late submissions. Submission `k` is the low (k even) or high half
    /// of word k / 2, `CompactInt`-packed in SUBMISSION_BITS.
    uint256[WORDS_PER_ROUND][2] internal _submissionWords;
    /// @dev Submissions that do not fit in half a word, by `_wideSubmissionKey`.
    mapping(uint256 key => int256) internal _wideSubmissions;
    /// @dev How many words of each half of `_submissionWords` `changeOracles` wrote ahead of use.
    uint256 internal _preparedWords;

    /// @param _link the token payments are made in
    /// @param _minSubmissionValue the least submission accepted
    /// @param _maxSubmissionValue the largest submission accepted
    /// @param _decimals how many decimals the answers have
    constructor(address _link, int256 _minSubmissionValue, int256 _maxSubmissionValue, uint8 _decimals) {
        linkToken = _link;
        minSubmissionValue = _minSubmissionValue;
        maxSubmissionValue = _maxSubmissionValue;
        decimals = _decimals;
    }

    // ------------------------------------------------------------------ rounds

    /// @dev `roundId`'s details: the head's for the reporting round, else those kept in `_details` (zero if none).
    function _detailsOf(uint32 roundId, Head memory head) internal view returns (Details memory details) {
        if (roundId == head.reportingRoundId) {
            return
                Details(
                    head.submissionCount,
                    head.maxSubmissions,
                    head.minSubmissions,
                    head.timeout,
                    head.paymentAmount
                );
        }
        return _details[roundId];
    }

    /// @dev Whether a round that started at `startedAt` with `roundTimeout` timed out (Chainlink's overflow included).
    function _timedOut(uint64 startedAt, uint32 roundTimeout) internal view returns (bool) {
        return startedAt > 0 && roundTimeout > 0 && startedAt + roundTimeout < block.timestamp;
    }

    /// @dev Whether the round after `roundId` may start: `roundId` has an answer or timed out.
    function _supersedable(uint32 roundId, Head memory head) internal view returns (bool) {
        Round storage round = _rounds[roundId];
        return round.updatedAt > 0 || _timedOut(round.startedAt, _detailsOf(roundId, head).timeout);
    }

    /// @dev Chainlink's `validateOracleRound`: why `oracle`, enrolled as `enrollment` and last reporting to
    /// `lastReportedRound`, may not report to `roundId` now, if it may not. Its uint32 arithmetic reverts where
    /// Chainlink's SafeMath32 does.
    function _refusal(
        OracleEnrollment memory enrollment,
        uint32 lastReportedRound,
        uint32 roundId,
        Head memory head
    ) internal view returns (Refusal) {
        if (enrollment.startingRound == 0) return Refusal.NotEnabled;
        if (enrollment.startingRound > roundId) return Refusal.NotYetEnabled;
        if (enrollment.endingRound < roundId) return Refusal.NoLongerAllowed;
        if (lastReportedRound >= roundId) return Refusal.AlreadyReported;
        uint32 reporting = head.reportingRoundId;
        // Chainlink then checks that the round before `roundId` may be superseded. A round only starts once the one
        // before it has an answer or timed out, either of which leaves it a nonzero `updatedAt`, never cleared: so for
        // the reporting round and the one before it the check always passes, and is skipped (a cold read saved).
        if (roundId == reporting) return Refusal.None;
        uint32 next = reporting + 1;
        if (roundId != next) {
            if (roundId + 1 != reporting || _rounds[reporting].updatedAt != 0) return Refusal.InvalidRound;
            return Refusal.None;
        }
        if (roundId != 1 && !_supersedable(reporting, head)) return Refusal.PreviousRoundNotSupersedable;
        return Refusal.None;
    }

    /// @dev Whether an oracle that last started `lastStartedRound` may start `roundId`.
    function _delayed(uint32 lastStartedRound, uint32 roundId) internal view returns (bool) {
        return uint256(roundId) > uint256(lastStartedRound) + _futureRounds.restartDelay || lastStartedRound == 0;
    }

    /// @dev `roundId`'s answer, from its packed slot or its wide one.
    function _answerOf(uint32 roundId, uint96 packed) internal view returns (int256) {
        return packed == 0 ? _wideAnswers[roundId] : CompactInt.unpack(packed, ANSWER_BITS);
    }

    function _wideSubmissionKey(uint256 parity, uint256 position) internal pure returns (uint256) {
        return (parity << 8) | position;
    }

    // ------------------------------------------------------------------ oracles

    function _oracleCount() internal view returns (uint256) {
        return _oracleAddresses.length;
    }

    function _latestSubmissionOf(address oracle) internal view returns (int256) {
        uint96 packed = _oracles[oracle].report.latestSubmission;
        return packed == 0 ? _oracles[oracle].wideLatestSubmission : CompactInt.unpack(packed, ANSWER_BITS);
    }

    // ------------------------------------------------------------------ the hot slots, whole (gas savings)

    function _loadHead() internal view returns (Head memory) {
        uint256 word;
        assembly ("memory-safe") {
            word := sload(_head.slot)
        }
        return
            Head(
                uint32(word),
                uint32(word >> 32),
                uint8(word >> 64),
                uint8(word >> 72),
                uint8(word >> 80),
                uint32(word >> 88),
                uint128(word >> 120)
            );
    }

    function _storeHead(Head memory head) internal {
        uint256 word =
            uint256(head.reportingRoundId) |
                (uint256(head.latestRoundId) << 32) |
                (uint256(head.submissionCount) << 64) |
                (uint256(head.maxSubmissions) << 72) |
                (uint256(head.minSubmissions) << 80) |
                (uint256(head.timeout) << 88) |
                (uint256(head.paymentAmount) << 120);
        assembly ("memory-safe") {
            sstore(_head.slot, word)
        }
    }

    function _loadReport(address oracle) internal view returns (OracleReport memory) {
        OracleReport storage stored = _oracles[oracle].report;
        uint256 word;
        assembly ("memory-safe") {
            word := sload(stored.slot)
        }
        return OracleReport(uint128(word), uint32(word >> 128), uint96(word >> 160));
    }

    function _storeReport(address oracle, OracleReport memory report) internal {
        OracleReport storage stored = _oracles[oracle].report;
        uint256 word =
            uint256(report.withdrawable) |
                (uint256(report.lastReportedRound) << 128) |
                (uint256(report.latestSubmission) << 160);
        assembly ("memory-safe") {
            sstore(stored.slot, word)
        }
    }

    function _loadFunds() internal view returns (Funds memory) {
        uint256 word;
        assembly ("memory-safe") {
            word := sload(_funds.slot)
        }
        return Funds(uint128(word), uint128(word >> 128));
    }

    function _storeFunds(Funds memory funds) internal {
        uint256 word = uint256(funds.available) | (uint256(funds.allocated) << 128);
        assembly ("memory-safe") {
            sstore(_funds.slot, word)
        }
    }

    // ------------------------------------------------------------------ funds and configuration

    /// @dev What `withdrawFunds` leaves for oracles: RESERVE_ROUNDS rounds of every oracle at `payment`.
    function _requiredReserve(uint256 payment) internal view returns (uint256) {
        return payment * _oracleCount() * RESERVE_ROUNDS;
    }

    /// @dev Takes the balance beyond what oracles are owed as available.
    function _updateAvailableFunds() internal {
        Funds memory funds = _loadFunds();
        uint256 balance = IERC20(linkToken).balanceOf(address(this));
        if (balance < funds.allocated) revert FluxAggregatorBalanceBelowAllocated(balance, funds.allocated);
        uint256 nowAvailable = balance - funds.allocated;
        if (funds.available != nowAvailable) {
            // a balance beyond 2^128 is cut as Chainlink's is: no real token has one
            _funds.available = uint128(nowAvailable);
            emit AvailableFundsUpdated(nowAvailable);
        }
    }

    /// @dev `updateFutureRounds` with its checks; also the end of `changeOracles` and the constructor's setup.
    function _updateFutureRounds(
        uint128 payment,
        uint32 minSubmissions,
        uint32 maxSubmissions,
        uint32 delay,
        uint32 roundTimeout
    ) internal {
        uint256 count = _oracleCount();
        if (maxSubmissions < minSubmissions) revert FluxAggregatorMaxBelowMin(minSubmissions, maxSubmissions);
        if (maxSubmissions > count) revert FluxAggregatorMaxAboveOracleCount(maxSubmissions, count);
        if (count != 0 && delay >= count) revert FluxAggregatorRestartDelayTooLong(delay, count);
        uint256 reserve = _requiredReserve(payment);
        uint256 available = _funds.available;
        if (available < reserve) revert FluxAggregatorReserveNotCovered(available, reserve);
        if (count != 0 && minSubmissions == 0) revert FluxAggregatorZeroMinSubmissions();

        _futureRounds = FutureRounds(payment, maxSubmissions, minSubmissions, delay, roundTimeout);
        emit RoundDetailsUpdated(payment, minSubmissions, maxSubmissions, delay, roundTimeout);
    }
}
