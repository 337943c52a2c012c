// SPDX-License-Identifier: MIT
pragma solidity 0.8.30;

import {IERC20} from "@openzeppelin/contracts/token/ERC20/IERC20.sol";
import {ReentrancyGuardTransient} from "@openzeppelin/contracts/utils/ReentrancyGuardTransient.sol";
import {IPoolRegistry} from "../interfaces/IPoolRegistry.sol";
import {ReentrantDelegator} from "../testing/ReentrantDelegator.sol";
import {ReentrantToken} from "../testing/ReentrantToken.sol";
import {StakingFixture} from "../testing/StakingFixture.sol";
import {RegistryDeployment} from "../testing/RegistryDeployment.sol";
import {TestBase} from "../testing/TestBase.sol";
import {vm} from "../testing/Vm.sol";
import {PoolRegistry} from "./PoolRegistry.sol";

/// @title Reentrancy tests of PoolRegistry: every entry point re-entered from every other is refused, nothing moves.
/// @notice A hostile token or contract delegator calls back; OpenZeppelin's ReentrancyGuardReentrantCall bubbles up.
contract PoolRegistryReentrancyTest is TestBase, RegistryDeployment {
    /// @dev The registry's state-changing entry points, each entered in a state where it would succeed.
    enum Entry {
        Delegate,
        TransferAndCall,
        Undelegate,
        FinalizeUndelegate,
        WithdrawRewards,
        RedelegateRewards,
        DistributeRewards,
        WithdrawProtocolFees,
        FinalizeUndelegations,
        TransferDelegation,
        FinalizeTransfer,
        FinalizeTransfers
    }

    uint256 internal constant SUPPLY = 1e30;
    uint256 internal constant THAWING_PERIOD = 7 days;
    uint256 internal constant TRANSFER_LOCKOUT_PERIOD = 2 days;
    uint256 internal constant MIN_SELF_STAKE = 100e18;

    address internal owner;
    address internal immutable feeRecipient = _named("feeRecipient");
    address internal immutable operator = _named("operator");
    address internal immutable alice = _named("alice");
    address internal immutable bob = _named("bob");
    address internal immutable keeper = _named("keeper");
    address internal immutable otherOperator = _named("otherOperator");

    ReentrantToken internal token;
    PoolRegistry internal registry;
    address internal pool;
    /// @dev A second pool, where transfers go.
    address internal otherPool;
    /// @dev bob's undelegation, due.
    uint256 internal dueUndelegation;
    /// @dev bob's transfer to `otherPool`, due.
    uint256 internal dueTransfer;

    function setUp() public {
        token = new ReentrantToken(address(this), SUPPLY);
        owner = address(_newTimelock(THAWING_PERIOD + 1, _named("governor")));
        registry = _newRegistry(
            IERC20(address(token)),
            THAWING_PERIOD,
            TRANSFER_LOCKOUT_PERIOD,
            MIN_SELF_STAKE,
            50_000,
            feeRecipient,
            owner
        );
        vm.prank(operator);
        pool = registry.registerPool(operator, 100_000, "", bytes32(0));
        _delegate(operator, MIN_SELF_STAKE);
        _delegate(alice, 900e18);
        _delegate(bob, 100e18);
        vm.prank(otherOperator);
        otherPool = registry.registerPool(otherOperator, 100_000, "", bytes32(0));
        _delegateTo(otherOperator, otherPool, MIN_SELF_STAKE);
        vm.startPrank(bob);
        dueUndelegation = registry.undelegate(pool, 50e18, 1e18);
        dueTransfer = registry.transferDelegation(pool, otherPool, 10e18, 1e18);
        vm.stopPrank();
        vm.warp(block.timestamp + THAWING_PERIOD); // longer than the transfer lockout
        token.transfer(otherPool, 100e18); // a reward there too, for finalizeTransfer to distribute
        token.transfer(pool, 1000e18); // a reward, not yet distributed: every entry point has something to do
        token.transfer(alice, 100e18); // to delegate more
        vm.prank(alice);
        token.approve(address(registry), type(uint256).max);
    }

    // ------------------------------------------------------------------ a hostile token, every pair of entry points

    function test_reentryFromDelegateIsRefused() public {
        _assertEveryReentryIsRefused(Entry.Delegate, ReentrantToken.Hook.BalanceOf);
        _assertEveryReentryIsRefused(Entry.Delegate, ReentrantToken.Hook.Transfer);
        _enter(Entry.Delegate); // unhooked, the same call succeeds: the refusals above came from the guard
    }

    function test_reentryFromTransferAndCallIsRefused() public {
        _assertEveryReentryIsRefused(Entry.TransferAndCall, ReentrantToken.Hook.BalanceOf);
        _assertEveryReentryIsRefused(Entry.TransferAndCall, ReentrantToken.Hook.Transfer);
        _enter(Entry.TransferAndCall); // unhooked, the same call succeeds: the refusals above came from the guard
    }

    function test_reentryFromUndelegateIsRefused() public {
        _assertEveryReentryIsRefused(Entry.Undelegate, ReentrantToken.Hook.BalanceOf);
        _assertEveryReentryIsRefused(Entry.Undelegate, ReentrantToken.Hook.Transfer);
        _enter(Entry.Undelegate); // unhooked, the same call succeeds: the refusals above came from the guard
    }

    function test_reentryFromFinalizeUndelegateIsRefused() public {
        _assertEveryReentryIsRefused(Entry.FinalizeUndelegate, ReentrantToken.Hook.Transfer);
        _enter(Entry.FinalizeUndelegate); // unhooked, the same call succeeds: the refusals above came from the guard
    }

    function test_reentryFromWithdrawRewardsIsRefused() public {
        _assertEveryReentryIsRefused(Entry.WithdrawRewards, ReentrantToken.Hook.BalanceOf);
        _assertEveryReentryIsRefused(Entry.WithdrawRewards, ReentrantToken.Hook.Transfer);
        _enter(Entry.WithdrawRewards); // unhooked, the same call succeeds: the refusals above came from the guard
    }

    function test_reentryFromRedelegateRewardsIsRefused() public {
        // moves no token: the balance read is its only call out
        _assertEveryReentryIsRefused(Entry.RedelegateRewards, ReentrantToken.Hook.BalanceOf);
        _enter(Entry.RedelegateRewards); // unhooked, the same call succeeds: the refusals above came from the guard
    }

    function test_reentryFromDistributeRewardsIsRefused() public {
        _assertEveryReentryIsRefused(Entry.DistributeRewards, ReentrantToken.Hook.BalanceOf);
        _enter(Entry.DistributeRewards); // unhooked, the same call succeeds: the refusals above came from the guard
    }

    function test_reentryFromFinalizeUndelegationsIsRefused() public {
        _assertEveryReentryIsRefused(Entry.FinalizeUndelegations, ReentrantToken.Hook.Transfer);
        _enter(Entry.FinalizeUndelegations); // unhooked, the same call succeeds: the refusals above came from the guard
    }

    function test_reentryFromTransferDelegationIsRefused() public {
        _assertEveryReentryIsRefused(Entry.TransferDelegation, ReentrantToken.Hook.BalanceOf);
        _assertEveryReentryIsRefused(Entry.TransferDelegation, ReentrantToken.Hook.Transfer);
        _enter(Entry.TransferDelegation); // unhooked, the same call succeeds: the refusals above came from the guard
    }

    function test_reentryFromFinalizeTransferIsRefused() public {
        _assertEveryReentryIsRefused(Entry.FinalizeTransfer, ReentrantToken.Hook.BalanceOf);
        _assertEveryReentryIsRefused(Entry.FinalizeTransfer, ReentrantToken.Hook.Transfer);
        _enter(Entry.FinalizeTransfer); // unhooked, the same call succeeds: the refusals above came from the guard
    }

    function test_reentryFromFinalizeTransfersIsRefused() public {
        _assertEveryReentryIsRefused(Entry.FinalizeTransfers, ReentrantToken.Hook.BalanceOf);
        _assertEveryReentryIsRefused(Entry.FinalizeTransfers, ReentrantToken.Hook.Transfer);
        _enter(Entry.FinalizeTransfers); // unhooked, the same call succeeds: the refusals above came from the guard
    }

    function test_reentryFromWithdrawProtocolFeesIsRefused() public {
        _assertEveryReentryIsRefused(Entry.WithdrawProtocolFees, ReentrantToken.Hook.BalanceOf);
        _assertEveryReentryIsRefused(Entry.WithdrawProtocolFees, ReentrantToken.Hook.Transfer);
        _enter(Entry.WithdrawProtocolFees); // unhooked, the same call succeeds: the refusals above came from the guard
    }

    // ------------------------------------------------------------------ a hostile delegator

    function test_aDelegatorReenteringWhenPaidRewardsIsRefused() public {
        ReentrantDelegator attacker = _attacker();
        bytes memory withdraw = abi.encodeCall(IPoolRegistry.withdrawRewards, (pool));
        bytes[12] memory reentries = _reentries();
        for (uint256 i = 0; i < reentries.length; ++i) {
            attacker.setReentry(reentries[i]);
            bytes32 before = _snapshot(address(attacker));
            _expectReentrancyRefusal();
            attacker.execute(address(registry), withdraw);
            assertEq(_snapshot(address(attacker)), before, "nothing moved");
        }
        attacker.setReentry("");
        attacker.execute(address(registry), withdraw);
        assertEq(attacker.notifications(), 1, "without re-entry it is paid, and notified");
    }

    function test_aDelegatorReenteringWhenPaidOnUndelegateOrDelegateIsRefused() public {
        ReentrantDelegator attacker = _attacker();
        bytes[3] memory outer = [
            abi.encodeCall(IPoolRegistry.undelegate, (pool, 1e18, 0)),
            abi.encodeCall(IPoolRegistry.delegate, (pool, 1e18)),
            abi.encodeCall(IPoolRegistry.withdrawRewards, (pool))
        ];
        for (uint256 i = 0; i < outer.length; ++i) {
            attacker.setReentry(outer[i]); // the same call again: the classic double payout
            bytes32 before = _snapshot(address(attacker));
            _expectReentrancyRefusal();
            attacker.execute(address(registry), outer[i]);
            assertEq(_snapshot(address(attacker)), before, "nothing moved");
        }
    }

    function test_aDelegatorReenteringWhenItsUndelegationIsPaidIsRefused() public {
        ReentrantDelegator attacker = _attacker();
        attacker.execute(address(registry), abi.encodeCall(IPoolRegistry.withdrawRewards, (pool)));
        bytes memory undelegated = attacker.execute(
            address(registry),
            abi.encodeCall(IPoolRegistry.undelegate, (pool, 100e18, 0))
        );
        uint256 id = abi.decode(undelegated, (uint256));
        vm.warp(block.timestamp + THAWING_PERIOD);
        bytes memory finalize = abi.encodeCall(IPoolRegistry.finalizeUndelegate, (id));
        attacker.setReentry(finalize);
        bytes32 before = _snapshot(address(attacker));
        _expectReentrancyRefusal();
        vm.prank(keeper);
        registry.finalizeUndelegate(id);
        assertEq(_snapshot(address(attacker)), before, "nothing moved");

        uint256 balance = token.balanceOf(address(attacker));
        attacker.setReentry("");
        vm.prank(keeper);
        registry.finalizeUndelegate(id);
        assertEq(token.balanceOf(address(attacker)), balance + 100e18, "paid once, without re-entry");
    }

    // ------------------------------------------------------------------ helpers

    function _assertEveryReentryIsRefused(Entry entry, ReentrantToken.Hook hook) private {
        bytes[12] memory reentries = _reentries();
        for (uint256 i = 0; i < reentries.length; ++i) {
            bytes32 before = _snapshot(alice);
            token.arm(hook, address(registry), reentries[i]);
            _expectReentrancyRefusal();
            _enter(entry);
            token.disarm();
            assertEq(_snapshot(alice), before, "nothing moved");
        }
    }

    function _expectReentrancyRefusal() private {
        vm.expectRevert(abi.encodeWithSelector(ReentrancyGuardTransient.ReentrancyGuardReentrantCall.selector));
    }

    /// @dev Every state-changing entry point, as the token (or a delegator) would call it back.
    function _reentries() private view returns (bytes[12] memory) {
        return
            [
                abi.encodeCall(IPoolRegistry.delegate, (pool, 1)),
                abi.encodeCall(IPoolRegistry.undelegate, (pool, 1, 0)),
                abi.encodeCall(IPoolRegistry.finalizeUndelegate, (dueUndelegation)),
                abi.encodeCall(IPoolRegistry.withdrawRewards, (pool)),
                abi.encodeCall(IPoolRegistry.redelegateRewards, (pool)),
                abi.encodeCall(IPoolRegistry.distributeRewards, (pool)),
                abi.encodeCall(IPoolRegistry.withdrawProtocolFees, (pool)),
                abi.encodeCall(PoolRegistry.onTokenTransfer, (alice, 1, abi.encode(pool))),
                abi.encodeCall(IPoolRegistry.finalizeUndelegations, (_one(dueUndelegation))),
                abi.encodeCall(IPoolRegistry.transferDelegation, (pool, otherPool, 1, 0)),
                abi.encodeCall(IPoolRegistry.finalizeTransfer, (dueTransfer)),
                abi.encodeCall(IPoolRegistry.finalizeTransfers, (_one(dueTransfer)))
            ];
    }

    function _one(uint256 id) private pure returns (uint256[] memory ids) {
        ids = new uint256[](1);
        ids[0] = id;
    }

    function _enter(Entry entry) private {
        if (entry == Entry.Delegate) {
            vm.prank(alice);
            registry.delegate(pool, 10e18);
        } else if (entry == Entry.TransferAndCall) {
            vm.prank(alice);
            token.transferAndCall(address(registry), 10e18, abi.encode(pool));
        } else if (entry == Entry.Undelegate) {
            vm.prank(alice);
            registry.undelegate(pool, 10e18, 0);
        } else if (entry == Entry.FinalizeUndelegate) {
            vm.prank(keeper);
            registry.finalizeUndelegate(dueUndelegation);
        } else if (entry == Entry.WithdrawRewards) {
            vm.prank(alice);
            registry.withdrawRewards(pool);
        } else if (entry == Entry.RedelegateRewards) {
            vm.prank(alice);
            registry.redelegateRewards(pool);
        } else if (entry == Entry.DistributeRewards) {
            vm.prank(keeper);
            registry.distributeRewards(pool);
        } else if (entry == Entry.WithdrawProtocolFees) {
            vm.prank(keeper);
            registry.withdrawProtocolFees(pool);
        } else if (entry == Entry.FinalizeUndelegations) {
            vm.prank(keeper);
            registry.finalizeUndelegations(_one(dueUndelegation));
        } else if (entry == Entry.TransferDelegation) {
            vm.prank(alice);
            registry.transferDelegation(pool, otherPool, 10e18, 0);
        } else if (entry == Entry.FinalizeTransfer) {
            vm.prank(keeper);
            registry.finalizeTransfer(dueTransfer);
        } else {
            vm.prank(keeper);
            registry.finalizeTransfers(_one(dueTransfer));
        }
    }

    /// @dev Every balance and counter an entry point could change, hashed.
    function _snapshot(address delegator) private view returns (bytes32) {
        return keccak256(abi.encode(_snapshotOf(pool, delegator), _snapshotOf(otherPool, delegator)));
    }

    function _snapshotOf(address ofPool, address delegator) private view returns (bytes32) {
        (uint256 total, uint256 pending) = registry.getTotalStake(ofPool);
        (uint256 accounted, uint256 rewardPerStake, uint256 remainder, uint256 commission, uint256 fees) = registry
            .getPoolAccounting(ofPool);
        bytes memory balances = abi.encode(
            token.balanceOf(ofPool),
            token.balanceOf(delegator),
            token.balanceOf(bob),
            token.balanceOf(keeper),
            token.balanceOf(feeRecipient),
            token.balanceOf(address(registry))
        );
        bytes memory accounts = abi.encode(
            registry.getStake(ofPool, delegator),
            total,
            pending,
            accounted,
            rewardPerStake,
            remainder,
            commission,
            fees
        );
        return keccak256(abi.encode(balances, accounts));
    }

    /// @dev A contract delegator with 200e18 staked and rewards to claim, notified by the token of what it receives.
    function _attacker() private returns (ReentrantDelegator attacker) {
        attacker = new ReentrantDelegator(address(registry));
        token.transfer(address(attacker), 300e18);
        attacker.execute(address(token), abi.encodeCall(ReentrantToken.setNotified, (true)));
        attacker.execute(address(token), abi.encodeCall(IERC20.approve, (address(registry), type(uint256).max)));
        attacker.execute(address(registry), abi.encodeCall(IPoolRegistry.delegate, (pool, 200e18)));
        token.transfer(pool, 1000e18);
        registry.distributeRewards(pool);
    }

    function _delegate(address delegator, uint256 amount) private {
        _delegateTo(delegator, pool, amount);
    }

    function _delegateTo(address delegator, address toPool, uint256 amount) private {
        token.transfer(delegator, amount);
        vm.startPrank(delegator);
        token.approve(address(registry), amount);
        registry.delegate(toPool, amount);
        vm.stopPrank();
    }
}

/// @title With the real StakingToken the registry never calls a contract delegator back: it pays with `transfer`.
contract PoolRegistryCallbackFreeTest is StakingFixture {
    function test_aContractDelegatorIsNeverCalledBackByTheRegistry() public {
        ReentrantDelegator delegator = new ReentrantDelegator(address(registry));
        delegator.setReentry(abi.encodeCall(IPoolRegistry.withdrawRewards, (pool)));
        token.transfer(address(delegator), 100e18);
        delegator.execute(
            address(token),
            abi.encodeCall(token.transferAndCall, (address(registry), 100e18, abi.encode(pool)))
        );
        _reward(pool, 1000e18);
        delegator.execute(address(registry), abi.encodeCall(IPoolRegistry.withdrawRewards, (pool)));
        bytes memory undelegated = delegator.execute(
            address(registry),
            abi.encodeCall(IPoolRegistry.undelegate, (pool, 100e18, 0))
        );
        vm.warp(block.timestamp + THAWING_PERIOD);
        registry.finalizeUndelegate(abi.decode(undelegated, (uint256)));

        assertEq(delegator.notifications(), 0, "never notified");
        assertEq(_balance(address(delegator)), 100e18 + 427.5e18, "stake back and half the delegators' reward");
    }
}
