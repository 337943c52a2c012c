// SPDX-License-Identifier: MIT
pragma solidity 0.8.30;

import {IPoolRegistryTypes} from "../interfaces/IPoolRegistry.sol";
import {StakingFixture} from "../testing/StakingFixture.sol";
import {vm} from "../testing/Vm.sol";

/// @title Time-warp tests at every lockout boundary (issue 3): one second before the release time a finalization is
/// refused (skipped, in a batch) and nothing moves; exactly at the release time it is allowed.
/// @notice The lockouts: thawing (finalizeUndelegate, finalizeUndelegations), the transfer lockout (finalizeTransfer,
/// finalizeTransfers) and the commission rate change lockout, as long as thawing (finalizeCommissionRateChange).
/// alice holds ALICE_STAKE in the set-up pool (index 0); her transfers go to `toPool` (index 1), whose operator holds
/// exactly the minimum self-stake. The keeper finalizes, and is paid the fees.
contract PoolRegistryBoundariesTest is StakingFixture {
    uint256 internal constant ALICE_STAKE = 1000e18;
    /// @dev The longest delay the fuzz tests try: far past every lockout, and still far inside releaseAt's uint64.
    uint256 internal constant MAX_DELAY = 100 * 365 days;
    uint256 internal constant NEW_RATE = 150_000;

    address internal immutable otherOperator = _named("otherOperator");
    address internal toPool;

    function setUp() public override {
        super.setUp();
        toPool = _registerPool(otherOperator, COMMISSION_RATE);
        _delegate(otherOperator, toPool, MIN_SELF_STAKE);
        _delegate(alice, pool, ALICE_STAKE);
    }

    // ------------------------------------------------------------------ thawing: finalizeUndelegate

    function test_finalizeUndelegateIsRefusedOneSecondBeforeReleaseAtAndAllowedAtIt() public {
        uint256 start = block.timestamp;
        uint256 id = _undelegate(alice, pool, 400e18, 3e18);
        uint256 releaseAt = start + THAWING_PERIOD;
        _assertUndelegationPending(id, 400e18, releaseAt);

        vm.warp(releaseAt - 1);
        vm.expectRevert(
            abi.encodeWithSelector(IPoolRegistryTypes.PoolRegistryUndelegationNotDue.selector, id, releaseAt)
        );
        vm.prank(keeper);
        registry.finalizeUndelegate(id);
        _assertUndelegationPending(id, 400e18, releaseAt);
        _assertUndelegationsPaid(0, 0);

        vm.warp(releaseAt);
        vm.expectEmit(true, true, true, true, address(registry));
        emit IPoolRegistryTypes.UndelegationFinalized(id, pool, alice, 400e18, 3e18, keeper);
        vm.prank(keeper);
        registry.finalizeUndelegate(id);
        _assertUndelegationsPaid(397e18, 3e18);
        assertEq(registry.getStake(pool, alice), ALICE_STAKE - 400e18, "alice's stake: unchanged by finalizing");
        _assertUndelegationForgotten(id);
    }

    // ------------------------------------------------------------------ thawing: finalizeUndelegations

    /// @dev The second undelegation starts one second after the first, so at the first's releaseAt the batch meets one
    /// entry exactly due and one a second early.
    function test_finalizeUndelegationsSkipsAnEntryOneSecondBeforeReleaseAtAndFinalizesItAtIt() public {
        uint256 start = block.timestamp;
        uint256 first = _undelegate(alice, pool, 400e18, 3e18);
        vm.warp(start + 1);
        uint256 second = _undelegate(alice, pool, 100e18, 1e18);
        uint256[] memory ids = _ids(first, second);

        vm.warp(start + THAWING_PERIOD - 1);
        vm.recordLogs();
        vm.prank(keeper);
        assertEq(registry.finalizeUndelegations(ids), 0, "both skipped one second early");
        assertEq(vm.getRecordedLogs().length, 0, "a skipped entry logs nothing");
        _assertUndelegationPending(first, 400e18, start + THAWING_PERIOD);
        _assertUndelegationPending(second, 100e18, start + 1 + THAWING_PERIOD);
        _assertUndelegationsPaid(0, 0);

        vm.warp(start + THAWING_PERIOD);
        vm.expectEmit(true, true, true, true, address(registry));
        emit IPoolRegistryTypes.UndelegationFinalized(first, pool, alice, 400e18, 3e18, keeper);
        vm.prank(keeper);
        assertEq(registry.finalizeUndelegations(ids), 1, "the first at its releaseAt, the second a second early");
        _assertUndelegationForgotten(first);
        _assertUndelegationPending(second, 100e18, start + 1 + THAWING_PERIOD);
        _assertUndelegationsPaid(397e18, 3e18);

        vm.warp(start + 1 + THAWING_PERIOD);
        vm.expectEmit(true, true, true, true, address(registry));
        emit IPoolRegistryTypes.UndelegationFinalized(second, pool, alice, 100e18, 1e18, keeper);
        vm.prank(keeper);
        assertEq(registry.finalizeUndelegations(ids), 1, "the second at its releaseAt, the first already gone");
        _assertUndelegationForgotten(second);
        _assertUndelegationsPaid(397e18 + 99e18, 3e18 + 1e18);
    }

    /// @dev For any delay below the thawing period both forms refuse (or skip) and nothing moves; for any delay from
    /// it on both pay.
    function testFuzz_thawingRefusesEveryDelayBelowThePeriodAndAllowsEveryDelayFromIt(
        uint256 early,
        uint256 late
    ) public {
        early = _bound(early, 0, THAWING_PERIOD - 1);
        late = _bound(late, THAWING_PERIOD, MAX_DELAY);
        uint256 start = block.timestamp;
        uint256 single = _undelegate(alice, pool, 400e18, 3e18);
        uint256 batched = _undelegate(alice, pool, 100e18, 1e18);

        vm.warp(start + early);
        vm.expectRevert(
            abi.encodeWithSelector(
                IPoolRegistryTypes.PoolRegistryUndelegationNotDue.selector,
                single,
                start + THAWING_PERIOD
            )
        );
        vm.prank(keeper);
        registry.finalizeUndelegate(single);
        vm.prank(keeper);
        assertEq(registry.finalizeUndelegations(_ids(batched)), 0, "skipped before the thawing period");
        _assertUndelegationPending(single, 400e18, start + THAWING_PERIOD);
        _assertUndelegationPending(batched, 100e18, start + THAWING_PERIOD);
        _assertUndelegationsPaid(0, 0);

        vm.warp(start + late);
        vm.prank(keeper);
        registry.finalizeUndelegate(single);
        vm.prank(keeper);
        assertEq(registry.finalizeUndelegations(_ids(batched)), 1, "finalized from the thawing period on");
        _assertUndelegationsPaid(397e18 + 99e18, 3e18 + 1e18);
    }

    function test_thawingRefusesEveryDelayBelowThePeriodAndAllowsEveryDelayFromIt() public {
        testFuzz_thawingRefusesEveryDelayBelowThePeriodAndAllowsEveryDelayFromIt(THAWING_PERIOD - 1, THAWING_PERIOD);
    }

    // ------------------------------------------------------------------ transfer lockout: finalizeTransfer

    function test_finalizeTransferIsRefusedOneSecondBeforeReleaseAtAndAllowedAtIt() public {
        uint256 start = block.timestamp;
        uint256 id = _transfer(100e18, 2e18);
        uint256 releaseAt = start + TRANSFER_LOCKOUT_PERIOD;
        _assertTransferPending(id, 100e18, releaseAt);

        vm.warp(releaseAt - 1);
        vm.expectRevert(abi.encodeWithSelector(IPoolRegistryTypes.PoolRegistryTransferNotDue.selector, id, releaseAt));
        vm.prank(keeper);
        registry.finalizeTransfer(id);
        _assertTransferPending(id, 100e18, releaseAt);
        _assertTransfersLanded(0, 98e18, 0);

        vm.warp(releaseAt);
        vm.expectEmit(true, true, true, true, address(registry));
        emit IPoolRegistryTypes.TransferFinalized(id, pool, toPool, alice, 100e18, 2e18, keeper);
        vm.prank(keeper);
        registry.finalizeTransfer(id);
        _assertTransfersLanded(98e18, 0, 2e18);
        assertEq(registry.getStake(pool, alice), ALICE_STAKE - 100e18, "alice's stake left in the old pool");
        _assertTransferForgotten(id);
    }

    // ------------------------------------------------------------------ transfer lockout: finalizeTransfers

    /// @dev As for undelegations: the second transfer starts one second after the first.
    function test_finalizeTransfersSkipsAnEntryOneSecondBeforeReleaseAtAndFinalizesItAtIt() public {
        uint256 start = block.timestamp;
        uint256 first = _transfer(100e18, 2e18);
        vm.warp(start + 1);
        uint256 second = _transfer(50e18, 1e18);
        uint256[] memory ids = _ids(first, second);

        vm.warp(start + TRANSFER_LOCKOUT_PERIOD - 1);
        vm.recordLogs();
        vm.prank(keeper);
        assertEq(registry.finalizeTransfers(ids), 0, "both skipped one second early");
        assertEq(vm.getRecordedLogs().length, 0, "a skipped entry logs nothing");
        _assertTransferPending(first, 100e18, start + TRANSFER_LOCKOUT_PERIOD);
        _assertTransferPending(second, 50e18, start + 1 + TRANSFER_LOCKOUT_PERIOD);
        _assertTransfersLanded(0, 98e18 + 49e18, 0);

        vm.warp(start + TRANSFER_LOCKOUT_PERIOD);
        vm.expectEmit(true, true, true, true, address(registry));
        emit IPoolRegistryTypes.TransferFinalized(first, pool, toPool, alice, 100e18, 2e18, keeper);
        vm.prank(keeper);
        assertEq(registry.finalizeTransfers(ids), 1, "the first at its releaseAt, the second a second early");
        _assertTransferForgotten(first);
        _assertTransferPending(second, 50e18, start + 1 + TRANSFER_LOCKOUT_PERIOD);
        _assertTransfersLanded(98e18, 49e18, 2e18);

        vm.warp(start + 1 + TRANSFER_LOCKOUT_PERIOD);
        vm.expectEmit(true, true, true, true, address(registry));
        emit IPoolRegistryTypes.TransferFinalized(second, pool, toPool, alice, 50e18, 1e18, keeper);
        vm.prank(keeper);
        assertEq(registry.finalizeTransfers(ids), 1, "the second at its releaseAt, the first already gone");
        _assertTransferForgotten(second);
        _assertTransfersLanded(98e18 + 49e18, 0, 2e18 + 1e18);
    }

    /// @dev For any delay below the transfer lockout both forms refuse (or skip) and nothing lands; for any delay from
    /// it on both land.
    function testFuzz_transferLockoutRefusesEveryDelayBelowThePeriodAndAllowsEveryDelayFromIt(
        uint256 early,
        uint256 late
    ) public {
        early = _bound(early, 0, TRANSFER_LOCKOUT_PERIOD - 1);
        late = _bound(late, TRANSFER_LOCKOUT_PERIOD, MAX_DELAY);
        uint256 start = block.timestamp;
        uint256 single = _transfer(100e18, 2e18);
        uint256 batched = _transfer(50e18, 1e18);

        vm.warp(start + early);
        vm.expectRevert(
            abi.encodeWithSelector(
                IPoolRegistryTypes.PoolRegistryTransferNotDue.selector,
                single,
                start + TRANSFER_LOCKOUT_PERIOD
            )
        );
        vm.prank(keeper);
        registry.finalizeTransfer(single);
        vm.prank(keeper);
        assertEq(registry.finalizeTransfers(_ids(batched)), 0, "skipped before the lockout ends");
        _assertTransferPending(single, 100e18, start + TRANSFER_LOCKOUT_PERIOD);
        _assertTransferPending(batched, 50e18, start + TRANSFER_LOCKOUT_PERIOD);
        _assertTransfersLanded(0, 98e18 + 49e18, 0);

        vm.warp(start + late);
        vm.prank(keeper);
        registry.finalizeTransfer(single);
        vm.prank(keeper);
        assertEq(registry.finalizeTransfers(_ids(batched)), 1, "landed from the end of the lockout on");
        _assertTransfersLanded(98e18 + 49e18, 0, 2e18 + 1e18);
    }

    function test_transferLockoutRefusesEveryDelayBelowThePeriodAndAllowsEveryDelayFromIt() public {
        testFuzz_transferLockoutRefusesEveryDelayBelowThePeriodAndAllowsEveryDelayFromIt(
            TRANSFER_LOCKOUT_PERIOD - 1,
            TRANSFER_LOCKOUT_PERIOD
        );
    }

    // ------------------------------------------------------------------ commission lockout

    /// @dev A reward arriving during the lockout stays undistributed by the refused call, and the allowed one splits
    /// it at the old rate before the new rate applies.
    function test_finalizeCommissionRateChangeIsRefusedOneSecondBeforeEffectiveAtAndAllowedAtIt() public {
        uint256 start = block.timestamp;
        uint256 id = _requestCommissionRateChange(NEW_RATE);
        uint256 effectiveAt = start + THAWING_PERIOD;
        _reward(pool, 1000e18); // 50 protocol fee, then 10% of 950 (95) as commission at the old rate

        vm.warp(effectiveAt - 1);
        vm.expectRevert(
            abi.encodeWithSelector(IPoolRegistryTypes.PoolRegistryCommissionRateChangeNotDue.selector, id, effectiveAt)
        );
        vm.prank(operator);
        registry.finalizeCommissionRateChange(id);
        assertEq(registry.getPoolInfo(pool).commissionRate, COMMISSION_RATE, "the old rate, one second early");
        assertEq(_accounted(pool), MIN_SELF_STAKE + ALICE_STAKE, "the reward is not taken in");
        assertEq(_commissionOwed(pool), 0, "no commission yet");

        vm.warp(effectiveAt);
        vm.expectEmit(true, true, true, true, address(registry));
        emit IPoolRegistryTypes.RewardsDistributed(pool, 1000e18, 50e18, 95e18, 855e18);
        vm.expectEmit(true, true, true, true, address(registry));
        emit IPoolRegistryTypes.CommissionRateChanged(pool, COMMISSION_RATE, NEW_RATE);
        vm.prank(operator);
        registry.finalizeCommissionRateChange(id);
        assertEq(registry.getPoolInfo(pool).commissionRate, NEW_RATE, "the new rate, at effectiveAt");
        assertEq(_accounted(pool), MIN_SELF_STAKE + ALICE_STAKE + 1000e18, "the reward is taken in");
        assertEq(_commissionOwed(pool), 95e18, "commission at the old rate");
        assertEq(_protocolFeesOwed(pool), 50e18, "the protocol fee");

        vm.expectRevert(
            abi.encodeWithSelector(IPoolRegistryTypes.PoolRegistryUnknownCommissionRateChange.selector, id)
        );
        vm.prank(operator);
        registry.finalizeCommissionRateChange(id);
    }

    /// @dev For any delay below the lockout the change is refused and the old rate stays; for any delay from it on the
    /// new rate applies.
    function testFuzz_commissionLockoutRefusesEveryDelayBelowThePeriodAndAllowsEveryDelayFromIt(
        uint256 early,
        uint256 late
    ) public {
        early = _bound(early, 0, THAWING_PERIOD - 1);
        late = _bound(late, THAWING_PERIOD, MAX_DELAY);
        uint256 start = block.timestamp;
        uint256 id = _requestCommissionRateChange(NEW_RATE);

        vm.warp(start + early);
        vm.expectRevert(
            abi.encodeWithSelector(
                IPoolRegistryTypes.PoolRegistryCommissionRateChangeNotDue.selector,
                id,
                start + THAWING_PERIOD
            )
        );
        vm.prank(operator);
        registry.finalizeCommissionRateChange(id);
        assertEq(registry.getPoolInfo(pool).commissionRate, COMMISSION_RATE, "the old rate before the lockout ends");

        vm.warp(start + late);
        vm.prank(operator);
        registry.finalizeCommissionRateChange(id);
        assertEq(registry.getPoolInfo(pool).commissionRate, NEW_RATE, "the new rate from the end of the lockout on");
    }

    function test_commissionLockoutRefusesEveryDelayBelowThePeriodAndAllowsEveryDelayFromIt() public {
        testFuzz_commissionLockoutRefusesEveryDelayBelowThePeriodAndAllowsEveryDelayFromIt(
            THAWING_PERIOD - 1,
            THAWING_PERIOD
        );
    }

    // ------------------------------------------------------------------ helpers

    /// @dev alice's transfer of `amount` (less `fee`, to the finalizer) from the set-up pool to `toPool`.
    function _transfer(uint256 amount, uint256 fee) private returns (uint256) {
        vm.prank(alice);
        return registry.transferDelegation(pool, toPool, amount, fee);
    }

    function _requestCommissionRateChange(uint256 newRate) private returns (uint256) {
        vm.prank(operator);
        return registry.requestCommissionRateChange(pool, newRate);
    }

    function _ids(uint256 only) private pure returns (uint256[] memory ids) {
        ids = new uint256[](1);
        ids[0] = only;
    }

    function _ids(uint256 first, uint256 second) private pure returns (uint256[] memory ids) {
        ids = new uint256[](2);
        (ids[0], ids[1]) = (first, second);
    }

    function _assertUndelegationPending(uint256 id, uint256 amount, uint256 releaseAt) private view {
        IPoolRegistryTypes.Undelegation memory u = registry.getUndelegation(id);
        assertEq(u.amount, amount, "pending undelegation: amount");
        assertEq(u.releaseAt, releaseAt, "pending undelegation: releaseAt");
    }

    function _assertUndelegationForgotten(uint256 id) private {
        vm.expectRevert(abi.encodeWithSelector(IPoolRegistryTypes.PoolRegistryUnknownUndelegation.selector, id));
        registry.getUndelegation(id);
    }

    /// @dev Finalized undelegations paid alice exactly `toAlice` and the keeper `toKeeper`, and the vault holds, and
    /// accounts for, exactly the rest.
    function _assertUndelegationsPaid(uint256 toAlice, uint256 toKeeper) private view {
        assertEq(_balance(alice), toAlice, "alice's balance");
        assertEq(_balance(keeper), toKeeper, "the keeper's balance: the fees");
        uint256 left = MIN_SELF_STAKE + ALICE_STAKE - toAlice - toKeeper;
        assertEq(_balance(pool), left, "the vault's balance");
        assertEq(_accounted(pool), left, "the vault's accounted tokens");
    }

    function _assertTransferPending(uint256 id, uint256 amount, uint256 releaseAt) private view {
        IPoolRegistryTypes.Transfer memory t = registry.getTransfer(id);
        assertEq(t.amount, amount, "pending transfer: amount");
        assertEq(t.releaseAt, releaseAt, "pending transfer: releaseAt");
    }

    function _assertTransferForgotten(uint256 id) private {
        vm.expectRevert(abi.encodeWithSelector(IPoolRegistryTypes.PoolRegistryUnknownTransfer.selector, id));
        registry.getTransfer(id);
    }

    /// @dev `landed` of alice's transfers has joined her stake in `toPool` and `pending` is still on its way, the
    /// keeper was paid `fees`, alice nothing, and each vault holds, and accounts for, exactly its part.
    function _assertTransfersLanded(uint256 landed, uint256 pending, uint256 fees) private view {
        assertEq(registry.getStake(toPool, alice), landed, "alice's stake in the new pool");
        assertEq(_totalStake(toPool), MIN_SELF_STAKE + landed, "the new pool's total stake");
        assertEq(_pendingStake(toPool), pending, "stake pending into the new pool");
        assertEq(_balance(toPool), MIN_SELF_STAKE + landed, "the new vault's balance");
        assertEq(_accounted(toPool), MIN_SELF_STAKE + landed, "the new vault's accounted tokens");
        assertEq(_balance(keeper), fees, "the keeper's balance: the fees");
        assertEq(_balance(alice), 0, "alice's balance: her tokens are stake");
        uint256 left = MIN_SELF_STAKE + ALICE_STAKE - landed - fees;
        assertEq(_balance(pool), left, "the old vault's balance");
        assertEq(_accounted(pool), left, "the old vault's accounted tokens");
    }
}
