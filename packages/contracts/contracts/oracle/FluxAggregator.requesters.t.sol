// SPDX-License-Identifier: MIT
pragma solidity 0.8.30;

import {FluxAggregatorFixture} from "../testing/FluxAggregatorFixture.sol";
import {vm} from "../testing/Vm.sol";
import {AggregatorInterface} from "./interfaces/AggregatorInterface.sol";
import {IFluxAggregator} from "./interfaces/IFluxAggregator.sol";

/// @title Tests of requester rounds: who may request one, when, and how often.
contract FluxAggregatorRequestersTest is FluxAggregatorFixture {
    function setUp() public override {
        super.setUp();
        _addOracles(3, 2, 3, 0);
    }

    function test_setRequesterPermissionsAuthorizesAndRevokes() public {
        vm.expectEmit(true, true, true, true, address(aggregator));
        emit IFluxAggregator.RequesterPermissionsSet(requester, true, 2);
        _permit(true, 2);
        vm.recordLogs();
        _permit(true, 5); // already authorized: nothing changes, the delay stays 2 (Chainlink's rule)
        assertEq(vm.getRecordedLogs().length, 0, "no event when unchanged");
        _request(); // round 1
        _answer(1);
        _answer(2);
        vm.expectRevert(
            abi.encodeWithSelector(IFluxAggregator.FluxAggregatorRequestTooSoon.selector, requester, 3, 1, 2)
        );
        _request();

        vm.expectEmit(true, true, true, true, address(aggregator));
        emit IFluxAggregator.RequesterPermissionsSet(requester, false, 0);
        _permit(false, 0);
        vm.expectRevert(
            abi.encodeWithSelector(IFluxAggregator.FluxAggregatorNotAuthorizedRequester.selector, requester)
        );
        _request();
        // authorized again, its past is forgotten
        _permit(true, 2);
        assertEq(_request(), 3, "round 3 at once");
    }

    function test_anAuthorizedRequesterStartsTheNextRound() public {
        _permit(true, 0);
        vm.expectEmit(true, true, true, true, address(aggregator));
        emit AggregatorInterface.NewRound(1, requester, START);
        assertEq(_request(), 1, "round 1");
        (bool eligible, uint32 suggested) = _eligible(_oracle(0), 0);
        assertTrue(eligible && suggested == 1, "oracles are pointed at it");
        _answer(1);
        assertEq(_request(), 2, "round 2 right after, without a delay");
    }

    function test_aRequestWaitsForAnAnswerOrTheTimeout() public {
        _permit(true, 0);
        vm.expectRevert(
            abi.encodeWithSelector(IFluxAggregator.FluxAggregatorNotAuthorizedRequester.selector, stranger)
        );
        vm.prank(stranger);
        aggregator.requestNewRound();
        _request();
        vm.expectRevert(abi.encodeWithSelector(IFluxAggregator.FluxAggregatorRoundNotSupersedable.selector, 1));
        _request();
        vm.warp(START + TIMEOUT + 1);
        assertEq(_request(), 2, "round 1 timed out");
    }

    function test_aRequesterWaitsItsDelay() public {
        _permit(true, 2);
        _request(); // round 1
        _answer(1);
        vm.expectRevert(
            abi.encodeWithSelector(IFluxAggregator.FluxAggregatorRequestTooSoon.selector, requester, 2, 1, 2)
        );
        _request();
        _answer(2); // oracles start rounds 2 and 3
        _answer(3);
        assertEq(_request(), 4, "4 > 1 + 2");
    }

    function _permit(bool authorized, uint32 delay) internal {
        vm.prank(owner);
        aggregator.setRequesterPermissions(requester, authorized, delay);
    }

    function _request() internal returns (uint80) {
        vm.prank(requester);
        return aggregator.requestNewRound();
    }

    /// @dev Two oracles answer `roundId`, starting it if needed (oracles 0 and 1 never wait a restart delay: 0).
    function _answer(uint256 roundId) internal {
        _submit(0, roundId, 100);
        _submit(1, roundId, 200);
    }
}
