// SPDX-License-Identifier: MIT
pragma solidity 0.8.30;

import {AggregatorV2V3Interface} from "./AggregatorV2V3Interface.sol";
import {AggregatorValidatorInterface} from "./AggregatorValidatorInterface.sol";
import {IFluxAggregatorOwnable} from "./IFluxAggregatorOwnable.sol";

/// @title IFluxAggregator: Chainlink's FluxAggregator (v0.6, version 3), function for function and event for event,
/// so that Chainlink nodes and consumers work with ours unchanged.
/// @notice Oracles submit answers in numbered rounds; a round's answer is the median of its submissions once it has
/// `minSubmissionCount` of them, and it takes at most `maxSubmissionCount`. An oracle starts the next round by
/// submitting to it, unless it started one of the last `restartDelay` rounds; a round that got no answer within its
/// timeout may be superseded, and then carries the previous round's answer (so does, as in Chainlink's, a round
/// answered below its maximum when the next one starts after its timeout). Each submission credits the oracle with
/// the round's payment, which its admin withdraws; the owner must leave funds for 2 rounds of every oracle.
/// @dev Names of parameters and results are Chainlink's, leading underscores included, so that bindings generated from
/// either ABI (ethers' named results, abigen's structs) read the other. Refusals are custom errors, but for
/// `getRoundData` and `latestRoundData`, whose "No data present" is part of `AggregatorV3Interface`.
interface IFluxAggregator is AggregatorV2V3Interface, IFluxAggregatorOwnable {
    // ---- events ----

    /// @notice The funds free for future payments are now `amount`.
    event AvailableFundsUpdated(uint256 indexed amount);
    /// @notice The parameters rounds started from now on take.
    event RoundDetailsUpdated(
        uint128 indexed paymentAmount,
        uint32 indexed minSubmissionCount,
        uint32 indexed maxSubmissionCount,
        uint32 restartDelay,
        uint32 timeout
    );
    /// @notice `oracle` was added (`whitelisted`) or removed.
    event OraclePermissionsUpdated(address indexed oracle, bool indexed whitelisted);
    /// @notice `newAdmin` administers `oracle`'s payments from now on.
    event OracleAdminUpdated(address indexed oracle, address indexed newAdmin);
    /// @notice `oracle`'s admin proposed `newAdmin` to take its place.
    event OracleAdminUpdateRequested(address indexed oracle, address admin, address newAdmin);
    /// @notice `oracle` submitted `submission` to `round`.
    event SubmissionReceived(int256 indexed submission, uint32 indexed round, address indexed oracle);
    /// @notice `requester` may (`authorized`) or may no longer start rounds, at most one in every `delay` + 1.
    event RequesterPermissionsSet(address indexed requester, bool authorized, uint32 delay);
    /// @notice Answers are reported to `current` from now on, instead of `previous` (zero: none).
    event ValidatorUpdated(address indexed previous, address indexed current);

    // ---- errors: each refusal, with what the caller needs to understand it ----

