// SPDX-License-Identifier: MIT
pragma solidity 0.8.30;

import {IPoolRegistryTypes} from "../interfaces/IPoolRegistry.sol";
import {StakingFixture} from "../testing/StakingFixture.sol";
import {vm} from "../testing/Vm.sol";

/// @title Tests of commission rate changes: requested by the operator, applied after a lockout, capped per change.
contract PoolRegistryCommissionTest is StakingFixture {
    uint256 internal constant MAX_INCREASE = 100_000;

    function _request(uint256 newRate) internal returns (uint256) {
        vm.prank(operator);
        return registry.requestCommissionRateChange(pool, newRate);
    }

    function _id(uint256 nonce) internal view returns (uint256) {
        return (nonce << 160) | uint256(uint160(pool));
    }

    // ------------------------------------------------------------------ maxCommissionIncrease

    /// @dev Its log is checked by the sdk's log fold test, which rebuilds the cap from the deployment's logs.
    function test_theConstructorSetsTheInitialCap() public view {
        assertEq(registry.maxCommissionIncrease(), MAX_INCREASE, "initial cap");
    }

    function test_setMaxCommissionIncreaseByTheOwnerOnlyAndAtMost100Percent() public {
        vm.expectEmit(true, true, true, true, address(registry));
        emit IPoolRegistryTypes.MaxCommissionIncreaseChanged(PPM);
        vm.prank(owner);
        registry.setMaxCommissionIncrease(PPM);
        assertEq(registry.maxCommissionIncrease(), PPM, "set");

        vm.expectRevert(abi.encodeWithSelector(IPoolRegistryTypes.PoolRegistryRateTooHigh.selector, PPM + 1, PPM));
        vm.prank(owner);
        registry.setMaxCommissionIncrease(PPM + 1);
        vm.expectRevert(abi.encodeWithSignature("OwnableUnauthorizedAccount(address)", stranger));
        vm.prank(stranger);
        registry.setMaxCommissionIncrease(0);
    }

    // ------------------------------------------------------------------ request

    function test_requestIsLoggedWithItsIdAndWhenItCanApply() public {
        uint256 effectiveAt = block.timestamp + THAWING_PERIOD;
        vm.expectEmit(true, true, true, true, address(registry));
        emit IPoolRegistryTypes.CommissionRateChangeRequested(_id(1), pool, 150_000, effectiveAt);
        assertEq(_request(150_000), _id(1), "id");
        assertEq(registry.getPoolInfo(pool).commissionRate, COMMISSION_RATE, "the rate is unchanged until finalized");
    }

    function test_requestRefusesAnIncreaseAboveTheCapButTakesExactlyTheCap() public {
        uint256 tooMuch = COMMISSION_RATE + MAX_INCREASE + 1;
        vm.expectRevert(
            abi.encodeWithSelector(
                IPoolRegistryTypes.PoolRegistryCommissionIncreaseTooLarge.selector,
                pool,
                COMMISSION_RATE,
                tooMuch,
                MAX_INCREASE
            )
        );
        _request(tooMuch);
        _request(COMMISSION_RATE + MAX_INCREASE);
        _request(0); // a decrease of any size
    }

    function test_requestRefusesARateAbove100PercentAnyoneButTheOperatorAndAnUnknownPool() public {
        vm.prank(owner);
        registry.setMaxCommissionIncrease(PPM);
        vm.expectRevert(abi.encodeWithSelector(IPoolRegistryTypes.PoolRegistryRateTooHigh.selector, PPM + 1, PPM));
        _request(PPM + 1);
        vm.expectRevert(abi.encodeWithSelector(IPoolRegistryTypes.PoolRegistryNotOperator.selector, pool, stranger));
        vm.prank(stranger);
        registry.requestCommissionRateChange(pool, 0);
        vm.expectRevert(abi.encodeWithSelector(IPoolRegistryTypes.PoolRegistryUnknownPool.selector, stranger));
        vm.prank(operator);
        registry.requestCommissionRateChange(stranger, 0);
    }

    /// @dev One pending change per pool: a new request replaces the old one, whose id is no longer known.
    function test_aNewRequestReplacesThePendingOneAndRestartsTheLockout() public {
        uint256 first = _request(150_000);
        vm.warp(block.timestamp + 1 days);
        uint256 second = _request(50_000);
        assertEq(second, _id(2), "second id");
        vm.warp(block.timestamp + THAWING_PERIOD - 1 days);
        vm.expectRevert(
            abi.encodeWithSelector(IPoolRegistryTypes.PoolRegistryUnknownCommissionRateChange.selector, first)
        );
        vm.prank(operator);
        registry.finalizeCommissionRateChange(first);
        vm.expectRevert(
            abi.encodeWithSelector(
                IPoolRegistryTypes.PoolRegistryCommissionRateChangeNotDue.selector,
                second,
                block.timestamp + 1 days
            )
        );
        vm.prank(operator);
        registry.finalizeCommissionRateChange(second);
    }

    // ------------------------------------------------------------------ finalize

    function test_finalizeIsRefusedOneSecondEarlyAndAllowedAtEffectiveAt() public {
        uint256 effectiveAt = block.timestamp + THAWING_PERIOD;
        uint256 id = _request(150_000);
        vm.warp(effectiveAt - 1);
        vm.expectRevert(
            abi.encodeWithSelector(IPoolRegistryTypes.PoolRegistryCommissionRateChangeNotDue.selector, id, effectiveAt)
        );
        vm.prank(operator);
        registry.finalizeCommissionRateChange(id);

        vm.warp(effectiveAt);
        vm.expectEmit(true, true, true, true, address(registry));
        emit IPoolRegistryTypes.CommissionRateChanged(pool, COMMISSION_RATE, 150_000);
        vm.prank(operator);
        registry.finalizeCommissionRateChange(id);
        assertEq(registry.getPoolInfo(pool).commissionRate, 150_000, "new rate");

        vm.expectRevert(
            abi.encodeWithSelector(IPoolRegistryTypes.PoolRegistryUnknownCommissionRateChange.selector, id)
        );
        vm.prank(operator);
        registry.finalizeCommissionRateChange(id);
    }

    function test_finalizeRefusesAnyoneButTheOperatorAndUnknownIds() public {
        uint256 id = _request(150_000);
        vm.warp(block.timestamp + THAWING_PERIOD);
        vm.expectRevert(abi.encodeWithSelector(IPoolRegistryTypes.PoolRegistryNotOperator.selector, pool, stranger));
        vm.prank(stranger);
        registry.finalizeCommissionRateChange(id);
        vm.expectRevert(
            abi.encodeWithSelector(IPoolRegistryTypes.PoolRegistryUnknownCommissionRateChange.selector, 42)
        );
        vm.prank(operator);
        registry.finalizeCommissionRateChange(42);
        vm.expectRevert(
            abi.encodeWithSelector(IPoolRegistryTypes.PoolRegistryUnknownCommissionRateChange.selector, _id(2))
        );
        vm.prank(operator);
        registry.finalizeCommissionRateChange(_id(2));
    }

    /// @dev A reward that arrived before finalization is split at the old rate, one after at the new rate.
    function test_aRewardBeforeFinalizationIsSplitAtTheOldRateAndOneAfterAtTheNew() public {
        _delegate(alice, pool, 100e18);
        uint256 id = _request(200_000);
        vm.warp(block.timestamp + THAWING_PERIOD);
        _reward(pool, 1000e18); // arrived, not distributed yet
        vm.expectEmit(true, true, true, true, address(registry));
        emit IPoolRegistryTypes.RewardsDistributed(pool, 1000e18, 50e18, 95e18, 855e18);
        vm.expectEmit(true, true, true, true, address(registry));
        emit IPoolRegistryTypes.CommissionRateChanged(pool, COMMISSION_RATE, 200_000);
        vm.prank(operator);
        registry.finalizeCommissionRateChange(id);
        assertEq(_commissionOwed(pool), 95e18, "10% of 950");
        assertEq(registry.getRewards(pool, alice), 427.5e18, "half of 855");

        _reward(pool, 1000e18);
        vm.expectEmit(true, true, true, true, address(registry));
        emit IPoolRegistryTypes.RewardsDistributed(pool, 1000e18, 50e18, 190e18, 760e18);
        registry.distributeRewards(pool);
        assertEq(_commissionOwed(pool), 95e18 + 190e18, "then 20% of 950");
        assertEq(registry.getRewards(pool, alice), 427.5e18 + 380e18, "and half of 760");
    }

    /// @dev For any rate the cap allows, the change applies exactly at its time, never before.
    function testFuzz_finalizeAppliesAnyAllowedRateAtItsTime(uint256 newRate, uint256 elapsed) public {
        newRate = _bound(newRate, 0, COMMISSION_RATE + MAX_INCREASE);
        elapsed = _bound(elapsed, 0, 2 * THAWING_PERIOD);
        uint256 start = block.timestamp;
        uint256 id = _request(newRate);
        vm.warp(start + elapsed);
        bool due = elapsed >= THAWING_PERIOD;
        if (!due) {
            vm.expectRevert(
                abi.encodeWithSelector(
                    IPoolRegistryTypes.PoolRegistryCommissionRateChangeNotDue.selector,
                    id,
                    start + THAWING_PERIOD
                )
            );
        }
        vm.prank(operator);
        registry.finalizeCommissionRateChange(id);
        assertEq(registry.getPoolInfo(pool).commissionRate, due ? newRate : COMMISSION_RATE, "rate");
    }

    function test_finalizeAppliesAnyAllowedRateAtItsTime() public {
        testFuzz_finalizeAppliesAnyAllowedRateAtItsTime(175_000, THAWING_PERIOD);
    }
}
