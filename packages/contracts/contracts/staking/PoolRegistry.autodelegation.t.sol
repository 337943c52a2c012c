// SPDX-License-Identifier: MIT
pragma solidity 0.8.30;

import {IPoolRegistryTypes} from "../interfaces/IPoolRegistry.sol";
import {StakingFixture} from "../testing/StakingFixture.sol";
import {vm} from "../testing/Vm.sol";

/// @title Tests of auto-redelegation: a delegator lets anyone add its rewards to its stake, for a fee it chose.
contract PoolRegistryAutoDelegationTest is StakingFixture {
    uint256 internal constant FEE = 20_000; // 2%

    function _enable(address delegator, uint256 feePercentage) internal {
        vm.prank(delegator);
        registry.enableAutoRewardsDelegation(pool, feePercentage);
    }

    // ------------------------------------------------------------------ enable / disable

    function test_enableAndDisableAreLoggedAndReadable() public {
        _delegate(alice, pool, 100e18);
        vm.expectEmit(true, true, true, true, address(registry));
        emit IPoolRegistryTypes.AutoRewardsDelegationEnabled(pool, alice, FEE);
        _enable(alice, FEE);
        (bool enabled, uint256 fee) = registry.getAutoRewardsDelegation(pool, alice);
        assertTrue(enabled, "enabled");
        assertEq(fee, FEE, "fee");

        vm.expectEmit(true, true, true, true, address(registry));
        emit IPoolRegistryTypes.AutoRewardsDelegationDisabled(pool, alice);
        vm.prank(alice);
        registry.disableAutoRewardsDelegation(pool);
        (enabled, fee) = registry.getAutoRewardsDelegation(pool, alice);
        assertTrue(!enabled, "disabled");
        assertEq(fee, 0, "no fee");
    }

    function test_theMisspeltAliasDisablesToo() public {
        _delegate(alice, pool, 100e18);
        _enable(alice, FEE);
        vm.expectEmit(true, true, true, true, address(registry));
        emit IPoolRegistryTypes.AutoRewardsDelegationDisabled(pool, alice);
        vm.prank(alice);
        registry.disableAutoRewardsDedelegation(pool);
        (bool enabled, ) = registry.getAutoRewardsDelegation(pool, alice);
        assertTrue(!enabled, "disabled");
    }

    function test_enableRefusesAFeeAbove100PercentButTakesExactly100Percent() public {
        _delegate(alice, pool, 100e18);
        vm.expectRevert(abi.encodeWithSelector(IPoolRegistryTypes.PoolRegistryRateTooHigh.selector, PPM + 1, PPM));
        _enable(alice, PPM + 1);
        _enable(alice, PPM);
        (, uint256 fee) = registry.getAutoRewardsDelegation(pool, alice);
        assertEq(fee, PPM, "100%");
    }

    function test_enableRefusesADelegatorWithoutStakeAndAnUnknownPool() public {
        vm.expectRevert(
            abi.encodeWithSelector(IPoolRegistryTypes.PoolRegistryAutoDelegationWithoutStake.selector, pool, alice)
        );
        _enable(alice, FEE);
        vm.expectRevert(abi.encodeWithSelector(IPoolRegistryTypes.PoolRegistryUnknownPool.selector, stranger));
        vm.prank(alice);
        registry.enableAutoRewardsDelegation(stranger, FEE);
    }

    function test_disableRefusesWhenNotEnabled() public {
        vm.expectRevert(
            abi.encodeWithSelector(IPoolRegistryTypes.PoolRegistryAutoDelegationNotEnabled.selector, pool, alice)
        );
        vm.prank(alice);
        registry.disableAutoRewardsDelegation(pool);
    }

    // ------------------------------------------------------------------ autoDelegateRewards

    function test_autoDelegateRewardsPaysTheFeeToTheCallerAndStakesTheRest() public {
        _delegate(alice, pool, 100e18);
        _enable(alice, FEE);
        _reward(pool, 1000e18);
        // 5% protocol fee, 10% commission, alice holds half the stake
        uint256 rewards = ((1000e18 - 50e18) - 95e18) / 2;
        uint256 fee = (rewards * FEE) / PPM;
        assertEq(fee, 8.55e18, "2% of 427.5");
        uint256 accountedBefore = _accounted(pool) + 1000e18;

        vm.expectEmit(true, true, true, true, address(registry));
        emit IPoolRegistryTypes.AutoRewardsDelegated(pool, alice, keeper, rewards, fee);
        vm.prank(keeper);
        (uint256 amount, uint256 paid) = registry.autoDelegateRewards(pool, alice);
        assertEq(amount, rewards, "amount");
        assertEq(paid, fee, "fee");
        assertEq(_balance(keeper), fee, "fee paid to the caller");
        assertEq(registry.getStake(pool, alice), 100e18 + rewards - fee, "the rest joined the stake");
        assertEq(_totalStake(pool), 200e18 + rewards - fee, "total stake");
        assertEq(registry.getRewards(pool, alice), 0, "nothing left to redelegate");
        assertEq(_accounted(pool), accountedBefore - fee, "only the fee left the books");
    }

    function test_autoDelegateRewardsIncludesTheOperatorsCommission() public {
        _delegate(alice, pool, 100e18);
        vm.prank(operator);
        registry.enableAutoRewardsDelegation(pool, 0);
        _reward(pool, 1000e18);
        uint256 rewards = 95e18 + ((1000e18 - 50e18) - 95e18) / 2;
        vm.prank(keeper);
        (uint256 amount, uint256 fee) = registry.autoDelegateRewards(pool, operator);
        assertEq(amount, rewards, "self-stake share and commission");
        assertEq(fee, 0, "no fee");
        assertEq(registry.getStake(pool, operator), MIN_SELF_STAKE + rewards, "all of it staked");
        assertEq(_commissionOwed(pool), 0, "commission taken");
    }

    function test_autoDelegateRewardsRefusesWhenNotEnabledOrDisabledAgain() public {
        _delegate(alice, pool, 100e18);
        _reward(pool, 10e18);
        vm.expectRevert(
            abi.encodeWithSelector(IPoolRegistryTypes.PoolRegistryAutoDelegationNotEnabled.selector, pool, alice)
        );
        registry.autoDelegateRewards(pool, alice);
        _enable(alice, FEE);
        vm.prank(alice);
        registry.disableAutoRewardsDelegation(pool);
        vm.expectRevert(
            abi.encodeWithSelector(IPoolRegistryTypes.PoolRegistryAutoDelegationNotEnabled.selector, pool, alice)
        );
        registry.autoDelegateRewards(pool, alice);
    }

    function test_autoDelegateRewardsRefusesWhenThereIsNothingToRedelegate() public {
        _delegate(alice, pool, 100e18);
        _enable(alice, FEE);
        vm.expectRevert(abi.encodeWithSelector(IPoolRegistryTypes.PoolRegistryNothingToWithdraw.selector, pool, alice));
        registry.autoDelegateRewards(pool, alice);
    }

    /// @dev The setting outlives a full exit, but a bounty hunter cannot act on it: there is no stake to add to.
    function test_autoDelegateRewardsRefusesADelegatorWhoLeftThePool() public {
        _delegate(alice, pool, 100e18);
        _enable(alice, FEE);
        _reward(pool, 10e18);
        _undelegate(alice, pool, 100e18, 0); // pays her rewards so far
        _reward(pool, 10e18);
        vm.expectRevert(abi.encodeWithSelector(IPoolRegistryTypes.PoolRegistryNothingToWithdraw.selector, pool, alice));
        registry.autoDelegateRewards(pool, alice);
    }

    function test_autoDelegateRewardsRefusesWhenThePoolNoLongerTakesTheDelegator() public {
        _delegate(alice, pool, 100e18);
        _enable(alice, FEE);
        _reward(pool, 10e18);

        vm.prank(operator);
        registry.disablePool(pool);
        vm.expectRevert(abi.encodeWithSelector(IPoolRegistryTypes.PoolRegistryPoolDisabled.selector, pool));
        registry.autoDelegateRewards(pool, alice);
        vm.startPrank(operator);
        registry.enablePool(pool);
        registry.setPoolPrivate(pool, true);
        vm.stopPrank();
        vm.expectRevert(
            abi.encodeWithSelector(IPoolRegistryTypes.PoolRegistryDelegatorNotAllowed.selector, pool, alice)
        );
        registry.autoDelegateRewards(pool, alice);
        vm.prank(operator);
        registry.setPoolPrivate(pool, false);

        vm.prank(owner);
        registry.setMinSelfStake(MIN_SELF_STAKE + 1);
        vm.expectRevert(
            abi.encodeWithSelector(
                IPoolRegistryTypes.PoolRegistryPoolBroken.selector,
                pool,
                MIN_SELF_STAKE,
                MIN_SELF_STAKE + 1
            )
        );
        registry.autoDelegateRewards(pool, alice);
        vm.prank(owner);
        registry.setMinSelfStake(MIN_SELF_STAKE);
    }

    function test_autoDelegateRewardsRefusesPastTheStakingLimitAndInARetiredPool() public {
        _delegate(alice, pool, 100e18);
        _enable(alice, FEE);
        _reward(pool, 10e18);

        vm.prank(operator);
        registry.setStakingLimit(pool, 200e18);
        uint256 rewards = registry.getRewards(pool, alice);
        uint256 added = rewards - (rewards * FEE) / PPM;
        vm.expectRevert(
            abi.encodeWithSelector(
                IPoolRegistryTypes.PoolRegistryStakingLimitExceeded.selector,
                pool,
                200e18,
                200e18,
                added
            )
        );
        registry.autoDelegateRewards(pool, alice);

        vm.prank(operator);
        registry.retirePool(pool);
        vm.expectRevert(abi.encodeWithSelector(IPoolRegistryTypes.PoolRegistryPoolRetired.selector, pool));
        registry.autoDelegateRewards(pool, alice);
    }

    /// @dev For any fee and reward, the caller gets exactly the fee, the stake grows by the rest, and nothing else
    /// leaves the vault.
    function testFuzz_autoDelegateRewardsSplitsExactly(uint256 feePercentage, uint256 reward) public {
        feePercentage = _bound(feePercentage, 0, PPM);
        reward = _bound(reward, 1e6, 1e27);
        _delegate(alice, pool, 300e18);
        _enable(alice, feePercentage);
        _reward(pool, reward);
        uint256 rewards = registry.getRewards(pool, alice);
        uint256 balanceBefore = _balance(pool);
        vm.prank(keeper);
        (uint256 amount, uint256 fee) = registry.autoDelegateRewards(pool, alice);
        assertEq(amount, rewards, "the rewards shown");
        assertEq(fee, (rewards * feePercentage) / PPM, "the chosen fee");
        assertEq(_balance(keeper), fee, "paid to the caller");
        assertEq(_balance(pool), balanceBefore - fee, "only the fee left the vault");
        assertEq(registry.getStake(pool, alice), 300e18 + rewards - fee, "the rest staked");
    }

    function test_autoDelegateRewardsSplitsExactly() public {
        testFuzz_autoDelegateRewardsSplitsExactly(123_456, 777e18);
    }
}
