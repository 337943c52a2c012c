// SPDX-License-Identifier: MIT
pragma solidity 0.8.30;

import {IERC20} from "@openzeppelin/contracts/token/ERC20/IERC20.sol";
import {FluxAggregatorFixture} from "../testing/FluxAggregatorFixture.sol";
import {vm} from "../testing/Vm.sol";
import {IFluxAggregator} from "./interfaces/IFluxAggregator.sol";

/// @title Tests of the aggregator's money: payments credited per submission, withdrawn by each oracle's admin, the
/// admin's two-step handover, and the owner's funds kept above the reserve.
contract FluxAggregatorPaymentsTest is FluxAggregatorFixture {
    address internal immutable recipient = _named("recipient");

    // ------------------------------------------------------------------ payments

    function test_eachSubmissionIsPaidTheRoundsPayment() public {
        _addOracles(3, 2, 3, 0);
        _submit(0, 1, 100);
        // a new payment applies to rounds started from now on
        vm.prank(owner);
        aggregator.updateFutureRounds(2 * PAYMENT, 2, 3, 0, TIMEOUT);
        _submit(1, 1, 100);
        _submit(2, 1, 100);
        for (uint256 i = 0; i < 3; ++i) assertEq(aggregator.withdrawablePayment(_oracle(i)), PAYMENT, "round 1 pays");
        _submit(0, 2, 100);
        assertEq(aggregator.withdrawablePayment(_oracle(0)), 3 * PAYMENT, "round 2 pays double");
        assertEq(aggregator.allocatedFunds(), 5 * PAYMENT, "allocatedFunds");
        assertEq(aggregator.availableFunds(), FUNDING - 5 * PAYMENT, "availableFunds");
        (, , , , , , , uint128 payment) = _roundState(_oracle(1), 2);
        assertEq(payment, 2 * PAYMENT, "oracleRoundState: round 2's payment");
        (, , , , , , , payment) = _roundState(_oracle(1), 1);
        assertEq(payment, 0, "round 1 is full: its details are gone, as Chainlink's");
    }

    function test_submissionsStopWhenTheFundsRunOutAndResumeWhenTopped() public {
        aggregator = _deploy(PAYMENT, TIMEOUT, address(0), MIN_VALUE, MAX_VALUE);
        token.transferAndCall(address(aggregator), 2 * PAYMENT, ""); // the reserve of one oracle, exactly
        _addOracles(1, 1, 1, 0);
        _submit(0, 1, 100);
        _submit(0, 2, 100);
        vm.expectRevert(
            abi.encodeWithSelector(IFluxAggregator.FluxAggregatorInsufficientAvailableFunds.selector, 0, PAYMENT)
        );
        _submit(0, 3, 100);
        (, , , , , uint128 available, , ) = _roundState(_oracle(0), 0);
        assertEq(available, 0, "oracleRoundState tells the node");
        token.transferAndCall(address(aggregator), PAYMENT, "");
        _submit(0, 3, 100);
    }

    function test_theAdminWithdrawsToAnyRecipientUpToTheWithdrawable() public {
        _addOracles(2, 1, 2, 0);
        _submit(0, 1, 100);
        _submit(0, 2, 100);
        vm.prank(_admin(0));
        aggregator.withdrawPayment(_oracle(0), recipient, PAYMENT / 2);
        assertEq(_balance(recipient), PAYMENT / 2, "paid");
        assertEq(aggregator.withdrawablePayment(_oracle(0)), PAYMENT + PAYMENT / 2, "withdrawable");
        assertEq(aggregator.allocatedFunds(), PAYMENT + PAYMENT / 2, "allocatedFunds");

        uint256 rest = PAYMENT + PAYMENT / 2;
        vm.expectRevert(
            abi.encodeWithSelector(
                IFluxAggregator.FluxAggregatorInsufficientWithdrawable.selector,
                _oracle(0),
                rest,
                rest + 1
            )
        );
        vm.prank(_admin(0));
        aggregator.withdrawPayment(_oracle(0), recipient, rest + 1);
        vm.prank(_admin(0));
        aggregator.withdrawPayment(_oracle(0), recipient, rest);
        assertEq(_balance(recipient), 2 * PAYMENT, "all paid");
        assertEq(aggregator.withdrawablePayment(_oracle(0)), 0, "nothing left");
        assertEq(aggregator.allocatedFunds(), 0, "nothing allocated");
        assertEq(aggregator.availableFunds(), FUNDING - 2 * PAYMENT, "available untouched");
    }

    function test_onlyTheAdminWithdraws() public {
        _addOracles(2, 1, 2, 0);
        _submit(0, 1, 100);
        address[3] memory callers = [_oracle(0), _admin(1), owner];
        for (uint256 i = 0; i < callers.length; ++i) {
            vm.expectRevert(
                abi.encodeWithSelector(IFluxAggregator.FluxAggregatorNotAdmin.selector, _oracle(0), callers[i])
            );
            vm.prank(callers[i]);
            aggregator.withdrawPayment(_oracle(0), callers[i], 1);
        }
    }

    /// @dev Chainlink's cast: only the low 128 bits of the amount count.
    function test_withdrawPaymentTakesTheLow128BitsOfTheAmount() public {
        _addOracles(1, 1, 1, 0);
        _submit(0, 1, 100);
        vm.prank(_admin(0));
        aggregator.withdrawPayment(_oracle(0), recipient, (uint256(1) << 128) + 5);
        assertEq(_balance(recipient), 5, "5 paid");
    }

    // ------------------------------------------------------------------ the admin's handover

    function test_theAdminHandsOverInTwoSteps() public {
        _addOracles(1, 1, 1, 0);
        _submit(0, 1, 100);
        address next = _named("nextAdmin");
        vm.expectRevert(abi.encodeWithSelector(IFluxAggregator.FluxAggregatorNotAdmin.selector, _oracle(0), next));
        vm.prank(next);
        aggregator.transferAdmin(_oracle(0), next);

        vm.expectEmit(true, true, true, true, address(aggregator));
        emit IFluxAggregator.OracleAdminUpdateRequested(_oracle(0), _admin(0), next);
        vm.prank(_admin(0));
        aggregator.transferAdmin(_oracle(0), next);
        assertEq(aggregator.getAdmin(_oracle(0)), _admin(0), "admin until accepted");

        vm.expectRevert(
            abi.encodeWithSelector(IFluxAggregator.FluxAggregatorNotPendingAdmin.selector, _oracle(0), stranger)
        );
        vm.prank(stranger);
        aggregator.acceptAdmin(_oracle(0));

        vm.expectEmit(true, true, true, true, address(aggregator));
        emit IFluxAggregator.OracleAdminUpdated(_oracle(0), next);
        vm.prank(next);
        aggregator.acceptAdmin(_oracle(0));
        assertEq(aggregator.getAdmin(_oracle(0)), next, "admin once accepted");

        vm.expectRevert(abi.encodeWithSelector(IFluxAggregator.FluxAggregatorNotAdmin.selector, _oracle(0), _admin(0)));
        vm.prank(_admin(0));
        aggregator.withdrawPayment(_oracle(0), recipient, 1);
        vm.prank(next);
        aggregator.withdrawPayment(_oracle(0), recipient, PAYMENT);
        vm.expectRevert(
            abi.encodeWithSelector(IFluxAggregator.FluxAggregatorNotPendingAdmin.selector, _oracle(0), next)
        );
        vm.prank(next);
        aggregator.acceptAdmin(_oracle(0)); // used up
    }

    // ------------------------------------------------------------------ the owner's funds

    function test_plainTransfersCountOnceUpdateAvailableFundsIsCalled() public {
        token.transfer(address(aggregator), 5 ether);
        assertEq(aggregator.availableFunds(), FUNDING, "not yet");
        vm.expectEmit(true, true, true, true, address(aggregator));
        emit IFluxAggregator.AvailableFundsUpdated(FUNDING + 5 ether);
        vm.prank(stranger); // anyone
        aggregator.updateAvailableFunds();
        assertEq(aggregator.availableFunds(), FUNDING + 5 ether, "counted");
        vm.recordLogs();
        aggregator.updateAvailableFunds();
        assertEq(vm.getRecordedLogs().length, 0, "no event when unchanged");
    }

    function test_onTokenTransferTakesNoData() public {
        vm.expectRevert(abi.encodeWithSelector(IFluxAggregator.FluxAggregatorUnexpectedTransferData.selector, 1));
        token.transferAndCall(address(aggregator), 1 ether, hex"01");
        vm.expectEmit(true, true, true, true, address(aggregator));
        emit IFluxAggregator.AvailableFundsUpdated(FUNDING + 1 ether);
        token.transferAndCall(address(aggregator), 1 ether, "");
    }

    function test_withdrawFundsKeepsTheReserveToTheWei() public {
        _addOracles(4, 2, 4, 0);
        _submit(0, 1, 100);
        uint256 available = FUNDING - PAYMENT;
        uint256 reserve = uint256(PAYMENT) * 4 * RESERVE_ROUNDS;
        vm.expectRevert(
            abi.encodeWithSelector(
                IFluxAggregator.FluxAggregatorInsufficientReserveFunds.selector,
                available,
                reserve,
                available - reserve + 1
            )
        );
        vm.prank(owner);
        aggregator.withdrawFunds(recipient, available - reserve + 1);

        vm.expectEmit(true, true, true, true, address(aggregator));
        emit IFluxAggregator.AvailableFundsUpdated(reserve);
        vm.prank(owner);
        aggregator.withdrawFunds(recipient, available - reserve);
        assertEq(_balance(recipient), available - reserve, "withdrawn");
        assertEq(aggregator.availableFunds(), reserve, "the reserve stays");
        assertEq(aggregator.allocatedFunds(), PAYMENT, "the oracle's payment stays");
        assertEq(_balance(address(aggregator)), reserve + PAYMENT, "held");
    }

    function test_withdrawFundsRefusesWhenAvailableIsBelowTheReserve() public {
        aggregator = _deploy(PAYMENT, TIMEOUT, address(0), MIN_VALUE, MAX_VALUE);
        token.transferAndCall(address(aggregator), 2 * PAYMENT, "");
        _addOracles(1, 1, 1, 0);
        _submit(0, 1, 100); // available PAYMENT, below the reserve of 2 * PAYMENT
        vm.expectRevert(
            abi.encodeWithSelector(
                IFluxAggregator.FluxAggregatorInsufficientReserveFunds.selector,
                PAYMENT,
                2 * PAYMENT,
                0
            )
        );
        vm.prank(owner);
        aggregator.withdrawFunds(recipient, 0);
    }

    function _balance(address account) internal view returns (uint256) {
        return IERC20(address(token)).balanceOf(account);
    }
}
