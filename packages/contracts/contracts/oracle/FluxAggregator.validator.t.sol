// SPDX-License-Identifier: MIT
pragma solidity 0.8.30;

import {AggregatorValidatorMock} from "../testing/AggregatorValidatorMock.sol";
import {FluxAggregatorFixture} from "../testing/FluxAggregatorFixture.sol";
import {vm} from "../testing/Vm.sol";
import {IFluxAggregator} from "./interfaces/IFluxAggregator.sol";

/// @title Tests of the validator: told every new answer with the previous one, never able to stop an answer by
/// reverting or eating gas, and refused as Chainlink's aggregator refuses it when it is not a contract or answers
/// nothing.
contract FluxAggregatorValidatorTest is FluxAggregatorFixture {
    AggregatorValidatorMock internal validator;

    function setUp() public override {
        super.setUp();
        validator = new AggregatorValidatorMock();
        vm.prank(owner);
        aggregator.setValidator(address(validator));
        _addOracles(3, 2, 3, 0);
    }

    function test_theValidatorHearsEveryNewAnswerWithThePreviousOne() public {
        _submit(0, 1, 100);
        assertEq(validator.calls(), 0, "no answer, no call");
        vm.expectEmit(true, true, true, true, address(validator));
        emit AggregatorValidatorMock.Validated(0, 0, 1, 150);
        _submit(1, 1, 200);
        vm.expectEmit(true, true, true, true, address(validator));
        emit AggregatorValidatorMock.Validated(0, 0, 1, 200);
        _submit(2, 1, 300);
        _submit(0, 2, 400);
        vm.expectEmit(true, true, true, true, address(validator));
        emit AggregatorValidatorMock.Validated(1, 200, 2, 450);
        _submit(1, 2, 500);
        assertEq(validator.calls(), 3, "three answers");
    }

    function test_theValidatorHearsTheAnswerATimedOutRoundCarries() public {
        _submit(0, 1, 100);
        _submit(1, 1, 200); // 150
        _submit(0, 2, 400);
        vm.warp(START + TIMEOUT + 1);
        _submit(1, 3, 600);
        vm.expectEmit(true, true, true, true, address(validator));
        emit AggregatorValidatorMock.Validated(1, 150, 3, 650); // round 2 carries round 1's answer
        _submit(2, 3, 700);
    }

    function test_aRevertingValidatorDoesNotStopAnswers() public {
        validator.setBehaviour(AggregatorValidatorMock.Behaviour.Reverts);
        _submit(0, 1, 100);
        _submit(1, 1, 200);
        (, int256 answer, , , ) = aggregator.latestRoundData();
        assertEq(uint256(answer), 150, "answered");
    }

    function test_aGasEatingValidatorDoesNotStopAnswersAndGetsAtMost100000Gas() public {
        validator.setBehaviour(AggregatorValidatorMock.Behaviour.EatsGas);
        _submit(0, 1, 100);
        uint256 before = gasleft();
        _submit(1, 1, 200);
        uint256 used = before - gasleft();
        assertLe(used, 300_000, "the validator's share is capped");
        assertLe(100_000, used, "and it ate its 100,000");
        (, int256 answer, , , ) = aggregator.latestRoundData();
        assertEq(uint256(answer), 150, "answered");
    }

    /// @dev Chainlink's aggregator calls its validator with a high-level call, which reverts when the validator has
    /// no code or returns less than a word: submissions that would answer then revert, those that do not succeed.
    function test_likeChainlinksAValidatorWithoutCodeOrAnswerStopsAnswers() public {
        address account = _named("account");
        vm.prank(owner);
        aggregator.setValidator(account);
        _submit(0, 1, 100);
        vm.expectRevert(abi.encodeWithSelector(IFluxAggregator.FluxAggregatorValidatorNotContract.selector, account));
        _submit(1, 1, 200);

        vm.prank(owner);
        aggregator.setValidator(address(validator));
        validator.setBehaviour(AggregatorValidatorMock.Behaviour.ReturnsNothing);
        vm.expectRevert(
            abi.encodeWithSelector(
                IFluxAggregator.FluxAggregatorValidatorAnswerTooShort.selector,
                address(validator),
                0
            )
        );
        _submit(1, 1, 200);

        vm.prank(owner);
        aggregator.setValidator(address(0));
        _submit(1, 1, 200);
    }
}
