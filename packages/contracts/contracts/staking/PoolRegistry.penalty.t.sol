// SPDX-License-Identifier: MIT
pragma solidity 0.8.30;

import {OwnableUpgradeable} from "@openzeppelin/contracts-upgradeable/access/OwnableUpgradeable.sol";
import {IERC20Errors} from "@openzeppelin/contracts/interfaces/draft-IERC6093.sol";
import {IERC20} from "@openzeppelin/contracts/token/ERC20/IERC20.sol";
import {IPoolRegistryTypes} from "../interfaces/IPoolRegistry.sol";
import {PenaltyEscrowMock} from "../testing/PenaltyEscrowMock.sol";
import {StakingFixture} from "../testing/StakingFixture.sol";
import {vm} from "../testing/Vm.sol";
import {PoolRegistry} from "./PoolRegistry.sol";

/// @title Penalties (seed 000 §6.1.3.2): the whitelist governance keeps, deposits the operator locks against its
/// self-stake, refunds returned into the pool's accounts (never taken as a reward), and lost deposits written off the
/// operator's self-stake only.
contract PoolRegistryPenaltyTest is StakingFixture {
    uint256 internal constant ALICE_STAKE = 300e18;
    uint256 internal constant BOB_STAKE = 600e18;
    /// @dev The operator's MIN_SELF_STAKE, alice's and bob's stakes: 10%, 30% and 60%.
    uint256 internal constant TOTAL_STAKE = 1000e18;

    /// @dev Listed by `setUp`; the test contract is its arbiter, so it refunds or keeps what it gets.
    PenaltyEscrowMock internal escrow;
    /// @dev Pending undelegations of the solvency fuzz, and what they hold.
    uint256[] internal _thawingIds;
    uint256 internal _thawing;

    function setUp() public override {
        super.setUp();
        escrow = new PenaltyEscrowMock(token);
        vm.prank(owner);
        registry.addPenaltyContract(address(escrow));
        _delegate(alice, pool, ALICE_STAKE);
        _delegate(bob, pool, BOB_STAKE);
    }

    // ------------------------------------------------------------------ the whitelist: governance only

    function test_governanceAddsAndRemovesPenaltyContractsThroughTheTimelock() public {
        PenaltyEscrowMock target = new PenaltyEscrowMock(token);
        bytes memory add = abi.encodeCall(PoolRegistry.addPenaltyContract, (address(target)));
        _scheduleAndWait(add);
        vm.expectEmit(true, true, true, true, address(registry));
        emit IPoolRegistryTypes.PenaltyContractAdded(address(target));
        timelock.execute(address(registry), 0, add, bytes32(0), bytes32(0));
        assertTrue(registry.isPenaltyContract(address(target)), "listed");
        _assertList([address(escrow), address(target), address(0), address(0)], 2);

        bytes memory remove = abi.encodeCall(PoolRegistry.removePenaltyContract, (address(target)));
        _scheduleAndWait(remove);
        vm.expectEmit(true, true, true, true, address(registry));
        emit IPoolRegistryTypes.PenaltyContractRemoved(address(target));
        timelock.execute(address(registry), 0, remove, bytes32(0), bytes32(0));
        assertTrue(!registry.isPenaltyContract(address(target)), "no longer listed");
        _assertOnlyEscrowListed();
    }

    function test_addAndRemovePenaltyContractRefuseEveryoneButGovernance() public {
        PenaltyEscrowMock target = new PenaltyEscrowMock(token);
        address[7] memory callers = [governor, operator, alice, feeRecipient, stranger, address(escrow), pool];
        for (uint256 i = 0; i < callers.length; ++i) {
            bytes memory refusal = abi.encodeWithSelector(
                OwnableUpgradeable.OwnableUnauthorizedAccount.selector,
                callers[i]
            );
            vm.startPrank(callers[i]);
            vm.expectRevert(refusal);
            registry.addPenaltyContract(address(target));
            vm.expectRevert(refusal);
            registry.removePenaltyContract(address(escrow));
            vm.stopPrank();
        }
        _assertOnlyEscrowListed();
        assertTrue(!registry.isPenaltyContract(address(target)), "not added");
    }

    function test_addPenaltyContractRefusesNoCodeTheTokenTheRegistryAndAnyPool() public {
        address laterPool = _registerPool(carol, COMMISSION_RATE); // no stake yet: a pool all the same
        address[7] memory invalid = [address(0), stranger, alice, address(token), address(registry), pool, laterPool];
        vm.startPrank(owner);
        for (uint256 i = 0; i < invalid.length; ++i) {
            vm.expectRevert(
                abi.encodeWithSelector(IPoolRegistryTypes.PoolRegistryInvalidPenaltyContract.selector, invalid[i])
            );
            registry.addPenaltyContract(invalid[i]);
        }
        vm.stopPrank();
        _assertOnlyEscrowListed();
    }

    function test_addPenaltyContractRefusesOneAlreadyListed() public {
        vm.expectRevert(
            abi.encodeWithSelector(IPoolRegistryTypes.PoolRegistryPenaltyContractListed.selector, address(escrow))
        );
        vm.prank(owner);
        registry.addPenaltyContract(address(escrow));
        _assertOnlyEscrowListed();
    }

    function test_theWhitelistTakesThirtyTwoContractsAndRefusesTheThirtyThird() public {
        assertEq(registry.MAX_PENALTY_CONTRACTS(), 32, "MAX_PENALTY_CONTRACTS");
        vm.startPrank(owner);
        for (uint256 i = 1; i < 32; ++i) registry.addPenaltyContract(address(new PenaltyEscrowMock(token)));
        assertEq(registry.getPenaltyContracts().length, 32, "full");
        address thirtyThird = address(new PenaltyEscrowMock(token));
        vm.expectRevert(abi.encodeWithSelector(IPoolRegistryTypes.PoolRegistryTooManyPenaltyContracts.selector));
        registry.addPenaltyContract(thirtyThird);
        assertTrue(!registry.isPenaltyContract(thirtyThird), "not listed");

        // a removal makes room for exactly one more
        registry.removePenaltyContract(address(escrow));
        registry.addPenaltyContract(thirtyThird);
        assertEq(registry.getPenaltyContracts().length, 32, "full again");
        vm.expectRevert(abi.encodeWithSelector(IPoolRegistryTypes.PoolRegistryTooManyPenaltyContracts.selector));
        registry.addPenaltyContract(address(escrow));
        vm.stopPrank();
    }

    function test_removePenaltyContractRefusesOneNotListed() public {
        address[3] memory unlisted = [address(new PenaltyEscrowMock(token)), stranger, address(0)];
        vm.startPrank(owner);
        for (uint256 i = 0; i < unlisted.length; ++i) {
            vm.expectRevert(
                abi.encodeWithSelector(IPoolRegistryTypes.PoolRegistryNotPenaltyContract.selector, unlisted[i])
            );
            registry.removePenaltyContract(unlisted[i]);
        }
        registry.removePenaltyContract(address(escrow));
        vm.expectRevert(
            abi.encodeWithSelector(IPoolRegistryTypes.PoolRegistryNotPenaltyContract.selector, address(escrow))
        );
        registry.removePenaltyContract(address(escrow)); // not twice
        vm.stopPrank();
        assertEq(registry.getPenaltyContracts().length, 0, "empty");
    }

    function test_removalsMoveTheLastContractIntoTheGap() public {
        address a = address(new PenaltyEscrowMock(token));
        address b = address(new PenaltyEscrowMock(token));
        address c = address(new PenaltyEscrowMock(token));
        vm.startPrank(owner);
        registry.addPenaltyContract(a);
        registry.addPenaltyContract(b);
        registry.addPenaltyContract(c);
        _assertList([address(escrow), a, b, c], 4);

        registry.removePenaltyContract(a); // from the middle: c, the last, takes its place
        _assertList([address(escrow), c, b, address(0)], 3);
        registry.removePenaltyContract(address(escrow)); // the first: b takes its place
        _assertList([b, c, address(0), address(0)], 2);
        registry.removePenaltyContract(c); // the last itself
        _assertList([b, address(0), address(0), address(0)], 1);
        registry.addPenaltyContract(a); // back at the end
        _assertList([b, a, address(0), address(0)], 2);
        vm.stopPrank();

        assertTrue(registry.isPenaltyContract(a), "a");
        assertTrue(registry.isPenaltyContract(b), "b");
        assertTrue(!registry.isPenaltyContract(c), "c");
        assertTrue(!registry.isPenaltyContract(address(escrow)), "escrow");
        // the moved entries are still removable where they now stand
        vm.prank(owner);
        registry.removePenaltyContract(a);
        _assertList([b, address(0), address(0), address(0)], 1);
    }

    // ------------------------------------------------------------------ lockPenalty

    function test_lockPenaltyPaysTheTargetFromTheVaultAndLocksItAgainstTheSelfStake() public {
        vm.expectEmit(true, true, true, true, address(registry));
        emit IPoolRegistryTypes.PenaltyLocked(pool, address(escrow), 40e18);
        vm.expectEmit(true, true, true, true, address(token));
        emit IERC20.Transfer(pool, address(escrow), 40e18);
        vm.prank(operator);
        registry.lockPenalty(pool, address(escrow), 40e18);

        assertEq(_balance(pool), TOTAL_STAKE - 40e18, "vault");
        assertEq(_balance(address(escrow)), 40e18, "target");
        assertEq(registry.getLockedInPenalties(pool), 40e18, "locked");
        assertEq(_accounted(pool), TOTAL_STAKE - 40e18, "accounted");
        // nobody's stake moved: the operator's self-stake backs the deposit
        assertEq(_totalStake(pool), TOTAL_STAKE, "total stake");
        assertEq(registry.getStake(pool, operator), MIN_SELF_STAKE, "self-stake");
        assertEq(registry.getStake(pool, alice), ALICE_STAKE, "alice");
        assertEq(registry.getStake(pool, bob), BOB_STAKE, "bob");
        IPoolRegistryTypes.PoolInfo memory info = registry.getPoolInfo(pool);
        assertEq(info.selfStake, MIN_SELF_STAKE, "info: selfStake");
        assertEq(uint256(info.state), uint256(IPoolRegistryTypes.PoolState.Active), "still active");

        // up to the whole self-stake, from two targets
        PenaltyEscrowMock other = _listNewEscrow();
        vm.prank(operator);
        registry.lockPenalty(pool, address(other), 60e18);
        assertEq(registry.getLockedInPenalties(pool), MIN_SELF_STAKE, "locked: all of it");
        assertEq(_balance(pool), TOTAL_STAKE - MIN_SELF_STAKE, "vault");
        assertEq(_balance(address(other)), 60e18, "second target");
        assertEq(_accounted(pool), TOTAL_STAKE - MIN_SELF_STAKE, "accounted");
    }

    function test_lockPenaltyRefusesMoreThanTheSelfStakeNotYetLocked() public {
        vm.startPrank(operator);
        vm.expectRevert(_exceeds(0, MIN_SELF_STAKE + 1));
        registry.lockPenalty(pool, address(escrow), MIN_SELF_STAKE + 1);
        registry.lockPenalty(pool, address(escrow), 40e18);
        vm.expectRevert(_exceeds(40e18, 60e18 + 1));
        registry.lockPenalty(pool, address(escrow), 60e18 + 1);
        registry.lockPenalty(pool, address(escrow), 60e18);
        vm.expectRevert(_exceeds(MIN_SELF_STAKE, 1));
        registry.lockPenalty(pool, address(escrow), 1);
        vm.stopPrank();
        assertEq(registry.getLockedInPenalties(pool), MIN_SELF_STAKE, "locked");
        assertEq(_balance(address(escrow)), MIN_SELF_STAKE, "target");
    }

    /// @dev Whatever is locked already, the operator may lock exactly the rest of its self-stake and not 1 wei more.
    function testFuzz_lockPenaltyTakesExactlyTheSelfStakeNotYetLocked(uint256 extraSelfStake, uint256 first) public {
        extraSelfStake = _bound(extraSelfStake, 0, 1e27);
        if (extraSelfStake != 0) _delegate(operator, pool, extraSelfStake);
        uint256 selfStake = MIN_SELF_STAKE + extraSelfStake;
        first = _bound(first, 1, selfStake);
        vm.startPrank(operator);
        registry.lockPenalty(pool, address(escrow), first);
        uint256 rest = selfStake - first;
        vm.expectRevert(
            abi.encodeWithSelector(
                IPoolRegistryTypes.PoolRegistryPenaltyExceedsSelfStake.selector,
                pool,
                first,
                selfStake,
                rest + 1
            )
        );
        registry.lockPenalty(pool, address(escrow), rest + 1);
        if (rest != 0) registry.lockPenalty(pool, address(escrow), rest);
        vm.stopPrank();
        assertEq(registry.getLockedInPenalties(pool), selfStake, "locked: the whole self-stake");
        assertEq(_balance(address(escrow)), selfStake, "target");
        assertEq(_balance(pool), TOTAL_STAKE + extraSelfStake - selfStake, "vault: the delegators' stake");
        assertEq(_accounted(pool), TOTAL_STAKE + extraSelfStake - selfStake, "accounted");
    }

    function test_lockPenaltyTakesExactlyTheSelfStakeNotYetLocked() public {
        testFuzz_lockPenaltyTakesExactlyTheSelfStakeNotYetLocked(7, 33e18);
    }

    function test_lockPenaltyRefusesAnyoneButTheOperator() public {
        address[7] memory callers = [alice, bob, owner, governor, feeRecipient, stranger, address(escrow)];
        for (uint256 i = 0; i < callers.length; ++i) {
            vm.expectRevert(
                abi.encodeWithSelector(IPoolRegistryTypes.PoolRegistryNotOperator.selector, pool, callers[i])
            );
            vm.prank(callers[i]);
            registry.lockPenalty(pool, address(escrow), 1);
        }
        vm.expectRevert(abi.encodeWithSelector(IPoolRegistryTypes.PoolRegistryUnknownPool.selector, stranger));
        vm.prank(operator);
        registry.lockPenalty(stranger, address(escrow), 1);
        assertEq(registry.getLockedInPenalties(pool), 0, "nothing locked");
        assertEq(_balance(pool), TOTAL_STAKE, "vault");
    }

    function test_lockPenaltyRefusesAnUnlistedOrRemovedTargetAndZero() public {
        address[4] memory unlisted = [address(new PenaltyEscrowMock(token)), stranger, pool, address(registry)];
        vm.startPrank(operator);
        for (uint256 i = 0; i < unlisted.length; ++i) {
            vm.expectRevert(
                abi.encodeWithSelector(IPoolRegistryTypes.PoolRegistryNotPenaltyContract.selector, unlisted[i])
            );
            registry.lockPenalty(pool, unlisted[i], 1);
        }
        vm.expectRevert(abi.encodeWithSelector(IPoolRegistryTypes.PoolRegistryZeroAmount.selector));
        registry.lockPenalty(pool, address(escrow), 0);
        vm.stopPrank();

        vm.prank(owner);
        registry.removePenaltyContract(address(escrow));
        vm.expectRevert(
            abi.encodeWithSelector(IPoolRegistryTypes.PoolRegistryNotPenaltyContract.selector, address(escrow))
        );
        vm.prank(operator);
        registry.lockPenalty(pool, address(escrow), 1);
        assertEq(_balance(pool), TOTAL_STAKE, "vault");
    }

    function test_getLockedInPenaltiesRefusesAnUnknownPool() public {
        vm.expectRevert(abi.encodeWithSelector(IPoolRegistryTypes.PoolRegistryUnknownPool.selector, stranger));
        registry.getLockedInPenalties(stranger);
    }

    // ------------------------------------------------------------------ returns: back in the accounts, not a reward

    function test_aReturnedPenaltyIsBackInThePoolsAccountsAndIsNobodysReward() public {
        _lock(40e18);
        escrow.refund(operator, 15e18); // refunded to the operator, who brings it back
        vm.startPrank(operator);
        token.approve(address(registry), 15e18);
        vm.expectEmit(true, true, true, true, address(registry));
        emit IPoolRegistryTypes.PenaltyReturned(pool, operator, 15e18);
        vm.expectEmit(true, true, true, true, address(token));
        emit IERC20.Transfer(operator, pool, 15e18);
        registry.returnPenalty(pool, 15e18);
        vm.stopPrank();

        assertEq(registry.getLockedInPenalties(pool), 25e18, "locked: the rest");
        assertEq(_accounted(pool), TOTAL_STAKE - 25e18, "accounted");
        assertEq(_balance(pool), TOTAL_STAKE - 25e18, "vault");
        assertEq(_balance(operator), 0, "the operator passed the refund on");
        assertEq(registry.getRewards(pool, alice), 0, "nobody's reward, even in the preview");
        assertEq(registry.getRewards(pool, operator), 0, "nor the operator's commission");
        assertEq(registry.distributeRewards(pool), 0, "no reward");

        // anyone may bring the rest back
        _return(keeper, 25e18);
        assertEq(registry.getLockedInPenalties(pool), 0, "nothing locked");
        assertEq(_accounted(pool), TOTAL_STAKE, "accounted: whole again");
        assertEq(_balance(pool), TOTAL_STAKE, "vault: whole again");
        assertEq(registry.distributeRewards(pool), 0, "no reward");
        assertEq(_commissionOwed(pool), 0, "no commission");
        assertEq(_protocolFeesOwed(pool), 0, "no protocol fee");
        assertEq(registry.getStake(pool, operator), MIN_SELF_STAKE, "self-stake");
    }

    function test_returnPenaltyRefusesZeroMoreThanIsLockedAnUnknownPoolAndAMissingAllowance() public {
        vm.expectRevert(_exceedsLocked(0, 1));
        registry.returnPenalty(pool, 1);
        _lock(40e18);
        escrow.refund(keeper, 40e18);
        vm.startPrank(keeper);
        vm.expectRevert(
            abi.encodeWithSelector(IERC20Errors.ERC20InsufficientAllowance.selector, address(registry), 0, 40e18)
        );
        registry.returnPenalty(pool, 40e18);
        token.approve(address(registry), 41e18);
        vm.expectRevert(abi.encodeWithSelector(IPoolRegistryTypes.PoolRegistryZeroAmount.selector));
        registry.returnPenalty(pool, 0);
        vm.expectRevert(_exceedsLocked(40e18, 40e18 + 1));
        registry.returnPenalty(pool, 40e18 + 1);
        vm.expectRevert(abi.encodeWithSelector(IPoolRegistryTypes.PoolRegistryUnknownPool.selector, stranger));
        registry.returnPenalty(stranger, 1);
        registry.returnPenalty(pool, 40e18);
        vm.stopPrank();
        assertEq(registry.getLockedInPenalties(pool), 0, "nothing locked");
        assertEq(_balance(pool), TOTAL_STAKE, "vault");
    }

    function test_aReturnAndARewardArrivingTogetherAreSplitExactly() public {
        _lock(40e18);
        _reward(pool, 1000e18); // arrives first, not taken in yet
        _return(keeper, 40e18);
        // 5% protocol fee, 10% of the rest as commission, 855e18 pro rata to 10%, 30%, 60%
        assertEq(registry.getRewards(pool, alice), 256.5e18, "alice's preview");

        vm.expectEmit(true, true, true, true, address(registry));
        emit IPoolRegistryTypes.RewardsDistributed(pool, 1000e18, 50e18, 95e18, 855e18);
        assertEq(registry.distributeRewards(pool), 1000e18, "the reward, without the returned penalty");

        assertEq(registry.getLockedInPenalties(pool), 0, "nothing locked");
        assertEq(_accounted(pool), TOTAL_STAKE + 1000e18, "accounted");
        assertEq(_balance(pool), TOTAL_STAKE + 1000e18, "vault");
        assertEq(registry.getRewards(pool, alice), 256.5e18, "alice");
        assertEq(registry.getRewards(pool, bob), 513e18, "bob");
        assertEq(registry.getRewards(pool, operator), 85.5e18 + 95e18, "operator: share and commission");
        assertEq(_protocolFeesOwed(pool), 50e18, "protocol fee");
    }

    /// @dev Tokens cannot say where they come from: a refund sent straight to the vault is a reward like any other,
    /// shared by everyone staked, and what it would have repaid stays locked, to be written off the self-stake.
    function test_aRefundSentStraightToTheVaultIsARewardAndLeavesThePenaltyLocked() public {
        _lock(40e18);
        escrow.refund(pool, 40e18);
        vm.expectEmit(true, true, true, true, address(registry));
        emit IPoolRegistryTypes.RewardsDistributed(pool, 40e18, 2e18, 3.8e18, 34.2e18);
        assertEq(registry.distributeRewards(pool), 40e18, "a reward");
        assertEq(registry.getLockedInPenalties(pool), 40e18, "still locked");
        assertEq(registry.getRewards(pool, alice), 10.26e18, "alice: 30% of 34.2e18");
        vm.expectRevert(_lockedInPenalties(0, 40e18));
        _undelegate(operator, pool, MIN_SELF_STAKE, 0);

        vm.prank(operator);
        registry.writeOffPenalty(pool, 40e18);
        assertEq(registry.getStake(pool, operator), 60e18, "the operator paid for it");
        assertEq(registry.getRewards(pool, alice), 10.26e18, "alice keeps her share");
    }

    // ------------------------------------------------------------------ write-offs: a slash costs the operator only

    function test_writeOffPenaltyTakesASlashOutOfTheOperatorsSelfStakeOnly() public {
        _reward(pool, 1000e18);
        registry.distributeRewards(pool);
        _lock(60e18); // the escrow keeps it

        vm.expectEmit(true, true, true, true, address(registry));
        emit IPoolRegistryTypes.PenaltyWrittenOff(pool, operator, 60e18);
        vm.expectEmit(true, true, true, true, address(registry));
        emit IPoolRegistryTypes.RewardsWithdrawn(pool, operator, 85.5e18);
        vm.prank(operator);
        registry.writeOffPenalty(pool, 60e18);

        assertEq(registry.getStake(pool, operator), MIN_SELF_STAKE - 60e18, "self-stake: less exactly the slash");
        assertEq(_totalStake(pool), TOTAL_STAKE - 60e18, "total stake: less exactly the slash");
        assertEq(registry.getLockedInPenalties(pool), 0, "nothing locked");
        assertEq(_balance(operator), 85.5e18, "the operator's share of the reward was paid first");
        assertEq(registry.getRewards(pool, operator), 95e18, "its commission is still owed");
        assertEq(_accounted(pool), 2000e18 - 60e18 - 85.5e18, "accounted");
        assertEq(_balance(pool), 2000e18 - 60e18 - 85.5e18, "vault: exactly what is accounted");
        assertEq(registry.getStake(pool, alice), ALICE_STAKE, "alice's stake");
        assertEq(registry.getStake(pool, bob), BOB_STAKE, "bob's stake");
        assertEq(registry.getRewards(pool, alice), 256.5e18, "alice's rewards");
        assertEq(registry.getRewards(pool, bob), 513e18, "bob's rewards");
        assertEq(_protocolFeesOwed(pool), 50e18, "protocol fee");
        IPoolRegistryTypes.PoolInfo memory info = registry.getPoolInfo(pool);
        assertEq(info.selfStake, 40e18, "info: selfStake");
        assertEq(uint256(info.state), uint256(IPoolRegistryTypes.PoolState.Broken), "below the minimum: broken");

        // and the delegators leave with every token
        _leaveInFull(alice, ALICE_STAKE, 256.5e18);
        _leaveInFull(bob, BOB_STAKE, 513e18);
        assertEq(_balance(pool), 40e18 + 95e18 + 50e18, "vault: the rest of the self-stake, commission and fee");
        assertEq(_accounted(pool), 40e18 + 95e18 + 50e18, "accounted");
    }

    function test_writeOffPenaltyRefusesAnyoneButTheOperatorZeroAndMoreThanIsLocked() public {
        address[4] memory callers = [alice, owner, stranger, address(escrow)];
        for (uint256 i = 0; i < callers.length; ++i) {
            vm.expectRevert(
                abi.encodeWithSelector(IPoolRegistryTypes.PoolRegistryNotOperator.selector, pool, callers[i])
            );
            vm.prank(callers[i]);
            registry.writeOffPenalty(pool, 1);
        }
        vm.startPrank(operator);
        vm.expectRevert(abi.encodeWithSelector(IPoolRegistryTypes.PoolRegistryZeroAmount.selector));
        registry.writeOffPenalty(pool, 0);
        vm.expectRevert(_exceedsLocked(0, 1));
        registry.writeOffPenalty(pool, 1);
        registry.lockPenalty(pool, address(escrow), 60e18);
        vm.expectRevert(_exceedsLocked(60e18, 60e18 + 1));
        registry.writeOffPenalty(pool, 60e18 + 1);
        vm.stopPrank();
        vm.expectRevert(abi.encodeWithSelector(IPoolRegistryTypes.PoolRegistryUnknownPool.selector, stranger));
        vm.prank(operator);
        registry.writeOffPenalty(stranger, 1);
        assertEq(registry.getStake(pool, operator), MIN_SELF_STAKE, "self-stake");
    }

    function test_writeOffPenaltyTakesOnlyWhatWasNotReturned() public {
        _lock(60e18);
        _return(keeper, 20e18);
        vm.expectRevert(_exceedsLocked(40e18, 40e18 + 1));
        vm.prank(operator);
        registry.writeOffPenalty(pool, 40e18 + 1);
        vm.prank(operator);
        registry.writeOffPenalty(pool, 40e18);
        assertEq(registry.getLockedInPenalties(pool), 0, "nothing locked");
        assertEq(registry.getStake(pool, operator), 60e18, "self-stake: less the 40e18 that never came back");
        assertEq(_accounted(pool), TOTAL_STAKE - 40e18, "accounted");
        assertEq(_balance(pool), TOTAL_STAKE - 40e18, "vault");
    }

    function test_aRefundAfterTheWriteOffIsARewardForEveryoneStaked() public {
        _lock(60e18);
        vm.prank(operator);
        registry.writeOffPenalty(pool, 60e18);
        escrow.refund(keeper, 60e18); // late: the operator already paid for it
        vm.startPrank(keeper);
        token.approve(address(registry), 60e18);
        vm.expectRevert(_exceedsLocked(0, 60e18));
        registry.returnPenalty(pool, 60e18); // nothing is locked any more
        token.transfer(pool, 60e18);
        vm.stopPrank();
        vm.expectEmit(true, true, true, true, address(registry));
        emit IPoolRegistryTypes.RewardsDistributed(pool, 60e18, 3e18, 5.7e18, 51.3e18);
        assertEq(registry.distributeRewards(pool), 60e18, "a reward");
        // 51.3e18 over 940e18 of stake: alice's share is the floor of 300/940 of it, or 1 wei less
        uint256 exact = (51.3e18 * ALICE_STAKE) / 940e18;
        uint256 share = registry.getRewards(pool, alice);
        assertTrue(share == exact || share + 1 == exact, "alice: her share of it");
        assertEq(registry.getStake(pool, operator), 40e18, "the operator's self-stake stays written down");
    }

    function testFuzz_writeOffPenaltyTakesExactlyTheAmountOutOfTheSelfStake(uint256 locked, uint256 amount) public {
        locked = _bound(locked, 1, MIN_SELF_STAKE);
        amount = _bound(amount, 1, locked);
        _reward(pool, 1000e18);
        _lock(locked);
        vm.prank(operator);
        registry.writeOffPenalty(pool, amount);
        assertEq(registry.getStake(pool, operator), MIN_SELF_STAKE - amount, "self-stake");
        assertEq(_totalStake(pool), TOTAL_STAKE - amount, "total stake");
        assertEq(registry.getLockedInPenalties(pool), locked - amount, "locked");
        assertEq(registry.getStake(pool, alice), ALICE_STAKE, "alice's stake");
        assertEq(registry.getStake(pool, bob), BOB_STAKE, "bob's stake");
        assertEq(registry.getRewards(pool, alice), 256.5e18, "alice's rewards: the reward was shared at the old stake");
        assertEq(registry.getRewards(pool, bob), 513e18, "bob's rewards");
        assertEq(_balance(pool), 2000e18 - locked - 85.5e18, "vault: less the deposit and the operator's share");
    }

    function test_writeOffPenaltyTakesExactlyTheAmountOutOfTheSelfStake() public {
        testFuzz_writeOffPenaltyTakesExactlyTheAmountOutOfTheSelfStake(70e18, 70e18 - 1);
    }

    // ------------------------------------------------------------------ the self-stake stays behind what is locked

    function test_theOperatorCannotUndelegateSelfStakeBelowWhatIsLocked() public {
        _lock(60e18);
        vm.expectRevert(_lockedInPenalties(60e18 - 1, 60e18));
        _undelegate(operator, pool, 40e18 + 1, 0);
        vm.expectRevert(_lockedInPenalties(0, 60e18));
        _undelegate(operator, pool, MIN_SELF_STAKE, 0);

        _undelegate(operator, pool, 40e18, 0); // down to exactly what is locked
        assertEq(registry.getStake(pool, operator), 60e18, "self-stake: what is locked");
        vm.expectRevert(_lockedInPenalties(60e18 - 1, 60e18));
        _undelegate(operator, pool, 1, 0);

        // nor out sideways: self-stake never transfers
        address otherPool = _registerPool(carol, COMMISSION_RATE);
        _delegate(carol, otherPool, MIN_SELF_STAKE);
        vm.expectRevert(
            abi.encodeWithSelector(IPoolRegistryTypes.PoolRegistrySelfStakeNotTransferable.selector, pool, operator)
        );
        vm.prank(operator);
        registry.transferDelegation(pool, otherPool, 1, 0);

        // once it is returned, the rest can leave at once
        _return(keeper, 60e18);
        _undelegate(operator, pool, 60e18, 0);
        assertEq(registry.getStake(pool, operator), 0, "self-stake out");
    }

    function testFuzz_theOperatorUndelegatesDownToExactlyWhatIsLocked(uint256 locked) public {
        locked = _bound(locked, 1, MIN_SELF_STAKE);
        _lock(locked);
        uint256 free = MIN_SELF_STAKE - locked;
        vm.expectRevert(_lockedInPenalties(locked - 1, locked));
        _undelegate(operator, pool, free + 1, 0);
        if (free != 0) _undelegate(operator, pool, free, 0);
        assertEq(registry.getStake(pool, operator), locked, "self-stake: exactly what is locked");
    }

    function test_theOperatorUndelegatesDownToExactlyWhatIsLocked() public {
        testFuzz_theOperatorUndelegatesDownToExactlyWhatIsLocked(60e18);
    }

    // ------------------------------------------------------------------ the vault's packed counters

    /// @dev Regression: a delegation's room in the vault once left out what is locked, so delegations could fill
    /// `accounted` up to 2^96-1 and returning the penalty wrapped it: almost 2^96 wei of stake reappeared as a reward.
    /// The room now keeps locked penalties free (`_reserved`). Whichever is refused, the delegation or the return, no
    /// staked token may become a reward.
    function test_aPenaltyReturnedToAVaultFilledByDelegationsNeverBecomesAReward() public {
        // rewards owed are in `accounted` but not in the total stake, so the staking limit leaves the room to fill
        _reward(pool, 1000e18);
        registry.distributeRewards(pool);
        _lock(MIN_SELF_STAKE);
        uint256 room = MAX_UINT96 - _accounted(pool);
        token.transfer(carol, room);
        vm.startPrank(carol);
        token.approve(address(registry), room);
        try registry.delegate(pool, room) {} catch {} // refused or not: what matters is what follows
        vm.stopPrank();
        _tryToReturn(MIN_SELF_STAKE);
        _assertNoStakeBecameAReward();
    }

    /// @dev Regression: the same with rewards, whose room in the counters now counts what is locked too.
    function test_aPenaltyReturnedToAVaultFilledByRewardsNeverBecomesAReward() public {
        _lock(MIN_SELF_STAKE);
        _reward(pool, MAX_UINT96); // more than the counters take: the rest waits in the vault
        registry.distributeRewards(pool);
        _tryToReturn(MIN_SELF_STAKE);
        _assertNoStakeBecameAReward();
    }

    function _tryToReturn(uint256 amount) private {
        escrow.refund(keeper, amount);
        vm.startPrank(keeper);
        token.approve(address(registry), amount);
        try registry.returnPenalty(pool, amount) {} catch {} // refused or not: what matters is what follows
        vm.stopPrank();
    }

    function _assertNoStakeBecameAReward() private {
        assertLe(_accounted(pool) + registry.getLockedInPenalties(pool), MAX_UINT96, "accounted + locked fit");
        assertLe(_accounted(pool), _balance(pool), "accounted <= vault balance");
        assertEq(registry.distributeRewards(pool), 0, "returned stake became a reward");
    }

    // ------------------------------------------------------------------ delegators can always leave

    function test_delegatorsLeaveWithEveryTokenWhileTheWholeSelfStakeIsLocked() public {
        _reward(pool, 1000e18);
        registry.distributeRewards(pool);
        _lock(MIN_SELF_STAKE); // the escrow keeps it

        _leaveInFull(alice, ALICE_STAKE, 256.5e18);
        _leaveInFull(bob, BOB_STAKE, 513e18);
        // what is left: the operator's share, commission and the protocol fee; the self-stake itself is in the escrow
        assertEq(_balance(pool), 85.5e18 + 95e18 + 50e18, "vault");
        assertEq(_accounted(pool), 85.5e18 + 95e18 + 50e18, "accounted");
        vm.prank(operator);
        assertEq(registry.withdrawRewards(pool), 85.5e18 + 95e18, "the operator's share and commission");
        registry.withdrawProtocolFees(pool);
        assertEq(_balance(pool), 0, "vault: empty");
        assertEq(_accounted(pool), 0, "accounted: nothing");

        vm.expectRevert(_lockedInPenalties(0, MIN_SELF_STAKE));
        _undelegate(operator, pool, MIN_SELF_STAKE, 0);
        vm.prank(operator);
        registry.writeOffPenalty(pool, MIN_SELF_STAKE);
        assertEq(_totalStake(pool), 0, "nothing staked");
        assertEq(registry.getLockedInPenalties(pool), 0, "nothing locked");
    }

    // ------------------------------------------------------------------ solvency under any sequence

    /// @dev Any sequence of locks, returns, refunds to the vault, rewards, write-offs, undelegations, withdrawals and
    /// finalizations keeps the vault holding at least what is accounted, and accounted + locked covering every stake,
    /// thawing undelegation, reward and fee, beyond them exactly the kept remainder and under 1 wei per staker (as the
    /// invariant test). The full check takes arrivals in, so it runs after about half the steps: the others leave
    /// rewards waiting for the next action to meet.
    function testFuzz_anyLockRefundAndRewardSequenceKeepsThePoolSolvent(
        uint256 aliceExtra,
        uint256 bobExtra,
        uint256 seed
    ) public {
        _delegate(alice, pool, _bound(aliceExtra, 1, 1e24));
        _delegate(bob, pool, _bound(bobExtra, 1, 1e24));
        _assertSolvent();
        for (uint256 i = 0; i < 16; ++i) {
            uint256 r = uint256(keccak256(abi.encode(seed, i)));
            _step(r % 10, r >> 8);
            if ((r >> 4) & 1 == 0) _assertSolvent();
            else _assertBacked();
        }
        // and everyone can still be paid: the delegators in full, the operator down to what it lost
        _finalizeAll();
        _settleEveryone();
        assertLe(_accounted(pool), _balance(pool), "accounted <= vault balance");
    }

    function test_anyLockRefundAndRewardSequenceKeepsThePoolSolvent() public {
        testFuzz_anyLockRefundAndRewardSequenceKeepsThePoolSolvent(1e18 + 3, 7, 42);
    }

    function _step(uint256 action, uint256 r) private {
        if (action == 0) {
            uint256 free = registry.getStake(pool, operator) - registry.getLockedInPenalties(pool);
            if (free != 0) _lock(_bound(r, 1, free));
        } else if (action == 1) {
            // the escrow may hold more than is locked (after a write-off) or less (after a refund to the vault)
            uint256 held = escrow.held();
            uint256 locked = registry.getLockedInPenalties(pool);
            uint256 returnable = held < locked ? held : locked;
            if (returnable != 0) _return(keeper, _bound(r, 1, returnable));
        } else if (action == 2) {
            _reward(pool, _bound(r, 1, 1e24));
        } else if (action == 3) {
            // a refund straight to the vault, and a reward: both are rewards
            uint256 held = escrow.held();
            if (held != 0) escrow.refund(pool, _bound(r, 1, held));
            _reward(pool, _bound(r >> 128, 1, 1e24));
        } else if (action == 4) {
            uint256 locked = registry.getLockedInPenalties(pool);
            if (locked != 0) {
                vm.prank(operator);
                registry.writeOffPenalty(pool, _bound(r, 1, locked));
            }
        } else if (action == 5 || action == 6) {
            address delegator = action == 5 ? alice : bob;
            uint256 stake = registry.getStake(pool, delegator);
            if (stake != 0) _undelegateTracked(delegator, _bound(r, 1, stake));
        } else if (action == 7) {
            uint256 free = registry.getStake(pool, operator) - registry.getLockedInPenalties(pool);
            if (free != 0) _undelegateTracked(operator, _bound(r, 1, free));
        } else if (action == 8) {
            address[3] memory who = [operator, alice, bob];
            address account = who[r % 3];
            if (registry.getRewards(pool, account) != 0) {
                vm.prank(account);
                registry.withdrawRewards(pool);
            }
        } else {
            _finalizeAll();
            if (_protocolFeesOwed(pool) != 0) registry.withdrawProtocolFees(pool);
        }
    }

    function _undelegateTracked(address delegator, uint256 amount) private {
        _thawingIds.push(_undelegate(delegator, pool, amount, 0));
        _thawing += amount;
    }

    function _finalizeAll() private {
        if (_thawingIds.length == 0) return;
        vm.warp(block.timestamp + THAWING_PERIOD);
        for (uint256 i = 0; i < _thawingIds.length; ++i) {
            IPoolRegistryTypes.Undelegation memory u = registry.getUndelegation(_thawingIds[i]);
            uint256 before = _balance(u.delegator);
            registry.finalizeUndelegate(_thawingIds[i]);
            assertEq(_balance(u.delegator) - before, u.amount, "an undelegation is paid in full");
        }
        delete _thawingIds;
        _thawing = 0;
    }

    /// @dev Pays alice and bob everything, and the operator everything but the self-stake still locked.
    function _settleEveryone() private {
        registry.distributeRewards(pool);
        address[2] memory delegators = [alice, bob];
        for (uint256 i = 0; i < 2; ++i) {
            uint256 stake = registry.getStake(pool, delegators[i]);
            if (stake != 0) _undelegateTracked(delegators[i], stake);
        }
        uint256 free = registry.getStake(pool, operator) - registry.getLockedInPenalties(pool);
        if (free != 0) _undelegateTracked(operator, free);
        if (registry.getRewards(pool, operator) != 0) {
            vm.prank(operator);
            registry.withdrawRewards(pool);
        }
        _finalizeAll();
        if (_protocolFeesOwed(pool) != 0) registry.withdrawProtocolFees(pool);
        assertEq(registry.getStake(pool, operator), registry.getLockedInPenalties(pool), "only the locked is left");
    }

    /// @dev What holds without taking arrivals in: the vault covers what is accounted, the self-stake what is locked.
    function _assertBacked() private view {
        assertLe(_accounted(pool), _balance(pool), "accounted <= vault balance");
        assertLe(registry.getLockedInPenalties(pool), registry.getStake(pool, operator), "locked <= self-stake");
    }

    /// @dev Takes arrivals in, then checks every claim on the pool against accounted + locked, to the wei.
    function _assertSolvent() private {
        _assertBacked();
        registry.distributeRewards(pool);
        _assertBacked();
        uint256 locked = registry.getLockedInPenalties(pool);

        uint256 claims = _thawing + _protocolFeesOwed(pool);
        uint256 stakes;
        uint256 stakers;
        address[3] memory accounts = [operator, alice, bob];
        for (uint256 i = 0; i < 3; ++i) {
            uint256 stake = registry.getStake(pool, accounts[i]);
            if (stake != 0) ++stakers;
            stakes += stake;
            claims += stake + registry.getRewards(pool, accounts[i]);
        }
        assertEq(_totalStake(pool), stakes, "total stake == sum of stakes");
        (uint256 accounted, , uint256 remainder, , ) = registry.getPoolAccounting(pool);
        assertLe(claims, accounted + locked, "stakes + thawing + rewards + fees <= accounted + locked");
        uint256 excess = (accounted + locked - claims) * PRECISION;
        assertLe(remainder, excess, "the kept remainder is backed");
        assertLe(excess - remainder, stakers * (PRECISION - 1), "beyond the remainder, < 1 wei per staker");
    }

    // ------------------------------------------------------------------ helpers

    function _lock(uint256 amount) private {
        vm.prank(operator);
        registry.lockPenalty(pool, address(escrow), amount);
    }

    /// @dev The escrow refunds `amount` to `returner`, who brings it back into the pool with `returnPenalty`.
    function _return(address returner, uint256 amount) private {
        escrow.refund(returner, amount);
        vm.startPrank(returner);
        token.approve(address(registry), amount);
        registry.returnPenalty(pool, amount);
        vm.stopPrank();
    }

    function _listNewEscrow() private returns (PenaltyEscrowMock listed) {
        listed = new PenaltyEscrowMock(token);
        vm.prank(owner);
        registry.addPenaltyContract(address(listed));
    }

    /// @dev Undelegates `delegator`'s whole stake, which pays its rewards at once, and finalizes it after thawing.
    function _leaveInFull(address delegator, uint256 stake, uint256 rewards) private {
        uint256 before = _balance(delegator);
        uint256 id = _undelegate(delegator, pool, stake, 0);
        assertEq(_balance(delegator) - before, rewards, "rewards paid at once");
        vm.warp(block.timestamp + THAWING_PERIOD);
        registry.finalizeUndelegate(id);
        assertEq(_balance(delegator) - before, stake + rewards, "stake and rewards, every token");
    }

    function _scheduleAndWait(bytes memory data) private {
        vm.prank(governor);
        timelock.schedule(address(registry), 0, data, bytes32(0), bytes32(0), GOVERNANCE_DELAY);
        vm.warp(block.timestamp + GOVERNANCE_DELAY);
    }

    function _exceeds(uint256 locked, uint256 amount) private view returns (bytes memory) {
        return
            abi.encodeWithSelector(
                IPoolRegistryTypes.PoolRegistryPenaltyExceedsSelfStake.selector,
                pool,
                locked,
                MIN_SELF_STAKE,
                amount
            );
    }

    function _exceedsLocked(uint256 locked, uint256 amount) private view returns (bytes memory) {
        return
            abi.encodeWithSelector(
                IPoolRegistryTypes.PoolRegistryExceedsLockedPenalties.selector,
                pool,
                locked,
                amount
            );
    }

    function _lockedInPenalties(uint256 selfStakeAfter, uint256 locked) private view returns (bytes memory) {
        return
            abi.encodeWithSelector(
                IPoolRegistryTypes.PoolRegistryStakeLockedInPenalties.selector,
                pool,
                selfStakeAfter,
                locked
            );
    }

    /// @dev The whitelist is exactly the first `length` of `expected`, in that order.
    function _assertList(address[4] memory expected, uint256 length) private view {
        address[] memory listed = registry.getPenaltyContracts();
        assertEq(listed.length, length, "whitelist length");
        for (uint256 i = 0; i < length; ++i) {
            assertEq(listed[i], expected[i], "whitelist entry");
            assertTrue(registry.isPenaltyContract(expected[i]), "listed");
        }
    }

    function _assertOnlyEscrowListed() private view {
        _assertList([address(escrow), address(0), address(0), address(0)], 1);
    }
}
