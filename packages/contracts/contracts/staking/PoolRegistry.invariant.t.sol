// SPDX-License-Identifier: MIT
pragma solidity 0.8.30;

// the handler acts through low-level calls to see each refusal's data, and books every outcome after the call
// solhint-disable avoid-low-level-calls, reentrancy

import {IPoolRegistry} from "../interfaces/IPoolRegistry.sol";
import {TestBase} from "../testing/TestBase.sol";
import {vm} from "../testing/Vm.sol";
import {StakingToken} from "../token/StakingToken.sol";
import {PoolRegistry} from "./PoolRegistry.sol";

/// @title PoolRegistryHandler: mostly valid random delegations, rewards and governance over two pools, each checked.
/// @notice Every action is checked against the registry's rules as it happens; ghost books feed the invariants.
/// @dev A failed check is recorded in `failure`, not reverted: reverting actions are silently dropped by the fuzzer.
contract PoolRegistryHandler is TestBase {
    uint256 internal constant MAX_AMOUNT = 1e24;
    uint256 internal constant SELF_STAKE = 200e18;

    /// @notice An undelegation still thawing, as the handler booked it.
    struct Thawing {
        uint256 id;
        address pool;
        address delegator;
        uint256 amount;
        uint256 fee;
        uint256 releaseAt;
    }

    PoolRegistry public immutable registry;
    StakingToken public immutable token;
    address public immutable owner;
    address public immutable feeRecipient;
    address public immutable keeper = _named("keeper");

    address[2] internal _pools;
    address[] internal _actors; // the two operators first, then three delegators
    Thawing[] internal _thawing;

    mapping(address pool => mapping(address delegator => uint256)) public ghostStake;
    mapping(address pool => uint256) public ghostThawing;
    mapping(address pool => uint256) public ghostNonce;
    uint256 public ghostRewardsSent;
    /// @notice Rewards that left the reward books: paid out, or turned into stake.
    uint256 public ghostRewardsPaid;
    uint256 public ghostProtocolFeesPaid;
    /// @notice The first action that did not behave as the registry's rules say; empty while all did.
    string public failure;

    constructor(PoolRegistry registry_, StakingToken token_, address owner_) {
        registry = registry_;
        token = token_;
        owner = owner_;
        feeRecipient = registry_.feeRecipient();
        _actors.push(_named("operator0"));
        _actors.push(_named("operator1"));
        _actors.push(_named("delegator0"));
        _actors.push(_named("delegator1"));
        _actors.push(_named("delegator2"));
    }

    /// @notice Registers pool 0 (public, 10% commission) and pool 1 (private, 25%, limited), each with a self-stake
    /// above any minimum `setMinSelfStake` sets.
    function setUpPools() external {
        for (uint256 i = 0; i < 2; ++i) {
            vm.prank(_actors[i]);
            _pools[i] = registry.registerPool(_actors[i], i == 0 ? 100_000 : 250_000, "", bytes32(0));
            token.transfer(_actors[i], SELF_STAKE);
            _delegateAs(_actors[i], _pools[i], SELF_STAKE, false);
            ghostStake[_pools[i]][_actors[i]] = SELF_STAKE;
        }
        vm.startPrank(_actors[1]);
        registry.setPoolPrivate(_pools[1], true);
        registry.setDelegatorAllowed(_pools[1], _actors[2], true);
        registry.setDelegatorAllowed(_pools[1], _actors[3], true);
        registry.setStakingLimit(_pools[1], 3 * MAX_AMOUNT);
        vm.stopPrank();
    }

    // ------------------------------------------------------------------ actions

    function delegate(uint256 actorSeed, uint256 poolSeed, uint256 amount, bool viaTransferAndCall) external {
        (address pool, address operator) = _pool(poolSeed);
        address actor = _actor(actorSeed);
        if (registry.getStake(pool, operator) < registry.minSelfStake() && (actorSeed >> 128) % 2 == 0) {
            actor = operator; // half the time a broken pool's operator mends it
        }
        _mostlyEnabled(pool, operator, actorSeed);
        bytes memory refusal;
        (refusal, amount) = _delegationRefusal(pool, operator, actor, _bound(amount, 1, MAX_AMOUNT));

        uint256 rewards = registry.getRewards(pool, actor);
        token.transfer(actor, amount);
        uint256 balance = token.balanceOf(actor);
        (bool ok, bytes memory reason) = _delegateAs(actor, pool, amount, viaTransferAndCall);
        if (!_outcomeIs(ok, reason, refusal, "delegate")) return;
        uint256 paid = token.balanceOf(actor) + amount - balance;
        _check(paid + _commissionIfOperator(pool, actor) == rewards, "delegate: paid other than the rewards shown");
        ghostStake[pool][actor] += amount;
        ghostRewardsPaid += paid;
    }

    function undelegate(uint256 actorSeed, uint256 poolSeed, uint256 amount, uint256 fee) external {
        (address pool, ) = _pool(poolSeed);
        address actor = _mostlyStaked(pool, actorSeed);
        uint256 stake = registry.getStake(pool, actor);
        if (stake == 0) {
            vm.prank(actor);
            try registry.undelegate(pool, 1, 0) {
                _fail("undelegate: accepted without stake");
            } catch (bytes memory reason) {
                bytes memory refusal = abi.encodeWithSelector(
                    IPoolRegistry.PoolRegistryInsufficientStake.selector,
                    pool,
                    actor,
                    0,
                    1
                );
                _check(keccak256(reason) == keccak256(refusal), "undelegate: refused without stake, not as expected");
            }
            return;
        }
        amount = _bound(amount, 1, stake);
        fee = _bound(fee, 0, amount);
        uint256 rewards = registry.getRewards(pool, actor);
        uint256 balance = token.balanceOf(actor);
        vm.prank(actor);
        try registry.undelegate(pool, amount, fee) returns (uint256 id) {
            uint256 index = registry.getPoolInfo(pool).index;
            _check(id == _undelegationId(actor, index, ghostNonce[pool]++), "undelegate: id");
            uint256 paid = token.balanceOf(actor) - balance;
            _check(paid + _commissionIfOperator(pool, actor) == rewards, "undelegate: paid other than the rewards");
            ghostRewardsPaid += paid;
            ghostStake[pool][actor] -= amount;
            ghostThawing[pool] += amount;
            _thawing.push(Thawing(id, pool, actor, amount, fee, block.timestamp + registry.thawingPeriod()));
        } catch {
            _fail("undelegate: refused within the stake");
        }
    }

    function finalizeUndelegate(uint256 thawingSeed, uint256 callerSeed, bool early) external {
        if (_thawing.length == 0) return;
        uint256 i = thawingSeed % _thawing.length;
        Thawing memory t = _thawing[i];
        address caller = callerSeed % 2 == 0 ? keeper : _actor(callerSeed >> 1);
        if (early && block.timestamp < t.releaseAt) {
            vm.prank(caller);
            try registry.finalizeUndelegate(t.id) {
                _fail("finalizeUndelegate: paid before releaseAt");
            } catch (bytes memory reason) {
                bytes memory refusal = abi.encodeWithSelector(
                    IPoolRegistry.PoolRegistryUndelegationNotDue.selector,
                    t.id,
                    t.releaseAt
                );
                _check(keccak256(reason) == keccak256(refusal), "finalizeUndelegate: early, refused not as expected");
            }
            return;
        }
        if (block.timestamp < t.releaseAt) vm.warp(t.releaseAt);
        uint256 delegatorBalance = token.balanceOf(t.delegator);
        uint256 callerBalance = token.balanceOf(caller);
        vm.prank(caller);
        try registry.finalizeUndelegate(t.id) {
            if (caller == t.delegator) {
                _check(token.balanceOf(caller) == callerBalance + t.amount, "finalizeUndelegate: own, not all paid");
            } else {
                _check(token.balanceOf(t.delegator) == delegatorBalance + t.amount - t.fee, "finalize: delegator");
                _check(token.balanceOf(caller) == callerBalance + t.fee, "finalizeUndelegate: caller's fee");
            }
            ghostThawing[t.pool] -= t.amount;
            _thawing[i] = _thawing[_thawing.length - 1];
            _thawing.pop();
        } catch {
            _fail("finalizeUndelegate: refused when due");
            return;
        }
        vm.prank(caller);
        try registry.finalizeUndelegate(t.id) {
            _fail("finalizeUndelegate: paid twice");
        } catch (bytes memory reason) {
            bytes memory refusal = abi.encodeWithSelector(IPoolRegistry.PoolRegistryUnknownUndelegation.selector, t.id);
            _check(keccak256(reason) == keccak256(refusal), "finalizeUndelegate: twice, refused not as expected");
        }
    }

    /// @notice A reward arrives at a pool's vault, and is sometimes distributed at once.
    function reward(uint256 poolSeed, uint256 amount, bool distribute) external {
        (address pool, ) = _pool(poolSeed);
        amount = _bound(amount, 1, MAX_AMOUNT / 10);
        token.transfer(pool, amount);
        ghostRewardsSent += amount;
        if (!distribute) return;
        (uint256 accounted, , , , ) = registry.getPoolAccounting(pool);
        uint256 arrived = token.balanceOf(pool) - accounted;
        _check(registry.distributeRewards(pool) == arrived, "distributeRewards: took in other than what arrived");
    }

    function withdrawRewards(uint256 actorSeed, uint256 poolSeed) external {
        (address pool, ) = _pool(poolSeed);
        address actor = _mostlyWithRewards(pool, actorSeed);
        uint256 rewards = registry.getRewards(pool, actor);
        uint256 balance = token.balanceOf(actor);
        bytes memory refusal =
            rewards == 0
                ? abi.encodeWithSelector(IPoolRegistry.PoolRegistryNothingToWithdraw.selector, pool, actor)
                : bytes("");
        vm.prank(actor);
        (bool ok, bytes memory returned) = address(registry).call(
            abi.encodeCall(IPoolRegistry.withdrawRewards, (pool))
        );
        if (!_outcomeIs(ok, returned, refusal, "withdrawRewards")) return;
        _check(abi.decode(returned, (uint256)) == rewards, "withdrawRewards: returned other than the rewards shown");
        _check(token.balanceOf(actor) == balance + rewards, "withdrawRewards: paid other than the rewards shown");
        ghostRewardsPaid += rewards;
    }

    function redelegateRewards(uint256 actorSeed, uint256 poolSeed) external {
        (address pool, address operator) = _pool(poolSeed);
        address actor = _mostlyWithRewards(pool, actorSeed);
        _mostlyEnabled(pool, operator, actorSeed);
        IPoolRegistry.PoolInfo memory info = registry.getPoolInfo(pool);
        uint256 minSelfStake = registry.minSelfStake();
        uint256 rewards = registry.getRewards(pool, actor);
        (uint256 total, ) = registry.getTotalStake(pool);

        bytes memory refusal;
        if (info.state == IPoolRegistry.PoolState.Disabled) {
            refusal = abi.encodeWithSelector(IPoolRegistry.PoolRegistryPoolDisabled.selector, pool);
        } else if (!registry.isDelegatorAllowed(pool, actor)) {
            refusal = abi.encodeWithSelector(IPoolRegistry.PoolRegistryDelegatorNotAllowed.selector, pool, actor);
        } else if (actor != operator && info.selfStake < minSelfStake) {
            refusal = abi.encodeWithSelector(
                IPoolRegistry.PoolRegistryPoolBroken.selector,
                pool,
                info.selfStake,
                minSelfStake
            );
        } else if (rewards == 0) {
            refusal = abi.encodeWithSelector(IPoolRegistry.PoolRegistryNothingToWithdraw.selector, pool, actor);
        } else if (total + rewards > info.stakingLimit) {
            refusal = abi.encodeWithSelector(
                IPoolRegistry.PoolRegistryStakingLimitExceeded.selector,
                pool,
                total,
                info.stakingLimit,
                rewards
            );
        }
        vm.prank(actor);
        (bool ok, bytes memory returned) = address(registry).call(
            abi.encodeCall(IPoolRegistry.redelegateRewards, (pool))
        );
        if (!_outcomeIs(ok, returned, refusal, "redelegateRewards")) return;
        _check(abi.decode(returned, (uint256)) == rewards, "redelegateRewards: other than the rewards shown");
        ghostStake[pool][actor] += rewards;
        ghostRewardsPaid += rewards;
    }

    function withdrawProtocolFees(uint256 poolSeed, uint256 callerSeed) external {
        (address pool, ) = _pool(poolSeed);
        registry.distributeRewards(pool);
        (, , , , uint256 owed) = registry.getPoolAccounting(pool);
        uint256 balance = token.balanceOf(feeRecipient);
        bytes memory refusal =
            owed == 0
                ? abi.encodeWithSelector(IPoolRegistry.PoolRegistryNothingToWithdraw.selector, pool, feeRecipient)
                : bytes("");
        vm.prank(_actor(callerSeed));
        (bool ok, bytes memory returned) = address(registry).call(
            abi.encodeCall(IPoolRegistry.withdrawProtocolFees, (pool))
        );
        if (!_outcomeIs(ok, returned, refusal, "withdrawProtocolFees")) return;
        _check(token.balanceOf(feeRecipient) == balance + owed, "withdrawProtocolFees: paid other than owed");
        ghostProtocolFeesPaid += owed;
    }

    /// @notice The operator switches its pool off a quarter of the time, on otherwise.
    function setPoolEnabled(uint256 poolSeed, uint256 flip) external {
        (address pool, address operator) = _pool(poolSeed);
        vm.prank(operator);
        if (flip % 4 == 0) registry.disablePool(pool);
        else registry.enablePool(pool);
    }

    function setProtocolFeeRate(uint256 rate) external {
        rate = _bound(rate, 0, registry.MAX_PROTOCOL_FEE_RATE());
        vm.prank(owner);
        registry.setProtocolFeeRate(rate);
    }

    function setMinSelfStake(uint256 amount) external {
        amount = _bound(amount, 50e18, 150e18);
        vm.prank(owner);
        registry.setMinSelfStake(amount);
    }

    function warp(uint256 seconds_) external {
        vm.warp(block.timestamp + _bound(seconds_, 0, 3 days));
    }

    // ------------------------------------------------------------------ views for the invariants

    function pools() external view returns (address[2] memory) {
        return _pools;
    }

    function actors() external view returns (address[] memory) {
        return _actors;
    }

    function thawing() external view returns (Thawing[] memory) {
        return _thawing;
    }

    // ------------------------------------------------------------------ internals

    /// @dev The registry's refusal of `actor` delegating `amount` to `pool` now, if any; else `amount`, cut to the
    /// staking limit's room so that most delegations go through.
    function _delegationRefusal(
        address pool,
        address operator,
        address actor,
        uint256 amount
    ) private view returns (bytes memory refusal, uint256) {
        IPoolRegistry.PoolInfo memory info = registry.getPoolInfo(pool);
        uint256 minSelfStake = registry.minSelfStake();
        (uint256 total, ) = registry.getTotalStake(pool);
        if (info.state == IPoolRegistry.PoolState.Disabled) {
            refusal = abi.encodeWithSelector(IPoolRegistry.PoolRegistryPoolDisabled.selector, pool);
        } else if (!registry.isDelegatorAllowed(pool, actor)) {
            refusal = abi.encodeWithSelector(IPoolRegistry.PoolRegistryDelegatorNotAllowed.selector, pool, actor);
        } else if (actor != operator && info.selfStake < minSelfStake) {
            refusal = abi.encodeWithSelector(
                IPoolRegistry.PoolRegistryPoolBroken.selector,
                pool,
                info.selfStake,
                minSelfStake
            );
        } else if (total == info.stakingLimit) {
            refusal = abi.encodeWithSelector(
                IPoolRegistry.PoolRegistryStakingLimitExceeded.selector,
                pool,
                total,
                info.stakingLimit,
                amount
            );
        } else if (amount > info.stakingLimit - total) {
            amount = info.stakingLimit - total;
        }
        return (refusal, amount);
    }

    function _delegateAs(
        address actor,
        address pool,
        uint256 amount,
        bool viaTransferAndCall
    ) private returns (bool ok, bytes memory reason) {
        if (viaTransferAndCall) {
            vm.prank(actor);
            (ok, reason) = address(token).call(
                abi.encodeCall(token.transferAndCall, (address(registry), amount, abi.encode(pool)))
            );
        } else {
            vm.prank(actor);
            token.approve(address(registry), amount);
            vm.prank(actor);
            (ok, reason) = address(registry).call(abi.encodeCall(IPoolRegistry.delegate, (pool, amount)));
        }
    }

    /// @dev Whether the call succeeded as expected (no refusal expected) and its effects should be checked; records
    /// a failure if it was refused when it should not have been, accepted when it should not, or refused otherwise.
    function _outcomeIs(
        bool ok,
        bytes memory returned,
        bytes memory refusal,
        string memory action
    ) private returns (bool succeeded) {
        if (refusal.length == 0) {
            if (!ok) _fail(string.concat(action, ": refused what the rules allow"));
            return ok;
        }
        if (ok) _fail(string.concat(action, ": accepted what the rules refuse"));
        else _check(keccak256(returned) == keccak256(refusal), string.concat(action, ": refused, not as expected"));
        return false;
    }

    /// @dev The commission the registry holds for `actor` if it is `pool`'s operator (read after the call's
    /// distribution, which a delegation or undelegation does not pay out).
    function _commissionIfOperator(address pool, address actor) private view returns (uint256 commission) {
        if (actor != registry.getPoolInfo(pool).operator) return 0;
        (, , , commission, ) = registry.getPoolAccounting(pool);
    }

    /// @dev Three times in four, a disabled pool's operator switches it back on first.
    function _mostlyEnabled(address pool, address operator, uint256 seed) private {
        if ((seed >> 64) % 4 == 0 || registry.getPoolInfo(pool).state != IPoolRegistry.PoolState.Disabled) return;
        vm.prank(operator);
        registry.enablePool(pool);
    }

    /// @dev Three times in four, the first actor from `seed` on with stake in `pool`, if any.
    function _mostlyStaked(address pool, uint256 seed) private view returns (address) {
        if ((seed >> 64) % 4 != 0) {
            for (uint256 i = 0; i < _actors.length; ++i) {
                address actor = _actor(seed + i);
                if (registry.getStake(pool, actor) != 0) return actor;
            }
        }
        return _actor(seed);
    }

    /// @dev Three times in four, the first actor from `seed` on with rewards to claim, if any.
    function _mostlyWithRewards(address pool, uint256 seed) private view returns (address) {
        if ((seed >> 64) % 4 != 0) {
            for (uint256 i = 0; i < _actors.length; ++i) {
                address actor = _actor(seed + i);
                if (registry.getRewards(pool, actor) != 0) return actor;
            }
        }
        return _actor(seed);
    }

    function _pool(uint256 seed) private view returns (address pool, address operator) {
        return (_pools[seed % 2], _actors[seed % 2]);
    }

    function _actor(uint256 seed) private view returns (address) {
        return _actors[seed % _actors.length];
    }

    function _undelegationId(address delegator, uint256 index, uint256 nonce) private pure returns (uint256) {
        return (nonce << 192) | (index << 160) | uint256(uint160(delegator));
    }

    function _check(bool condition, string memory what) private {
        if (!condition) _fail(what);
    }

    function _fail(string memory what) private {
        if (bytes(failure).length == 0) failure = what;
    }
}

