// SPDX-License-Identifier: MIT
pragma solidity 0.8.30;

import {AggregatorValidatorMock} from "../testing/AggregatorValidatorMock.sol";
import {FluxAggregatorFixture} from "../testing/FluxAggregatorFixture.sol";
import {vm} from "../testing/Vm.sol";

/// @title Regression test, found by the differential test against Chainlink's bytecode
/// (test/FluxAggregator.differential.test.ts, seed 2): a submission whose round id has bits above the low 32 told the
/// validator the whole id, where Chainlink's (and the round itself) use the low 32 bits.
contract FluxAggregatorValidatorRoundIdTest is FluxAggregatorFixture {
    AggregatorValidatorMock internal validator;

    function setUp() public override {
        super.setUp();
        validator = new AggregatorValidatorMock();
        vm.prank(owner);
        aggregator.setValidator(address(validator));
        _addOracles(3, 2, 3, 0);
    }

    function test_theValidatorHearsTheLow32BitsOfTheRoundId() public {
        _submit(0, 1, 100);
        vm.expectEmit(true, true, true, true, address(validator));
        emit AggregatorValidatorMock.Validated(0, 0, 1, 150);
        _submit(1, (1 << 32) | 1, 200); // round 1, as Chainlink's uint32(_roundId) reads it
        assertEq(validator.currentRoundId(), 1, "currentRoundId");
        assertEq(aggregator.latestRound(), 1, "latestRound");

        // and round ids with every high bit set: oracle 2 starts round 2, oracle 0 answers it
        _submit(2, type(uint256).max - type(uint32).max + 2, 300);
        vm.expectEmit(true, true, true, true, address(validator));
        emit AggregatorValidatorMock.Validated(1, 150, 2, 350);
        _submit(0, type(uint256).max - type(uint32).max + 2, 400);
        assertEq(validator.currentRoundId(), 2, "currentRoundId");
    }
}
