// SPDX-License-Identifier: MIT
pragma solidity 0.8.30;

import {FluxAggregatorFixture} from "../testing/FluxAggregatorFixture.sol";
import {Vm, vm} from "../testing/Vm.sol";
import {FluxAggregator} from "./FluxAggregator.sol";
import {IFluxAggregator} from "./interfaces/IFluxAggregator.sol";
import {IFluxAggregatorOwnable} from "./interfaces/IFluxAggregatorOwnable.sol";

/// @title Unit tests of FluxAggregator's configuration: the constructor, ownership, the oracle set and the parameters
/// of future rounds, with every bound at its exact value and one past it.
contract FluxAggregatorTest is FluxAggregatorFixture {
    // ------------------------------------------------------------------ constructor

    function test_constructorSetsEveryGetter() public view {
        assertEq(aggregator.linkToken(), address(token), "linkToken");
        assertEq(aggregator.paymentAmount(), PAYMENT, "paymentAmount");
        assertEq(aggregator.timeout(), TIMEOUT, "timeout");
        assertEq(address(aggregator.validator()), address(0), "validator");
        assertEq(uint256(aggregator.minSubmissionValue()), uint256(MIN_VALUE), "minSubmissionValue");
        assertEq(uint256(aggregator.maxSubmissionValue()), uint256(MAX_VALUE), "maxSubmissionValue");
        assertEq(aggregator.decimals(), DECIMALS, "decimals");
        assertEq(aggregator.description(), DESCRIPTION, "description");
        assertEq(aggregator.version(), 3, "version");
        assertEq(aggregator.owner(), owner, "owner");
        assertEq(aggregator.maxSubmissionCount(), 0, "maxSubmissionCount");
        assertEq(aggregator.minSubmissionCount(), 0, "minSubmissionCount");
        assertEq(aggregator.restartDelay(), 0, "restartDelay");
        assertEq(aggregator.oracleCount(), 0, "oracleCount");
        assertEq(aggregator.getOracles().length, 0, "getOracles");
        assertEq(aggregator.availableFunds(), FUNDING, "availableFunds: funded by transferAndCall");
        assertEq(aggregator.allocatedFunds(), 0, "allocatedFunds");
    }

    function test_constructorEmitsTheRoundDetailsAndTheValidator() public {
        address validator = _named("validator");
        vm.recordLogs();
        FluxAggregator deployed = _deploy(PAYMENT, TIMEOUT, validator, MIN_VALUE, MAX_VALUE);
        Vm.Log[] memory logs = vm.getRecordedLogs();
        assertEq(logs.length, 2, "two events");
        assertEq(logs[0].emitter, address(deployed), "emitter");
        assertEq(logs[0].topics[0], IFluxAggregator.RoundDetailsUpdated.selector, "RoundDetailsUpdated");
        assertEq(logs[0].topics[1], bytes32(uint256(PAYMENT)), "paymentAmount");
        assertEq(logs[0].topics[2], bytes32(0), "minSubmissionCount");
        assertEq(logs[0].topics[3], bytes32(0), "maxSubmissionCount");
        assertEq(logs[0].data, abi.encode(uint32(0), TIMEOUT), "restartDelay, timeout");
        assertEq(logs[1].topics[0], IFluxAggregator.ValidatorUpdated.selector, "ValidatorUpdated");
        assertEq(logs[1].topics[1], bytes32(0), "previous");
        assertEq(logs[1].topics[2], bytes32(uint256(uint160(validator))), "current");
        assertEq(address(deployed.validator()), validator, "validator");
        // without a validator, only the round details
        vm.recordLogs();
        _deploy(PAYMENT, TIMEOUT, address(0), MIN_VALUE, MAX_VALUE);
        assertEq(vm.getRecordedLogs().length, 1, "no ValidatorUpdated for none");
    }

    function test_roundZeroCountsAsUpdatedOneTimeoutAgoButHasNoData() public {
        assertEq(aggregator.getTimestamp(0), START - TIMEOUT, "getTimestamp(0)");
        assertEq(aggregator.latestTimestamp(), START - TIMEOUT, "latestTimestamp");
        assertEq(aggregator.latestRound(), 0, "latestRound");
        assertEq(uint256(aggregator.latestAnswer()), 0, "latestAnswer");
        vm.expectRevert(abi.encodeWithSignature("Error(string)", "No data present"));
        aggregator.latestRoundData();
        vm.expectRevert(abi.encodeWithSignature("Error(string)", "No data present"));
        aggregator.getRoundData(0);
    }

    /// @dev Chainlink's constructor subtracts the timeout from the block timestamp, so a longer one cannot deploy.
    function test_constructorRefusesATimeoutBeyondTheBlockTimestamp() public {
        _deploy(PAYMENT, uint32(START), address(0), MIN_VALUE, MAX_VALUE);
        vm.expectRevert(abi.encodeWithSignature("Panic(uint256)", 0x11));
        _deploy(PAYMENT, uint32(START + 1), address(0), MIN_VALUE, MAX_VALUE);
    }

    // ------------------------------------------------------------------ ownership

    function test_ownershipMovesInTwoSteps() public {
        address next = _named("next");
        vm.expectEmit(true, true, true, true, address(aggregator));
        emit IFluxAggregatorOwnable.OwnershipTransferRequested(owner, next);
        vm.prank(owner);
        aggregator.transferOwnership(next);
        assertEq(aggregator.owner(), owner, "owner until accepted");

        vm.expectRevert(
            abi.encodeWithSelector(IFluxAggregatorOwnable.FluxAggregatorNotProposedOwner.selector, stranger)
        );
        vm.prank(stranger);
        aggregator.acceptOwnership();

        vm.expectEmit(true, true, true, true, address(aggregator));
        emit IFluxAggregatorOwnable.OwnershipTransferred(owner, next);
        vm.prank(next);
        aggregator.acceptOwnership();
        assertEq(aggregator.owner(), next, "owner once accepted");

        vm.expectRevert(abi.encodeWithSelector(IFluxAggregatorOwnable.FluxAggregatorNotOwner.selector, owner));
        vm.prank(owner);
        aggregator.setValidator(address(1));
        vm.expectRevert(abi.encodeWithSelector(IFluxAggregatorOwnable.FluxAggregatorNotProposedOwner.selector, next));
        vm.prank(next);
        aggregator.acceptOwnership(); // the proposal is used up
    }

    function test_everyOwnerFunctionRefusesEveryoneElse() public {
        bytes[7] memory calls = [
            abi.encodeCall(IFluxAggregatorOwnable.transferOwnership, (stranger)),
            abi.encodeCall(IFluxAggregator.changeOracles, (new address[](0), _oracles(0, 1), _admins(0, 1), 1, 1, 0)),
            abi.encodeCall(IFluxAggregator.updateFutureRounds, (PAYMENT, 0, 0, 0, TIMEOUT)),
            abi.encodeCall(IFluxAggregator.setRequesterPermissions, (requester, true, 0)),
            abi.encodeCall(IFluxAggregator.setValidator, (address(1))),
            abi.encodeCall(IFluxAggregator.withdrawFunds, (stranger, 1)),
            abi.encodeCall(IFluxAggregator.withdrawFunds, (stranger, 0))
        ];
        for (uint256 i = 0; i < calls.length; ++i) {
            vm.prank(stranger);
            // a low-level call, to compare each refusal's data
            // solhint-disable-next-line avoid-low-level-calls
            (bool ok, bytes memory returned) = address(aggregator).call(calls[i]);
            assertTrue(!ok, "a stranger's call was accepted");
            assertEq(
                returned,
                abi.encodeWithSelector(IFluxAggregatorOwnable.FluxAggregatorNotOwner.selector, stranger),
                "refused as not the owner"
            );
        }
    }

    // ------------------------------------------------------------------ changeOracles

    function test_changeOraclesAddsOraclesWithTheirAdmins() public {
        for (uint256 i = 0; i < 3; ++i) {
            vm.expectEmit(true, true, true, true, address(aggregator));
            emit IFluxAggregator.OraclePermissionsUpdated(_oracle(i), true);
            vm.expectEmit(true, true, true, true, address(aggregator));
            emit IFluxAggregator.OracleAdminUpdated(_oracle(i), _admin(i));
        }
        vm.expectEmit(true, true, true, true, address(aggregator));
        emit IFluxAggregator.RoundDetailsUpdated(PAYMENT, 2, 3, 1, TIMEOUT);
        _addOracles(3, 2, 3, 1);

        address[] memory listed = aggregator.getOracles();
        assertEq(listed.length, 3, "getOracles");
        for (uint256 i = 0; i < 3; ++i) {
            assertEq(listed[i], _oracle(i), "listed in order");
            assertEq(aggregator.getAdmin(_oracle(i)), _admin(i), "admin");
        }
        assertEq(aggregator.oracleCount(), 3, "oracleCount");
        assertEq(aggregator.minSubmissionCount(), 2, "minSubmissionCount");
        assertEq(aggregator.maxSubmissionCount(), 3, "maxSubmissionCount");
        assertEq(aggregator.restartDelay(), 1, "restartDelay");
        assertEq(aggregator.paymentAmount(), PAYMENT, "paymentAmount unchanged");
        assertEq(aggregator.timeout(), TIMEOUT, "timeout unchanged");
    }

    function test_changeOraclesRemovesBySwappingTheLastOracleIn() public {
        _addOracles(4, 1, 4, 0);
        address[] memory removed = new address[](1);
        removed[0] = _oracle(1);
        vm.expectEmit(true, true, true, true, address(aggregator));
        emit IFluxAggregator.OraclePermissionsUpdated(_oracle(1), false);
        vm.prank(owner);
        aggregator.changeOracles(removed, new address[](0), new address[](0), 1, 3, 0);
        address[] memory listed = aggregator.getOracles();
        assertEq(listed.length, 3, "three left");
        assertEq(listed[0], _oracle(0), "first stays");
        assertEq(listed[1], _oracle(3), "the last takes the removed one's place");
        assertEq(listed[2], _oracle(2), "third stays");
        assertEq(aggregator.getAdmin(_oracle(1)), _admin(1), "a removed oracle keeps its admin");

        // removing the last one, then every one
        removed[0] = _oracle(2);
        vm.prank(owner);
        aggregator.changeOracles(removed, new address[](0), new address[](0), 1, 2, 0);
        vm.prank(owner);
        aggregator.changeOracles(_pair(_oracle(0), _oracle(3)), new address[](0), new address[](0), 0, 0, 0);
        assertEq(aggregator.oracleCount(), 0, "none left");
    }

    function test_changeOraclesRefusesToRemoveAnOracleThatIsNotEnabled() public {
        _addOracles(2, 1, 2, 0);
        vm.startPrank(owner);
        vm.expectRevert(abi.encodeWithSelector(IFluxAggregator.FluxAggregatorOracleNotEnabled.selector, stranger));
        aggregator.changeOracles(_one(stranger), new address[](0), new address[](0), 1, 2, 0);
        aggregator.changeOracles(_one(_oracle(0)), new address[](0), new address[](0), 1, 1, 0);
        vm.expectRevert(abi.encodeWithSelector(IFluxAggregator.FluxAggregatorOracleNotEnabled.selector, _oracle(0)));
        aggregator.changeOracles(_one(_oracle(0)), new address[](0), new address[](0), 0, 0, 0);
        vm.stopPrank();
    }

    function test_changeOraclesRefusesMismatchedAdminsAZeroAdminAndAnEnabledOracle() public {
        _addOracles(1, 1, 1, 0);
        vm.startPrank(owner);
        vm.expectRevert(abi.encodeWithSelector(IFluxAggregator.FluxAggregatorOracleCountMismatch.selector, 2, 1));
        aggregator.changeOracles(new address[](0), _oracles(1, 2), _admins(1, 1), 1, 1, 0);
        vm.expectRevert(abi.encodeWithSelector(IFluxAggregator.FluxAggregatorZeroAdmin.selector, _oracle(1)));
        aggregator.changeOracles(new address[](0), _oracles(1, 1), new address[](1), 1, 1, 0);
        vm.expectRevert(
            abi.encodeWithSelector(IFluxAggregator.FluxAggregatorOracleAlreadyEnabled.selector, _oracle(0))
        );
        aggregator.changeOracles(new address[](0), _oracles(0, 1), _admins(0, 1), 1, 1, 0);
        // the same oracle twice in one call
        vm.expectRevert(
            abi.encodeWithSelector(IFluxAggregator.FluxAggregatorOracleAlreadyEnabled.selector, _oracle(1))
        );
        aggregator.changeOracles(new address[](0), _pair(_oracle(1), _oracle(1)), _admins(1, 2), 1, 1, 0);
        vm.stopPrank();
    }

    function test_aReaddedOracleKeepsItsAdminUnlessTheAdminHandsItOver() public {
        _addOracles(2, 1, 2, 0);
        vm.startPrank(owner);
        aggregator.changeOracles(_one(_oracle(1)), new address[](0), new address[](0), 1, 1, 0);
        vm.expectRevert(
            abi.encodeWithSelector(
                IFluxAggregator.FluxAggregatorAdminOverwrite.selector,
                _oracle(1),
                _admin(1),
                stranger
            )
        );
        aggregator.changeOracles(new address[](0), _oracles(1, 1), _one(stranger), 1, 2, 0);
        aggregator.changeOracles(new address[](0), _oracles(1, 1), _admins(1, 1), 1, 2, 0);
        vm.stopPrank();
        assertEq(aggregator.getAdmin(_oracle(1)), _admin(1), "admin kept");
    }

    function test_changeOraclesTakesUpTo77OraclesAndNotOneMore() public {
        vm.prank(owner);
        aggregator.updateFutureRounds(0, 0, 0, 0, TIMEOUT); // no reserve to cover
        _addOracles(76, 1, 76, 0);
        vm.startPrank(owner);
        vm.expectRevert(abi.encodeWithSelector(IFluxAggregator.FluxAggregatorTooManyOracles.selector, 78, 77));
        aggregator.changeOracles(new address[](0), _oracles(76, 2), _admins(76, 2), 1, 77, 0);
        aggregator.changeOracles(new address[](0), _oracles(76, 1), _admins(76, 1), 1, 77, 76);
        vm.expectRevert(abi.encodeWithSelector(IFluxAggregator.FluxAggregatorTooManyOracles.selector, 78, 77));
        aggregator.changeOracles(new address[](0), _oracles(77, 1), _admins(77, 1), 1, 77, 0);
        // removals count first: one out, one in
        aggregator.changeOracles(_oracles(0, 1), _oracles(77, 1), _admins(77, 1), 1, 77, 0);
        vm.stopPrank();
        assertEq(aggregator.oracleCount(), 77, "oracleCount");
    }

    // ------------------------------------------------------------------ updateFutureRounds

    function test_updateFutureRoundsSetsEveryParameter() public {
        _addOracles(5, 1, 1, 0);
        vm.expectEmit(true, true, true, true, address(aggregator));
        emit IFluxAggregator.RoundDetailsUpdated(2 * PAYMENT, 3, 4, 2, 2 hours);
        vm.prank(owner);
        aggregator.updateFutureRounds(2 * PAYMENT, 3, 4, 2, 2 hours);
        assertEq(aggregator.paymentAmount(), 2 * PAYMENT, "paymentAmount");
        assertEq(aggregator.minSubmissionCount(), 3, "minSubmissionCount");
        assertEq(aggregator.maxSubmissionCount(), 4, "maxSubmissionCount");
        assertEq(aggregator.restartDelay(), 2, "restartDelay");
        assertEq(aggregator.timeout(), 2 hours, "timeout");
    }

    function test_updateFutureRoundsBoundsTheSubmissionCounts() public {
        _addOracles(5, 1, 1, 0);
        vm.startPrank(owner);
        aggregator.updateFutureRounds(PAYMENT, 5, 5, 0, TIMEOUT); // max == count, min == max
        vm.expectRevert(abi.encodeWithSelector(IFluxAggregator.FluxAggregatorMaxAboveOracleCount.selector, 6, 5));
        aggregator.updateFutureRounds(PAYMENT, 5, 6, 0, TIMEOUT);
        vm.expectRevert(abi.encodeWithSelector(IFluxAggregator.FluxAggregatorMaxBelowMin.selector, 4, 3));
        aggregator.updateFutureRounds(PAYMENT, 4, 3, 0, TIMEOUT);
        aggregator.updateFutureRounds(PAYMENT, 1, 1, 0, TIMEOUT); // min 1
        vm.expectRevert(abi.encodeWithSelector(IFluxAggregator.FluxAggregatorZeroMinSubmissions.selector));
        aggregator.updateFutureRounds(PAYMENT, 0, 1, 0, TIMEOUT);
        vm.stopPrank();
    }

    function test_updateFutureRoundsKeepsTheRestartDelayBelowTheOracleCount() public {
        vm.startPrank(owner);
        // without oracles any delay goes, and the counts must be 0
        aggregator.updateFutureRounds(PAYMENT, 0, 0, type(uint32).max, TIMEOUT);
        vm.expectRevert(abi.encodeWithSelector(IFluxAggregator.FluxAggregatorMaxAboveOracleCount.selector, 1, 0));
        aggregator.updateFutureRounds(PAYMENT, 0, 1, 0, TIMEOUT);
        vm.stopPrank();
        _addOracles(3, 1, 3, 2);
        vm.expectRevert(abi.encodeWithSelector(IFluxAggregator.FluxAggregatorRestartDelayTooLong.selector, 3, 3));
        vm.prank(owner);
        aggregator.updateFutureRounds(PAYMENT, 1, 3, 3, TIMEOUT);
    }

    function test_updateFutureRoundsNeedsTheReserveCoveredToTheWei() public {
        _addOracles(4, 1, 4, 0);
        // FUNDING covers RESERVE_ROUNDS rounds of 4 oracles at FUNDING / 8
        uint128 covered = uint128(FUNDING / (4 * RESERVE_ROUNDS));
        vm.startPrank(owner);
        aggregator.updateFutureRounds(covered, 1, 4, 0, TIMEOUT);
        vm.expectRevert(
            abi.encodeWithSelector(
                IFluxAggregator.FluxAggregatorReserveNotCovered.selector,
                FUNDING,
                (uint256(covered) + 1) * 4 * RESERVE_ROUNDS
            )
        );
        aggregator.updateFutureRounds(covered + 1, 1, 4, 0, TIMEOUT);
        vm.stopPrank();
    }

    function test_changeOraclesChecksTheReserveForTheNewOracleCount() public {
        uint128 payment = uint128(FUNDING / (2 * RESERVE_ROUNDS)); // covers exactly two oracles
        vm.prank(owner);
        aggregator.updateFutureRounds(payment, 0, 0, 0, TIMEOUT);
        _addOracles(2, 1, 2, 0);
        vm.expectRevert(
            abi.encodeWithSelector(
                IFluxAggregator.FluxAggregatorReserveNotCovered.selector,
                FUNDING,
                uint256(payment) * 3 * RESERVE_ROUNDS
            )
        );
        vm.prank(owner);
        aggregator.changeOracles(new address[](0), _oracles(2, 1), _admins(2, 1), 1, 3, 0);
    }

    // ------------------------------------------------------------------ validator and requesters' permissions

    function test_setValidatorEmitsOnlyOnChange() public {
        address validator = _named("validator");
        vm.startPrank(owner);
        vm.expectEmit(true, true, true, true, address(aggregator));
        emit IFluxAggregator.ValidatorUpdated(address(0), validator);
        aggregator.setValidator(validator);
        vm.recordLogs();
        aggregator.setValidator(validator);
        assertEq(vm.getRecordedLogs().length, 0, "no event when unchanged");
        vm.expectEmit(true, true, true, true, address(aggregator));
        emit IFluxAggregator.ValidatorUpdated(validator, address(0));
        aggregator.setValidator(address(0));
        vm.stopPrank();
        assertEq(address(aggregator.validator()), address(0), "validator");
    }

    // ------------------------------------------------------------------ helpers

    function _one(address a) internal pure returns (address[] memory list) {
        list = new address[](1);
        list[0] = a;
    }

    function _pair(address a, address b) internal pure returns (address[] memory list) {
        list = new address[](2);
        (list[0], list[1]) = (a, b);
    }
}
