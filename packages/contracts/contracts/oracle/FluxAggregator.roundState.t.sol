// SPDX-License-Identifier: MIT
pragma solidity 0.8.30;

import {FluxAggregatorFixture} from "../testing/FluxAggregatorFixture.sol";
import {vm} from "../testing/Vm.sol";
import {IFluxAggregator} from "./interfaces/IFluxAggregator.sol";

/// @title Tests of `oracleRoundState`, what a Chainlink node asks before every submission: the round it suggests and
/// whether the oracle may submit to it, for eligible and non-eligible oracles, and for a round asked by number.
contract FluxAggregatorRoundStateTest is FluxAggregatorFixture {
    function setUp() public override {
        super.setUp();
        _addOracles(3, 2, 3, 1);
    }

    function test_oracleRoundStateAnswersOnlyOffChainCallers() public {
        // solhint-disable-next-line avoid-tx-origin
        address origin = tx.origin;
        vm.expectRevert(
            abi.encodeWithSelector(IFluxAggregator.FluxAggregatorOffChainReadingOnly.selector, address(this), origin)
        );
        aggregator.oracleRoundState(_oracle(0), 0);
    }

    function test_beforeAnyRoundEveryOraclePointsAtRoundOne() public {
        _expectState(_oracle(0), 0, true, 1, 0, 0, 0, FUNDING, PAYMENT);
        _expectState(stranger, 0, false, 1, 0, 0, 0, FUNDING, PAYMENT);
    }

    function test_anOracleIsPointedAtTheOpenRoundUntilItReports() public {
        _submit(0, 1, 100);
        uint256 available = FUNDING - PAYMENT;
        _expectState(_oracle(1), 0, true, 1, 0, START, TIMEOUT, available, PAYMENT);
        // oracle 0 reported, and round 1 has no answer to be superseded: it is pointed at it, not eligible
        _expectState(_oracle(0), 0, false, 1, 100, START, TIMEOUT, available, PAYMENT);
        _expectState(stranger, 0, false, 1, 0, START, TIMEOUT, available, PAYMENT);
    }

    function test_onceAnsweredReportersArePointedAtTheNextRound() public {
        _submit(0, 1, 100);
        vm.prank(owner);
        aggregator.updateFutureRounds(2 * PAYMENT, 2, 3, 1, 2 hours); // for round 2 on
        _submit(1, 1, 200);
        uint256 available = FUNDING - 2 * PAYMENT;
        // oracle 1 may start round 2 (with the new payment); oracle 0 started round 1 and waits a round
        _expectState(_oracle(1), 0, true, 2, 200, 0, 0, available, 2 * PAYMENT);
        _expectState(_oracle(0), 0, false, 2, 100, 0, 0, available, 2 * PAYMENT);
        // oracle 2 has yet to report: pointed at the open round 1
        _expectState(_oracle(2), 0, true, 1, 0, START, TIMEOUT, available, PAYMENT);
        _submit(2, 1, 300);
        // round 1 is full: everyone is pointed at round 2
        _expectState(_oracle(2), 0, true, 2, 300, 0, 0, available - PAYMENT, 2 * PAYMENT);
    }

    function test_aTimedOutRoundPointsReportersAtTheNextRound() public {
        _submit(0, 1, 100);
        vm.warp(START + TIMEOUT + 1);
        _expectState(_oracle(1), 0, true, 1, 0, START, TIMEOUT, FUNDING - PAYMENT, PAYMENT);
        // oracle 0 reported; it started round 1 and waits: not eligible for round 2, as oracle 2 would be
        _expectState(_oracle(0), 0, false, 2, 100, 0, 0, FUNDING - PAYMENT, PAYMENT);
    }

    function test_aRoundAskedForByNumber() public {
        _submit(0, 1, 100);
        uint256 available = FUNDING - PAYMENT;
        _expectState(_oracle(1), 1, true, 1, 0, START, TIMEOUT, available, PAYMENT);
        _expectState(_oracle(0), 1, false, 1, 100, START, TIMEOUT, available, PAYMENT);
        // round 2 cannot start before round 1 has an answer
        _expectState(_oracle(1), 2, false, 2, 0, 0, 0, available, PAYMENT);
        _submit(1, 1, 200);
        available -= PAYMENT;
        _expectState(_oracle(1), 2, true, 2, 200, 0, 0, available, PAYMENT);
        _expectState(_oracle(0), 2, false, 2, 100, 0, 0, available, PAYMENT); // restart delay
        _expectState(_oracle(1), 3, false, 3, 200, 0, 0, available, PAYMENT); // too far ahead
        _expectState(stranger, 2, false, 2, 0, 0, 0, available, PAYMENT);
    }

    /// @dev Chainlink's uint32 arithmetic, kept: asking an enabled oracle about the last round id overflows.
    function test_askingAboutTheLastRoundIdRevertsAsChainlinksDoes() public {
        vm.expectRevert(abi.encodeWithSignature("Panic(uint256)", 0x11));
        _roundState(_oracle(0), type(uint32).max);
        _expectState(stranger, type(uint32).max, false, type(uint32).max, 0, 0, 0, FUNDING, PAYMENT);
    }

    struct State {
        bool eligible;
        uint32 roundId;
        int256 latestSubmission;
        uint256 startedAt;
        uint256 timeout;
        uint256 available;
        uint256 payment;
    }

    function _expectState(
        address oracle,
        uint32 queried,
        bool eligible,
        uint32 roundId,
        int256 latestSubmission,
        uint256 startedAt,
        uint256 roundTimeout,
        uint256 available,
        uint256 payment
    ) internal {
        _check(
            _read(oracle, queried),
            State(eligible, roundId, latestSubmission, startedAt, roundTimeout, available, payment)
        );
    }

    function _read(address oracle, uint32 queried) internal returns (State memory state) {
        uint8 count;
        (
            state.eligible,
            state.roundId,
            state.latestSubmission,
            state.startedAt,
            state.timeout,
            state.available,
            count,
            state.payment
        ) = _roundState(oracle, queried);
        assertEq(count, 3, "oracleCount");
    }

    function _check(State memory actual, State memory expected) internal pure {
        assertEq(actual.eligible, expected.eligible, "eligible");
        assertEq(actual.roundId, expected.roundId, "roundId");
        assertEq(uint256(actual.latestSubmission), uint256(expected.latestSubmission), "latestSubmission");
        assertEq(actual.startedAt, expected.startedAt, "startedAt");
        assertEq(actual.timeout, expected.timeout, "timeout");
        assertEq(actual.available, expected.available, "availableFunds");
        assertEq(actual.payment, expected.payment, "paymentAmount");
    }
}
