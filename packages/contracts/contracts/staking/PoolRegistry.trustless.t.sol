// SPDX-License-Identifier: MIT
pragma solidity 0.8.30;

// the attack on ownership is tried with a low-level call, so the test can tell a refusal from a drain
// solhint-disable avoid-low-level-calls

import {Ownable2StepUpgradeable} from "@openzeppelin/contracts-upgradeable/access/Ownable2StepUpgradeable.sol";
import {OwnableUpgradeable} from "@openzeppelin/contracts-upgradeable/access/OwnableUpgradeable.sol";
import {UUPSUpgradeable} from "@openzeppelin/contracts-upgradeable/proxy/utils/UUPSUpgradeable.sol";
import {TimelockController} from "@openzeppelin/contracts/governance/TimelockController.sol";
import {IPoolRegistryTypes} from "../interfaces/IPoolRegistry.sol";
import {PoolOwners} from "../owners/PoolOwners.sol";
import {PenaltyEscrowMock} from "../testing/PenaltyEscrowMock.sol";
import {InstantTimelock, PoolRegistryDrainer} from "../testing/PoolRegistryDrainer.sol";
import {StakingFixture} from "../testing/StakingFixture.sol";
import {vm} from "../testing/Vm.sol";
import {StakingToken} from "../token/StakingToken.sol";
import {PoolRegistry} from "./PoolRegistry.sol";
import {PoolVault} from "./PoolVault.sol";

