// SPDX-License-Identifier: MIT
pragma solidity 0.8.30;

import {IERC20} from "@openzeppelin/contracts/token/ERC20/IERC20.sol";
import {FluxAggregatorBase} from "./FluxAggregatorBase.sol";
import {FluxAggregatorOracles} from "./FluxAggregatorOracles.sol";
import {FluxAggregatorRounds} from "./FluxAggregatorRounds.sol";
import {AggregatorV3Interface} from "./interfaces/AggregatorV3Interface.sol";
import {AggregatorValidatorInterface} from "./interfaces/AggregatorValidatorInterface.sol";
import {IFluxAggregator} from "./interfaces/IFluxAggregator.sol";
import {CompactInt} from "./libraries/CompactInt.sol";

/// @title FluxAggregator: an oracle aggregator with rounds, a median and internal payments, ABI-compatible with
/// Chainlink's FluxAggregator (v0.6, version 3), so that Chainlink nodes, consumers and validators work with it
/// unchanged.
/// @notice Every call that reverts in Chainlink's reverts here and every other call succeeds with the same results and
/// events; only the revert data differs (custom errors, but `getRoundData`'s "No data present").
/// @dev Own implementation for Solidity 0.8.30, packed for the submission path (see `FluxAggregatorBase`).
contract FluxAggregator is FluxAggregatorOracles, FluxAggregatorRounds {
    /// @notice Chainlink's FluxAggregator's version, which this one's ABI and behaviour are.
    /// @dev A public constant, so that its getter is `view` as Chainlink's is, and the ABIs match to the mutability.
    // solhint-disable-next-line const-name-snakecase
    uint256 public constant version = 3;

    /// @param _link the token payments are made in
    /// @param _paymentAmount the payment for each submission
    /// @param _timeout seconds after which a round may be superseded; at most the current block timestamp
    /// @param _validator where answers are reported (zero: nowhere)
    /// @param _minSubmissionValue the least submission accepted
    /// @param _maxSubmissionValue the largest submission accepted
    /// @param _decimals how many decimals the answers have
    /// @param _description what the feed reports, e.g. "ETH / USD"
    constructor(
        address _link,
        uint128 _paymentAmount,
        uint32 _timeout,
        address _validator,
        int256 _minSubmissionValue,
        int256 _maxSubmissionValue,
        uint8 _decimals,
        string memory _description
    ) FluxAggregatorBase(_link, _minSubmissionValue, _maxSubmissionValue, _decimals) {
        _updateFutureRounds(_paymentAmount, 0, 0, 0, _timeout);
        _setValidator(_validator);
        _feedDescription = _description;
        // round 0 counts as answered `_timeout` ago, so that round 1 can start at once (and the timeout is checked)
        _rounds[0].updatedAt = uint64(block.timestamp - _timeout);
    }

    // ------------------------------------------------------------------ oracles

    /// @inheritdoc IFluxAggregator
    function submit(uint256 _roundId, int256 _submission) external {
        uint32 roundId = uint32(_roundId); // Chainlink's cast: only the low 32 bits count
        Head memory head = _loadHead();
        OracleReport memory report = _loadReport(msg.sender);
        _admit(head, report.lastReportedRound, roundId, _submission);
        (uint128 payment, bool answered, int256 answer) = _collect(head, roundId, _submission);
        _storeHead(head);

        report.lastReportedRound = roundId;
        uint256 latest = CompactInt.pack(_submission, ANSWER_BITS);
        if (latest == 0) _oracles[msg.sender].wideLatestSubmission = _submission;
        report.latestSubmission = uint96(latest);
        report.withdrawable += payment;
        _storeReport(msg.sender, report);
        Funds memory funds = _loadFunds();
        if (funds.available < payment) revert FluxAggregatorInsufficientAvailableFunds(funds.available, payment);
        unchecked {
            funds.available -= payment; // checked above
        }
        funds.allocated += payment;
        _storeFunds(funds);
        emit AvailableFundsUpdated(funds.available);

        if (answered) _reportToValidator(roundId, answer);
    }

    /// @inheritdoc IFluxAggregator
    function oracleRoundState(
        address _oracle,
        uint32 _queriedRoundId
    )
        external
        view
        returns (
            bool _eligibleToSubmit,
            uint32 _roundId,
            int256 _latestSubmission,
            uint64 _startedAt,
            uint64 _timeout,
            uint128 _availableFunds,
            uint8 _oracleCount,
            uint128 _paymentAmount
        )
    {
        // solhint-disable-next-line avoid-tx-origin
        if (msg.sender != tx.origin) revert FluxAggregatorOffChainReadingOnly(msg.sender, tx.origin);
        RoundState memory state =
            _queriedRoundId > 0 ? _queriedRoundState(_oracle, _queriedRoundId) : _suggestedRoundState(_oracle);
        return (
            state.eligible,
            state.roundId,
            _latestSubmissionOf(_oracle),
            state.startedAt,
            state.timeout,
            _funds.available,
            oracleCount(),
            state.paymentAmount
        );
    }

    // ------------------------------------------------------------------ requesters

    /// @inheritdoc IFluxAggregator
    function requestNewRound() external returns (uint80) {
        Requester memory requester = _requesters[msg.sender];
        if (!requester.authorized) revert FluxAggregatorNotAuthorizedRequester(msg.sender);
        Head memory head = _loadHead();
        uint32 current = head.reportingRoundId;
        Round storage round = _rounds[current];
        if (round.updatedAt == 0 && !_timedOut(round.startedAt, head.timeout)) {
            revert FluxAggregatorRoundNotSupersedable(current);
        }
        uint32 roundId = current + 1;
        uint32 lastStarted = requester.lastStartedRound;
        if (lastStarted != 0 && uint256(roundId) <= uint256(lastStarted) + requester.delay) {
            revert FluxAggregatorRequestTooSoon(msg.sender, roundId, lastStarted, requester.delay);
        }
        _startRound(head, roundId);
        _storeHead(head);
        _requesters[msg.sender].lastStartedRound = roundId;
        return roundId;
    }

    /// @inheritdoc IFluxAggregator
    function setRequesterPermissions(address _requester, bool _authorized, uint32 _delay) external onlyOwner {
        Requester storage requester = _requesters[_requester];
        if (requester.authorized == _authorized) return;
        if (_authorized) {
            requester.authorized = true;
            requester.delay = _delay;
        } else {
            delete _requesters[_requester];
        }
        emit RequesterPermissionsSet(_requester, _authorized, _delay);
    }

    // ------------------------------------------------------------------ owner

    /// @inheritdoc IFluxAggregator
    function updateFutureRounds(
        uint128 _paymentAmount,
        uint32 _minSubmissions,
        uint32 _maxSubmissions,
        uint32 _restartDelay,
        uint32 _timeout
    ) external onlyOwner {
        _updateFutureRounds(_paymentAmount, _minSubmissions, _maxSubmissions, _restartDelay, _timeout);
    }

    /// @inheritdoc IFluxAggregator
    function setValidator(address _newValidator) external onlyOwner {
        _setValidator(_newValidator);
    }

    /// @inheritdoc IFluxAggregator
    function withdrawFunds(address _recipient, uint256 _amount) external onlyOwner {
        uint256 available = _funds.available;
        uint256 reserve = _requiredReserve(_futureRounds.paymentAmount);
        if (available < reserve || available - reserve < _amount) {
            revert FluxAggregatorInsufficientReserveFunds(available, reserve, _amount);
        }
        if (!IERC20(linkToken).transfer(_recipient, _amount)) {
            revert FluxAggregatorTokenTransferFailed(_recipient, _amount);
        }
        _updateAvailableFunds();
    }

    // ------------------------------------------------------------------ funds

    /// @inheritdoc IFluxAggregator
    function updateAvailableFunds() external {
        _updateAvailableFunds();
    }

    /// @inheritdoc IFluxAggregator
    function onTokenTransfer(address, uint256, bytes calldata _data) external {
        if (_data.length != 0) revert FluxAggregatorUnexpectedTransferData(_data.length);
        _updateAvailableFunds();
    }

    /// @inheritdoc IFluxAggregator
    function availableFunds() external view returns (uint128) {
        return _funds.available;
    }

    /// @inheritdoc IFluxAggregator
    function allocatedFunds() external view returns (uint128) {
        return _funds.allocated;
    }

    // ------------------------------------------------------------------ configuration getters

    /// @inheritdoc IFluxAggregator
    function validator() external view returns (AggregatorValidatorInterface) {
        return _validator;
    }

    /// @inheritdoc IFluxAggregator
    function paymentAmount() external view returns (uint128) {
        return _futureRounds.paymentAmount;
    }

    /// @inheritdoc IFluxAggregator
    function maxSubmissionCount() external view returns (uint32) {
        return _futureRounds.maxSubmissionCount;
    }

    /// @inheritdoc IFluxAggregator
    function minSubmissionCount() external view returns (uint32) {
        return _futureRounds.minSubmissionCount;
    }

    /// @inheritdoc IFluxAggregator
    function restartDelay() external view returns (uint32) {
        return _futureRounds.restartDelay;
    }

    /// @inheritdoc IFluxAggregator
    function timeout() external view returns (uint32) {
        return _futureRounds.timeout;
    }

    /// @inheritdoc AggregatorV3Interface
    function description() external view returns (string memory) {
        return _feedDescription;
    }

    // ------------------------------------------------------------------ internals

    /// @dev What `oracleRoundState` reports of one round for one oracle.
    struct RoundState {
        bool eligible;
        uint32 roundId;
        uint64 startedAt;
        uint64 timeout;
        uint128 paymentAmount;
    }

    /// @dev `oracleRoundState` of a round asked for: whether `oracle` may submit to it now.
    function _queriedRoundState(address oracle, uint32 roundId) private view returns (RoundState memory state) {
        Head memory head = _loadHead();
        OracleEnrollment memory enrollment = _oracles[oracle].enrollment;
        Details memory details = _detailsOf(roundId, head);
        state.roundId = roundId;
        state.startedAt = _rounds[roundId].startedAt;
        state.timeout = details.timeout;
        bool open = state.startedAt > 0 ? details.maxSubmissions != 0 : _delayed(enrollment.lastStartedRound, roundId);
        state.eligible =
            open && _refusal(enrollment, _oracles[oracle].report.lastReportedRound, roundId, head) == Refusal.None;
        state.paymentAmount = state.startedAt > 0 ? details.paymentAmount : _futureRounds.paymentAmount;
    }

    /// @dev `oracleRoundState` without a round: the reporting round while it takes `oracle`'s submission, else the
    /// next one (an oracle is steered to the open round rather than to starting another).
    function _suggestedRoundState(address oracle) private view returns (RoundState memory state) {
        Head memory head = _loadHead();
        OracleEnrollment memory enrollment = _oracles[oracle].enrollment;
        uint32 lastReported = _oracles[oracle].report.lastReportedRound;
        uint32 reporting = head.reportingRoundId;
        bool shouldSupersede = lastReported == reporting || head.maxSubmissions == 0;
        if (_supersedable(reporting, head) && shouldSupersede) {
            state.roundId = reporting + 1;
            state.paymentAmount = _futureRounds.paymentAmount;
            state.eligible = _delayed(enrollment.lastStartedRound, state.roundId);
        } else {
            state.roundId = reporting;
            state.paymentAmount = head.paymentAmount;
            state.eligible = head.maxSubmissions != 0;
        }
        if (_refusal(enrollment, lastReported, state.roundId, head) != Refusal.None) state.eligible = false;
        state.startedAt = _rounds[state.roundId].startedAt;
        state.timeout = _detailsOf(state.roundId, head).timeout;
    }

    /// @dev Refuses a submission Chainlink's refuses, in its order, and starts `roundId` in `head` if it is the next
    /// round and the caller may start it.
    function _admit(Head memory head, uint32 lastReportedRound, uint32 roundId, int256 submission) private {
        OracleEnrollment memory enrollment = _oracles[msg.sender].enrollment;
        // worked out before the value checks, as Chainlink's is, so that it reverts where Chainlink's does
        Refusal refusal = _refusal(enrollment, lastReportedRound, roundId, head);
        if (submission < minSubmissionValue) revert FluxAggregatorSubmissionBelowMin(submission, minSubmissionValue);
        if (submission > maxSubmissionValue) revert FluxAggregatorSubmissionAboveMax(submission, maxSubmissionValue);
        if (refusal != Refusal.None) _revertRefusal(refusal, roundId, enrollment, lastReportedRound, head);
        if (roundId != head.reportingRoundId + 1) return;
        uint32 lastStarted = enrollment.lastStartedRound;
        if (lastStarted != 0 && uint256(roundId) <= uint256(lastStarted) + _futureRounds.restartDelay) return;
        _startRound(head, roundId);
        _oracles[msg.sender].enrollment.lastStartedRound = roundId;
    }

    /// @dev Adds `submission` to `roundId`'s, answers the round once it has its minimum, and closes it once full.
    /// @return payment what the submission earns
    /// @return answered whether the round got a (new) answer
    /// @return answer the answer
    function _collect(
        Head memory head,
        uint32 roundId,
        int256 submission
    ) private returns (uint128 payment, bool answered, int256 answer) {
        Details memory details = _detailsOf(roundId, head);
        if (details.maxSubmissions == 0) revert FluxAggregatorRoundNotAcceptingSubmissions(roundId);
        uint256 position = details.submissionCount;
        _storeSubmission(roundId & 1, position, submission);
        emit SubmissionReceived(submission, roundId, msg.sender);
        uint256 count = position + 1;
        answered = count >= details.minSubmissions;
        if (answered) {
            answer = _median(roundId & 1, count);
            _recordAnswer(roundId, answer);
            head.latestRoundId = roundId;
        }
        payment = details.paymentAmount;

        // a full round takes no more submissions: its details go, as Chainlink deletes them
        bool full = count >= details.maxSubmissions;
        if (roundId == head.reportingRoundId) {
            if (full) _clearDetails(head);
            else head.submissionCount = uint8(count); // < maxSubmissions
        } else if (full) {
            delete _details[roundId];
        } else {
            _details[roundId].submissionCount = uint8(count);
        }
    }

    function _setValidator(address newValidator) private {
        address previous = address(_validator);
        if (previous == newValidator) return;
        _validator = AggregatorValidatorInterface(newValidator);
        emit ValidatorUpdated(previous, newValidator);
    }

    /// @dev Reverts with the custom error for `refusal`.
    function _revertRefusal(
        Refusal refusal,
        uint32 roundId,
        OracleEnrollment memory enrollment,
        uint32 lastReportedRound,
        Head memory head
    ) private view {
        if (refusal == Refusal.NotEnabled) revert FluxAggregatorOracleNotEnabled(msg.sender);
        if (refusal == Refusal.NotYetEnabled) {
            revert FluxAggregatorOracleNotYetEnabled(msg.sender, roundId, enrollment.startingRound);
        }
        if (refusal == Refusal.NoLongerAllowed) {
            revert FluxAggregatorOracleNoLongerAllowed(msg.sender, roundId, enrollment.endingRound);
        }
        if (refusal == Refusal.AlreadyReported) {
            revert FluxAggregatorRoundAlreadyReported(msg.sender, roundId, lastReportedRound);
        }
        if (refusal == Refusal.InvalidRound) revert FluxAggregatorInvalidRound(roundId, head.reportingRoundId);
        revert FluxAggregatorPreviousRoundNotSupersedable(roundId);
    }
}
