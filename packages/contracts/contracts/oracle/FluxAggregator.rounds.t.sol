// SPDX-License-Identifier: MIT
pragma solidity 0.8.30;

import {FluxAggregatorFixture} from "../testing/FluxAggregatorFixture.sol";
import {vm} from "../testing/Vm.sol";
import {vmExtra} from "../testing/VmExtra.sol";
import {FluxAggregator} from "./FluxAggregator.sol";
import {AggregatorInterface} from "./interfaces/AggregatorInterface.sol";
import {IFluxAggregator} from "./interfaces/IFluxAggregator.sol";

/// @title Tests of a round's life: who may start it and submit to it, its answer, its bounds, its timeout, and the
/// answers it leaves behind.
contract FluxAggregatorRoundsTest is FluxAggregatorFixture {
    bytes internal constant NO_DATA = abi.encodeWithSignature("Error(string)", "No data present");

    // ------------------------------------------------------------------ start, answer, full

    function test_theFirstSubmissionStartsRoundOne() public {
        _addOracles(3, 2, 3, 0);
        vm.expectEmit(true, true, true, true, address(aggregator));
        emit AggregatorInterface.NewRound(1, _oracle(0), START);
        vm.expectEmit(true, true, true, true, address(aggregator));
        emit IFluxAggregator.SubmissionReceived(100, 1, _oracle(0));
        vm.expectEmit(true, true, true, true, address(aggregator));
        emit IFluxAggregator.AvailableFundsUpdated(FUNDING - PAYMENT);
        vm.recordLogs();
        _submit(0, 1, 100);
        assertEq(vm.getRecordedLogs().length, 3, "no answer yet");
        assertEq(aggregator.latestRound(), 0, "latestRound");
        vm.expectRevert(NO_DATA);
        aggregator.getRoundData(1);
        assertEq(aggregator.getTimestamp(1), 0, "not updated");
    }

    function test_theRoundIsAnsweredAtMinSubmissionsAndUpdatedUntilMax() public {
        _addOracles(4, 2, 3, 0);
        _submit(0, 1, 100);
        vm.warp(START + 10);
        vm.expectEmit(true, true, true, true, address(aggregator));
        emit IFluxAggregator.SubmissionReceived(200, 1, _oracle(1));
        vm.expectEmit(true, true, true, true, address(aggregator));
        emit AggregatorInterface.AnswerUpdated(150, 1, START + 10);
        vm.expectEmit(true, true, true, true, address(aggregator));
        emit IFluxAggregator.AvailableFundsUpdated(FUNDING - 2 * PAYMENT);
        _submit(1, 1, 200);
        _assertRound(1, 150, START, START + 10, 1);
        assertEq(aggregator.latestRound(), 1, "latestRound");
        assertEq(uint256(aggregator.latestAnswer()), 150, "latestAnswer");
        assertEq(aggregator.latestTimestamp(), START + 10, "latestTimestamp");

        vm.warp(START + 20);
        vm.expectEmit(true, true, true, true, address(aggregator));
        emit AggregatorInterface.AnswerUpdated(200, 1, START + 20);
        _submit(2, 1, 400);
        _assertRound(1, 200, START, START + 20, 1);

        // max reached: the fourth oracle is too late
        vm.expectRevert(abi.encodeWithSelector(IFluxAggregator.FluxAggregatorRoundNotAcceptingSubmissions.selector, 1));
        _submit(3, 1, 300);
    }

    function test_submissionValuesAreBoundedToTheUnit() public {
        _addOracles(4, 1, 4, 0);
        _submit(0, 1, MIN_VALUE);
        _submit(1, 1, MAX_VALUE);
        vm.expectRevert(
            abi.encodeWithSelector(IFluxAggregator.FluxAggregatorSubmissionBelowMin.selector, MIN_VALUE - 1, MIN_VALUE)
        );
        _submit(2, 1, MIN_VALUE - 1);
        vm.expectRevert(
            abi.encodeWithSelector(IFluxAggregator.FluxAggregatorSubmissionAboveMax.selector, MAX_VALUE + 1, MAX_VALUE)
        );
        _submit(3, 1, MAX_VALUE + 1);
        // the value is checked first, even for someone who is not an oracle
        vm.expectRevert(
            abi.encodeWithSelector(IFluxAggregator.FluxAggregatorSubmissionBelowMin.selector, 0, MIN_VALUE)
        );
        vm.prank(stranger);
        aggregator.submit(1, 0);
    }

    function test_onlyEnabledOraclesSubmitOncePerRound() public {
        _addOracles(2, 2, 2, 0);
        vm.expectRevert(abi.encodeWithSelector(IFluxAggregator.FluxAggregatorOracleNotEnabled.selector, stranger));
        vm.prank(stranger);
        aggregator.submit(1, 100);
        _submit(0, 1, 100);
        vm.expectRevert(
            abi.encodeWithSelector(IFluxAggregator.FluxAggregatorRoundAlreadyReported.selector, _oracle(0), 1, 1)
        );
        _submit(0, 1, 100);
        vm.expectRevert(
            abi.encodeWithSelector(IFluxAggregator.FluxAggregatorOracleNotYetEnabled.selector, _oracle(1), 0, 1)
        );
        _submit(1, 0, 100);
    }

    function test_submissionsGoToTheReportingRoundOrTheNext() public {
        _addOracles(3, 1, 3, 0);
        vm.expectRevert(abi.encodeWithSelector(IFluxAggregator.FluxAggregatorInvalidRound.selector, 2, 0));
        _submit(0, 2, 100);
        _submit(0, 1, 100);
        vm.expectRevert(abi.encodeWithSelector(IFluxAggregator.FluxAggregatorInvalidRound.selector, 3, 1));
        _submit(1, 3, 100);
        _submit(1, 2, 100); // round 1 has its answer
        // round 1 is two behind once round 2 has its answer
        vm.expectRevert(abi.encodeWithSelector(IFluxAggregator.FluxAggregatorInvalidRound.selector, 1, 2));
        _submit(2, 1, 100);
    }

    /// @dev Chainlink's cast: only the low 32 bits of the round id count.
    function test_submitTakesTheLow32BitsOfTheRoundId() public {
        _addOracles(1, 1, 1, 0);
        vm.expectEmit(true, true, true, true, address(aggregator));
        emit IFluxAggregator.SubmissionReceived(100, 1, _oracle(0));
        _submit(0, (uint256(7) << 32) | 1, 100);
        _assertRound(1, 100, START, START, 1);
    }

    // ------------------------------------------------------------------ the next round, the restart delay

    function test_theNextRoundWaitsForAnAnswerOrTheTimeout() public {
        _addOracles(3, 2, 3, 0);
        _submit(0, 1, 100);
        vm.expectRevert(abi.encodeWithSelector(IFluxAggregator.FluxAggregatorPreviousRoundNotSupersedable.selector, 2));
        _submit(1, 2, 100);
        vm.warp(START + TIMEOUT);
        vm.expectRevert(abi.encodeWithSelector(IFluxAggregator.FluxAggregatorPreviousRoundNotSupersedable.selector, 2));
        _submit(1, 2, 100);
        vm.warp(START + TIMEOUT + 1); // timed out: strictly after startedAt + timeout
        vm.expectEmit(true, true, true, true, address(aggregator));
        emit AggregatorInterface.NewRound(2, _oracle(1), START + TIMEOUT + 1);
        _submit(1, 2, 100);
    }

    function test_anOracleThatStartedARoundWaitsRestartDelayRoundsToStartAnother() public {
        _addOracles(3, 1, 3, 1);
        _submit(0, 1, 100); // oracle 0 starts round 1, answered at once
        (bool eligible, uint32 suggested) = _eligible(_oracle(0), 0);
        assertTrue(!eligible && suggested == 2, "oracle 0 is pointed at round 2, which it may not start");
        vm.expectRevert(abi.encodeWithSelector(IFluxAggregator.FluxAggregatorRoundNotAcceptingSubmissions.selector, 2));
        _submit(0, 2, 100);
        (eligible, suggested) = _eligible(_oracle(1), 0);
        assertTrue(eligible && suggested == 1, "oracle 1 is pointed at round 1, still open");
        (eligible, ) = _eligible(_oracle(1), 2);
        assertTrue(eligible, "but may start round 2");
        _submit(1, 2, 110);
        _submit(0, 2, 120); // started by another: oracle 0 may submit to it
        _submit(0, 3, 130); // 3 > 1 + restartDelay: it may start again
        _assertRound(3, 130, START, START, 3);
    }

    // ------------------------------------------------------------------ timeouts

    function test_aRoundThatTimedOutCarriesThePreviousAnswer() public {
        _addOracles(3, 2, 3, 0);
        _submitAll(0, 1, _values(100, 200, 300)); // round 1 full: 200
        vm.warp(START + 10);
        _submit(0, 2, 500); // round 2: one of two
        vm.warp(START + 10 + TIMEOUT + 1);
        _submit(1, 3, 600); // supersedes round 2
        _assertRound(2, 200, START + 10, START + 10 + TIMEOUT + 1, 1);
        assertEq(uint256(aggregator.getAnswer(2)), 200, "getAnswer(2)");
        assertEq(aggregator.latestRound(), 1, "latestRound: round 2 was never answered");
        // round 2 takes no more submissions (its details went with the timeout)
        vm.expectRevert(abi.encodeWithSelector(IFluxAggregator.FluxAggregatorRoundNotAcceptingSubmissions.selector, 2));
        _submit(2, 2, 100);
        _submit(2, 3, 700);
        _assertRound(3, 650, START + 10 + TIMEOUT + 1, START + 10 + TIMEOUT + 1, 3);
    }

    /// @dev Chainlink's rule, kept: a round answered below its maximum that times out before the next round starts
    /// takes the previous round's answer in place of its own, here round 0's, which is none.
    function test_anAnsweredRoundBelowItsMaximumIsOverwrittenWhenItTimesOut() public {
        _addOracles(3, 2, 3, 0);
        _submitAll(0, 1, _values(100, 200, 300));
        _submit(0, 2, 400);
        _submit(1, 2, 500); // round 2 answered with 450, one submission short of full
        _assertRound(2, 450, START, START, 2);
        vm.warp(START + TIMEOUT + 1);
        _submit(2, 3, 600);
        _assertRound(2, 200, START, START + TIMEOUT + 1, 1);
        assertEq(aggregator.latestRound(), 2, "latestRound still 2");
        (, int256 answer, , , uint80 answeredInRound) = aggregator.latestRoundData();
        assertEq(uint256(answer), 200, "latestRoundData: round 1's answer");
        assertEq(answeredInRound, 1, "answered in round 1");

        // and a round 1 that times out carries round 0's nothing: it has no data any more
        FluxAggregator other = _deploy(PAYMENT, TIMEOUT, address(0), MIN_VALUE, MAX_VALUE);
        token.transfer(address(other), FUNDING);
        other.updateAvailableFunds();
        vm.prank(owner);
        other.changeOracles(new address[](0), _oracles(0, 3), _admins(0, 3), 2, 3, 0);
        vm.prank(_oracle(0));
        other.submit(1, 100);
        vm.prank(_oracle(1));
        other.submit(1, 200);
        vm.warp(block.timestamp + TIMEOUT + 1);
        vm.prank(_oracle(2));
        other.submit(2, 300);
        vm.expectRevert(NO_DATA);
        other.latestRoundData();
        assertEq(uint256(other.latestAnswer()), 0, "latestAnswer: none");
    }

    function test_aFullRoundDoesNotTimeOut() public {
        _addOracles(2, 1, 2, 0);
        _submitAll(0, 1, _pair(100, 300));
        vm.warp(START + TIMEOUT + 1);
        _submit(0, 2, 500);
        _assertRound(1, 200, START, START, 1);
    }

    function test_aZeroTimeoutNeverTimesOut() public {
        vm.prank(owner);
        aggregator.updateFutureRounds(PAYMENT, 0, 0, 0, 0);
        _addOracles(3, 2, 3, 0);
        _submit(0, 1, 100);
        vm.warp(START + 365 days);
        vm.expectRevert(abi.encodeWithSelector(IFluxAggregator.FluxAggregatorPreviousRoundNotSupersedable.selector, 2));
        _submit(1, 2, 100);
    }

    // ------------------------------------------------------------------ late submissions

    function test_thePreviousRoundTakesLateSubmissionsWhileTheReportingOneHasNoAnswer() public {
        _addOracles(3, 2, 3, 0);
        _submitAll(0, 1, _pair(100, 200)); // round 1: 150
        _submit(0, 2, 400); // round 2 starts, no answer
        vm.warp(START + 5);
        vm.expectEmit(true, true, true, true, address(aggregator));
        emit AggregatorInterface.AnswerUpdated(200, 1, START + 5);
        _submit(2, 1, 600);
        _assertRound(1, 200, START, START + 5, 1);
        assertEq(aggregator.withdrawablePayment(_oracle(2)), PAYMENT, "paid for the late submission");
        _submit(1, 2, 500); // round 2 answered: round 1 is closed to oracle 2 anyway (it reported)
        _assertRound(2, 450, START, START + 5, 2);
    }

    function test_thePreviousRoundClosesOnceTheReportingOneHasAnAnswer() public {
        _addOracles(4, 2, 4, 0);
        _submitAll(0, 1, _pair(100, 200));
        _submitAll(0, 2, _pair(300, 400));
        vm.expectRevert(abi.encodeWithSelector(IFluxAggregator.FluxAggregatorInvalidRound.selector, 1, 2));
        _submit(2, 1, 100);
    }

    /// @dev Round 1 gets its late submissions after round 2 started and after round 3 started (when round 1 is out
    /// of reach): its details outlive the rounds after it, and `oracleRoundState` still reports them.
    function test_anOpenRoundKeepsItsDetailsAfterTheNextStarts() public {
        _addOracles(4, 2, 4, 0);
        _submitAll(0, 1, _pair(100, 200));
        _submit(0, 2, 300);
        _submit(2, 1, 300); // late, three of four
        _submit(1, 2, 300); // round 2 answered
        _submit(2, 3, 300); // round 3 starts; round 1 is out of reach with three of four
        (, uint32 roundId, , uint64 startedAt, uint64 roundTimeout, , , uint128 payment) = _roundState(_oracle(3), 1);
        assertEq(roundId, 1, "round 1");
        assertEq(startedAt, START, "startedAt");
        assertEq(roundTimeout, TIMEOUT, "its timeout, still");
        assertEq(payment, PAYMENT, "its payment, still");
        (bool eligible, ) = _eligible(_oracle(3), 1);
        assertTrue(!eligible, "but no oracle may submit to it");
        (, , , , roundTimeout, , , payment) = _roundState(_oracle(3), 2);
        assertEq(roundTimeout, TIMEOUT, "round 2's timeout");
    }

    // ------------------------------------------------------------------ oracles added and removed mid-round

    function test_aRemovedOracleMaySubmitToTheReportingRoundAndTheNext() public {
        _addOracles(4, 1, 4, 0);
        _submit(0, 1, 100);
        vm.prank(owner);
        aggregator.changeOracles(_oracles(3, 1), new address[](0), new address[](0), 1, 3, 0);
        _submit(3, 1, 100);
        _submit(3, 2, 100);
        vm.expectRevert(
            abi.encodeWithSelector(IFluxAggregator.FluxAggregatorOracleNoLongerAllowed.selector, _oracle(3), 3, 2)
        );
        _submit(3, 3, 100);
    }

    function test_anAddedOracleStartsWithTheNextRoundOrWithTheOneItWasRemovedIn() public {
        _addOracles(2, 1, 2, 0);
        _submit(0, 1, 100);
        vm.prank(owner);
        aggregator.changeOracles(new address[](0), _oracles(2, 1), _admins(2, 1), 1, 3, 0);
        vm.expectRevert(
            abi.encodeWithSelector(IFluxAggregator.FluxAggregatorOracleNotYetEnabled.selector, _oracle(2), 1, 2)
        );
        _submit(2, 1, 100);
        _submit(2, 2, 100);
        // removed in round 2 (allowed up to 3), re-added while round 3 reports: enabled from round 3 on
        vm.prank(owner);
        aggregator.changeOracles(_oracles(1, 1), new address[](0), new address[](0), 1, 2, 0);
        _submit(0, 3, 100);
        vm.prank(owner);
        aggregator.changeOracles(new address[](0), _oracles(1, 1), _admins(1, 1), 1, 3, 0);
        _submit(1, 3, 100);
    }

    // ------------------------------------------------------------------ reading answers

    function test_missingRoundsReadAsZeroOrNoData() public {
        _addOracles(1, 1, 1, 0);
        _submit(0, 1, 100);
        assertEq(uint256(aggregator.getAnswer(2)), 0, "a round not started");
        assertEq(aggregator.getTimestamp(2), 0, "a round not started");
        assertEq(uint256(aggregator.getAnswer((uint256(1) << 32) | 1)), 0, "above 32 bits");
        assertEq(aggregator.getTimestamp((uint256(1) << 32) | 1), 0, "above 32 bits");
        vm.expectRevert(NO_DATA);
        aggregator.getRoundData(2);
        vm.expectRevert(NO_DATA);
        aggregator.getRoundData((uint80(1) << 32) | 1); // round 1 has data, but this is not its id
        (uint80 roundId, , , , ) = aggregator.getRoundData(1);
        assertEq(roundId, 1, "round 1");
    }

    // ------------------------------------------------------------------ values of any size

    function test_valuesBeyondThePackedWidthsRoundTrip() public {
        _addOracles(3, 2, 3, 0);
        int256 huge = MAX_VALUE; // beyond 128 bits
        _submitAll(0, 1, _values(huge, huge - 2, 2));
        _assertRound(1, huge - 2, START, START, 1);
        (, , int256 latest, , , , , ) = _roundState(_oracle(0), 0);
        assertEq(uint256(latest), uint256(huge), "latest submission beyond 96 bits");
        // the same positions then hold small values, and a huge answer turns small
        _submitAll(0, 2, _values(5, 7, huge));
        _assertRound(2, 7, START, START, 2);
        (, , latest, , , , , ) = _roundState(_oracle(0), 0);
        assertEq(uint256(latest), 5, "latest submission back in its slot");
        assertEq(uint256(aggregator.getAnswer(1)), uint256(huge - 2), "round 1 keeps its wide answer");
    }

    /// @notice Whatever oracles submit across the whole int256 range, the answer is the median of the submissions, as
    /// a plain sort works it out, in the first round and in a later one that reuses its slots.
    function testFuzz_theAnswerIsTheMedianOfTheSubmissions(int256[9] memory values, uint256 count) public {
        count = _bound(count, 1, 9);
        FluxAggregator open = _openAggregator(9, uint32(count));
        int256[] memory submitted = new int256[](count);
        for (uint256 round = 1; round <= 2; ++round) {
            for (uint256 i = 0; i < count; ++i) {
                submitted[i] = round == 1 ? values[i] : values[(i + 4) % 9] / 3;
                vm.prank(_oracle(i));
                open.submit(round, submitted[i]);
            }
            (, int256 answer, , , ) = open.latestRoundData();
            assertEq(uint256(answer), uint256(_referenceMedian(submitted)), "median");
        }
    }

    function test_theAnswerIsTheMedianOfTheSubmissions() public {
        int256[9] memory values = [
            type(int256).min,
            type(int256).max,
            -1,
            0,
            int256(type(int128).min),
            int256(type(int96).min),
            3,
            -3,
            int256(type(int96).max) + 1
        ];
        for (uint256 count = 1; count <= 9; ++count) testFuzz_theAnswerIsTheMedianOfTheSubmissions(values, count);
    }

    // ------------------------------------------------------------------ what a submission costs

    /// @notice A submission to a round already open, without an answer, touches only the five slots of the packed
    /// layout: the head, the oracle's report and enrollment, one word of submissions, the funds; it writes all but the
    /// enrollment (see FluxAggregatorBase).
    function test_aSubmissionInTheMiddleOfARoundTouchesFiveSlots() public {
        _addOracles(4, 4, 4, 0);
        _submit(0, 1, 100);
        vmExtra.record();
        _submit(1, 1, 100);
        (bytes32[] memory reads, bytes32[] memory writes) = vmExtra.accesses(address(aggregator));
        assertEq(_distinct(reads), 5, "slots read");
        assertEq(_distinct(writes), 4, "slots written");
    }

    // ------------------------------------------------------------------ helpers

    function _assertRound(
        uint80 roundId,
        int256 answer,
        uint256 startedAt,
        uint256 updatedAt,
        uint80 answeredInRound
    ) internal view {
        (uint80 id, int256 a, uint256 s, uint256 u, uint80 r) = aggregator.getRoundData(roundId);
        assertEq(id, roundId, "roundId");
        assertEq(uint256(a), uint256(answer), "answer");
        assertEq(s, startedAt, "startedAt");
        assertEq(u, updatedAt, "updatedAt");
        assertEq(r, answeredInRound, "answeredInRound");
        assertEq(uint256(aggregator.getAnswer(roundId)), uint256(answer), "getAnswer");
        assertEq(aggregator.getTimestamp(roundId), updatedAt, "getTimestamp");
    }

    function _pair(int256 a, int256 b) internal pure returns (int256[] memory list) {
        list = new int256[](2);
        (list[0], list[1]) = (a, b);
    }

    /// @dev An aggregator taking any int256 from `count` of `oracles` oracles, funded, without payments.
    function _openAggregator(uint256 oracles, uint32 count) internal returns (FluxAggregator open) {
        open = _deploy(0, TIMEOUT, address(0), type(int256).min, type(int256).max);
        vm.prank(owner);
        open.changeOracles(new address[](0), _oracles(0, oracles), _admins(0, oracles), count, count, 0);
    }

    /// @dev The median by a plain insertion sort and Chainlink's rounding toward zero.
    function _referenceMedian(int256[] memory list) internal pure returns (int256) {
        int256[] memory sorted = new int256[](list.length);
        for (uint256 i = 0; i < list.length; ++i) {
            uint256 j = i;
            for (; j > 0 && sorted[j - 1] > list[i]; --j) sorted[j] = sorted[j - 1];
            sorted[j] = list[i];
        }
        uint256 middle = list.length / 2;
        if (list.length % 2 == 1) return sorted[middle];
        int256 a = sorted[middle - 1];
        int256 b = sorted[middle];
        if ((a < 0) != (b < 0)) return (a + b) / 2; // opposite signs: the sum cannot overflow
        return a / 2 + b / 2 + ((a % 2) + (b % 2)) / 2;
    }

    function _distinct(bytes32[] memory slots) internal pure returns (uint256 count) {
        for (uint256 i = 0; i < slots.length; ++i) {
            bool seen;
            for (uint256 j = 0; j < i && !seen; ++j) seen = slots[j] == slots[i];
            if (!seen) ++count;
        }
    }
}