    error FluxAggregatorSubmissionBelowMin(int256 submission, int256 minSubmissionValue);
    error FluxAggregatorSubmissionAboveMax(int256 submission, int256 maxSubmissionValue);
    error FluxAggregatorOracleNotEnabled(address oracle);
    error FluxAggregatorOracleNotYetEnabled(address oracle, uint32 roundId, uint32 startingRound);
    error FluxAggregatorOracleNoLongerAllowed(address oracle, uint32 roundId, uint32 endingRound);
    /// @notice `oracle` already reported to `lastReportedRound`, which is not before `roundId`.
    error FluxAggregatorRoundAlreadyReported(address oracle, uint32 roundId, uint32 lastReportedRound);
    /// @notice Submissions go to the reporting round, the next one, or the previous one while the reporting round has
    /// no answer.
    error FluxAggregatorInvalidRound(uint32 roundId, uint32 reportingRoundId);
    /// @notice The round before `roundId` has neither an answer nor timed out, so `roundId` cannot start.
    error FluxAggregatorPreviousRoundNotSupersedable(uint32 roundId);
    /// @notice `roundId` did not start, or has all its submissions, or timed out and was superseded.
    error FluxAggregatorRoundNotAcceptingSubmissions(uint32 roundId);
    error FluxAggregatorInsufficientAvailableFunds(uint256 available, uint256 payment);
    error FluxAggregatorOracleCountMismatch(uint256 oracles, uint256 admins);
    error FluxAggregatorTooManyOracles(uint256 oracleCount, uint256 maxOracleCount);
    error FluxAggregatorOracleAlreadyEnabled(address oracle);
    error FluxAggregatorZeroAdmin(address oracle);
    /// @notice `oracle` keeps the admin it had when it was last enabled; only that admin can hand it over.
    error FluxAggregatorAdminOverwrite(address oracle, address admin, address newAdmin);
    error FluxAggregatorNotAdmin(address oracle, address caller);
    error FluxAggregatorNotPendingAdmin(address oracle, address caller);
    error FluxAggregatorMaxBelowMin(uint32 minSubmissions, uint32 maxSubmissions);
    error FluxAggregatorMaxAboveOracleCount(uint32 maxSubmissions, uint256 oracleCount);
    error FluxAggregatorRestartDelayTooLong(uint32 restartDelay, uint256 oracleCount);
    /// @notice The funds available do not cover RESERVE_ROUNDS (2) rounds of every oracle at the payment asked.
    error FluxAggregatorReserveNotCovered(uint256 available, uint256 reserve);
    error FluxAggregatorZeroMinSubmissions();
    error FluxAggregatorInsufficientWithdrawable(address oracle, uint256 withdrawable, uint256 amount);
    /// @notice Only what is available beyond the reserve can be withdrawn.
    error FluxAggregatorInsufficientReserveFunds(uint256 available, uint256 reserve, uint256 amount);
    error FluxAggregatorTokenTransferFailed(address recipient, uint256 amount);
    /// @notice The token balance fell below what oracles are owed (a token that takes from its holders).
    error FluxAggregatorBalanceBelowAllocated(uint256 balance, uint256 allocated);
    error FluxAggregatorUnexpectedTransferData(uint256 length);
    error FluxAggregatorNotAuthorizedRequester(address requester);
    /// @notice The reporting round has neither an answer nor timed out, so no requester can start the next one.
    error FluxAggregatorRoundNotSupersedable(uint32 roundId);
    error FluxAggregatorRequestTooSoon(address requester, uint32 roundId, uint32 lastStartedRound, uint32 delay);
    error FluxAggregatorOffChainReadingOnly(address caller, address origin);
    /// @notice The validator has no code: like Chainlink's, the aggregator then refuses to report an answer.
    error FluxAggregatorValidatorNotContract(address validator);
    /// @notice The validator answered with less than a word: like Chainlink's, the aggregator then refuses to report.
    error FluxAggregatorValidatorAnswerTooShort(address validator, uint256 size);

    // ---- oracles ----

    /// @notice Records `_submission` as the calling oracle's answer to round `_roundId` (its low 32 bits), starting
    /// that round if it is the next one, credits the oracle with the round's payment, and updates the round's answer
    /// (the median of its submissions) once it has `minSubmissionCount` of them. A new answer goes to the validator,
    /// whose refusal or failure is ignored.
    /// @dev Requirements: `minSubmissionValue` <= `_submission` <= `maxSubmissionValue`; the caller is an oracle
    /// enabled for the round and has not reported to it or a later one; the round is the reporting round, the next one
    /// (when the reporting round has an answer or timed out), or the previous one (when the reporting round has no
    /// answer yet); the round accepts submissions (so a next round must be one the caller may start: it started none of
    /// the last `restartDelay` rounds); the funds available cover the payment.
    function submit(uint256 _roundId, int256 _submission) external;

