// SPDX-License-Identifier: MIT
pragma solidity 0.8.30;

// the handler acts through low-level calls to see each refusal's data, and books every outcome after the call
// solhint-disable avoid-low-level-calls, reentrancy, max-states-count

import {IPoolRegistry, IPoolRegistryTypes} from "../interfaces/IPoolRegistry.sol";
import {PenaltyEscrowMock} from "../testing/PenaltyEscrowMock.sol";
import {PoolRegistryV2} from "../testing/PoolRegistryV2.sol";
import {RegistryDeployment} from "../testing/RegistryDeployment.sol";
import {TestBase} from "../testing/TestBase.sol";
import {vm} from "../testing/Vm.sol";
import {StakingToken} from "../token/StakingToken.sol";
import {PoolRegistry} from "./PoolRegistry.sol";

/// @title PoolRegistryHandler: mostly valid random delegations, transfers, rewards, penalties, commission changes,
/// governance and upgrades over two pools, each checked.
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

    /// @notice A transfer between the two pools still in its lockout, as the handler booked it.
    struct InTransfer {
        uint256 id;
        address fromPool;
        address toPool;
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
    InTransfer[] internal _inTransfer;

    mapping(address pool => mapping(address delegator => uint256)) public ghostStake;
    mapping(address pool => uint256) public ghostThawing;
    mapping(address pool => uint256) public ghostNonce;
    /// @notice Tokens on their way out of a pool by transfer: still in its vault, and in no stake.
    mapping(address pool => uint256) public ghostTransferring;
    /// @notice Stake on its way into a pool by transfer (amounts less fees).
    mapping(address pool => uint256) public ghostPending;
    mapping(address pool => uint256) public ghostTransferNonce;
    /// @notice Stake that entered the registry (delegated, or rewards redelegated) less what left it (undelegations
    /// paid, transfer fees paid): what is staked, thawing or in transfer.
    uint256 public ghostStakeHeld;
    uint256 public ghostRewardsSent;
    /// @notice Rewards that left the reward books: paid out, or turned into stake.
    uint256 public ghostRewardsPaid;
    uint256 public ghostProtocolFeesPaid;
    /// @notice Penalties paid into the escrow and neither refunded nor written off, per pool.
    mapping(address pool => uint256) public ghostAtEscrow;
    /// @notice Each pool's commission rate change waiting out its lockout (0: none).
    mapping(address pool => uint256) public pendingCommissionChange;
    /// @notice Upgrades done, alternating between the two implementations.
    uint256 public upgrades;
    /// @notice The whitelisted contract penalties are paid into; the handler is its arbiter.
    PenaltyEscrowMock public immutable escrow;
    PoolRegistry[2] internal _implementations;
    /// @notice The first action that did not behave as the registry's rules say; empty while all did.
    string public failure;

    constructor(PoolRegistry registry_, StakingToken token_, address owner_, PoolRegistry[2] memory implementations_) {
        registry = registry_;
        token = token_;
        owner = owner_;
        _implementations = implementations_;
        escrow = new PenaltyEscrowMock(token_);
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
            ghostStakeHeld += SELF_STAKE;
        }
        vm.startPrank(_actors[1]);
        registry.setPoolPrivate(_pools[1], true);
        registry.setDelegatorAllowed(_pools[1], _actors[2], true);
        registry.setDelegatorAllowed(_pools[1], _actors[3], true);
        registry.setStakingLimit(_pools[1], 3 * MAX_AMOUNT);
        vm.stopPrank();
        vm.prank(owner);
        registry.addPenaltyContract(address(escrow));
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
        ghostStakeHeld += amount;
        ghostRewardsPaid += paid;
    }

    function undelegate(uint256 actorSeed, uint256 poolSeed, uint256 amount, uint256 fee) external {
        (address pool, ) = _pool(poolSeed);
        address actor = _mostlyStaked(pool, actorSeed);
        uint256 stake = registry.getStake(pool, actor);
        if (stake == 0) {
            bytes memory refusal = abi.encodeWithSelector(
                IPoolRegistryTypes.PoolRegistryInsufficientStake.selector,
                pool,
                actor,
                0,
                1
            );
            _expectUndelegationRefused(actor, pool, 1, 0, refusal, "undelegate without stake");
            return;
        }
        amount = _bound(amount, 1, stake);
        fee = _bound(fee, 0, amount);
        uint256 rewards = registry.getRewards(pool, actor);
        uint256 balance = token.balanceOf(actor);
        uint256 locked = registry.getLockedInPenalties(pool);
        if (actor == registry.getPoolInfo(pool).operator && stake - amount < locked) {
            bytes memory refusal = abi.encodeWithSelector(
                IPoolRegistryTypes.PoolRegistryStakeLockedInPenalties.selector,
                pool,
                stake - amount,
                locked
            );
            _expectUndelegationRefused(actor, pool, amount, fee, refusal, "undelegate below the locked penalties");
            return;
        }
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
                    IPoolRegistryTypes.PoolRegistryUndelegationNotDue.selector,
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
            ghostStakeHeld -= t.amount;
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
            bytes memory refusal = abi.encodeWithSelector(
                IPoolRegistryTypes.PoolRegistryUnknownUndelegation.selector,
                t.id
            );
            _check(keccak256(reason) == keccak256(refusal), "finalizeUndelegate: twice, refused not as expected");
        }
    }

    /// @notice Moves stake from one pool to the other; refused, with the exact error, from the operator's own pool,
    /// without stake, or when the other pool would not take it.
    function transferDelegation(uint256 actorSeed, uint256 poolSeed, uint256 amount, uint256 fee) external {
        (address from, ) = _pool(poolSeed);
        (address to, address toOperator) = _pool(poolSeed + 1);
        address actor = _mostlyStaked(from, actorSeed);
        _mostlyEnabled(to, toOperator, actorSeed);
        bytes memory refusal;
        (refusal, amount, fee) = _transferRefusal(from, to, actor, amount, fee);

        uint256 rewards = registry.getRewards(from, actor);
        uint256 balance = token.balanceOf(actor);
        vm.prank(actor);
        (bool ok, bytes memory returned) = address(registry).call(
            abi.encodeCall(IPoolRegistry.transferDelegation, (from, to, amount, fee))
        );
        if (!_outcomeIs(ok, returned, refusal, "transferDelegation")) return;
        _check(token.balanceOf(actor) - balance == rewards, "transferDelegation: paid other than the rewards shown");
        ghostRewardsPaid += rewards;
        _bookTransfer(abi.decode(returned, (uint256)), from, to, actor, amount, fee);
    }

    /// @notice Lands a transfer, alone or in a batch (where it is listed twice, and finalized once); early, it is
    /// refused (or skipped in a batch).
    function finalizeTransfer(uint256 transferSeed, uint256 callerSeed, bool early, bool batched) external {
        if (_inTransfer.length == 0) return;
        uint256 i = transferSeed % _inTransfer.length;
        InTransfer memory t = _inTransfer[i];
        address caller = callerSeed % 2 == 0 ? keeper : _actor(callerSeed >> 1);
        uint256[] memory ids = new uint256[](2);
        (ids[0], ids[1]) = (t.id, t.id);
        bytes memory call =
            batched
                ? abi.encodeCall(IPoolRegistry.finalizeTransfers, (ids))
                : abi.encodeCall(IPoolRegistry.finalizeTransfer, (t.id));
        if (early && block.timestamp < t.releaseAt) return _finalizeTransferEarly(t, caller, call, batched);
        if (block.timestamp < t.releaseAt) vm.warp(t.releaseAt);
        uint256 rewards = registry.getRewards(t.toPool, t.delegator);
        uint256 stake = registry.getStake(t.toPool, t.delegator);
        uint256 delegatorBalance = token.balanceOf(t.delegator);
        uint256 callerBalance = token.balanceOf(caller);
        vm.prank(caller);
        (bool ok, bytes memory returned) = address(registry).call(call);
        if (!_outcomeIs(ok, returned, "", "finalizeTransfer")) return;
        if (batched) _check(abi.decode(returned, (uint256)) == 1, "finalizeTransfers: other than once");
        // the delegator's rewards in the pool it lands in are paid first; an operator's commission stays owed
        uint256 owed = rewards - _commissionIfOperator(t.toPool, t.delegator);
        if (caller == t.delegator) {
            _check(token.balanceOf(caller) == callerBalance + owed + t.fee, "finalizeTransfer: own, not all paid");
        } else {
            _check(token.balanceOf(t.delegator) == delegatorBalance + owed, "finalizeTransfer: delegator's rewards");
            _check(token.balanceOf(caller) == callerBalance + t.fee, "finalizeTransfer: caller's fee");
        }
        _check(registry.getStake(t.toPool, t.delegator) == stake + t.amount - t.fee, "finalizeTransfer: landed");
        ghostRewardsPaid += owed;
        ghostStake[t.toPool][t.delegator] += t.amount - t.fee;
        ghostTransferring[t.fromPool] -= t.amount;
        ghostPending[t.toPool] -= t.amount - t.fee;
        ghostStakeHeld -= t.fee;
        _inTransfer[i] = _inTransfer[_inTransfer.length - 1];
        _inTransfer.pop();

        vm.prank(caller);
        (ok, returned) = address(registry).call(abi.encodeCall(IPoolRegistry.finalizeTransfer, (t.id)));
        _outcomeIs(
            ok,
            returned,
            abi.encodeWithSelector(IPoolRegistryTypes.PoolRegistryUnknownTransfer.selector, t.id),
            "finalizeTransfer twice"
        );
    }

    /// @dev A transfer finalized before its release: refused alone, skipped in a batch.
    function _finalizeTransferEarly(InTransfer memory t, address caller, bytes memory call, bool batched) private {
        bytes memory refusal =
            batched
                ? bytes("")
                : abi.encodeWithSelector(IPoolRegistryTypes.PoolRegistryTransferNotDue.selector, t.id, t.releaseAt);
        vm.prank(caller);
        (bool ok, bytes memory returned) = address(registry).call(call);
        if (_outcomeIs(ok, returned, refusal, "finalizeTransfer early")) {
            _check(abi.decode(returned, (uint256)) == 0, "finalizeTransfers: landed before releaseAt");
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
                ? abi.encodeWithSelector(IPoolRegistryTypes.PoolRegistryNothingToWithdraw.selector, pool, actor)
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
        IPoolRegistryTypes.PoolInfo memory info = registry.getPoolInfo(pool);
        uint256 minSelfStake = registry.minSelfStake();
        uint256 rewards = registry.getRewards(pool, actor);
        (uint256 total, uint256 pending) = registry.getTotalStake(pool);

        bytes memory refusal;
        if (info.state == IPoolRegistryTypes.PoolState.Disabled) {
            refusal = abi.encodeWithSelector(IPoolRegistryTypes.PoolRegistryPoolDisabled.selector, pool);
        } else if (!registry.isDelegatorAllowed(pool, actor)) {
            refusal = abi.encodeWithSelector(IPoolRegistryTypes.PoolRegistryDelegatorNotAllowed.selector, pool, actor);
        } else if (actor != operator && info.selfStake < minSelfStake) {
            refusal = abi.encodeWithSelector(
                IPoolRegistryTypes.PoolRegistryPoolBroken.selector,
                pool,
                info.selfStake,
                minSelfStake
            );
        } else if (rewards == 0) {
            refusal = abi.encodeWithSelector(IPoolRegistryTypes.PoolRegistryNothingToWithdraw.selector, pool, actor);
        } else if (total + pending + rewards > info.stakingLimit) {
            refusal = abi.encodeWithSelector(
                IPoolRegistryTypes.PoolRegistryStakingLimitExceeded.selector,
                pool,
                total + pending,
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
        ghostStakeHeld += rewards;
        ghostRewardsPaid += rewards;
    }

    /// @notice A delegator with stake enables auto-redelegation at a random fee, and the keeper redelegates for it.
    function autoDelegateRewards(uint256 actorSeed, uint256 poolSeed, uint256 feePercentage) external {
        (address pool, address operator) = _pool(poolSeed);
        address actor = _mostlyWithRewards(pool, actorSeed);
        if (registry.getStake(pool, actor) == 0) return; // enabling needs stake, and nothing could be redelegated
        feePercentage = _bound(feePercentage, 0, registry.PPM());
        vm.prank(actor);
        registry.enableAutoRewardsDelegation(pool, feePercentage);
        _mostlyEnabled(pool, operator, actorSeed);
        uint256 rewards = registry.getRewards(pool, actor);
        uint256 fee = (rewards * feePercentage) / registry.PPM();
        bytes memory refusal = _autoDelegationRefusal(pool, operator, actor, rewards, fee);
        uint256 balance = token.balanceOf(keeper);
        vm.prank(keeper);
        (bool ok, bytes memory returned) = address(registry).call(
            abi.encodeCall(IPoolRegistry.autoDelegateRewards, (pool, actor))
        );
        if (!_outcomeIs(ok, returned, refusal, "autoDelegateRewards")) return;
        (uint256 amount, uint256 paid) = abi.decode(returned, (uint256, uint256));
        _check(amount == rewards, "autoDelegateRewards: other than the rewards shown");
        _check(paid == fee, "autoDelegateRewards: other than the chosen fee");
        _check(token.balanceOf(keeper) == balance + fee, "autoDelegateRewards: paid the caller other than the fee");
        ghostStake[pool][actor] += rewards - fee;
        ghostStakeHeld += rewards - fee;
        ghostRewardsPaid += rewards;
    }

    function withdrawProtocolFees(uint256 poolSeed, uint256 callerSeed) external {
        (address pool, ) = _pool(poolSeed);
        registry.distributeRewards(pool);
        (, , , , uint256 owed) = registry.getPoolAccounting(pool);
        uint256 balance = token.balanceOf(feeRecipient);
        bytes memory refusal =
            owed == 0
                ? abi.encodeWithSelector(IPoolRegistryTypes.PoolRegistryNothingToWithdraw.selector, pool, feeRecipient)
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

    /// @notice The operator pays part of the pool's tokens into the whitelisted escrow as a penalty, at most what
    /// their self-stake still backs; now and then a bit more, to see it refused.
    function lockPenalty(uint256 poolSeed, uint256 amount) external {
        (address pool, address operator) = _pool(poolSeed);
        uint256 locked = registry.getLockedInPenalties(pool);
        uint256 selfStake = registry.getStake(pool, operator);
        uint256 room = selfStake - locked; // the registry keeps locked <= self-stake
        amount = _bound(amount, 1, room + 1);
        bytes memory refusal =
            amount > room
                ? abi.encodeWithSelector(
                    IPoolRegistryTypes.PoolRegistryPenaltyExceedsSelfStake.selector,
                    pool,
                    locked,
                    selfStake,
                    amount
                )
                : bytes("");
        (uint256 accounted, , , , ) = registry.getPoolAccounting(pool);
        uint256 vault = token.balanceOf(pool);
        vm.prank(operator);
        (bool ok, bytes memory returned) = address(registry).call(
            abi.encodeCall(IPoolRegistry.lockPenalty, (pool, address(escrow), amount))
        );
        if (!_outcomeIs(ok, returned, refusal, "lockPenalty")) return;
        (uint256 accountedAfter, , , , ) = registry.getPoolAccounting(pool);
        _check(token.balanceOf(pool) == vault - amount, "lockPenalty: the vault paid other than the amount");
        _check(accountedAfter == accounted - amount, "lockPenalty: accounted");
        _check(registry.getLockedInPenalties(pool) == locked + amount, "lockPenalty: locked");
        ghostAtEscrow[pool] += amount;
    }

    /// @notice The escrow refunds part of a pool's penalties: mostly to someone who returns it through
    /// `returnPenalty` (then it is back in the pool's accounts), sometimes straight to the vault (then it is a reward
    /// like any other, and what stays locked can only be written off).
    function refundPenalty(uint256 poolSeed, uint256 amount, bool straightToTheVault) external {
        (address pool, ) = _pool(poolSeed);
        if (ghostAtEscrow[pool] == 0) return;
        amount = _bound(amount, 1, ghostAtEscrow[pool]);
        ghostAtEscrow[pool] -= amount;
        if (straightToTheVault) {
            escrow.refund(pool, amount);
            ghostRewardsSent += amount;
            return;
        }
        escrow.refund(address(this), amount);
        uint256 locked = registry.getLockedInPenalties(pool);
        (uint256 accounted, , , , ) = registry.getPoolAccounting(pool);
        uint256 vault = token.balanceOf(pool);
        token.approve(address(registry), amount);
        (bool ok, bytes memory returned) = address(registry).call(
            abi.encodeCall(IPoolRegistry.returnPenalty, (pool, amount))
        );
        if (!_outcomeIs(ok, returned, "", "returnPenalty")) return;
        (uint256 accountedAfter, , , , ) = registry.getPoolAccounting(pool);
        _check(token.balanceOf(pool) == vault + amount, "returnPenalty: the vault got other than the amount");
        _check(accountedAfter == accounted + amount, "returnPenalty: accounted");
        _check(registry.getLockedInPenalties(pool) == locked - amount, "returnPenalty: locked");
    }

    /// @notice The operator writes off part of what is locked: penalties the escrow keeps for good, or refunded
    /// straight to the vault.
    function writeOffPenalty(uint256 poolSeed, uint256 amount) external {
        (address pool, address operator) = _pool(poolSeed);
        uint256 locked = registry.getLockedInPenalties(pool);
        if (locked == 0) return;
        amount = _bound(amount, 1, locked);
        registry.distributeRewards(pool);
        // the operator's earned rewards are paid; the commission stays owed
        uint256 earned = registry.getRewards(pool, operator) - _commissionIfOperator(pool, operator);
        uint256 balance = token.balanceOf(operator);
        vm.prank(operator);
        (bool ok, bytes memory returned) = address(registry).call(
            abi.encodeCall(IPoolRegistry.writeOffPenalty, (pool, amount))
        );
        if (!_outcomeIs(ok, returned, "", "writeOffPenalty")) return;
        _check(token.balanceOf(operator) == balance + earned, "writeOffPenalty: the operator's rewards");
        _check(registry.getLockedInPenalties(pool) == locked - amount, "writeOffPenalty: locked");
        ghostRewardsPaid += earned;
        if (ghostAtEscrow[pool] > locked - amount) ghostAtEscrow[pool] = locked - amount; // the rest is slashed
        ghostStake[pool][operator] -= amount;
        ghostStakeHeld -= amount;
    }

    /// @notice The operator requests a commission rate change within the cap, or finalizes the pending one (refused
    /// while it is not due).
    function changeCommission(uint256 poolSeed, uint256 rate) external {
        (address pool, address operator) = _pool(poolSeed);
        uint256 id = pendingCommissionChange[pool];
        if (id != 0) {
            vm.prank(operator);
            (bool ok, ) = address(registry).call(abi.encodeCall(IPoolRegistry.finalizeCommissionRateChange, (id)));
            if (ok) delete pendingCommissionChange[pool];
            return;
        }
        uint256 current = registry.getPoolInfo(pool).commissionRate;
        uint256 highest = current + registry.maxCommissionIncrease();
        rate = _bound(rate, 0, highest < 1_000_000 ? highest : 1_000_000);
        vm.prank(operator);
        pendingCommissionChange[pool] = registry.requestCommissionRateChange(pool, rate);
    }

    /// @notice Governance upgrades the registry, alternating between two implementations; nothing it reports
    /// changes.
    function upgrade() external {
        bytes32 before = _fingerprint();
        PoolRegistry next = _implementations[upgrades++ % 2];
        vm.prank(owner);
        registry.upgradeToAndCall(address(next), "");
        _check(_fingerprint() == before, "upgrade: the registry reports other than before");
    }

    function _accounting(address pool) private view returns (bytes memory) {
        (uint256 a, uint256 b, uint256 c, uint256 d, uint256 e) = registry.getPoolAccounting(pool);
        return abi.encode(a, b, c, d, e);
    }

    /// @dev A hash of every pool's and actor's figures the registry reports.
    function _fingerprint() private view returns (bytes32 hash) {
        for (uint256 p = 0; p < 2; ++p) {
            address pool = _pools[p];
            (uint256 total, uint256 pending) = registry.getTotalStake(pool);
            hash = keccak256(abi.encode(hash, total, pending, registry.getLockedInPenalties(pool)));
            hash = keccak256(abi.encode(hash, _accounting(pool), registry.getPoolInfo(pool)));
            for (uint256 i = 0; i < _actors.length; ++i) {
                hash = keccak256(
                    abi.encode(hash, registry.getStake(pool, _actors[i]), registry.getRewards(pool, _actors[i]))
                );
            }
        }
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

    function inTransfer() external view returns (InTransfer[] memory) {
        return _inTransfer;
    }

    // ------------------------------------------------------------------ internals

    /// @dev The registry's refusal of `autoDelegateRewards` for `actor`, enabled and with stake, if any.
    function _autoDelegationRefusal(
        address pool,
        address operator,
        address actor,
        uint256 rewards,
        uint256 fee
    ) private view returns (bytes memory refusal) {
        IPoolRegistryTypes.PoolInfo memory info = registry.getPoolInfo(pool);
        uint256 minSelfStake = registry.minSelfStake();
        (uint256 total, uint256 pending) = registry.getTotalStake(pool);
        if (info.state == IPoolRegistryTypes.PoolState.Disabled) {
            refusal = abi.encodeWithSelector(IPoolRegistryTypes.PoolRegistryPoolDisabled.selector, pool);
        } else if (!registry.isDelegatorAllowed(pool, actor)) {
            refusal = abi.encodeWithSelector(IPoolRegistryTypes.PoolRegistryDelegatorNotAllowed.selector, pool, actor);
        } else if (actor != operator && info.selfStake < minSelfStake) {
            refusal = abi.encodeWithSelector(
                IPoolRegistryTypes.PoolRegistryPoolBroken.selector,
                pool,
                info.selfStake,
                minSelfStake
            );
        } else if (rewards == 0) {
            refusal = abi.encodeWithSelector(IPoolRegistryTypes.PoolRegistryNothingToWithdraw.selector, pool, actor);
        } else if (total + pending + rewards - fee > info.stakingLimit) {
            refusal = abi.encodeWithSelector(
                IPoolRegistryTypes.PoolRegistryStakingLimitExceeded.selector,
                pool,
                total + pending,
                info.stakingLimit,
                rewards - fee
            );
        }
    }

    /// @dev The registry's refusal of `actor` delegating `amount` to `pool` now, if any; else `amount`, cut to the
    /// staking limit's room so that most delegations go through.
    function _delegationRefusal(
        address pool,
        address operator,
        address actor,
        uint256 amount
    ) private view returns (bytes memory refusal, uint256) {
        IPoolRegistryTypes.PoolInfo memory info = registry.getPoolInfo(pool);
        uint256 minSelfStake = registry.minSelfStake();
        (uint256 total, uint256 pending) = registry.getTotalStake(pool);
        uint256 committed = total + pending; // pending transfers' room is reserved
        if (info.state == IPoolRegistryTypes.PoolState.Disabled) {
            refusal = abi.encodeWithSelector(IPoolRegistryTypes.PoolRegistryPoolDisabled.selector, pool);
        } else if (!registry.isDelegatorAllowed(pool, actor)) {
            refusal = abi.encodeWithSelector(IPoolRegistryTypes.PoolRegistryDelegatorNotAllowed.selector, pool, actor);
        } else if (actor != operator && info.selfStake < minSelfStake) {
            refusal = abi.encodeWithSelector(
                IPoolRegistryTypes.PoolRegistryPoolBroken.selector,
                pool,
                info.selfStake,
                minSelfStake
            );
        } else if (committed == info.stakingLimit && amount != 0) {
            refusal = abi.encodeWithSelector(
                IPoolRegistryTypes.PoolRegistryStakingLimitExceeded.selector,
                pool,
                committed,
                info.stakingLimit,
                amount
            );
        } else if (amount > info.stakingLimit - committed) {
            amount = info.stakingLimit - committed;
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

    function _expectUndelegationRefused(
        address actor,
        address pool,
        uint256 amount,
        uint256 fee,
        bytes memory refusal,
        string memory action
    ) private {
        vm.prank(actor);
        (bool ok, bytes memory reason) = address(registry).call(
            abi.encodeCall(IPoolRegistry.undelegate, (pool, amount, fee))
        );
        _outcomeIs(ok, reason, refusal, action);
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

    /// @dev The registry's refusal of `actor` transferring `amount` (less `fee`) from `from` to `to` now, if any; the
    /// amount and fee bounded to the actor's stake, and the part that lands cut to the room left in `to`.
    function _transferRefusal(
        address from,
        address to,
        address actor,
        uint256 amount,
        uint256 fee
    ) private view returns (bytes memory refusal, uint256, uint256) {
        uint256 stake = registry.getStake(from, actor);
        if (actor == registry.getPoolInfo(from).operator) {
            amount = _bound(amount, 1, MAX_AMOUNT);
            refusal = abi.encodeWithSelector(
                IPoolRegistryTypes.PoolRegistrySelfStakeNotTransferable.selector,
                from,
                actor
            );
            return (refusal, amount, 0);
        }
        if (stake == 0) {
            amount = _bound(amount, 1, MAX_AMOUNT);
            refusal = abi.encodeWithSelector(
                IPoolRegistryTypes.PoolRegistryInsufficientStake.selector,
                from,
                actor,
                0,
                amount
            );
            return (refusal, amount, 0);
        }
        amount = _bound(amount, 1, stake);
        fee = _bound(fee, 0, amount);
        uint256 landing;
        (refusal, landing) = _delegationRefusal(to, registry.getPoolInfo(to).operator, actor, amount - fee);
        return (refusal, fee + landing, fee);
    }

    /// @dev Checks a transfer's id and books it as in transit.
    function _bookTransfer(uint256 id, address from, address to, address actor, uint256 amount, uint256 fee) private {
        uint256 nonce = ++ghostTransferNonce[from];
        uint256 fromIndex = registry.getPoolInfo(from).index;
        _check(id == _transferId(actor, fromIndex, registry.getPoolInfo(to).index, nonce), "transferDelegation: id");
        ghostStake[from][actor] -= amount;
        ghostTransferring[from] += amount;
        ghostPending[to] += amount - fee;
        uint256 releaseAt = block.timestamp + registry.transferLockoutPeriod();
        _inTransfer.push(InTransfer(id, from, to, actor, amount, fee, releaseAt));
    }

    /// @dev The commission the registry holds for `actor` if it is `pool`'s operator (read after the call's
    /// distribution, which a delegation or undelegation does not pay out).
    function _commissionIfOperator(address pool, address actor) private view returns (uint256 commission) {
        if (actor != registry.getPoolInfo(pool).operator) return 0;
        (, , , commission, ) = registry.getPoolAccounting(pool);
    }

    /// @dev Three times in four, a disabled pool's operator switches it back on first.
    function _mostlyEnabled(address pool, address operator, uint256 seed) private {
        if ((seed >> 64) % 4 == 0 || registry.getPoolInfo(pool).state != IPoolRegistryTypes.PoolState.Disabled) return;
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

    function _transferId(
        address delegator,
        uint256 fromIndex,
        uint256 toIndex,
        uint256 nonce
    ) private pure returns (uint256) {
        return (nonce << 224) | (toIndex << 192) | (fromIndex << 160) | uint256(uint160(delegator));
    }

    function _check(bool condition, string memory what) private {
        if (!condition) _fail(what);
    }

    function _fail(string memory what) private {
        if (bytes(failure).length == 0) failure = what;
    }
}

/// @title Invariants of PoolRegistry under random delegations, undelegations, transfers, rewards and governance
/// changes.
contract PoolRegistryInvariantTest is TestBase, RegistryDeployment {
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
        token = new StakingToken("Pool Stake", "STK", address(this), 1e30);
        address owner = address(_newTimelock(8 days, _named("governor")));
        registry = _newRegistry(token, 7 days, 2 days, 100e18, 50_000, _named("feeRecipient"), owner);
        // upgrades alternate between a next version and a fresh copy of this one
        PoolRegistry[2] memory implementations = [
            PoolRegistry(new PoolRegistryV2(token, 7 days, 2 days)),
            new PoolRegistry(token, 7 days, 2 days)
        ];
        handler = new PoolRegistryHandler(registry, token, owner, implementations);
        token.transfer(address(handler), 1e29);
        handler.setUpPools();
    }

    function targetContracts() public view returns (address[] memory targets) {
        targets = new address[](1);
        targets[0] = address(handler);
    }

    function targetSelectors() public view returns (FuzzSelector[] memory targets) {
        bytes4[] memory selectors = new bytes4[](19);
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
        selectors[11] = PoolRegistryHandler.transferDelegation.selector;
        selectors[12] = PoolRegistryHandler.finalizeTransfer.selector;
        selectors[13] = PoolRegistryHandler.autoDelegateRewards.selector;
        selectors[14] = PoolRegistryHandler.lockPenalty.selector;
        selectors[15] = PoolRegistryHandler.refundPenalty.selector;
        selectors[16] = PoolRegistryHandler.writeOffPenalty.selector;
        selectors[17] = PoolRegistryHandler.changeCommission.selector;
        selectors[18] = PoolRegistryHandler.upgrade.selector;
        targets = new FuzzSelector[](1);
        targets[0] = FuzzSelector(address(handler), selectors);
    }

    /// @notice Every invariant below, checked after each call of every run: one campaign instead of five (the
    /// campaign is the cost; the checks are cheap), at the depth `npm test` and `npm run test:deep` set.
    function invariant_registry() public {
        _vaultHoldsEveryStakeThawingTransferRewardAndFee();
        _totalStakeIsTheSumOfStakes();
        _stakeIsConserved();
        _everyActionFollowedTheRules();
        _rewardsPaidNeverExceedRewardsSent();
        _gettersNeverRevert();
    }

    /// @dev Every getter answers for every pool and actor, whatever happened (a revert fails the invariant).
    function _gettersNeverRevert() internal view {
        address[2] memory pools = handler.pools();
        address[] memory actors = handler.actors();
        registry.getPools(0, 10);
        registry.getPoolCount();
        registry.getPenaltyContracts();
        registry.minSelfStake();
        registry.protocolFeeRate();
        registry.feeRecipient();
        registry.maxCommissionIncrease();
        for (uint256 p = 0; p < 2; ++p) {
            registry.getPoolInfo(pools[p]);
            registry.getTotalStake(pools[p]);
            registry.getPoolAccounting(pools[p]);
            registry.getLockedInPenalties(pools[p]);
            for (uint256 i = 0; i < actors.length; ++i) {
                registry.getStake(pools[p], actors[i]);
                registry.getRewards(pools[p], actors[i]);
                registry.getAutoRewardsDelegation(pools[p], actors[i]);
                registry.isDelegatorAllowed(pools[p], actors[i]);
            }
        }
    }

    /// @dev Per pool: the vault covers every stake, every thawing undelegation, every transfer out still in its
    /// lockout, every reward shown and every fee, and what it holds beyond them is exactly the kept remainder plus
    /// under 1 wei per delegator's truncated share; the room reserved for transfers in fits its packed counters. The
    /// rewards shown before a distribution equal those after it. (The state this changes is not kept.)
    function _vaultHoldsEveryStakeThawingTransferRewardAndFee() internal {
        address[2] memory pools = handler.pools();
        address[] memory actors = handler.actors();
        for (uint256 p = 0; p < 2; ++p) {
            address pool = pools[p];
            uint256[] memory shown = new uint256[](actors.length);
            for (uint256 i = 0; i < actors.length; ++i) shown[i] = registry.getRewards(pool, actors[i]);
            registry.distributeRewards(pool);

            uint256 claims = handler.ghostThawing(pool) + handler.ghostTransferring(pool);
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
            uint256 locked = registry.getLockedInPenalties(pool);
            assertLe(accounted, balance, "accounted <= vault balance");
            assertLe(claims, balance + locked, "stakes + thawing + in transfer + rewards + fees <= held + locked");
            assertLe(
                claims,
                accounted + locked,
                "stakes + thawing + in transfer + rewards + fees <= accounted + locked"
            );
            assertLe(locked, registry.getStake(pool, registry.getPoolInfo(pool).operator), "locked <= self-stake");
            assertLe(handler.ghostAtEscrow(pool), locked, "what the escrow holds for the pool is locked");
            (, uint256 pending) = registry.getTotalStake(pool);
            assertLe(accounted + pending, type(uint96).max, "the room reserved for transfers in fits the counters");
            uint256 excess = (accounted + locked - claims) * PRECISION;
            assertLe(remainder, excess, "the kept remainder is backed by tokens");
            assertLe(excess - remainder, stakers * (PRECISION - 1), "beyond the remainder, < 1 wei per staker");
        }
    }

    /// @dev Per pool: the total stake is the sum of every stake, and every stake and thawing undelegation is what the
    /// handler booked.
    function _totalStakeIsTheSumOfStakes() internal view {
        address[2] memory pools = handler.pools();
        address[] memory actors = handler.actors();
        for (uint256 p = 0; p < 2; ++p) {
            uint256 sum;
            for (uint256 i = 0; i < actors.length; ++i) {
                uint256 stake = registry.getStake(pools[p], actors[i]);
                assertEq(stake, handler.ghostStake(pools[p], actors[i]), "stake as booked");
                sum += stake;
            }
            (uint256 total, uint256 pending) = registry.getTotalStake(pools[p]);
            assertEq(total, sum, "total stake == sum of stakes");
            assertEq(pending, handler.ghostPending(pools[p]), "pending as booked");
            assertLe(total + pending, registry.getPoolInfo(pools[p]).stakingLimit, "total + pending <= limit");
        }
        PoolRegistryHandler.Thawing[] memory thawing = handler.thawing();
        uint256[2] memory thawingPerPool;
        for (uint256 i = 0; i < thawing.length; ++i) {
            IPoolRegistryTypes.Undelegation memory u = registry.getUndelegation(thawing[i].id);
            assertEq(u.pool, thawing[i].pool, "undelegation: pool");
            assertEq(u.delegator, thawing[i].delegator, "undelegation: delegator");
            assertEq(u.amount, thawing[i].amount, "undelegation: amount");
            assertEq(u.fee, thawing[i].fee, "undelegation: fee");
            assertEq(u.releaseAt, thawing[i].releaseAt, "undelegation: releaseAt");
            thawingPerPool[u.pool == pools[0] ? 0 : 1] += u.amount;
        }
        assertEq(thawingPerPool[0], handler.ghostThawing(pools[0]), "thawing in pool 0");
        assertEq(thawingPerPool[1], handler.ghostThawing(pools[1]), "thawing in pool 1");

        PoolRegistryHandler.InTransfer[] memory transfers = handler.inTransfer();
        uint256[2] memory outOf;
        uint256[2] memory into;
        for (uint256 i = 0; i < transfers.length; ++i) {
            IPoolRegistryTypes.Transfer memory t = registry.getTransfer(transfers[i].id);
            assertEq(t.fromPool, transfers[i].fromPool, "transfer: fromPool");
            assertEq(t.toPool, transfers[i].toPool, "transfer: toPool");
            assertEq(t.delegator, transfers[i].delegator, "transfer: delegator");
            assertEq(t.amount, transfers[i].amount, "transfer: amount");
            assertEq(t.fee, transfers[i].fee, "transfer: fee");
            assertEq(t.releaseAt, transfers[i].releaseAt, "transfer: releaseAt");
            outOf[t.fromPool == pools[0] ? 0 : 1] += t.amount;
            into[t.toPool == pools[0] ? 0 : 1] += t.amount - t.fee;
        }
        for (uint256 p = 0; p < 2; ++p) {
            assertEq(outOf[p], handler.ghostTransferring(pools[p]), "in transfer out of a pool");
            (, uint256 pending) = registry.getTotalStake(pools[p]);
            assertEq(into[p], pending, "pending into a pool == its transfers' amounts less fees");
        }
    }

    /// @dev Stake is neither made nor lost: what the registry reports staked, thawing and in transfer is what entered
    /// it (delegations, redelegated rewards) less what left it (undelegations paid, transfer fees paid).
    function _stakeIsConserved() internal view {
        address[2] memory pools = handler.pools();
        uint256 held;
        for (uint256 p = 0; p < 2; ++p) {
            (uint256 total, ) = registry.getTotalStake(pools[p]);
            held += total;
        }
        PoolRegistryHandler.Thawing[] memory thawing = handler.thawing();
        for (uint256 i = 0; i < thawing.length; ++i) held += registry.getUndelegation(thawing[i].id).amount;
        PoolRegistryHandler.InTransfer[] memory transfers = handler.inTransfer();
        for (uint256 i = 0; i < transfers.length; ++i) held += registry.getTransfer(transfers[i].id).amount;
        assertEq(held, handler.ghostStakeHeld(), "staked + thawing + in transfer");
    }

    /// @dev Every action was accepted, refused (with the exact error) and paid as the registry's rules say.
    function _everyActionFollowedTheRules() internal view {
        assertEq(handler.failure(), "", "an action broke the rules");
    }

    /// @dev Nobody was paid rewards or fees that did not arrive as rewards.
    function _rewardsPaidNeverExceedRewardsSent() internal view {
        assertLe(
            handler.ghostRewardsPaid() + handler.ghostProtocolFeesPaid(),
            handler.ghostRewardsSent(),
            "rewards and fees paid <= rewards sent"
        );
    }
}
