// SPDX-License-Identifier: MIT
pragma solidity 0.8.30;

import {IPoolRegistryTypes} from "../interfaces/IPoolRegistry.sol";
import {StakingFixture} from "../testing/StakingFixture.sol";
import {vm} from "../testing/Vm.sol";

/// @title Tests of a pool's later life: metadata updates, retirement, and batched finalization of undelegations.
contract PoolRegistryLifecycleTest is StakingFixture {
    // ------------------------------------------------------------------ updateMetaData

    function test_updateMetaDataByTheOperatorChangesWhatGetPoolInfoReports() public {
        vm.expectEmit(true, true, true, true, address(registry));
        emit IPoolRegistryTypes.MetaDataUpdated(pool, "ipfs://new", keccak256("new"));
        vm.prank(operator);
        registry.updateMetaData(pool, "ipfs://new", keccak256("new"));

        IPoolRegistryTypes.PoolInfo memory info = registry.getPoolInfo(pool);
        assertEq(info.metaDataUrl, "ipfs://new", "metaDataUrl");
        assertEq(info.metaDataContentHash, keccak256("new"), "metaDataContentHash");
    }

    function test_updateMetaDataRefusesAnyoneButTheOperator() public {
        vm.expectRevert(abi.encodeWithSelector(IPoolRegistryTypes.PoolRegistryNotOperator.selector, pool, stranger));
        vm.prank(stranger);
        registry.updateMetaData(pool, "ipfs://evil", keccak256("evil"));
        assertEq(registry.getPoolInfo(pool).metaDataUrl, "https://pools.example/operator.json", "unchanged");
    }

    function test_updateMetaDataRefusesAnUnknownPool() public {
        vm.expectRevert(abi.encodeWithSelector(IPoolRegistryTypes.PoolRegistryUnknownPool.selector, stranger));
        vm.prank(operator);
        registry.updateMetaData(stranger, "ipfs://x", bytes32(0));
    }

    // ------------------------------------------------------------------ retirePool

    function test_retirePoolKeepsThePoolListedAsRetiredAndRefusesEveryDelegation() public {
        _delegate(alice, pool, 50e18);
        vm.expectEmit(true, true, true, true, address(registry));
        emit IPoolRegistryTypes.PoolRetired(pool);
        vm.prank(operator);
        registry.retirePool(pool);

        assertEq(uint256(registry.getPoolInfo(pool).state), uint256(IPoolRegistryTypes.PoolState.Retired), "state");
        assertEq(registry.getPoolCount(), 1, "still listed");
        assertEq(registry.getPools(0, 1)[0], pool, "still listed first");

        token.transfer(bob, 10e18);
        vm.startPrank(bob);
        token.approve(address(registry), 10e18);
        vm.expectRevert(abi.encodeWithSelector(IPoolRegistryTypes.PoolRegistryPoolRetired.selector, pool));
        registry.delegate(pool, 10e18);
        vm.stopPrank();

        // not even the operator: a retired pool takes no stake
        token.transfer(operator, 10e18);
        vm.startPrank(operator);
        token.approve(address(registry), 10e18);
        vm.expectRevert(abi.encodeWithSelector(IPoolRegistryTypes.PoolRegistryPoolRetired.selector, pool));
        registry.delegate(pool, 10e18);
        vm.stopPrank();
    }

    function test_aRetiredPoolStillEarnsAndItsDelegatorsCanLeaveAndClaim() public {
        _delegate(alice, pool, 100e18);
        vm.prank(operator);
        registry.retirePool(pool);

        _reward(pool, 1000e18);
        uint256 rewards = registry.getRewards(pool, alice);
        // 5% protocol fee, then 10% commission, then alice holds half the stake
        assertEq(rewards, ((1000e18 - 50e18) - 95e18) / 2, "alice's share of a reward after retirement");
        uint256 before = _balance(alice);
        vm.prank(alice);
        assertEq(registry.withdrawRewards(pool), rewards, "withdrawRewards");
        assertEq(_balance(alice) - before, rewards, "paid");

        uint256 id = _undelegate(alice, pool, 100e18, 0);
        vm.warp(block.timestamp + THAWING_PERIOD);
        registry.finalizeUndelegate(id);
        assertEq(_balance(alice) - before, rewards + 100e18, "stake back too");
    }

    function test_retirePoolCannotBeUndoneNorRepeated() public {
        vm.startPrank(operator);
        registry.retirePool(pool);
        vm.expectRevert(abi.encodeWithSelector(IPoolRegistryTypes.PoolRegistryPoolRetired.selector, pool));
        registry.enablePool(pool);
        vm.expectRevert(abi.encodeWithSelector(IPoolRegistryTypes.PoolRegistryPoolRetired.selector, pool));
        registry.retirePool(pool);
        vm.stopPrank();
        assertEq(uint256(registry.getPoolInfo(pool).state), uint256(IPoolRegistryTypes.PoolState.Retired), "state");
    }

    function test_retirePoolRefusesAnyoneButTheOperator() public {
        vm.expectRevert(abi.encodeWithSelector(IPoolRegistryTypes.PoolRegistryNotOperator.selector, pool, stranger));
        vm.prank(stranger);
        registry.retirePool(pool);
        assertEq(uint256(registry.getPoolInfo(pool).state), uint256(IPoolRegistryTypes.PoolState.Active), "state");
    }

    // ------------------------------------------------------------------ finalizeUndelegations (batched)

    function test_finalizeUndelegationsPaysTheDueOnesAndSkipsTheRest() public {
        _delegate(alice, pool, 300e18);
        _delegate(bob, pool, 200e18);
        uint256 start = block.timestamp;
        uint256 aliceFirst = _undelegate(alice, pool, 100e18, 1e18);
        uint256 bobAll = _undelegate(bob, pool, 200e18, 2e18);
        vm.warp(start + 1 days);
        uint256 aliceLater = _undelegate(alice, pool, 50e18, 0); // due one day after the other two

        uint256[] memory ids = new uint256[](5);
        ids[0] = aliceFirst;
        ids[1] = 12345; // never existed
        ids[2] = aliceLater;
        ids[3] = bobAll;
        ids[4] = aliceFirst; // twice in one batch: finalized once

        vm.warp(start + THAWING_PERIOD - 1);
        vm.prank(keeper);
        assertEq(registry.finalizeUndelegations(ids), 0, "nothing due one second early");

        uint256 aliceBefore = _balance(alice);
        uint256 bobBefore = _balance(bob);
        vm.warp(start + THAWING_PERIOD);
        vm.expectEmit(true, true, true, true, address(registry));
        emit IPoolRegistryTypes.UndelegationFinalized(aliceFirst, pool, alice, 100e18, 1e18, keeper);
        vm.expectEmit(true, true, true, true, address(registry));
        emit IPoolRegistryTypes.UndelegationFinalized(bobAll, pool, bob, 200e18, 2e18, keeper);
        vm.prank(keeper);
        assertEq(registry.finalizeUndelegations(ids), 2, "the two due ones");
        assertEq(_balance(alice) - aliceBefore, 99e18, "alice less her fee");
        assertEq(_balance(bob) - bobBefore, 198e18, "bob less his fee");
        assertEq(_balance(keeper), 3e18, "both fees to the caller");
        assertEq(registry.getUndelegation(aliceLater).amount, 50e18, "the later one still thawing");

        vm.warp(start + 1 days + THAWING_PERIOD);
        vm.prank(keeper);
        assertEq(registry.finalizeUndelegations(ids), 1, "the later one, once due");
        assertEq(_balance(alice) - aliceBefore, 149e18, "alice has all of hers");
        assertEq(_accounted(pool), MIN_SELF_STAKE + 150e18, "only stake left accounted");
    }

    function test_finalizeUndelegationsOfAnEmptyListFinalizesNothing() public {
        assertEq(registry.finalizeUndelegations(new uint256[](0)), 0, "empty batch");
    }

    /// @dev However many ids are due or not, the batch pays exactly the due ones and the vault keeps the rest.
    function testFuzz_finalizeUndelegationsPaysExactlyTheDueOnes(uint8 count, uint256 seed, uint256 elapsed) public {
        count = uint8(_bound(count, 1, 12));
        elapsed = _bound(elapsed, 0, 3 * THAWING_PERIOD);
        _delegate(alice, pool, 1000e18);
        uint256 start = block.timestamp;
        uint256[] memory ids = new uint256[](count);
        uint256 dueAmount;
        for (uint256 i = 0; i < count; ++i) {
            vm.warp(start + (uint256(keccak256(abi.encode(seed, i))) % (2 * THAWING_PERIOD)));
            uint256 amount = 1e18 + i;
            ids[i] = _undelegate(alice, pool, amount, 0);
            if (block.timestamp + THAWING_PERIOD <= start + elapsed) dueAmount += amount;
        }
        vm.warp(start + elapsed);
        uint256 before = _balance(alice);
        uint256 finalized = registry.finalizeUndelegations(ids);
        assertEq(_balance(alice) - before, dueAmount, "paid exactly the due amounts");
        uint256 stillThawing;
        for (uint256 i = 0; i < count; ++i) {
            try registry.getUndelegation(ids[i]) returns (IPoolRegistryTypes.Undelegation memory u) {
                assertLe(start + elapsed, u.releaseAt - 1, "only undue ones remain");
                ++stillThawing;
            } catch {}
        }
        assertEq(finalized + stillThawing, count, "each id finalized or still thawing");
    }

    function test_finalizeUndelegationsPaysExactlyTheDueOnes() public {
        testFuzz_finalizeUndelegationsPaysExactlyTheDueOnes(7, 42, THAWING_PERIOD + 3 days);
    }
}