    /// @notice Everything an oracle needs to decide whether and where to submit. Without a round (`_queriedRoundId`
    /// 0) it suggests one: the reporting round while it accepts the oracle's submission, otherwise the next round.
    /// @dev Requirements: called off-chain (`msg.sender == tx.origin`).
    /// @return _eligibleToSubmit whether `_oracle` may submit to `_roundId` now
    /// @return _roundId the round described
    /// @return _latestSubmission `_oracle`'s latest submission to any round
    /// @return _startedAt when the round started (0: not started)
    /// @return _timeout the round's timeout (0 once it has all its submissions or timed out)
    /// @return _availableFunds the funds free for future payments
    /// @return _oracleCount the number of enabled oracles
    /// @return _paymentAmount the payment for a submission to the round
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
        );

    /// @notice What `_oracle`'s admin can withdraw.
    function withdrawablePayment(address _oracle) external view returns (uint256);

    /// @notice Pays `_amount` (its low 128 bits) of `_oracle`'s withdrawable payments to `_recipient`.
    /// @dev Requirements: the caller is `_oracle`'s admin; `_amount` <= `withdrawablePayment(_oracle)`; the token
    /// transfer succeeds.
    function withdrawPayment(address _oracle, address _recipient, uint256 _amount) external;

    /// @notice `_oracle`'s admin: the only account that can withdraw its payments.
    function getAdmin(address _oracle) external view returns (address);

    /// @notice Proposes `_newAdmin` as `_oracle`'s admin, in place of the caller once it accepts.
    /// @dev Requirements: the caller is `_oracle`'s admin.
    function transferAdmin(address _oracle, address _newAdmin) external;

    /// @notice Makes the caller `_oracle`'s admin.
    /// @dev Requirements: the caller is the admin proposed for `_oracle`.
    function acceptAdmin(address _oracle) external;

    /// @notice The enabled oracles; the order changes as oracles are removed.
    function getOracles() external view returns (address[] memory);

    /// @notice The number of enabled oracles (at most 77).
    function oracleCount() external view returns (uint8);

    // ---- owner ----

    /// @notice Removes `_removed`, then adds `_added` with their `_addedAdmins`, then sets the submission counts and
    /// restart delay of future rounds (`updateFutureRounds` with the current payment and timeout). A removed oracle may
    /// still submit to the reporting round and the next; an added one from the round after the reporting round, or
    /// from the reporting round if it was removed in it.
    /// @dev Requirements: the caller is the owner; every removed oracle is enabled; `_added` and `_addedAdmins` have
    /// the same length; at most 77 oracles remain enabled; every added oracle is not enabled, its admin is not zero and
    /// is the admin it had before, if any; then `updateFutureRounds`' requirements.
    function changeOracles(
        address[] calldata _removed,
        address[] calldata _added,
        address[] calldata _addedAdmins,
        uint32 _minSubmissions,
        uint32 _maxSubmissions,
        uint32 _restartDelay
    ) external;

    /// @notice Sets the payment, submission counts, restart delay and timeout of rounds started from now on.
    /// @dev Requirements: the caller is the owner; `_minSubmissions` <= `_maxSubmissions` <= `oracleCount()`;
    /// `_minSubmissions` > 0 if there are oracles; `_restartDelay` < `oracleCount()` if there are oracles; the funds
    /// available cover RESERVE_ROUNDS (2) rounds of every oracle at `_paymentAmount`.
    function updateFutureRounds(
        uint128 _paymentAmount,
        uint32 _minSubmissions,
        uint32 _maxSubmissions,
        uint32 _restartDelay,
        uint32 _timeout
    ) external;

    /// @notice Lets `_requester` start rounds (when the reporting round has an answer or timed out), at most one in
    /// every `_delay` + 1, or takes that away. Does nothing, and keeps the delay, if `_requester` is already as asked.
    /// @dev Requirements: the caller is the owner.
    function setRequesterPermissions(address _requester, bool _authorized, uint32 _delay) external;

    /// @notice Reports answers to `_newValidator` from now on (zero: to none).
    /// @dev Requirements: the caller is the owner.
    function setValidator(address _newValidator) external;

    /// @notice Sends `_amount` of the funds not reserved for oracles to `_recipient`.
    /// @dev Requirements: the caller is the owner; `_amount` <= `availableFunds()` less the reserve of
    /// RESERVE_ROUNDS (2) rounds of every oracle at the current payment; the token transfer succeeds.
    function withdrawFunds(address _recipient, uint256 _amount) external;

    // ---- requesters ----

    /// @notice Starts the round after the reporting round, for oracles to submit to.
    /// @dev Requirements: the caller is an authorized requester; the reporting round has an answer or timed out; the
    /// caller started none of the last `delay` rounds.
    /// @return the round started
    function requestNewRound() external returns (uint80);

    // ---- funds ----

    /// @notice Takes the token balance beyond what oracles are owed as available for payments.
    /// @dev Requirements: the balance covers what oracles are owed.
    function updateAvailableFunds() external;

    /// @notice ERC-677 entry: `transferAndCall` funds the aggregator and updates its available funds at once. Anyone
    /// may call it; it only does what `updateAvailableFunds` does.
    /// @dev Requirements: `_data` is empty; `updateAvailableFunds`' requirements.
    function onTokenTransfer(address, uint256, bytes calldata _data) external;

    /// @notice The funds free for future payments.
    function availableFunds() external view returns (uint128);

    /// @notice The payments oracles earned and did not withdraw yet.
    function allocatedFunds() external view returns (uint128);

    // ---- configuration getters ----

    /// @notice The token payments are made in (LINK on public networks).
    function linkToken() external view returns (address);

    /// @notice Where new answers are reported; zero: nowhere.
    function validator() external view returns (AggregatorValidatorInterface);

    /// @notice The payment for a submission to rounds started from now on.
    function paymentAmount() external view returns (uint128);

    /// @notice The most submissions rounds started from now on take.
    function maxSubmissionCount() external view returns (uint32);

    /// @notice The submissions rounds started from now on need for an answer.
    function minSubmissionCount() external view returns (uint32);

    /// @notice How many rounds an oracle waits after starting one before it may start another.
    function restartDelay() external view returns (uint32);

    /// @notice Seconds after its start after which a round started from now on times out (0: never): the next round may
    /// then start without its answer, and it takes the previous round's answer unless it had all its submissions.
    function timeout() external view returns (uint32);

    /// @notice The least submission accepted.
    function minSubmissionValue() external view returns (int256);

    /// @notice The largest submission accepted.
    function maxSubmissionValue() external view returns (int256);
}
