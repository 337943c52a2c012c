// SPDX-License-Identifier: MIT
pragma solidity 0.8.30;

import {TimelockController} from "@openzeppelin/contracts/governance/TimelockController.sol";
import {OwnableUpgradeable} from "@openzeppelin/contracts-upgradeable/access/OwnableUpgradeable.sol";
import {Initializable} from "@openzeppelin/contracts-upgradeable/proxy/utils/Initializable.sol";
import {UUPSUpgradeable} from "@openzeppelin/contracts-upgradeable/proxy/utils/UUPSUpgradeable.sol";
import {IPoolRegistryTypes} from "../interfaces/IPoolRegistry.sol";
import {PoolRegistryV2} from "../testing/PoolRegistryV2.sol";
import {StakingFixture} from "../testing/StakingFixture.sol";
import {vm} from "../testing/Vm.sol";
import {StakingToken} from "../token/StakingToken.sol";
import {PoolRegistry} from "./PoolRegistry.sol";
import {PoolRegistryExtension} from "./PoolRegistryExtension.sol";

/// @title Upgrades: replacing the registry's code keeps every byte of its state, and only governance, through its
/// timelock, can do it.
contract PoolRegistryUpgradeTest is StakingFixture {
    address internal otherPool;
    uint256 internal undelegationId;
    uint256 internal transferId;
    uint256 internal commissionChangeId;

    /// @dev Every getter a delegator or indexer reads, captured before an upgrade and compared after it.
    struct Snapshot {
        uint256 poolStake;
        uint256 otherPoolStake;
        uint256 otherPoolPending;
        uint256 aliceStake;
        uint256 bobStake;
        uint256 carolStake;
        uint256 aliceRewards;
        uint256 bobRewards;
        uint256 operatorRewards;
        uint256 accounted;
        uint256 protocolFeesOwed;
        uint256 vaultBalance;
        bytes undelegation;
        bytes transfer;
        bytes poolInfo;
        bool carolAutoDelegates;
        uint256 poolCount;
        uint256 minSelfStake;
        uint256 protocolFeeRate;
        address feeRecipient;
    }

    function setUp() public override {
        super.setUp();
        otherPool = _registerPool(carol, COMMISSION_RATE);
        _delegate(carol, otherPool, MIN_SELF_STAKE);
        _delegate(alice, pool, 300e18);
        _delegate(bob, pool, 700e18 + 1);
        _reward(pool, 10e18 + 7);
        undelegationId = _undelegate(alice, pool, 100e18, 1e18);
        vm.prank(bob);
        transferId = registry.transferDelegation(pool, otherPool, 200e18, 0);
        vm.prank(operator);
        registry.enableAutoRewardsDelegation(pool, 10_000); // the operator, since only stakers may
        vm.prank(operator);
        commissionChangeId = registry.requestCommissionRateChange(pool, COMMISSION_RATE + 50_000);
        _reward(pool, 3e18 + 3); // arrived, not yet distributed: the upgrade must not take it in or lose it
    }

    function _snapshot() internal view returns (Snapshot memory s) {
        (s.poolStake, ) = registry.getTotalStake(pool);
        (s.otherPoolStake, s.otherPoolPending) = registry.getTotalStake(otherPool);
        s.aliceStake = registry.getStake(pool, alice);
        s.bobStake = registry.getStake(pool, bob);
        s.carolStake = registry.getStake(otherPool, carol);
        s.aliceRewards = registry.getRewards(pool, alice);
        s.bobRewards = registry.getRewards(pool, bob);
        s.operatorRewards = registry.getRewards(pool, operator);
        s.accounted = _accounted(pool);
        s.protocolFeesOwed = _protocolFeesOwed(pool);
        s.vaultBalance = _balance(pool);
        s.undelegation = abi.encode(registry.getUndelegation(undelegationId));
        s.transfer = abi.encode(registry.getTransfer(transferId));
        s.poolInfo = abi.encode(registry.getPoolInfo(pool));
        (s.carolAutoDelegates, ) = registry.getAutoRewardsDelegation(pool, operator);
        s.poolCount = registry.getPoolCount();
        s.minSelfStake = registry.minSelfStake();
        s.protocolFeeRate = registry.protocolFeeRate();
        s.feeRecipient = registry.feeRecipient();
    }

    function _assertSame(Snapshot memory a, Snapshot memory b) internal pure {
        assertEq(a.poolStake, b.poolStake, "pool stake");
        assertEq(a.otherPoolStake, b.otherPoolStake, "other pool stake");
        assertEq(a.otherPoolPending, b.otherPoolPending, "stake pending into the other pool");
        assertEq(a.aliceStake, b.aliceStake, "alice's stake");
        assertEq(a.bobStake, b.bobStake, "bob's stake");
        assertEq(a.carolStake, b.carolStake, "carol's stake");
        assertEq(a.aliceRewards, b.aliceRewards, "alice's rewards");
        assertEq(a.bobRewards, b.bobRewards, "bob's rewards");
        assertEq(a.operatorRewards, b.operatorRewards, "operator's rewards");
        assertEq(a.accounted, b.accounted, "accounted");
        assertEq(a.protocolFeesOwed, b.protocolFeesOwed, "protocol fees owed");
        assertEq(a.vaultBalance, b.vaultBalance, "vault balance");
        assertEq(keccak256(a.undelegation), keccak256(b.undelegation), "pending undelegation");
        assertEq(keccak256(a.transfer), keccak256(b.transfer), "pending transfer");
        assertEq(keccak256(a.poolInfo), keccak256(b.poolInfo), "pool info");
        assertEq(a.carolAutoDelegates, b.carolAutoDelegates, "auto-redelegation setting");
        assertEq(a.poolCount, b.poolCount, "pool count");
        assertEq(a.minSelfStake, b.minSelfStake, "minSelfStake");
        assertEq(a.protocolFeeRate, b.protocolFeeRate, "protocolFeeRate");
        assertEq(a.feeRecipient, b.feeRecipient, "feeRecipient");
    }

    function _v2() internal returns (PoolRegistryV2) {
        return new PoolRegistryV2(token, THAWING_PERIOD, TRANSFER_LOCKOUT_PERIOD);
    }

    function _upgradeCall(address implementation, bytes memory init) internal pure returns (bytes memory) {
        return abi.encodeCall(UUPSUpgradeable.upgradeToAndCall, (implementation, init));
    }

    // ------------------------------------------------------------------ state survives

    function test_anUpgradeThroughTheTimelockKeepsEveryBalancePendingIdAndReward() public {
        PoolRegistryV2 v2 = _v2();
        vm.prank(governor);
        timelock.schedule(
            address(registry),
            0,
            _upgradeCall(address(v2), abi.encodeCall(PoolRegistryV2.initializeV2, ("hello"))),
            bytes32(0),
            bytes32(0),
            GOVERNANCE_DELAY
        );
        vm.warp(block.timestamp + GOVERNANCE_DELAY);
        Snapshot memory before = _snapshot(); // after the wait: rewards and due dates do not move with time alone
        timelock.execute(
            address(registry),
            0,
            _upgradeCall(address(v2), abi.encodeCall(PoolRegistryV2.initializeV2, ("hello"))),
            bytes32(0),
            bytes32(0)
        );

        PoolRegistryV2 upgraded = PoolRegistryV2(address(registry));
        assertEq(upgraded.version(), 2, "v2 runs at the same address");
        assertEq(keccak256(bytes(upgraded.greeting())), keccak256("hello"), "v2's own state, set in the upgrade");
        _assertSame(before, _snapshot());
        assertEq(registry.owner(), owner, "governance is unchanged");
        // v2's extension (deployed by its constructor) is the one reached now, and works on the same state
        assertTrue(registry.extension() == v2.extension(), "v2's extension");

        // and everything pending completes as it would have: the thawing and lockout have passed during the wait
        uint256 aliceBefore = _balance(alice);
        registry.finalizeUndelegate(undelegationId);
        assertEq(_balance(alice), aliceBefore + 99e18, "alice's undelegation, less its fee");
        registry.finalizeTransfer(transferId);
        assertEq(registry.getStake(otherPool, bob), 200e18, "bob's transfer landed");
        vm.prank(operator);
        registry.finalizeCommissionRateChange(commissionChangeId);
        assertEq(registry.getPoolInfo(pool).commissionRate, COMMISSION_RATE + 50_000, "the commission change");
        uint256 bobRewards = registry.getRewards(pool, bob);
        vm.prank(bob);
        assertEq(registry.withdrawRewards(pool), bobRewards, "bob's rewards, all of them");
        registry.autoDelegateRewards(pool, operator);
        _delegate(alice, pool, 1e18); // new delegations still work
    }

    function test_theRewardThatArrivedBeforeTheUpgradeIsSharedAfterItExactlyAsBefore() public {
        // the same history without the upgrade, on a second registry, ends in the same rewards
        uint256 aliceExpected = registry.getRewards(pool, alice);
        uint256 bobExpected = registry.getRewards(pool, bob);
        _govern(_upgradeCall(address(_v2()), ""));
        registry.distributeRewards(pool);
        assertEq(registry.getRewards(pool, alice), aliceExpected, "alice");
        assertEq(registry.getRewards(pool, bob), bobExpected, "bob");
    }

    // ------------------------------------------------------------------ initialization

    function test_initializeCannotRunTwice() public {
        vm.expectRevert(abi.encodeWithSelector(Initializable.InvalidInitialization.selector));
        registry.initialize(0, 0, stranger, stranger);
        vm.expectRevert(abi.encodeWithSelector(Initializable.InvalidInitialization.selector));
        vm.prank(owner);
        registry.initialize(0, 0, stranger, owner);
    }

    function test_initializeCannotRunOnTheImplementation() public {
        PoolRegistry implementation = new PoolRegistry(token, THAWING_PERIOD, TRANSFER_LOCKOUT_PERIOD);
        vm.expectRevert(abi.encodeWithSelector(Initializable.InvalidInitialization.selector));
        implementation.initialize(MIN_SELF_STAKE, PROTOCOL_FEE_RATE, feeRecipient, owner);
    }

    function test_aReinitializerRunsOnceOnly() public {
        PoolRegistryV2 v2 = _v2();
        _govern(_upgradeCall(address(v2), abi.encodeCall(PoolRegistryV2.initializeV2, ("once"))));
        vm.expectRevert(abi.encodeWithSelector(Initializable.InvalidInitialization.selector));
        PoolRegistryV2(address(registry)).initializeV2("twice");
        vm.expectRevert(abi.encodeWithSelector(Initializable.InvalidInitialization.selector));
        v2.initializeV2("on the implementation");
    }

    function test_theExtensionCalledDirectlyCannotStartARegistryOfItsOwn() public {
        PoolRegistryExtension extension = PoolRegistryExtension(registry.extension());
        vm.expectRevert(abi.encodeWithSelector(IPoolRegistryTypes.PoolRegistryExtensionCalledDirectly.selector));
        extension.registerPool(signer, COMMISSION_RATE, "", bytes32(0));
        // nor govern: it has no owner
        vm.expectRevert(abi.encodeWithSelector(OwnableUpgradeable.OwnableUnauthorizedAccount.selector, owner));
        vm.prank(owner);
        extension.setProtocolFeeRate(0);
    }

    // ------------------------------------------------------------------ who may upgrade, and when

    function test_upgradeToAndCallIsRefusedToAnyoneButTheTimelock() public {
        address v2 = address(_v2());
        address[5] memory callers = [governor, operator, alice, feeRecipient, stranger];
        for (uint256 i = 0; i < callers.length; ++i) {
            vm.expectRevert(abi.encodeWithSelector(OwnableUpgradeable.OwnableUnauthorizedAccount.selector, callers[i]));
            vm.prank(callers[i]);
            registry.upgradeToAndCall(v2, "");
        }
    }

    function test_anUpgradeWaitsOutTheWholeTimelockDelay() public {
        bytes memory data = _upgradeCall(address(_v2()), "");
        vm.prank(governor);
        timelock.schedule(address(registry), 0, data, bytes32(0), bytes32(0), GOVERNANCE_DELAY);
        bytes32 id = timelock.hashOperation(address(registry), 0, data, bytes32(0), bytes32(0));
        uint256 due = block.timestamp + GOVERNANCE_DELAY;

        vm.warp(due - 1);
        vm.expectRevert(
            abi.encodeWithSelector(
                TimelockController.TimelockUnexpectedOperationState.selector,
                id,
                bytes32(1 << uint8(TimelockController.OperationState.Ready))
            )
        );
        timelock.execute(address(registry), 0, data, bytes32(0), bytes32(0));

        vm.warp(due);
        timelock.execute(address(registry), 0, data, bytes32(0), bytes32(0));
        assertEq(PoolRegistryV2(address(registry)).version(), 2, "upgraded at the due time");
    }

    function test_theTimelockRefusesAScheduleShorterThanItsDelay() public {
        bytes memory data = _upgradeCall(address(_v2()), "");
        vm.expectRevert(
            abi.encodeWithSelector(
                TimelockController.TimelockInsufficientDelay.selector,
                THAWING_PERIOD,
                GOVERNANCE_DELAY
            )
        );
        vm.prank(governor);
        timelock.schedule(address(registry), 0, data, bytes32(0), bytes32(0), THAWING_PERIOD);
    }

    function test_anUpgradeToAnImplementationOfAnotherTokenIsRefused() public {
        StakingToken other = new StakingToken("Other", "OTH", address(this), 1);
        PoolRegistry wrong = new PoolRegistry(other, THAWING_PERIOD, TRANSFER_LOCKOUT_PERIOD);
        vm.expectRevert(
            abi.encodeWithSelector(IPoolRegistryTypes.PoolRegistryIncompatibleUpgrade.selector, address(wrong))
        );
        vm.prank(owner);
        registry.upgradeToAndCall(address(wrong), "");
    }

    function test_anUpgradeToAContractThatIsNotARegistryIsRefused() public {
        vm.expectRevert(); // it has no token(): the call itself fails
        vm.prank(owner);
        registry.upgradeToAndCall(address(token), "");
        vm.expectRevert(); // an EOA has no code at all
        vm.prank(owner);
        registry.upgradeToAndCall(alice, "");
        assertEq(registry.getStake(pool, alice), 200e18, "nothing changed");
    }

    function test_governanceWhoseDelayWasCutToTheThawingPeriodCanNoLongerUpgrade() public {
        // the timelock's own delay can be changed, but only through itself: everyone sees it coming, and once it is
        // not longer than thawing the registry refuses it
        _governTimelock(abi.encodeCall(TimelockController.updateDelay, (THAWING_PERIOD)));
        address v2 = address(_v2());
        vm.expectRevert(
            abi.encodeWithSelector(
                IPoolRegistryTypes.PoolRegistryGovernanceDelayTooShort.selector,
                owner,
                THAWING_PERIOD,
                THAWING_PERIOD
            )
        );
        vm.prank(owner);
        registry.upgradeToAndCall(v2, "");
        vm.expectRevert(
            abi.encodeWithSelector(
                IPoolRegistryTypes.PoolRegistryGovernanceDelayTooShort.selector,
                owner,
                THAWING_PERIOD,
                THAWING_PERIOD
            )
        );
        vm.prank(owner);
        registry.setProtocolFeeRate(0);
    }

    function test_ownershipHandedToAKeyLeavesTheRegistryWithoutGovernance() public {
        _govern(abi.encodeCall(OwnableUpgradeable.transferOwnership, (governor)));
        vm.prank(governor);
        registry.acceptOwnership();
        assertEq(registry.owner(), governor, "the key owns it");
        address v2 = address(_v2());
        vm.expectRevert(
            abi.encodeWithSelector(IPoolRegistryTypes.PoolRegistryGovernanceNotTimelocked.selector, governor)
        );
        vm.prank(governor);
        registry.upgradeToAndCall(v2, "");
        vm.expectRevert(
            abi.encodeWithSelector(IPoolRegistryTypes.PoolRegistryGovernanceNotTimelocked.selector, governor)
        );
        vm.prank(governor);
        registry.setMinSelfStake(0);
    }

    /// @dev Schedules `data` as a call to the timelock itself, waits its delay and executes it.
    function _governTimelock(bytes memory data) internal {
        vm.prank(governor);
        timelock.schedule(address(timelock), 0, data, bytes32(0), bytes32(0), GOVERNANCE_DELAY);
        vm.warp(block.timestamp + GOVERNANCE_DELAY);
        timelock.execute(address(timelock), 0, data, bytes32(0), bytes32(0));
    }
}
