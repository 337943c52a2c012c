// SPDX-License-Identifier: MIT
pragma solidity 0.8.30;

import {IPoolRegistryTypes} from "../interfaces/IPoolRegistry.sol";
import {StakingFixture} from "../testing/StakingFixture.sol";
import {vm} from "../testing/Vm.sol";

/// @title Tests of delegation transfers between pools: transferDelegation, finalizeTransfer(s), getTransfer.
/// @notice The set-up pool (index 0) is the usual source; `toPool` (index 1) is a second active pool whose operator
/// holds exactly the minimum self-stake. Both take a 10% commission, and the protocol fee is 5%.
contract PoolRegistryTransferTest is StakingFixture {
    address internal immutable otherOperator = _named("otherOperator");
    address internal toPool;

    function setUp() public override {
        super.setUp();
        toPool = _registerPool(otherOperator, COMMISSION_RATE);
        _delegate(otherOperator, toPool, MIN_SELF_STAKE);
    }

    // ------------------------------------------------------------------ transferDelegation

    function test_transferDelegationTakesTheStakeOutAtOnceAndReservesItsRoomInTheOtherPool() public {
        _delegate(alice, pool, 300e18);
        vm.warp(1000);
        uint256 expectedId = _transferId(alice, 0, 1, 1);
        vm.expectEmit(true, true, true, true, address(registry));
        emit IPoolRegistryTypes.DelegationTransferred(
            expectedId,
            pool,
            toPool,
            alice,
            100e18,
            2e18,
            1000 + TRANSFER_LOCKOUT_PERIOD
        );
        uint256 id = _transfer(alice, pool, toPool, 100e18, 2e18);

        assertEq(id, expectedId, "id");
        assertEq(registry.getStake(pool, alice), 200e18, "alice's stake left in the old pool");
        assertEq(_totalStake(pool), MIN_SELF_STAKE + 200e18, "the old pool's total");
        assertEq(_pendingStake(pool), 0, "nothing pending into the old pool");
        assertEq(registry.getStake(toPool, alice), 0, "nothing in the new pool yet");
        assertEq(_totalStake(toPool), MIN_SELF_STAKE, "the new pool's total is unchanged");
        assertEq(_pendingStake(toPool), 98e18, "pending into the new pool: the amount less the fee");
        assertEq(_balance(pool), MIN_SELF_STAKE + 300e18, "the tokens stay in the old pool's vault");
        assertEq(_accounted(pool), MIN_SELF_STAKE + 300e18, "and stay accounted there");
        assertEq(_accounted(toPool), MIN_SELF_STAKE, "the new pool's vault has not received them");
        assertEq(_balance(alice), 0, "nothing paid");

        IPoolRegistryTypes.Transfer memory t = registry.getTransfer(id);
        assertEq(t.fromPool, pool, "fromPool");
        assertEq(t.toPool, toPool, "toPool");
        assertEq(t.delegator, alice, "delegator");
        assertEq(t.amount, 100e18, "amount");
        assertEq(t.fee, 2e18, "fee");
        assertEq(t.releaseAt, 1000 + TRANSFER_LOCKOUT_PERIOD, "releaseAt");
    }

    function test_transferIdsEncodeNonceBothPoolIndexesAndDelegatorAndNeverEqualAnUndelegationId() public {
        _delegate(alice, pool, 10);
        _delegate(alice, toPool, 10);
        uint256 first = _transfer(alice, pool, toPool, 1, 0);
        uint256 second = _transfer(alice, pool, toPool, 1, 0);
        uint256 back = _transfer(alice, toPool, pool, 1, 0);
        uint256 undelegation = _undelegate(alice, pool, 1, 0);

        assertEq(first, (1 << 224) | (1 << 192) | uint256(uint160(alice)), "nonce 1, pool 0 to pool 1");
        assertEq(second, (2 << 224) | (1 << 192) | uint256(uint160(alice)), "nonce 2, pool 0 to pool 1");
        assertEq(back, (1 << 224) | (1 << 160) | uint256(uint160(alice)), "nonce 1 of pool 1, pool 1 to pool 0");
        assertEq(undelegation, uint256(uint160(alice)), "transfers do not use the undelegation nonce");
        assertTrue(first >> 224 != 0 && undelegation >> 224 == 0, "the top 32 bits tell the two kinds apart");
        IPoolRegistryTypes.Transfer memory t = registry.getTransfer(back);
        assertEq(t.fromPool, toPool, "decoded fromPool");
        assertEq(t.toPool, pool, "decoded toPool");
        assertEq(t.delegator, alice, "decoded delegator");

        // each kind of id is unknown to the other kind's functions
        vm.expectRevert(abi.encodeWithSelector(IPoolRegistryTypes.PoolRegistryUnknownUndelegation.selector, first));
        registry.getUndelegation(first);
        vm.expectRevert(abi.encodeWithSelector(IPoolRegistryTypes.PoolRegistryUnknownTransfer.selector, undelegation));
        registry.getTransfer(undelegation);
        vm.warp(block.timestamp + THAWING_PERIOD);
        vm.expectRevert(abi.encodeWithSelector(IPoolRegistryTypes.PoolRegistryUnknownUndelegation.selector, first));
        registry.finalizeUndelegate(first);
        vm.expectRevert(abi.encodeWithSelector(IPoolRegistryTypes.PoolRegistryUnknownTransfer.selector, undelegation));
        registry.finalizeTransfer(undelegation);
    }

    function test_transferDelegationRefusesUnknownPoolsAndTheSamePool() public {
        _delegate(alice, pool, 100e18);
        bytes memory unknown = abi.encodeWithSelector(IPoolRegistryTypes.PoolRegistryUnknownPool.selector, stranger);
        _assertTransferRefused(alice, stranger, toPool, 1, 0, unknown);
        _assertTransferRefused(alice, pool, stranger, 1, 0, unknown);
        _assertTransferRefused(
            alice,
            pool,
            pool,
            1,
            0,
            abi.encodeWithSelector(IPoolRegistryTypes.PoolRegistryTransferToSamePool.selector, pool)
        );
    }

    function test_transferDelegationRefusesZeroAFeeAboveTheAmountAndMoreThanTheStake() public {
        _delegate(alice, pool, 100e18);
        _assertTransferRefused(
            alice,
            pool,
            toPool,
            0,
            0,
            abi.encodeWithSelector(IPoolRegistryTypes.PoolRegistryZeroAmount.selector)
        );
        _assertTransferRefused(
            alice,
            pool,
            toPool,
            1e18,
            1e18 + 1,
            abi.encodeWithSelector(IPoolRegistryTypes.PoolRegistryFeeExceedsAmount.selector, 1e18 + 1, 1e18)
        );
        _assertTransferRefused(
            alice,
            pool,
            toPool,
            100e18 + 1,
            0,
            abi.encodeWithSelector(
                IPoolRegistryTypes.PoolRegistryInsufficientStake.selector,
                pool,
                alice,
                100e18,
                100e18 + 1
            )
        );
        _assertTransferRefused(
            stranger,
            pool,
            toPool,
            1,
            0,
            abi.encodeWithSelector(IPoolRegistryTypes.PoolRegistryInsufficientStake.selector, pool, stranger, 0, 1)
        );
        _transfer(alice, pool, toPool, 100e18, 100e18); // the whole stake, the whole amount as fee: the edges pass
    }

    function test_transferDelegationRefusesAPoolThatWouldNotTakeTheDelegatorNow() public {
        _delegate(alice, pool, 100e18);
        vm.prank(otherOperator);
        registry.setPoolPrivate(toPool, true);
        _assertAliceRefused(
            abi.encodeWithSelector(IPoolRegistryTypes.PoolRegistryDelegatorNotAllowed.selector, toPool, alice)
        );
        vm.prank(otherOperator);
        registry.setDelegatorAllowed(toPool, alice, true);

        vm.prank(owner);
        registry.setMinSelfStake(2 * MIN_SELF_STAKE); // both pools break: only the one it goes to matters
        _assertAliceRefused(
            abi.encodeWithSelector(
                IPoolRegistryTypes.PoolRegistryPoolBroken.selector,
                toPool,
                MIN_SELF_STAKE,
                2 * MIN_SELF_STAKE
            )
        );
        vm.prank(owner);
        registry.setMinSelfStake(MIN_SELF_STAKE);

        vm.prank(otherOperator);
        registry.disablePool(toPool);
        _assertAliceRefused(abi.encodeWithSelector(IPoolRegistryTypes.PoolRegistryPoolDisabled.selector, toPool));
        vm.prank(otherOperator);
        registry.retirePool(toPool);
        _assertAliceRefused(abi.encodeWithSelector(IPoolRegistryTypes.PoolRegistryPoolRetired.selector, toPool));

        assertEq(registry.getStake(pool, alice), 100e18, "alice's stake untouched");
        assertEq(_pendingStake(toPool), 0, "nothing reserved");
    }

    function test_anOperatorCannotTransferTheirSelfStakeButCanTransferStakeFromAnotherPool() public {
        _assertTransferRefused(
            operator,
            pool,
            toPool,
            1,
            0,
            abi.encodeWithSelector(IPoolRegistryTypes.PoolRegistrySelfStakeNotTransferable.selector, pool, operator)
        );
        // whatever the amount: the self-stake rule is checked first
        _assertTransferRefused(
            operator,
            pool,
            toPool,
            MIN_SELF_STAKE + 1,
            0,
            abi.encodeWithSelector(IPoolRegistryTypes.PoolRegistrySelfStakeNotTransferable.selector, pool, operator)
        );
        assertEq(registry.getPoolInfo(pool).selfStake, MIN_SELF_STAKE, "self-stake untouched");

        // in someone else's pool the operator is a delegator like any other, and may transfer into their own pool
        _delegate(operator, toPool, 50e18);
        uint256 id = _transfer(operator, toPool, pool, 50e18, 0);
        vm.warp(block.timestamp + TRANSFER_LOCKOUT_PERIOD);
        registry.finalizeTransfer(id);
        assertEq(registry.getPoolInfo(pool).selfStake, MIN_SELF_STAKE + 50e18, "landed as self-stake");
    }

    function test_aDelegatorCanAlwaysTransferOutOfABrokenDisabledOrRetiredPool() public {
        _delegate(alice, pool, 300e18);
        vm.prank(operator);
        registry.undelegate(pool, 1, 0);
        assertEq(uint256(registry.getPoolInfo(pool).state), uint256(IPoolRegistryTypes.PoolState.Broken), "broken");
        uint256 outOfBroken = _transfer(alice, pool, toPool, 100e18, 0);

        vm.prank(operator);
        registry.disablePool(pool);
        uint256 outOfDisabled = _transfer(alice, pool, toPool, 100e18, 0);

        vm.prank(operator);
        registry.retirePool(pool);
        uint256 outOfRetired = _transfer(alice, pool, toPool, 100e18, 0);

        vm.warp(block.timestamp + TRANSFER_LOCKOUT_PERIOD);
        uint256[] memory ids = new uint256[](3);
        (ids[0], ids[1], ids[2]) = (outOfBroken, outOfDisabled, outOfRetired);
        assertEq(registry.finalizeTransfers(ids), 3, "all three landed");
        assertEq(registry.getStake(toPool, alice), 300e18, "all of alice's stake moved");
        assertEq(registry.getStake(pool, alice), 0, "none left behind");
    }

    function test_theOperatorOfABrokenPoolMayTransferIntoItAndMendIt() public {
        address broken = _registerPool(carol, 0);
        _delegate(alice, pool, 10e18);
        _delegate(carol, pool, MIN_SELF_STAKE);
        _assertTransferRefused(
            alice,
            pool,
            broken,
            10e18,
            0,
            abi.encodeWithSelector(IPoolRegistryTypes.PoolRegistryPoolBroken.selector, broken, 0, MIN_SELF_STAKE)
        );
        uint256 id = _transfer(carol, pool, broken, MIN_SELF_STAKE, 0);
        assertEq(uint256(registry.getPoolInfo(broken).state), uint256(IPoolRegistryTypes.PoolState.Broken), "not yet");
        vm.warp(block.timestamp + TRANSFER_LOCKOUT_PERIOD);
        registry.finalizeTransfer(id);
        assertEq(uint256(registry.getPoolInfo(broken).state), uint256(IPoolRegistryTypes.PoolState.Active), "mended");
    }

    // ------------------------------------------------------------------ the staking limit and the vault's room

    function test_theStakingLimitCountsStakePendingIntoThePool() public {
        uint256 limit = MIN_SELF_STAKE + 100e18;
        vm.prank(otherOperator);
        registry.setStakingLimit(toPool, limit);
        _delegate(alice, pool, 200e18);
        _delegate(bob, pool, 200e18);

        uint256 aliceId = _transfer(alice, pool, toPool, 61e18, 1e18); // reserves 60: the fee never lands
        _assertTransferRefused(
            bob,
            pool,
            toPool,
            41e18,
            0,
            abi.encodeWithSelector(
                IPoolRegistryTypes.PoolRegistryStakingLimitExceeded.selector,
                toPool,
                MIN_SELF_STAKE + 60e18,
                limit,
                41e18
            )
        );
        uint256 bobId = _transfer(bob, pool, toPool, 40e18, 0); // exactly the rest
        assertEq(_pendingStake(toPool), 100e18, "pending fills the limit");
        assertEq(_totalStake(toPool), MIN_SELF_STAKE, "but is not stake yet");

        vm.warp(block.timestamp + TRANSFER_LOCKOUT_PERIOD);
        uint256[] memory ids = new uint256[](2);
        (ids[0], ids[1]) = (aliceId, bobId);
        registry.finalizeTransfers(ids);
        assertEq(_totalStake(toPool), limit, "landed exactly at the limit");
        assertEq(_pendingStake(toPool), 0, "nothing pending");
        assertEq(registry.getStake(toPool, alice), 60e18, "alice's landed stake");
        assertEq(registry.getStake(toPool, bob), 40e18, "bob's landed stake");
    }

    function test_theRoomReservedForATransferIsKeptFromEveryOtherWayIn() public {
        uint256 limit = MIN_SELF_STAKE + 100e18;
        vm.prank(otherOperator);
        registry.setStakingLimit(toPool, limit);
        _delegate(alice, pool, 100e18);
        _transfer(alice, pool, toPool, 100e18, 0);

        token.transfer(carol, 1);
        vm.startPrank(carol);
        token.approve(address(registry), 1);
        vm.expectRevert(
            abi.encodeWithSelector(
                IPoolRegistryTypes.PoolRegistryStakingLimitExceeded.selector,
                toPool,
                limit,
                limit,
                1
            )
        );
        registry.delegate(toPool, 1);
        vm.stopPrank();

        _reward(toPool, 10e18);
        uint256 rewards = registry.getRewards(toPool, otherOperator);
        vm.expectRevert(
            abi.encodeWithSelector(
                IPoolRegistryTypes.PoolRegistryStakingLimitExceeded.selector,
                toPool,
                limit,
                limit,
                rewards
            )
        );
        vm.prank(otherOperator);
        registry.redelegateRewards(toPool);

        vm.expectRevert(
            abi.encodeWithSelector(IPoolRegistryTypes.PoolRegistryLimitBelowStake.selector, toPool, limit - 1, limit)
        );
        vm.prank(otherOperator);
        registry.setStakingLimit(toPool, limit - 1);
        vm.prank(otherOperator);
        registry.setStakingLimit(toPool, limit); // exactly the stake and the reserved room: allowed
    }

    function test_theVaultsRoomCountsTokensPendingIntoIt() public {
        _delegate(alice, pool, 100e18);
        _reward(toPool, MAX_UINT96 - 10 - MIN_SELF_STAKE);
        registry.distributeRewards(toPool);
        assertEq(_accounted(toPool), MAX_UINT96 - 10, "the vault's counters are nearly full");
        _assertTransferRefused(
            alice,
            pool,
            toPool,
            11,
            0,
            abi.encodeWithSelector(IPoolRegistryTypes.PoolRegistryVaultFull.selector, toPool, MAX_UINT96 - 10, 11)
        );
        uint256 id = _transfer(alice, pool, toPool, 10, 0);

        // the reserved room is kept from rewards and delegations alike, so the transfer can always land
        _reward(toPool, 5);
        assertEq(registry.distributeRewards(toPool), 0, "a reward waits: the room is reserved");
        token.transfer(carol, 1);
        vm.startPrank(carol);
        token.approve(address(registry), 1);
        vm.expectRevert(
            abi.encodeWithSelector(IPoolRegistryTypes.PoolRegistryVaultFull.selector, toPool, MAX_UINT96, 1)
        );
        registry.delegate(toPool, 1);
        vm.stopPrank();

        vm.warp(block.timestamp + TRANSFER_LOCKOUT_PERIOD);
        registry.finalizeTransfer(id);
        assertEq(_accounted(toPool), MAX_UINT96, "landed at the top");
        assertEq(registry.getStake(toPool, alice), 10, "alice's stake");
    }

    // ------------------------------------------------------------------ finalizeTransfer

    function test_finalizeTransferWaitsOutTheLockoutThenLandsTheStakeAndPaysTheFeeToTheCaller() public {
        _delegate(alice, pool, 300e18);
        uint256 start = block.timestamp;
        uint256 id = _transfer(alice, pool, toPool, 100e18, 2e18);
        uint256 releaseAt = start + TRANSFER_LOCKOUT_PERIOD;

        vm.warp(releaseAt - 1);
        vm.expectRevert(abi.encodeWithSelector(IPoolRegistryTypes.PoolRegistryTransferNotDue.selector, id, releaseAt));
        vm.prank(keeper);
        registry.finalizeTransfer(id);

        vm.warp(releaseAt);
        vm.expectEmit(true, true, true, true, address(registry));
        emit IPoolRegistryTypes.TransferFinalized(id, pool, toPool, alice, 100e18, 2e18, keeper);
        vm.prank(keeper);
        registry.finalizeTransfer(id);

        assertEq(registry.getStake(toPool, alice), 98e18, "landed: the amount less the fee");
        assertEq(_totalStake(toPool), MIN_SELF_STAKE + 98e18, "the new pool's total");
        assertEq(_pendingStake(toPool), 0, "nothing pending any more");
        assertEq(_balance(keeper), 2e18, "the fee to the caller");
        assertEq(_balance(alice), 0, "nothing to alice: her tokens are stake");
        assertEq(_balance(pool), MIN_SELF_STAKE + 200e18, "the old vault holds the rest");
        assertEq(_accounted(pool), MIN_SELF_STAKE + 200e18, "and accounts for it");
        assertEq(_balance(toPool), MIN_SELF_STAKE + 98e18, "the new vault received the stake");
        assertEq(_accounted(toPool), MIN_SELF_STAKE + 98e18, "and accounts for it");

        vm.expectRevert(abi.encodeWithSelector(IPoolRegistryTypes.PoolRegistryUnknownTransfer.selector, id));
        registry.finalizeTransfer(id);
        vm.expectRevert(abi.encodeWithSelector(IPoolRegistryTypes.PoolRegistryUnknownTransfer.selector, id));
        registry.getTransfer(id);
    }

    function test_finalizeTransferOfAnUnknownIdIsRefused() public {
        vm.expectRevert(abi.encodeWithSelector(IPoolRegistryTypes.PoolRegistryUnknownTransfer.selector, 42));
        registry.finalizeTransfer(42);
        vm.expectRevert(abi.encodeWithSelector(IPoolRegistryTypes.PoolRegistryUnknownTransfer.selector, 42));
        registry.getTransfer(42);
    }

    function test_aTransferWhoseFeeIsEverythingLandsNothingAndPaysTheCaller() public {
        _delegate(alice, pool, 10e18);
        uint256 id = _transfer(alice, pool, toPool, 10e18, 10e18);
        assertEq(_pendingStake(toPool), 0, "nothing to reserve");
        vm.warp(block.timestamp + TRANSFER_LOCKOUT_PERIOD);
        vm.prank(keeper);
        registry.finalizeTransfer(id);
        assertEq(_balance(keeper), 10e18, "all of it to the caller");
        assertEq(registry.getStake(toPool, alice), 0, "no stake landed");
        assertEq(_balance(toPool), MIN_SELF_STAKE, "the new vault received nothing");
    }

    function test_aTransferLandsEvenIfTheOtherPoolWasClosedToItMeanwhile() public {
        _delegate(alice, pool, 300e18);
        uint256 id = _transfer(alice, pool, toPool, 100e18, 0);
        vm.startPrank(otherOperator);
        registry.setPoolPrivate(toPool, true); // alice is not on its allow-list
        registry.undelegate(toPool, 1, 0); // broken
        registry.retirePool(toPool); // retired (and so disabled)
        vm.stopPrank();

        vm.warp(block.timestamp + TRANSFER_LOCKOUT_PERIOD);
        registry.finalizeTransfer(id);
        assertEq(registry.getStake(toPool, alice), 100e18, "landed: its room was reserved");
        assertEq(uint256(registry.getPoolInfo(toPool).state), uint256(IPoolRegistryTypes.PoolState.Retired), "retired");

        // and alice can leave it, as she can leave any pool: nothing is stuck
        uint256 back = _transfer(alice, toPool, pool, 40e18, 0);
        uint256 out = _undelegate(alice, toPool, 60e18, 0);
        vm.warp(block.timestamp + THAWING_PERIOD);
        registry.finalizeTransfer(back);
        registry.finalizeUndelegate(out);
        assertEq(registry.getStake(pool, alice), 240e18, "back in the first pool");
        assertEq(_balance(alice), 60e18, "paid out of the retired pool");
    }

    // ------------------------------------------------------------------ rewards

    function test_transferDelegationPaysTheRewardsAlreadyEarnedInTheOldPool() public {
        _delegate(alice, pool, 300e18);
        _reward(pool, 1000e18); // 50 protocol fee, 95 commission, 855 over 400 staked: alice 641.25
        uint256 id = _transferId(alice, 0, 1, 1);
        vm.expectEmit(true, true, true, true, address(registry));
        emit IPoolRegistryTypes.RewardsDistributed(pool, 1000e18, 50e18, 95e18, 855e18);
        vm.expectEmit(true, true, true, true, address(registry));
        emit IPoolRegistryTypes.DelegationTransferred(
            id,
            pool,
            toPool,
            alice,
            300e18,
            0,
            block.timestamp + TRANSFER_LOCKOUT_PERIOD
        );
        vm.expectEmit(true, true, true, true, address(registry));
        emit IPoolRegistryTypes.RewardsWithdrawn(pool, alice, 641.25e18);
        _transfer(alice, pool, toPool, 300e18, 0);
        assertEq(_balance(alice), 641.25e18, "alice's share paid");
        assertEq(registry.getRewards(pool, alice), 0, "nothing left to claim there");
    }

    function test_aRewardArrivingDuringTheLockoutEarnsTheTransferringStakeNothingInEitherPool() public {
        _delegate(alice, pool, 300e18);
        _delegate(bob, toPool, 100e18);
        uint256 id = _transfer(alice, pool, toPool, 300e18, 0);

        _reward(pool, 1000e18);
        _reward(toPool, 1000e18);
        // each pool: 50 protocol fee, 95 commission, 855 to its stakers; alice is staked in neither
        assertEq(registry.getRewards(pool, alice), 0, "alice earns nothing in the old pool");
        assertEq(registry.getRewards(pool, operator), 950e18, "its operator, alone staked, has it all");
        assertEq(registry.getRewards(toPool, alice), 0, "alice earns nothing in the new pool");
        assertEq(registry.getRewards(toPool, bob), 427.5e18, "bob: half of 855");
        assertEq(registry.getRewards(toPool, otherOperator), 427.5e18 + 95e18, "its operator: half, and commission");

        vm.warp(block.timestamp + TRANSFER_LOCKOUT_PERIOD);
        registry.finalizeTransfer(id); // distributes the new pool's reward before the stake lands
        assertEq(registry.getRewards(toPool, alice), 0, "landing does not share a reward that came before it");
        assertEq(registry.getRewards(toPool, bob), 427.5e18, "bob keeps his share");
        assertEq(registry.distributeRewards(pool), 1000e18, "the old pool's reward, and not the tokens that left");
        assertEq(registry.getRewards(pool, operator), 950e18, "all of it still to the old pool's operator");

        // from now on alice earns in the new pool: 855 over 500 staked
        _reward(toPool, 1000e18);
        assertEq(registry.getRewards(toPool, alice), 513e18, "alice: 300 of 500");
        assertEq(registry.getRewards(toPool, bob), 427.5e18 + 171e18, "bob: 100 of 500 more");
        assertEq(registry.getRewards(toPool, otherOperator), 522.5e18 + 171e18 + 95e18, "operator: 100 of 500 more");
    }

    function test_finalizeTransferPaysTheRewardsAlreadyEarnedInTheNewPoolFirst() public {
        _delegate(alice, pool, 300e18);
        _delegate(alice, toPool, 100e18);
        uint256 id = _transfer(alice, pool, toPool, 100e18, 0);
        _reward(toPool, 1000e18); // 855 over 200 staked: alice 427.5 on the stake she already had there

        vm.warp(block.timestamp + TRANSFER_LOCKOUT_PERIOD);
        vm.expectEmit(true, true, true, true, address(registry));
        emit IPoolRegistryTypes.RewardsDistributed(toPool, 1000e18, 50e18, 95e18, 855e18);
        vm.expectEmit(true, true, true, true, address(registry));
        emit IPoolRegistryTypes.TransferFinalized(id, pool, toPool, alice, 100e18, 0, keeper);
        vm.expectEmit(true, true, true, true, address(registry));
        emit IPoolRegistryTypes.RewardsWithdrawn(toPool, alice, 427.5e18);
        vm.prank(keeper);
        registry.finalizeTransfer(id);
        assertEq(_balance(alice), 427.5e18, "her rewards in the new pool, paid");
        assertEq(registry.getStake(toPool, alice), 200e18, "and her stake there, grown");
        assertEq(registry.getRewards(toPool, alice), 0, "nothing left to claim");
    }

    /// @dev Whatever the amounts, fee and rewards, a transfer pays what was earned, lands exactly `part - fee`, pays
    /// `fee` to the finalizer, earns nothing in transit, and leaves each vault holding exactly what it accounts for.
    function testFuzz_aTransferKeepsEveryWei(uint256 amount, uint256 part, uint256 fee, uint256 reward) public {
        amount = _bound(amount, 1, 1e27);
        part = _bound(part, 1, amount);
        fee = _bound(fee, 0, part);
        reward = _bound(reward, 0, 1e24);
        _delegate(alice, pool, amount);
        if (reward != 0) _reward(pool, reward);
        uint256 earned = registry.getRewards(pool, alice);

        uint256 id = _transfer(alice, pool, toPool, part, fee);
        assertEq(_balance(alice), earned, "paid what was earned in the old pool");
        assertEq(registry.getStake(pool, alice), amount - part, "left behind");
        assertEq(_pendingStake(toPool), part - fee, "pending");
        if (reward != 0) _reward(toPool, reward); // arrives in transit

        vm.warp(block.timestamp + TRANSFER_LOCKOUT_PERIOD);
        vm.prank(keeper);
        registry.finalizeTransfer(id);
        assertEq(registry.getStake(toPool, alice), part - fee, "landed");
        assertEq(_totalStake(toPool), MIN_SELF_STAKE + part - fee, "the new pool's total");
        assertEq(_pendingStake(toPool), 0, "nothing pending");
        assertEq(_balance(keeper), fee, "the fee");
        assertEq(registry.getRewards(toPool, alice), 0, "earned nothing in transit");
        assertEq(_balance(alice), earned, "paid nothing more");
        assertEq(_balance(pool), _accounted(pool), "the old vault holds exactly what it accounts for");
        assertEq(_balance(toPool), _accounted(toPool), "the new vault holds exactly what it accounts for");
        uint256 claims =
            _totalStake(pool) +
                registry.getRewards(pool, operator) +
                registry.getRewards(pool, alice) +
                _protocolFeesOwed(pool);
        assertLe(claims, _accounted(pool), "the old vault covers every claim");
        (, , uint256 remainder, , ) = registry.getPoolAccounting(pool);
        uint256 excess = (_accounted(pool) - claims) * PRECISION;
        assertLe(remainder, excess, "the kept remainder is backed by tokens");
        assertLe(excess - remainder, 2 * (PRECISION - 1), "beyond it, under 1 wei per staker");
    }

    function test_aTransferKeepsEveryWei() public {
        testFuzz_aTransferKeepsEveryWei(1000e18 + 7, 333e18 + 1, 3e18, 77e18 + 5);
    }

    // ------------------------------------------------------------------ finalizeTransfers (batched)

    function test_finalizeTransfersLandsTheDueOnesAndSkipsTheRest() public {
        _delegate(alice, pool, 300e18);
        _delegate(bob, pool, 200e18);
        uint256 start = block.timestamp;
        uint256 aliceFirst = _transfer(alice, pool, toPool, 100e18, 1e18);
        uint256 bobAll = _transfer(bob, pool, toPool, 200e18, 2e18);
        uint256 undelegation = _undelegate(alice, pool, 10e18, 0);
        vm.warp(start + 1 days);
        uint256 aliceLater = _transfer(alice, pool, toPool, 50e18, 0); // due one day after the other two

        uint256[] memory ids = new uint256[](6);
        ids[0] = aliceFirst;
        ids[1] = 12345; // never existed
        ids[2] = aliceLater;
        ids[3] = bobAll;
        ids[4] = aliceFirst; // twice in one batch: finalized once
        ids[5] = undelegation; // an undelegation is not a transfer

        vm.warp(start + TRANSFER_LOCKOUT_PERIOD - 1);
        vm.prank(keeper);
        assertEq(registry.finalizeTransfers(ids), 0, "nothing due one second early");

        vm.warp(start + TRANSFER_LOCKOUT_PERIOD);
        vm.expectEmit(true, true, true, true, address(registry));
        emit IPoolRegistryTypes.TransferFinalized(aliceFirst, pool, toPool, alice, 100e18, 1e18, keeper);
        vm.expectEmit(true, true, true, true, address(registry));
        emit IPoolRegistryTypes.TransferFinalized(bobAll, pool, toPool, bob, 200e18, 2e18, keeper);
        vm.prank(keeper);
        assertEq(registry.finalizeTransfers(ids), 2, "the two due ones");
        assertEq(registry.getStake(toPool, alice), 99e18, "alice less her fee");
        assertEq(registry.getStake(toPool, bob), 198e18, "bob less his fee");
        assertEq(_balance(keeper), 3e18, "both fees to the caller");
        assertEq(_pendingStake(toPool), 50e18, "the later one still pending");
        assertEq(registry.getTransfer(aliceLater).amount, 50e18, "and still known");
        assertEq(registry.getUndelegation(undelegation).amount, 10e18, "the undelegation untouched");

        vm.warp(start + 1 days + TRANSFER_LOCKOUT_PERIOD);
        vm.prank(keeper);
        assertEq(registry.finalizeTransfers(ids), 1, "the later one, once due");
        assertEq(registry.getStake(toPool, alice), 149e18, "all of alice's transfers landed");
        assertEq(_pendingStake(toPool), 0, "nothing pending");
        assertEq(_accounted(pool), MIN_SELF_STAKE + 140e18 + 10e18, "left: stake and the thawing undelegation");
    }

    function test_finalizeTransfersOfAnEmptyListFinalizesNothing() public {
        assertEq(registry.finalizeTransfers(new uint256[](0)), 0, "empty batch");
    }

    // ------------------------------------------------------------------ helpers

    function _transfer(
        address delegator,
        address from,
        address to,
        uint256 amount,
        uint256 fee
    ) private returns (uint256) {
        vm.prank(delegator);
        return registry.transferDelegation(from, to, amount, fee);
    }

    /// @dev alice's transfer of 1 wei from the set-up pool to `toPool` is refused with `refusal`.
    function _assertAliceRefused(bytes memory refusal) private {
        _assertTransferRefused(alice, pool, toPool, 1, 0, refusal);
    }

    function _assertTransferRefused(
        address delegator,
        address from,
        address to,
        uint256 amount,
        uint256 fee,
        bytes memory refusal
    ) private {
        vm.expectRevert(refusal);
        vm.prank(delegator);
        registry.transferDelegation(from, to, amount, fee);
    }
}