/// @title Trustlessness (issue 3): each privileged role — registry governance, the pool's operator, the owners'
/// contract and its owner, the upgrader — tries every way to move delegated tokens elsewhere, and fails: after each
/// attempt the vault, alice's and bob's stakes and their rewards are what they were, and both can still leave with
/// every token.
contract PoolRegistryTrustlessTest is StakingFixture {
    uint256 internal constant ALICE_STAKE = 300e18;
    uint256 internal constant BOB_STAKE = 600e18;
    /// @dev The 1000e18 reward of `setUp` over 10%, 30% and 60% of the stake: 5% protocol fee, 10% commission, and
    /// 855e18 pro rata.
    uint256 internal constant ALICE_REWARDS = 256.5e18;
    uint256 internal constant BOB_REWARDS = 513e18;
    uint256 internal constant OPERATOR_REWARDS = 85.5e18 + 95e18; // share and commission
    uint256 internal constant PROTOCOL_FEES = 50e18;
    /// @dev Stakes (1000e18) and the reward.
    uint256 internal constant VAULT = 2000e18;

    address internal immutable attacker = _named("attacker");
    /// @dev Carol's pool: somewhere to transfer stake to.
    address internal otherPool;

    function setUp() public override {
        super.setUp();
        otherPool = _registerPool(carol, COMMISSION_RATE);
        _delegate(carol, otherPool, MIN_SELF_STAKE);
        _delegate(alice, pool, ALICE_STAKE);
        _delegate(bob, pool, BOB_STAKE);
        _reward(pool, 1000e18);
        registry.distributeRewards(pool);
        _assertUntouched(VAULT);
    }

    // ------------------------------------------------------------------ (a) registry governance: the timelock

    function test_governanceCannotMoveDelegatedStakeThroughAnyDelegatorsEntryPoint() public {
        _tryEveryDelegatorsEntryPoint(owner);
        _tryEveryDelegatorsEntryPoint(governor);
    }

    function test_everyGovernanceSetterLeavesTheDelegatedStakeAndRewardsWhereTheyAre() public {
        PenaltyEscrowMock escrow = new PenaltyEscrowMock(token);
        vm.startPrank(owner);
        registry.setProtocolFeeRate(registry.MAX_PROTOCOL_FEE_RATE());
        _assertUntouched(VAULT);
        registry.setFeeRecipient(attacker);
        _assertUntouched(VAULT);
        registry.setMinSelfStake(type(uint256).max); // every pool broken
        _assertUntouched(VAULT);
        registry.setMaxCommissionIncrease(PPM);
        _assertUntouched(VAULT);
        registry.addPenaltyContract(address(escrow));
        _assertUntouched(VAULT);
        registry.removePenaltyContract(address(escrow));
        _assertUntouched(VAULT);
        registry.transferOwnership(attacker);
        _assertUntouched(VAULT);
        vm.stopPrank();

        // the fee recipient it chose gets the protocol fees and nothing else
        assertEq(registry.withdrawProtocolFees(pool), PROTOCOL_FEES, "protocol fees");
        assertEq(_balance(attacker), PROTOCOL_FEES, "the new fee recipient: the fees only");
        _assertUntouched(VAULT - PROTOCOL_FEES);
        _leaveInFull(alice, ALICE_STAKE, ALICE_REWARDS);
        _leaveInFull(bob, BOB_STAKE, BOB_REWARDS);
        assertEq(_balance(attacker), PROTOCOL_FEES, "and nothing of the stake");
    }

    function test_theHighestProtocolFeeTakesAFifthOfLaterRewardsOnlyAndNothingOfStake() public {
        _govern(abi.encodeCall(PoolRegistry.setProtocolFeeRate, (200_000)));
        _govern(abi.encodeCall(PoolRegistry.setFeeRecipient, (attacker)));
        _assertUntouched(VAULT);
        vm.expectRevert(abi.encodeWithSelector(IPoolRegistryTypes.PoolRegistryRateTooHigh.selector, 200_001, 200_000));
        vm.prank(owner);
        registry.setProtocolFeeRate(200_001);

        // a later reward: 20% fee, 10% of the rest as commission, 720e18 pro rata
        _reward(pool, 1000e18);
        registry.distributeRewards(pool);
        assertEq(_protocolFeesOwed(pool), PROTOCOL_FEES + 200e18, "fees: 5% of the first reward, 20% of the second");
        assertEq(registry.getStake(pool, alice), ALICE_STAKE, "alice's stake");
        assertEq(registry.getStake(pool, bob), BOB_STAKE, "bob's stake");
        assertEq(registry.getRewards(pool, alice), ALICE_REWARDS + 216e18, "alice: her rewards, plus 30% of 720e18");
        assertEq(registry.getRewards(pool, bob), BOB_REWARDS + 432e18, "bob: his rewards, plus 60% of 720e18");

        vm.prank(attacker);
        registry.withdrawProtocolFees(pool);
        assertEq(_balance(attacker), PROTOCOL_FEES + 200e18, "the recipient: fees, all of them, nothing more");
        assertEq(_balance(pool), VAULT + 1000e18 - PROTOCOL_FEES - 200e18, "vault");
        _leaveInFull(alice, ALICE_STAKE, ALICE_REWARDS + 216e18);
        _leaveInFull(bob, BOB_STAKE, BOB_REWARDS + 432e18);
    }

    function test_governanceListingAPenaltyContractGetsNoWayToLockAPenalty() public {
        PenaltyEscrowMock escrow = new PenaltyEscrowMock(token);
        _govern(abi.encodeCall(PoolRegistry.addPenaltyContract, (address(escrow))));
        address[4] memory callers = [owner, governor, address(escrow), attacker];
        for (uint256 i = 0; i < callers.length; ++i) {
            vm.expectRevert(
                abi.encodeWithSelector(IPoolRegistryTypes.PoolRegistryNotOperator.selector, pool, callers[i])
            );
            vm.prank(callers[i]);
            registry.lockPenalty(pool, address(escrow), 1);
        }
        // only the operator can, and only out of its self-stake
        vm.expectRevert(
            abi.encodeWithSelector(
                IPoolRegistryTypes.PoolRegistryPenaltyExceedsSelfStake.selector,
                pool,
                0,
                MIN_SELF_STAKE,
                MIN_SELF_STAKE + 1
            )
        );
        vm.prank(operator);
        registry.lockPenalty(pool, address(escrow), MIN_SELF_STAKE + 1);
        _assertUntouched(VAULT);
        assertEq(_balance(address(escrow)), 0, "the contract got nothing");
    }

    function test_governanceHandingOwnershipToAKeyGivesTheKeyNoPowerOverStake() public {
        vm.expectRevert(abi.encodeWithSelector(OwnableUpgradeable.OwnableUnauthorizedAccount.selector, governor));
        vm.prank(governor);
        registry.transferOwnership(attacker);

        _govern(abi.encodeCall(OwnableUpgradeable.transferOwnership, (attacker)));
        assertEq(registry.pendingOwner(), attacker, "offered");
        _assertUntouched(VAULT);
        vm.prank(attacker);
        registry.acceptOwnership();
        assertEq(registry.owner(), attacker, "the key owns the registry");

        PoolRegistryDrainer drainer = _drainer();
        bytes memory notTimelocked = abi.encodeWithSelector(
            IPoolRegistryTypes.PoolRegistryGovernanceNotTimelocked.selector,
            attacker
        );
        vm.startPrank(attacker);
        vm.expectRevert(notTimelocked);
        registry.upgradeToAndCall(address(drainer), abi.encodeCall(PoolRegistryDrainer.drain, (pool, attacker)));
        vm.expectRevert(notTimelocked);
        registry.setFeeRecipient(attacker);
        vm.expectRevert(notTimelocked);
        registry.setProtocolFeeRate(200_000);
        vm.expectRevert(notTimelocked);
        registry.addPenaltyContract(address(drainer));
        vm.stopPrank();
        _assertUntouched(VAULT);
        _tryEveryDelegatorsEntryPoint(attacker);
        _leaveInFull(alice, ALICE_STAKE, ALICE_REWARDS);
    }

    /// @dev Regression: `transferOwnership` was once only `onlyOwner`, so an owner that is not a timelock could pass
    /// ownership on. The timelock hands it to a key — visibly, and that freezes governance, so alice stays — and the
    /// key would pass it, in one block, to a contract that claims a long delay but has none and upgrades to a drainer
    /// at once. Now the offer is a governance action and reverts with PoolRegistryGovernanceNotTimelocked(attacker).
    function test_anOwnerThatIsNotATimelockCannotPassOwnershipOnToAFakeTimelock() public {
        _govern(abi.encodeCall(OwnableUpgradeable.transferOwnership, (attacker)));
        vm.prank(attacker);
        registry.acceptOwnership();

        InstantTimelock fake = new InstantTimelock(attacker);
        PoolRegistryDrainer drainer = _drainer();
        vm.startPrank(attacker);
        (bool offered, bytes memory refusal) = address(registry).call(
            abi.encodeCall(OwnableUpgradeable.transferOwnership, (address(fake)))
        );
        if (offered) {
            // what the check should have stopped: in the same block, the fake accepts and upgrades to the drainer
            fake.run(address(registry), abi.encodeCall(Ownable2StepUpgradeable.acceptOwnership, ()));
            fake.run(address(registry), _upgradeCall(address(drainer), pool, attacker));
        } else {
            assertEq(
                refusal,
                abi.encodeWithSelector(IPoolRegistryTypes.PoolRegistryGovernanceNotTimelocked.selector, attacker),
                "refused: the owner is not a timelock"
            );
        }
        vm.stopPrank();
        assertEq(_balance(attacker), 0, "the key drained the vault through a fake timelock, without any delay");
        _assertUntouched(VAULT);
    }

    // ------------------------------------------------------------------ (b) the pool's operator

    function test_theOperatorsOwnEntryPointsActOnItsOwnStakeAndRewardsOnly() public {
        vm.startPrank(operator);
        vm.expectRevert(
            abi.encodeWithSelector(
                IPoolRegistryTypes.PoolRegistryInsufficientStake.selector,
                pool,
                operator,
                MIN_SELF_STAKE,
                ALICE_STAKE
            )
        );
        registry.undelegate(pool, ALICE_STAKE, 0);
        vm.expectRevert(
            abi.encodeWithSelector(IPoolRegistryTypes.PoolRegistrySelfStakeNotTransferable.selector, pool, operator)
        );
        registry.transferDelegation(pool, otherPool, ALICE_STAKE, 0);
        vm.expectRevert(
            abi.encodeWithSelector(IPoolRegistryTypes.PoolRegistryAutoDelegationNotEnabled.selector, pool, alice)
        );
        registry.autoDelegateRewards(pool, alice);
        vm.expectRevert(abi.encodeWithSelector(PoolVault.PoolVaultUnauthorized.selector, operator));
        PoolVault(pool).pay(operator, ALICE_STAKE);
        vm.expectRevert(
            abi.encodeWithSelector(IPoolRegistryTypes.PoolRegistryExceedsLockedPenalties.selector, pool, 0, 1)
        );
        registry.writeOffPenalty(pool, 1);
        vm.stopPrank();
        _assertUntouched(VAULT);

        vm.prank(operator);
        assertEq(registry.withdrawRewards(pool), OPERATOR_REWARDS, "its share and commission");
        assertEq(_balance(operator), OPERATOR_REWARDS, "the operator: its own rewards only");
        _assertUntouched(VAULT - OPERATOR_REWARDS);
        vm.expectRevert(
            abi.encodeWithSelector(IPoolRegistryTypes.PoolRegistryNothingToWithdraw.selector, pool, operator)
        );
        vm.prank(operator);
        registry.redelegateRewards(pool);
        _leaveInFull(alice, ALICE_STAKE, ALICE_REWARDS);
        _leaveInFull(bob, BOB_STAKE, BOB_REWARDS);
    }

    function test_theOperatorLocksAtMostItsSelfStakeAndDelegatorsStillLeaveWithEverything() public {
        PenaltyEscrowMock escrow = new PenaltyEscrowMock(token);
        _govern(abi.encodeCall(PoolRegistry.addPenaltyContract, (address(escrow))));
        vm.startPrank(operator);
        vm.expectRevert(_exceedsSelfStake(0, MIN_SELF_STAKE + 1));
        registry.lockPenalty(pool, address(escrow), MIN_SELF_STAKE + 1);
        vm.expectRevert(_exceedsSelfStake(0, ALICE_STAKE + BOB_STAKE));
        registry.lockPenalty(pool, address(escrow), ALICE_STAKE + BOB_STAKE);
        registry.lockPenalty(pool, address(escrow), MIN_SELF_STAKE);
        vm.expectRevert(_exceedsSelfStake(MIN_SELF_STAKE, 1));
        registry.lockPenalty(pool, address(escrow), 1);
        vm.expectRevert(
            abi.encodeWithSelector(
                IPoolRegistryTypes.PoolRegistryStakeLockedInPenalties.selector,
                pool,
                MIN_SELF_STAKE - 1,
                MIN_SELF_STAKE
            )
        );
        registry.undelegate(pool, 1, 0);
        vm.stopPrank();
        _assertUntouched(VAULT - MIN_SELF_STAKE); // the deposit was the operator's self-stake

        // the escrow keeps it; the delegators lose nothing
        _leaveInFull(alice, ALICE_STAKE, ALICE_REWARDS);
        _leaveInFull(bob, BOB_STAKE, BOB_REWARDS);
        vm.prank(operator);
        registry.writeOffPenalty(pool, MIN_SELF_STAKE);
        assertEq(registry.getStake(pool, operator), 0, "the operator paid for it");
        assertEq(_balance(pool), 95e18 + PROTOCOL_FEES, "vault: the commission and the fee");
    }

    /// @dev A reward that arrives while a slashed penalty is locked is shared as any reward: the operator cannot make
    /// its loss good out of the delegators' rewards, only out of its self-stake or by returning the deposit.
    function test_aRewardArrivingWhileAPenaltyIsLockedStaysTheDelegatorsReward() public {
        PenaltyEscrowMock escrow = new PenaltyEscrowMock(token);
        _govern(abi.encodeCall(PoolRegistry.addPenaltyContract, (address(escrow))));
        vm.prank(operator);
        registry.lockPenalty(pool, address(escrow), MIN_SELF_STAKE); // slashed: the escrow keeps it
        _reward(pool, 1000e18);
        registry.distributeRewards(pool);
        assertEq(registry.getLockedInPenalties(pool), MIN_SELF_STAKE, "still locked");
        assertEq(registry.getRewards(pool, alice), 2 * ALICE_REWARDS, "alice: her share of both rewards");
        assertEq(registry.getRewards(pool, bob), 2 * BOB_REWARDS, "bob: his share of both rewards");
        vm.expectRevert(
            abi.encodeWithSelector(
                IPoolRegistryTypes.PoolRegistryStakeLockedInPenalties.selector,
                pool,
                0,
                MIN_SELF_STAKE
            )
        );
        _undelegate(operator, pool, MIN_SELF_STAKE, 0);
        _leaveInFull(alice, ALICE_STAKE, 2 * ALICE_REWARDS);
        _leaveInFull(bob, BOB_STAKE, 2 * BOB_REWARDS);
    }

    function test_theOperatorsPoolSettingsNeverKeepDelegatorsFromLeavingOrClaiming() public {
        vm.startPrank(operator);
        vm.expectRevert(
            abi.encodeWithSelector(
                IPoolRegistryTypes.PoolRegistryLimitBelowStake.selector,
                pool,
                MIN_SELF_STAKE + ALICE_STAKE + BOB_STAKE - 1,
                MIN_SELF_STAKE + ALICE_STAKE + BOB_STAKE
            )
        );
        registry.setStakingLimit(pool, MIN_SELF_STAKE + ALICE_STAKE + BOB_STAKE - 1);
        registry.setStakingLimit(pool, MIN_SELF_STAKE + ALICE_STAKE + BOB_STAKE);
        _assertUntouched(VAULT);
        registry.setPoolPrivate(pool, true);
        registry.setDelegatorAllowed(pool, alice, false);
        _assertUntouched(VAULT);
        registry.requestCommissionRateChange(pool, COMMISSION_RATE + registry.maxCommissionIncrease());
        _assertUntouched(VAULT);
        registry.updateMetaData(pool, "ipfs://gone", bytes32(0));
        registry.disablePool(pool);
        _assertUntouched(VAULT);
        registry.retirePool(pool);
        vm.stopPrank();
        _assertUntouched(VAULT);

        _leaveInFull(alice, ALICE_STAKE, ALICE_REWARDS);
        _leaveInFull(bob, BOB_STAKE, BOB_REWARDS);
    }

    // ------------------------------------------------------------------ (c) PoolOwners and its owner

    function test_thePoolOwnersContractReceivesProtocolFeesOnlyAndItsOwnerNothingOfTheStake() public {
        address ownersOwner = _named("ownersOwner");
        PoolOwners owners = new PoolOwners(payable(_named("wallet")), ownersOwner);
        vm.startPrank(ownersOwner);
        owners.addToken(token);
        owners.lockShares(); // the owner now holds every share: all the owners' contract earns is its
        vm.stopPrank();
        _govern(abi.encodeCall(PoolRegistry.setFeeRecipient, (address(owners))));

        _tryEveryDelegatorsEntryPoint(ownersOwner);
        _tryEveryDelegatorsEntryPoint(address(owners));
        PoolRegistryDrainer drainer = _drainer();
        bytes memory unauthorized = abi.encodeWithSelector(
            OwnableUpgradeable.OwnableUnauthorizedAccount.selector,
            ownersOwner
        );
        vm.startPrank(ownersOwner);
        vm.expectRevert(unauthorized);
        registry.setFeeRecipient(ownersOwner);
        vm.expectRevert(unauthorized);
        registry.setProtocolFeeRate(200_000);
        vm.expectRevert(unauthorized);
        registry.addPenaltyContract(address(owners));
        vm.expectRevert(unauthorized);
        registry.upgradeToAndCall(address(drainer), "");
        vm.stopPrank();
        _assertUntouched(VAULT);

        vm.prank(ownersOwner);
        assertEq(registry.withdrawProtocolFees(pool), PROTOCOL_FEES, "the protocol fees");
        assertEq(_balance(address(owners)), PROTOCOL_FEES, "the owners' contract: the fees");
        _assertUntouched(VAULT - PROTOCOL_FEES);
        vm.expectRevert(
            abi.encodeWithSelector(IPoolRegistryTypes.PoolRegistryNothingToWithdraw.selector, pool, address(owners))
        );
        registry.withdrawProtocolFees(pool);

        vm.prank(ownersOwner);
        assertEq(owners.withdraw(token), PROTOCOL_FEES, "its owner: the fees, and only them");
        _leaveInFull(alice, ALICE_STAKE, ALICE_REWARDS);
        _leaveInFull(bob, BOB_STAKE, BOB_REWARDS);
        assertEq(_balance(ownersOwner), PROTOCOL_FEES, "nothing of the stake");
        assertEq(_balance(pool), MIN_SELF_STAKE + OPERATOR_REWARDS, "vault: the operator's, nobody else's");
    }

    // ------------------------------------------------------------------ (d) the upgrader

    function test_upgradeToAndCallIsRefusedToEveryoneButTheTimelock() public {
        PoolRegistryDrainer drainer = _drainer();
        bytes memory drain = abi.encodeCall(PoolRegistryDrainer.drain, (pool, attacker));
        address[8] memory callers = [governor, operator, alice, bob, carol, feeRecipient, attacker, keeper];
        for (uint256 i = 0; i < callers.length; ++i) {
            vm.expectRevert(abi.encodeWithSelector(OwnableUpgradeable.OwnableUnauthorizedAccount.selector, callers[i]));
            vm.prank(callers[i]);
            registry.upgradeToAndCall(address(drainer), drain);
        }
        // the drainer's code does nothing where it is not installed: vaults pay only their registry
        vm.expectRevert(abi.encodeWithSelector(PoolVault.PoolVaultUnauthorized.selector, address(drainer)));
        drainer.drain(pool, attacker);
        vm.expectRevert(abi.encodeWithSelector(UUPSUpgradeable.UUPSUnauthorizedCallContext.selector));
        vm.prank(owner);
        drainer.upgradeToAndCall(address(drainer), drain);
        // and the timelock takes nothing shorter than its delay
        vm.expectRevert(
            abi.encodeWithSelector(
                TimelockController.TimelockInsufficientDelay.selector,
                THAWING_PERIOD,
                GOVERNANCE_DELAY
            )
        );
        vm.prank(governor);
        timelock.schedule(
            address(registry),
            0,
            _upgradeCall(address(drainer), pool, attacker),
            bytes32(0),
            bytes32(0),
            THAWING_PERIOD
        );
        _assertUntouched(VAULT);
    }

    /// @dev A drainer is scheduled through the timelock. Alice sees it `reactionTime` later, undelegates at once, and
    /// finalizes when her thawing ends — while the timelock still refuses to execute — and so gets every token of her
    /// stake and rewards. When the upgrade runs it takes only what stayed.
    function testFuzz_aDelegatorWhoSeesADrainerScheduledLeavesWithEverythingBeforeItRuns(uint256 reactionTime) public {
        reactionTime = _bound(reactionTime, 0, GOVERNANCE_DELAY - THAWING_PERIOD - 1);
        bytes memory data = _upgradeCall(address(_drainer()), pool, attacker);
        vm.prank(governor);
        timelock.schedule(address(registry), 0, data, bytes32(0), bytes32(0), GOVERNANCE_DELAY);
        bytes32 id = timelock.hashOperation(address(registry), 0, data, bytes32(0), bytes32(0));
        uint256 scheduledAt = block.timestamp;

        vm.warp(scheduledAt + reactionTime);
        _expectNotReady(id);
        timelock.execute(address(registry), 0, data, bytes32(0), bytes32(0));
        uint256 undelegation = _undelegate(alice, pool, ALICE_STAKE, 0);
        assertEq(_balance(alice), ALICE_REWARDS, "alice's rewards, paid at once");

        vm.warp(scheduledAt + reactionTime + THAWING_PERIOD);
        _expectNotReady(id);
        timelock.execute(address(registry), 0, data, bytes32(0), bytes32(0));
        registry.finalizeUndelegate(undelegation);
        assertEq(_balance(alice), ALICE_STAKE + ALICE_REWARDS, "alice: every token, before the upgrade can run");

        vm.warp(scheduledAt + GOVERNANCE_DELAY - 1);
        _expectNotReady(id);
        timelock.execute(address(registry), 0, data, bytes32(0), bytes32(0));

        vm.warp(scheduledAt + GOVERNANCE_DELAY);
        uint256 stayed = _balance(pool);
        assertEq(stayed, VAULT - ALICE_STAKE - ALICE_REWARDS, "what stayed: bob's, the operator's, the fees");
        timelock.execute(address(registry), 0, data, bytes32(0), bytes32(0));
        assertEq(_balance(attacker), stayed, "the drainer took only what stayed");
        assertEq(_balance(pool), 0, "vault emptied");
        assertEq(_balance(alice), ALICE_STAKE + ALICE_REWARDS, "alice kept every token");
    }

    function test_aDelegatorWhoSeesADrainerScheduledLeavesWithEverythingBeforeItRuns() public {
        testFuzz_aDelegatorWhoSeesADrainerScheduledLeavesWithEverythingBeforeItRuns(0);
    }

    function test_anUpgradeToAnImplementationOfAnotherTokenIsRefused() public {
        StakingToken other = new StakingToken("Other", "OTH", address(this), 1);
        PoolRegistryDrainer wrong = new PoolRegistryDrainer(other, THAWING_PERIOD, TRANSFER_LOCKOUT_PERIOD);
        bytes memory incompatible = abi.encodeWithSelector(
            IPoolRegistryTypes.PoolRegistryIncompatibleUpgrade.selector,
            address(wrong)
        );
        vm.expectRevert(incompatible);
        vm.prank(owner);
        registry.upgradeToAndCall(address(wrong), "");

        // nor through the timelock, after the whole delay
        bytes memory data = abi.encodeCall(UUPSUpgradeable.upgradeToAndCall, (address(wrong), ""));
        vm.prank(governor);
        timelock.schedule(address(registry), 0, data, bytes32(0), bytes32(0), GOVERNANCE_DELAY);
        vm.warp(block.timestamp + GOVERNANCE_DELAY);
        vm.expectRevert(incompatible);
        timelock.execute(address(registry), 0, data, bytes32(0), bytes32(0));
        _assertUntouched(VAULT);
        assertEq(address(registry.token()), address(token), "the token is unchanged");
    }

    // ------------------------------------------------------------------ helpers

    /// @dev `caller`, with no stake in the pool, tries every entry point that could move alice's or bob's tokens; each
    /// is refused, and nothing moves.
    function _tryEveryDelegatorsEntryPoint(address caller) private {
        uint256 vault = _balance(pool);
        vm.startPrank(caller);
        bytes memory noStake = abi.encodeWithSelector(
            IPoolRegistryTypes.PoolRegistryInsufficientStake.selector,
            pool,
            caller,
            0,
            ALICE_STAKE
        );
        vm.expectRevert(noStake);
        registry.undelegate(pool, ALICE_STAKE, 0);
        vm.expectRevert(noStake);
        registry.transferDelegation(pool, otherPool, ALICE_STAKE, 0);
        bytes memory nothing = abi.encodeWithSelector(
            IPoolRegistryTypes.PoolRegistryNothingToWithdraw.selector,
            pool,
            caller
        );
        vm.expectRevert(nothing);
        registry.withdrawRewards(pool);
        vm.expectRevert(nothing);
        registry.redelegateRewards(pool);
        vm.expectRevert(
            abi.encodeWithSelector(IPoolRegistryTypes.PoolRegistryAutoDelegationNotEnabled.selector, pool, alice)
        );
        registry.autoDelegateRewards(pool, alice);
        bytes memory notOperator = abi.encodeWithSelector(
            IPoolRegistryTypes.PoolRegistryNotOperator.selector,
            pool,
            caller
        );
        vm.expectRevert(notOperator);
        registry.lockPenalty(pool, caller, ALICE_STAKE);
        vm.expectRevert(notOperator);
        registry.writeOffPenalty(pool, 1);
        vm.expectRevert(notOperator);
        registry.setStakingLimit(pool, 0);
        vm.expectRevert(abi.encodeWithSelector(PoolVault.PoolVaultUnauthorized.selector, caller));
        PoolVault(pool).pay(caller, ALICE_STAKE);
        vm.stopPrank();
        _assertUntouched(vault);
    }

    /// @dev The vault holds `vault`, and alice's and bob's stakes and rewards are what `setUp` left them.
    function _assertUntouched(uint256 vault) private view {
        assertEq(_balance(pool), vault, "vault balance");
        assertEq(registry.getStake(pool, alice), ALICE_STAKE, "alice's stake");
        assertEq(registry.getStake(pool, bob), BOB_STAKE, "bob's stake");
        assertEq(registry.getRewards(pool, alice), ALICE_REWARDS, "alice's rewards");
        assertEq(registry.getRewards(pool, bob), BOB_REWARDS, "bob's rewards");
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

    function _drainer() private returns (PoolRegistryDrainer) {
        return new PoolRegistryDrainer(token, THAWING_PERIOD, TRANSFER_LOCKOUT_PERIOD);
    }

    /// @dev The upgrade to `drainer` that, in the same call, pays `fromPool`'s vault to `to`.
    function _upgradeCall(address drainer, address fromPool, address to) private pure returns (bytes memory) {
        return
            abi.encodeCall(
                UUPSUpgradeable.upgradeToAndCall,
                (drainer, abi.encodeCall(PoolRegistryDrainer.drain, (fromPool, to)))
            );
    }

    function _expectNotReady(bytes32 id) private {
        vm.expectRevert(
            abi.encodeWithSelector(
                TimelockController.TimelockUnexpectedOperationState.selector,
                id,
                bytes32(1 << uint8(TimelockController.OperationState.Ready))
            )
        );
    }

    function _exceedsSelfStake(uint256 locked, uint256 amount) private view returns (bytes memory) {
        return
            abi.encodeWithSelector(
                IPoolRegistryTypes.PoolRegistryPenaltyExceedsSelfStake.selector,
                pool,
                locked,
                MIN_SELF_STAKE,
                amount
            );
    }
}