/// @title Invariants of PoolRegistry under random delegations, undelegations, rewards and governance changes.
contract PoolRegistryInvariantTest is TestBase {
    /// @dev Foundry's shape for `targetSelectors`, which EDR reads.
    struct FuzzSelector {
        address addr;
        bytes4[] selectors;
    }

    uint256 internal constant PRECISION = 1e27;

    PoolRegistryHandler internal handler;
    PoolRegistry internal registry;
    StakingToken internal token;

    function setUp() public {
        address owner = _named("owner");
        token = new StakingToken("Pool Stake", "STK", address(this), 1e30);
        registry = new PoolRegistry(token, 7 days, 100e18, 50_000, _named("feeRecipient"), owner);
        handler = new PoolRegistryHandler(registry, token, owner);
        token.transfer(address(handler), 1e29);
        handler.setUpPools();
    }

    function targetContracts() public view returns (address[] memory targets) {
        targets = new address[](1);
        targets[0] = address(handler);
    }

    function targetSelectors() public view returns (FuzzSelector[] memory targets) {
        bytes4[] memory selectors = new bytes4[](11);
        selectors[0] = PoolRegistryHandler.delegate.selector;
        selectors[1] = PoolRegistryHandler.undelegate.selector;
        selectors[2] = PoolRegistryHandler.finalizeUndelegate.selector;
        selectors[3] = PoolRegistryHandler.reward.selector;
        selectors[4] = PoolRegistryHandler.withdrawRewards.selector;
        selectors[5] = PoolRegistryHandler.redelegateRewards.selector;
        selectors[6] = PoolRegistryHandler.withdrawProtocolFees.selector;
        selectors[7] = PoolRegistryHandler.setPoolEnabled.selector;
        selectors[8] = PoolRegistryHandler.setProtocolFeeRate.selector;
        selectors[9] = PoolRegistryHandler.setMinSelfStake.selector;
        selectors[10] = PoolRegistryHandler.warp.selector;
        targets = new FuzzSelector[](1);
        targets[0] = FuzzSelector(address(handler), selectors);
    }

    /// @dev Per pool: the vault covers every stake, every thawing undelegation, every reward shown and every fee,
    /// and what it holds beyond them is exactly the kept remainder plus under 1 wei per delegator's truncated share.
    /// The rewards shown before a distribution equal those after it. (The state this changes is not kept.)
    function invariant_vaultHoldsEveryStakeThawingRewardAndFee() public {
        address[2] memory pools = handler.pools();
        address[] memory actors = handler.actors();
        for (uint256 p = 0; p < 2; ++p) {
            address pool = pools[p];
            uint256[] memory shown = new uint256[](actors.length);
            for (uint256 i = 0; i < actors.length; ++i) shown[i] = registry.getRewards(pool, actors[i]);
            registry.distributeRewards(pool);

            uint256 claims = handler.ghostThawing(pool);
            uint256 stakers;
            for (uint256 i = 0; i < actors.length; ++i) {
                uint256 rewards = registry.getRewards(pool, actors[i]);
                assertEq(rewards, shown[i], "rewards shown before a distribution equal those after it");
                uint256 stake = registry.getStake(pool, actors[i]);
                if (stake != 0) ++stakers;
                claims += stake + rewards;
            }
            (uint256 accounted, , uint256 remainder, , uint256 fees) = registry.getPoolAccounting(pool);
            claims += fees;
            uint256 balance = token.balanceOf(pool);
            assertLe(accounted, balance, "accounted <= vault balance");
            assertLe(claims, balance, "stakes + thawing + rewards + fees <= vault balance");
            assertLe(claims, accounted, "stakes + thawing + rewards + fees <= accounted");
            uint256 excess = (accounted - claims) * PRECISION;
            assertLe(remainder, excess, "the kept remainder is backed by tokens");
            assertLe(excess - remainder, stakers * (PRECISION - 1), "beyond the remainder, < 1 wei per staker");
        }
    }

    /// @dev Per pool: the total stake is the sum of every stake, and every stake and thawing undelegation is what the
    /// handler booked.
    function invariant_totalStakeIsTheSumOfStakes() public view {
        address[2] memory pools = handler.pools();
        address[] memory actors = handler.actors();
        for (uint256 p = 0; p < 2; ++p) {
            uint256 sum;
            for (uint256 i = 0; i < actors.length; ++i) {
                uint256 stake = registry.getStake(pools[p], actors[i]);
                assertEq(stake, handler.ghostStake(pools[p], actors[i]), "stake as booked");
                sum += stake;
            }
            (uint256 total, ) = registry.getTotalStake(pools[p]);
            assertEq(total, sum, "total stake == sum of stakes");
        }
        PoolRegistryHandler.Thawing[] memory thawing = handler.thawing();
        uint256[2] memory thawingPerPool;
        for (uint256 i = 0; i < thawing.length; ++i) {
            IPoolRegistry.Undelegation memory u = registry.getUndelegation(thawing[i].id);
            assertEq(u.pool, thawing[i].pool, "undelegation: pool");
            assertEq(u.delegator, thawing[i].delegator, "undelegation: delegator");
            assertEq(u.amount, thawing[i].amount, "undelegation: amount");
            assertEq(u.fee, thawing[i].fee, "undelegation: fee");
            assertEq(u.releaseAt, thawing[i].releaseAt, "undelegation: releaseAt");
            thawingPerPool[u.pool == pools[0] ? 0 : 1] += u.amount;
        }
        assertEq(thawingPerPool[0], handler.ghostThawing(pools[0]), "thawing in pool 0");
        assertEq(thawingPerPool[1], handler.ghostThawing(pools[1]), "thawing in pool 1");
    }

    /// @dev Every action was accepted, refused (with the exact error) and paid as the registry's rules say.
    function invariant_everyActionFollowedTheRules() public view {
        assertEq(handler.failure(), "", "an action broke the rules");
    }

    /// @dev Nobody was paid rewards or fees that did not arrive as rewards.
    function invariant_rewardsPaidNeverExceedRewardsSent() public view {
        assertLe(
            handler.ghostRewardsPaid() + handler.ghostProtocolFeesPaid(),
            handler.ghostRewardsSent(),
            "rewards and fees paid <= rewards sent"
        );
    }
}
