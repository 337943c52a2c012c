// SPDX-License-Identifier: MIT
pragma solidity 0.8.30;

import {Ownable, Ownable2Step} from "@openzeppelin/contracts/access/Ownable2Step.sol";
import {IERC20} from "@openzeppelin/contracts/token/ERC20/IERC20.sol";
import {SafeERC20} from "@openzeppelin/contracts/token/ERC20/utils/SafeERC20.sol";
import {SafeCast} from "@openzeppelin/contracts/utils/math/SafeCast.sol";
import {ReentrancyGuardTransient} from "@openzeppelin/contracts/utils/ReentrancyGuardTransient.sol";
import {IERC677Receiver} from "../interfaces/IERC677.sol";
import {IPoolRegistry} from "../interfaces/IPoolRegistry.sol";
import {PoolVault} from "./PoolVault.sol";

/// @title PoolRegistry: pools, delegations and O(1) reward sharing for oracle-node staking pools.
/// @notice Each reward that reaches a pool's vault is split into a protocol fee, the operator's commission, and the
/// rest pro rata to stake (D = S/T·O) through a reward-per-stake accumulator: no loop over delegators anywhere.
/// @dev Rounding: the accumulator keeps the scaled remainder of every division (`rewardRemainder`) and every
/// sub-wei fraction a delegator could not be paid goes back into it, so no wei is ever lost. Each delegator's share of
/// a reward is at most 1 wei below the exact one; those fractions are shared out with the next reward among whoever is
/// staked then, so a share of a later reward can be up to 1 wei above its exact value.
contract PoolRegistry is IPoolRegistry, IERC677Receiver, Ownable2Step, ReentrancyGuardTransient {
    using SafeERC20 for IERC20;
    using SafeCast for uint256;

    /// @notice 100% in parts per million.
    uint256 public constant PPM = 1_000_000;
    /// @notice The highest protocol fee governance may set: 20%.
    uint256 public constant MAX_PROTOCOL_FEE_RATE = 200_000;
    /// @notice Scale of the reward-per-stake accumulator. A pool of up to 1e27 wei of stake (a billion 18-decimal
    /// tokens, LINK's whole supply) therefore truncates each delegator's share of a reward by less than 1 wei.
    uint256 public constant REWARD_PRECISION = 1e27;

    /// @notice The stake and reward token.
    IERC20 public immutable token;
    /// @notice Seconds an undelegation thaws before it can be finalized.
    uint256 public immutable thawingPeriod;
    /// @notice Seconds a transfer between pools waits before it can be finalized; shorter than `thawingPeriod`.
    uint256 public immutable transferLockoutPeriod;

    /// @notice Operator self-stake below which a pool is broken.
    uint256 public minSelfStake;
    /// @notice Share of every reward taken as the protocol fee, in ppm.
    uint256 public protocolFeeRate;
    /// @notice Where protocol fees are paid (the owners' contract).
    address public feeRecipient;
    /// @notice The most one commission rate change may raise a pool's rate, in ppm points.
    uint256 public maxCommissionIncrease;

    struct Pool {
        // slot 0: read by every delegation
        address operator;
        uint32 commissionRate;
        uint32 index;
        bool enabled;
        bool isPrivate;
        bool retired;
        // slot 1
        address signingAddress;
        uint96 stakingLimit;
        // slot 2: written by every stake or token movement; packed so that costs one SSTORE (gas savings)
        uint96 totalStake;
        uint96 accounted; // tokens in the vault the registry knows about; the rest is undistributed reward
        uint32 undelegationNonce;
        uint32 transferNonce; // of transfers out of this pool; starts at 1 so transfer ids never equal undelegation ids
        // slot 3: read by every stake change, so reading the pending stake beside it is a warm read (gas savings)
        uint160 rewardPerStake; // cumulative reward per unit of stake, times REWARD_PRECISION
        uint96 pendingStake; // transferred in, not landed yet: reserved under the staking limit and in `accounted`
        // slot 4
        uint256 rewardRemainder; // scaled reward not yet in rewardPerStake (division remainders, sub-wei dust)
        // slot 5
        uint128 commissionOwed;
        uint128 protocolFeesOwed;
        // slots 6-7
        bytes32 metaDataContentHash;
        string metaDataUrl;
    }

    /// @dev One slot per delegation: stake and the accumulator value it was last settled at (gas savings).
    struct Delegation {
        uint96 stake;
        uint160 rewardPerStakePaid;
    }

    /// @dev A pending undelegation or transfer. The delegator and pools live in its id, so it costs one slot (gas
    /// savings).
    struct Pending {
        uint96 amount;
        uint96 fee;
        uint64 releaseAt;
    }

    mapping(address pool => Pool) private _pools;
    address[] private _poolList;
    mapping(address pool => mapping(address delegator => Delegation)) private _delegations;
    mapping(address pool => mapping(address delegator => bool)) private _allowList;
    mapping(uint256 id => Pending) private _undelegations;
    mapping(uint256 id => Pending) private _transfers;

    /// @dev A delegator's auto-redelegation setting. Kept out of `Delegation` so that no hot path reads it (gas
    /// savings).
    struct AutoDelegation {
        bool enabled;
        uint32 feePercentage;
    }

    /// @dev A pool's pending commission rate change, in one slot. `nonce` outlives the change, so an old id never
    /// names a later one.
    struct PendingCommission {
        uint32 newRate;
        uint64 effectiveAt; // 0: nothing pending
        uint64 nonce;
    }

    mapping(address pool => mapping(address delegator => AutoDelegation)) private _autoDelegations;
    mapping(address pool => PendingCommission) private _commissionChanges;

    /// @param token_ the stake and reward token
    /// @param thawingPeriod_ seconds an undelegation thaws
    /// @param transferLockoutPeriod_ seconds a transfer between pools waits; shorter than `thawingPeriod_`, since the
    /// stake stays staked in the network (and it must not be a slower way out than leaving)
    /// @param minSelfStake_ operator self-stake below which a pool is broken
    /// @param protocolFeeRate_ protocol fee in ppm, at most MAX_PROTOCOL_FEE_RATE
    /// @param feeRecipient_ where protocol fees go
    /// @param owner_ governance
    constructor(
        IERC20 token_,
        uint256 thawingPeriod_,
        uint256 transferLockoutPeriod_,
        uint256 minSelfStake_,
        uint256 protocolFeeRate_,
        address feeRecipient_,
        address owner_
    ) Ownable(owner_) {
        if (address(token_) == address(0) || feeRecipient_ == address(0)) revert PoolRegistryZeroAddress();
        if (protocolFeeRate_ > MAX_PROTOCOL_FEE_RATE) {
            revert PoolRegistryRateTooHigh(protocolFeeRate_, MAX_PROTOCOL_FEE_RATE);
        }
        if (transferLockoutPeriod_ >= thawingPeriod_) {
            revert PoolRegistryTransferLockoutTooLong(transferLockoutPeriod_, thawingPeriod_);
        }
        token = token_;
        thawingPeriod = thawingPeriod_;
        transferLockoutPeriod = transferLockoutPeriod_;
        minSelfStake = minSelfStake_;
        protocolFeeRate = protocolFeeRate_;
        feeRecipient = feeRecipient_;
        // the initial parameters are logged like any later change, so logs alone rebuild the registry
        emit MinSelfStakeChanged(minSelfStake_);
        emit ProtocolFeeRateChanged(protocolFeeRate_);
        emit FeeRecipientChanged(feeRecipient_);
        // not a constructor parameter, so deployments keep their shape; governance may change it
        maxCommissionIncrease = 100_000;
        emit MaxCommissionIncreaseChanged(100_000);
    }

    // ------------------------------------------------------------------ pools

    /// @inheritdoc IPoolRegistry
    function registerPool(
        address signingAddress,
        uint256 commissionRate,
        string calldata metaDataUrl,
        bytes32 metaDataContentHash
    ) external returns (address pool) {
        if (signingAddress == address(0)) revert PoolRegistryZeroAddress();
        if (commissionRate > PPM) revert PoolRegistryRateTooHigh(commissionRate, PPM);
        uint256 index = _poolList.length;
        if (index > type(uint32).max) revert PoolRegistryTooManyPools();

        pool = address(new PoolVault(token));
        Pool storage p = _pools[pool];
        p.operator = msg.sender;
        p.commissionRate = uint32(commissionRate);
        p.index = uint32(index);
        p.enabled = true;
        p.signingAddress = signingAddress;
        p.stakingLimit = type(uint96).max;
        p.metaDataUrl = metaDataUrl;
        p.metaDataContentHash = metaDataContentHash;
        _poolList.push(pool);
        emit PoolRegistered(pool, msg.sender, signingAddress, commissionRate, metaDataUrl, metaDataContentHash);
    }

    /// @inheritdoc IPoolRegistry
    function setStakingLimit(address pool, uint256 stakingLimit) external {
        Pool storage p = _operatedPool(pool);
        if (stakingLimit > type(uint96).max) revert PoolRegistryLimitTooLarge(stakingLimit, type(uint96).max);
        uint256 committed = uint256(p.totalStake) + p.pendingStake; // the room of pending transfers stays reserved
        if (stakingLimit < committed) revert PoolRegistryLimitBelowStake(pool, stakingLimit, committed);
        p.stakingLimit = uint96(stakingLimit);
        emit StakingLimitChanged(pool, stakingLimit);
    }

    /// @inheritdoc IPoolRegistry
    function enablePool(address pool) external {
        Pool storage p = _operatedPool(pool);
        if (p.retired) revert PoolRegistryPoolRetired(pool);
        p.enabled = true;
        emit PoolEnabled(pool);
    }

    /// @inheritdoc IPoolRegistry
    function disablePool(address pool) external {
        _operatedPool(pool).enabled = false;
        emit PoolDisabled(pool);
    }

    /// @inheritdoc IPoolRegistry
    function retirePool(address pool) external {
        Pool storage p = _operatedPool(pool);
        if (p.retired) revert PoolRegistryPoolRetired(pool);
        p.retired = true;
        p.enabled = false;
        emit PoolRetired(pool);
    }

    /// @inheritdoc IPoolRegistry
    function updateMetaData(address pool, string calldata metaDataUrl, bytes32 metaDataContentHash) external {
        Pool storage p = _operatedPool(pool);
        p.metaDataUrl = metaDataUrl;
        p.metaDataContentHash = metaDataContentHash;
        emit MetaDataUpdated(pool, metaDataUrl, metaDataContentHash);
    }

    /// @inheritdoc IPoolRegistry
    function setPoolPrivate(address pool, bool isPrivate) external {
        _operatedPool(pool).isPrivate = isPrivate;
        emit PoolPrivacyChanged(pool, isPrivate);
    }

    /// @inheritdoc IPoolRegistry
    function setDelegatorAllowed(address pool, address delegator, bool allowed) external {
        _operatedPool(pool);
        if (delegator == address(0)) revert PoolRegistryZeroAddress();
        _allowList[pool][delegator] = allowed;
        emit DelegatorAllowListUpdated(pool, delegator, allowed);
    }

    // ------------------------------------------------------------------ delegation

    /// @inheritdoc IPoolRegistry
    function delegate(address pool, uint256 amount) external nonReentrant {
        _delegate(pool, msg.sender, amount, true);
    }

    /// @notice ERC-677 entry: `token.transferAndCall(registry, amount, abi.encode(pool))` delegates in one call.
    /// @dev Requirements: the caller is the stake token; `data` is exactly one ABI-encoded address; the same as
    /// `delegate` otherwise, with `sender` as the delegator.
    function onTokenTransfer(address sender, uint256 value, bytes calldata data) external nonReentrant {
        if (msg.sender != address(token)) revert PoolRegistryUnsupportedToken(msg.sender);
        if (data.length != 32) revert PoolRegistryInvalidPoolData(data);
        uint256 word = uint256(bytes32(data));
        if (word > type(uint160).max) revert PoolRegistryInvalidPoolData(data);
        _delegate(address(uint160(word)), sender, value, false);
    }

    /// @inheritdoc IPoolRegistry
    function undelegate(address pool, uint256 amount, uint256 fee) external nonReentrant returns (uint256 id) {
        Pool storage p = _existingPool(pool);
        if (amount == 0) revert PoolRegistryZeroAmount();
        if (fee > amount) revert PoolRegistryFeeExceedsAmount(fee, amount);
        Delegation storage d = _delegations[pool][msg.sender];
        uint256 stake = d.stake;
        if (amount > stake) revert PoolRegistryInsufficientStake(pool, msg.sender, stake, amount);

        _distribute(p, pool);
        uint256 owed = _settle(p, d, stake);
        unchecked {
            // amount <= stake <= totalStake, and owed <= accounted, checked above and by construction
            _storeDelegation(pool, msg.sender, stake - amount, p.rewardPerStake);
            p.totalStake -= uint96(amount);
            p.accounted -= uint96(owed);
        }
        uint256 nonce = p.undelegationNonce++;
        id = _undelegationId(msg.sender, p.index, nonce);
        uint256 releaseAt = block.timestamp + thawingPeriod;
        _undelegations[id] = Pending(uint96(amount), uint96(fee), releaseAt.toUint64());
        emit Undelegated(id, pool, msg.sender, amount, fee, releaseAt);
        _payRewards(pool, msg.sender, owed);
    }

    /// @inheritdoc IPoolRegistry
    function finalizeUndelegate(uint256 id) external nonReentrant {
        Pending memory u = _undelegations[id];
        if (u.amount == 0) revert PoolRegistryUnknownUndelegation(id);
        if (block.timestamp < u.releaseAt) revert PoolRegistryUndelegationNotDue(id, u.releaseAt);
        _finalizeUndelegation(id, u);
    }

    /// @inheritdoc IPoolRegistry
    function finalizeUndelegations(uint256[] calldata ids) external nonReentrant returns (uint256 finalized) {
        for (uint256 i = 0; i < ids.length; ++i) {
            uint256 id = ids[i];
            Pending memory u = _undelegations[id];
            if (u.amount == 0 || block.timestamp < u.releaseAt) continue; // skipped, not reverted: others may be due
            _finalizeUndelegation(id, u);
            ++finalized;
        }
    }

    /// @dev Pays a due undelegation `u` (read from storage by the caller) and forgets it.
    function _finalizeUndelegation(uint256 id, Pending memory u) private {
        delete _undelegations[id];
        address delegator = address(uint160(id));
        address pool = _poolList[uint32(id >> 160)];
        unchecked {
            // the thawing tokens were counted in `accounted` when delegated and never released since
            _pools[pool].accounted -= u.amount;
        }
        uint256 paid = u.amount - u.fee;
        emit UndelegationFinalized(id, pool, delegator, u.amount, u.fee, msg.sender);
        PoolVault vault = PoolVault(pool);
        if (paid != 0) vault.pay(delegator, paid);
        if (u.fee != 0) vault.pay(msg.sender, u.fee);
    }

    /// @inheritdoc IPoolRegistry
    function transferDelegation(
        address fromPool,
        address toPool,
        uint256 amount,
        uint256 fee
    ) external nonReentrant returns (uint256 id) {
        Pool storage from = _existingPool(fromPool);
        Pool storage to = _existingPool(toPool);
        if (fromPool == toPool) revert PoolRegistryTransferToSamePool(fromPool);
        if (amount == 0) revert PoolRegistryZeroAmount();
        if (fee > amount) revert PoolRegistryFeeExceedsAmount(fee, amount);
        if (msg.sender == from.operator) revert PoolRegistrySelfStakeNotTransferable(fromPool, msg.sender);
        Delegation storage d = _delegations[fromPool][msg.sender];
        uint256 stake = d.stake;
        if (amount > stake) revert PoolRegistryInsufficientStake(fromPool, msg.sender, stake, amount);
        uint256 landing = amount - fee;
        _reserveRoom(to, toPool, msg.sender, landing);

        _distribute(from, fromPool);
        uint256 owed = _settle(from, d, stake);
        unchecked {
            // amount <= stake <= totalStake, and owed <= accounted; the transferring tokens stay in `accounted`
            _storeDelegation(fromPool, msg.sender, stake - amount, from.rewardPerStake);
            from.totalStake -= uint96(amount);
            from.accounted -= uint96(owed);
        }
        uint256 nonce = ++from.transferNonce;
        id = _transferId(msg.sender, from.index, to.index, nonce);
        uint256 releaseAt = block.timestamp + transferLockoutPeriod;
        _transfers[id] = Pending(uint96(amount), uint96(fee), releaseAt.toUint64());
        emit DelegationTransferred(id, fromPool, toPool, msg.sender, amount, fee, releaseAt);
        _payRewards(fromPool, msg.sender, owed);
    }

    /// @inheritdoc IPoolRegistry
    function finalizeTransfer(uint256 id) external nonReentrant {
        Pending memory t = _transfers[id];
        if (t.amount == 0) revert PoolRegistryUnknownTransfer(id);
        if (block.timestamp < t.releaseAt) revert PoolRegistryTransferNotDue(id, t.releaseAt);
        _finalizeTransfer(id, t);
    }

    /// @inheritdoc IPoolRegistry
    function finalizeTransfers(uint256[] calldata ids) external nonReentrant returns (uint256 finalized) {
        for (uint256 i = 0; i < ids.length; ++i) {
            uint256 id = ids[i];
            Pending memory t = _transfers[id];
            if (t.amount == 0 || block.timestamp < t.releaseAt) continue; // skipped, not reverted: others may be due
            _finalizeTransfer(id, t);
            ++finalized;
        }
    }

    /// @dev Refuses a transfer of `landing` stake into `toPool` that it would not take as a delegation now, and
    /// reserves its room: under the staking limit, and in the vault's packed counters.
    function _reserveRoom(Pool storage to, address toPool, address delegator, uint256 landing) private {
        _checkAccepts(to, toPool, delegator);
        uint256 committed = uint256(to.totalStake) + to.pendingStake;
        if (committed + landing > to.stakingLimit) {
            revert PoolRegistryStakingLimitExceeded(toPool, committed, to.stakingLimit, landing);
        }
        uint256 accounted = uint256(to.accounted) + to.pendingStake;
        if (accounted + landing > type(uint96).max) revert PoolRegistryVaultFull(toPool, accounted, landing);
        to.pendingStake += uint96(landing); // <= stakingLimit <= 2^96-1, checked above
    }

    /// @dev Lands a due transfer `t` (read from storage by the caller) in its pool and forgets it. Whatever the pool
    /// became since (disabled, retired, broken, private), it lands: its room was reserved, and the delegator can
    /// leave any pool, so no token is ever stuck in transit.
    function _finalizeTransfer(uint256 id, Pending memory t) private {
        delete _transfers[id];
        address delegator = address(uint160(id));
        address fromPool = _poolList[uint32(id >> 160)];
        address toPool = _poolList[uint32(id >> 192)];
        unchecked {
            // the transferring tokens were counted in `accounted` when delegated and never released since
            _pools[fromPool].accounted -= t.amount;
        }
        Pool storage to = _pools[toPool];
        _distribute(to, toPool); // before the tokens arrive: they are stake, not a reward
        uint256 landing = t.amount - t.fee;
        Delegation storage d = _delegations[toPool][delegator];
        uint256 stake = d.stake;
        uint256 owed = _settle(to, d, stake);
        unchecked {
            // reserved at initiation: total + pending <= stakingLimit and accounted + pending <= 2^96-1 ever since,
            // and owed <= accounted
            _storeDelegation(toPool, delegator, stake + landing, to.rewardPerStake);
            to.pendingStake -= uint96(landing);
            to.totalStake += uint96(landing);
            to.accounted = to.accounted + uint96(landing) - uint96(owed);
        }
        emit TransferFinalized(id, fromPool, toPool, delegator, t.amount, t.fee, msg.sender);
        PoolVault vault = PoolVault(fromPool);
        if (landing != 0) vault.pay(toPool, landing);
        if (t.fee != 0) vault.pay(msg.sender, t.fee);
        _payRewards(toPool, delegator, owed);
    }

    /// @inheritdoc IPoolRegistry
    function withdrawRewards(address pool) external nonReentrant returns (uint256 amount) {
        Pool storage p = _existingPool(pool);
        _distribute(p, pool);
        Delegation storage d = _delegations[pool][msg.sender];
        uint256 stake = d.stake;
        amount = _settle(p, d, stake);
        if (stake != 0) d.rewardPerStakePaid = p.rewardPerStake;
        if (msg.sender == p.operator) {
            amount += p.commissionOwed;
            p.commissionOwed = 0;
        }
        if (amount == 0) revert PoolRegistryNothingToWithdraw(pool, msg.sender);
        unchecked {
            p.accounted -= uint96(amount); // everything owed is part of accounted
        }
        _payRewards(pool, msg.sender, amount);
    }

    /// @inheritdoc IPoolRegistry
    function redelegateRewards(address pool) external nonReentrant returns (uint256 amount) {
        (amount, ) = _redelegate(pool, msg.sender, 0);
        emit RewardsRedelegated(pool, msg.sender, amount);
    }

    // ------------------------------------------------------------------ auto-redelegation

    /// @inheritdoc IPoolRegistry
    function enableAutoRewardsDelegation(address pool, uint256 feePercentage) external {
        _existingPool(pool);
        if (feePercentage > PPM) revert PoolRegistryRateTooHigh(feePercentage, PPM);
        if (_delegations[pool][msg.sender].stake == 0) revert PoolRegistryAutoDelegationWithoutStake(pool, msg.sender);
        _autoDelegations[pool][msg.sender] = AutoDelegation(true, uint32(feePercentage));
        emit AutoRewardsDelegationEnabled(pool, msg.sender, feePercentage);
    }

    /// @inheritdoc IPoolRegistry
    function disableAutoRewardsDelegation(address pool) external {
        _disableAutoRewardsDelegation(pool);
    }

    /// @inheritdoc IPoolRegistry
    function disableAutoRewardsDedelegation(address pool) external {
        _disableAutoRewardsDelegation(pool);
    }

    function _disableAutoRewardsDelegation(address pool) private {
        _existingPool(pool);
        if (!_autoDelegations[pool][msg.sender].enabled) revert PoolRegistryAutoDelegationNotEnabled(pool, msg.sender);
        delete _autoDelegations[pool][msg.sender];
        emit AutoRewardsDelegationDisabled(pool, msg.sender);
    }

    /// @inheritdoc IPoolRegistry
    function autoDelegateRewards(
        address pool,
        address delegator
    ) external nonReentrant returns (uint256 amount, uint256 fee) {
        _existingPool(pool);
        AutoDelegation memory setting = _autoDelegations[pool][delegator];
        if (!setting.enabled) revert PoolRegistryAutoDelegationNotEnabled(pool, delegator);
        // a delegator who left the pool is not put back in it, not even with an operator's commission
        if (_delegations[pool][delegator].stake == 0) revert PoolRegistryNothingToWithdraw(pool, delegator);
        (amount, fee) = _redelegate(pool, delegator, setting.feePercentage);
        emit AutoRewardsDelegated(pool, delegator, msg.sender, amount, fee);
        if (fee != 0) PoolVault(pool).pay(msg.sender, fee);
    }

    /// @dev Adds `delegator`'s rewards (and commission, for the operator) less `feePercentage` of them to its stake
    /// in `pool`, if the pool takes them as a delegation; the fee leaves the books, for the caller to pay it out.
    function _redelegate(
        address pool,
        address delegator,
        uint256 feePercentage
    ) private returns (uint256 amount, uint256 fee) {
        Pool storage p = _existingPool(pool);
        _checkAccepts(p, pool, delegator);
        _distribute(p, pool);
        Delegation storage d = _delegations[pool][delegator];
        uint256 stake = d.stake;
        amount = _settle(p, d, stake);
        if (delegator == p.operator) {
            amount += p.commissionOwed;
            p.commissionOwed = 0;
        }
        if (amount == 0) revert PoolRegistryNothingToWithdraw(pool, delegator);
        fee = (amount * feePercentage) / PPM;
        uint256 added = amount - fee;
        uint256 total = p.totalStake;
        uint256 committed = total + p.pendingStake;
        if (committed + added > p.stakingLimit) {
            revert PoolRegistryStakingLimitExceeded(pool, committed, p.stakingLimit, added);
        }
        // `added` moves from owed rewards to stake inside the vault, so only the fee leaves `accounted`
        _storeDelegation(pool, delegator, stake + added, p.rewardPerStake);
        p.totalStake = uint96(total + added);
        unchecked {
            p.accounted -= uint96(fee); // fee <= amount, and everything owed is part of accounted
        }
    }

    // ------------------------------------------------------------------ commission changes

    /// @inheritdoc IPoolRegistry
    function requestCommissionRateChange(address pool, uint256 newRate) external returns (uint256 id) {
        Pool storage p = _operatedPool(pool);
        if (newRate > PPM) revert PoolRegistryRateTooHigh(newRate, PPM);
        uint256 currentRate = p.commissionRate;
        if (newRate > currentRate + maxCommissionIncrease) {
            revert PoolRegistryCommissionIncreaseTooLarge(pool, currentRate, newRate, maxCommissionIncrease);
        }
        PendingCommission storage c = _commissionChanges[pool];
        uint64 nonce = c.nonce + 1;
        uint256 effectiveAt = block.timestamp + thawingPeriod;
        _commissionChanges[pool] = PendingCommission(uint32(newRate), effectiveAt.toUint64(), nonce);
        id = (uint256(nonce) << 160) | uint256(uint160(pool));
        emit CommissionRateChangeRequested(id, pool, newRate, effectiveAt);
    }

    /// @inheritdoc IPoolRegistry
    function finalizeCommissionRateChange(uint256 id) external nonReentrant {
        address pool = address(uint160(id));
        PendingCommission memory c = _pendingCommission(id);
        Pool storage p = _operatedPool(pool);
        if (block.timestamp < c.effectiveAt) revert PoolRegistryCommissionRateChangeNotDue(id, c.effectiveAt);
        _distribute(p, pool); // what arrived before is split at the old rate
        uint256 oldRate = p.commissionRate;
        p.commissionRate = c.newRate;
        _commissionChanges[pool].effectiveAt = 0;
        emit CommissionRateChanged(pool, oldRate, c.newRate);
    }

    /// @dev The pending change `id` names, or a revert.
    function _pendingCommission(uint256 id) private view returns (PendingCommission memory c) {
        c = _commissionChanges[address(uint160(id))];
        if (c.effectiveAt == 0 || id >> 160 != c.nonce) revert PoolRegistryUnknownCommissionRateChange(id);
    }

    /// @inheritdoc IPoolRegistry
    function distributeRewards(address pool) external nonReentrant returns (uint256 reward) {
        return _distribute(_existingPool(pool), pool);
    }

    /// @inheritdoc IPoolRegistry
    function withdrawProtocolFees(address pool) external nonReentrant returns (uint256 amount) {
        Pool storage p = _existingPool(pool);
        _distribute(p, pool);
        amount = p.protocolFeesOwed;
        if (amount == 0) revert PoolRegistryNothingToWithdraw(pool, feeRecipient);
        p.protocolFeesOwed = 0;
        unchecked {
            p.accounted -= uint96(amount);
        }
        address recipient = feeRecipient;
        emit ProtocolFeesWithdrawn(pool, recipient, amount);
        PoolVault(pool).pay(recipient, amount);
    }

    // ------------------------------------------------------------------ governance

    /// @notice Sets the protocol fee on rewards distributed from now on.
    /// @dev Requirements: the caller is the owner; `rate` <= MAX_PROTOCOL_FEE_RATE.
    function setProtocolFeeRate(uint256 rate) external onlyOwner {
        if (rate > MAX_PROTOCOL_FEE_RATE) revert PoolRegistryRateTooHigh(rate, MAX_PROTOCOL_FEE_RATE);
        protocolFeeRate = rate;
        emit ProtocolFeeRateChanged(rate);
    }

    /// @notice Sets where protocol fees are paid. Requirements: the caller is the owner; `recipient` is not zero.
    function setFeeRecipient(address recipient) external onlyOwner {
        if (recipient == address(0)) revert PoolRegistryZeroAddress();
        feeRecipient = recipient;
        emit FeeRecipientChanged(recipient);
    }

    /// @notice Sets the operator self-stake below which pools are broken. Requirements: the caller is the owner.
    function setMinSelfStake(uint256 amount) external onlyOwner {
        minSelfStake = amount;
        emit MinSelfStakeChanged(amount);
    }

    /// @notice Sets the most one commission rate change may raise a pool's rate, in ppm points.
    /// @dev Requirements: the caller is the owner; `increase` <= PPM.
    function setMaxCommissionIncrease(uint256 increase) external onlyOwner {
        if (increase > PPM) revert PoolRegistryRateTooHigh(increase, PPM);
        maxCommissionIncrease = increase;
        emit MaxCommissionIncreaseChanged(increase);
    }

    // ------------------------------------------------------------------ getters

    /// @inheritdoc IPoolRegistry
    function getPoolInfo(address pool) external view returns (PoolInfo memory info) {
        Pool storage p = _existingPool(pool);
        uint256 selfStake = _delegations[pool][p.operator].stake;
        bool satisfied = selfStake >= minSelfStake;
        info = PoolInfo({
            operator: p.operator,
            signingAddress: p.signingAddress,
            commissionRate: p.commissionRate,
            selfStakeSatisfied: satisfied,
            state: p.retired
                ? PoolState.Retired
                : (!p.enabled ? PoolState.Disabled : (satisfied ? PoolState.Active : PoolState.Broken)),
            stakingLimit: p.stakingLimit,
            isPrivate: p.isPrivate,
            metaDataUrl: p.metaDataUrl,
            metaDataContentHash: p.metaDataContentHash,
            selfStake: selfStake,
            index: p.index
        });
    }

    /// @inheritdoc IPoolRegistry
    function getStake(address pool, address delegator) external view returns (uint256 stake) {
        _existingPool(pool);
        return _delegations[pool][delegator].stake;
    }

    /// @inheritdoc IPoolRegistry
    function getRewards(address pool, address delegator) external view returns (uint256 rewards) {
        Pool storage p = _existingPool(pool);
        Distribution memory next = _computeDistribution(p, pool);
        Delegation storage d = _delegations[pool][delegator];
        rewards = (uint256(d.stake) * (next.rewardPerStake - d.rewardPerStakePaid)) / REWARD_PRECISION;
        if (delegator == p.operator) rewards += p.commissionOwed + next.commission;
    }

    /// @inheritdoc IPoolRegistry
    function getTotalStake(address pool) external view returns (uint256 total, uint256 pending) {
        Pool storage p = _existingPool(pool);
        return (p.totalStake, p.pendingStake);
    }

    /// @inheritdoc IPoolRegistry
    function getUndelegation(uint256 id) external view returns (Undelegation memory undelegation) {
        Pending memory u = _undelegations[id];
        if (u.amount == 0) revert PoolRegistryUnknownUndelegation(id);
        return Undelegation(_poolList[uint32(id >> 160)], address(uint160(id)), u.amount, u.fee, u.releaseAt);
    }

    /// @inheritdoc IPoolRegistry
    function getTransfer(uint256 id) external view returns (Transfer memory transfer) {
        Pending memory t = _transfers[id];
        if (t.amount == 0) revert PoolRegistryUnknownTransfer(id);
        return
            Transfer(
                _poolList[uint32(id >> 160)],
                _poolList[uint32(id >> 192)],
                address(uint160(id)),
                t.amount,
                t.fee,
                t.releaseAt
            );
    }

    /// @inheritdoc IPoolRegistry
    function getAutoRewardsDelegation(
        address pool,
        address delegator
    ) external view returns (bool enabled, uint256 feePercentage) {
        _existingPool(pool);
        AutoDelegation memory setting = _autoDelegations[pool][delegator];
        return (setting.enabled, setting.feePercentage);
    }

    /// @inheritdoc IPoolRegistry
    function isDelegatorAllowed(address pool, address delegator) external view returns (bool allowed) {
        Pool storage p = _existingPool(pool);
        return !p.isPrivate || delegator == p.operator || _allowList[pool][delegator];
    }

    /// @inheritdoc IPoolRegistry
    function getPoolCount() external view returns (uint256 count) {
        return _poolList.length;
    }

    /// @inheritdoc IPoolRegistry
    function getPools(uint256 offset, uint256 limit) external view returns (address[] memory pools) {
        uint256 length = _poolList.length;
        if (offset >= length) return new address[](0);
        uint256 end = length - offset < limit ? length : offset + limit;
        pools = new address[](end - offset);
        for (uint256 i = offset; i < end; ++i) {
            pools[i - offset] = _poolList[i];
        }
    }

    /// @notice Accounting of one pool, for indexers and invariant checks.
    /// @return accounted tokens in the vault the registry has taken into account
    /// @return rewardPerStake the accumulator, times REWARD_PRECISION
    /// @return rewardRemainder scaled reward waiting for the next distribution
    /// @return commissionOwed the operator's unpaid commission
    /// @return protocolFeesOwed unpaid protocol fees
    function getPoolAccounting(
        address pool
    )
        external
        view
        returns (
            uint256 accounted,
            uint256 rewardPerStake,
            uint256 rewardRemainder,
            uint256 commissionOwed,
            uint256 protocolFeesOwed
        )
    {
        Pool storage p = _existingPool(pool);
        return (p.accounted, p.rewardPerStake, p.rewardRemainder, p.commissionOwed, p.protocolFeesOwed);
    }

    // ------------------------------------------------------------------ internals

    function _delegate(address pool, address delegator, uint256 amount, bool pull) private {
        Pool storage p = _existingPool(pool);
        if (amount == 0) revert PoolRegistryZeroAmount();
        _checkAccepts(p, pool, delegator);
        _distribute(p, pool);

        uint256 total = p.totalStake;
        uint256 pending = p.pendingStake; // reserved for transfers: in neither the total nor `accounted` yet
        if (total + pending + amount > p.stakingLimit) {
            revert PoolRegistryStakingLimitExceeded(pool, total + pending, p.stakingLimit, amount);
        }
        Delegation storage d = _delegations[pool][delegator];
        uint256 stake = d.stake;
        uint256 owed = _settle(p, d, stake);
        uint256 accounted = uint256(p.accounted) + amount - owed;
        if (accounted + pending > type(uint96).max) revert PoolRegistryVaultFull(pool, p.accounted + pending, amount);

        _storeDelegation(pool, delegator, stake + amount, p.rewardPerStake);
        p.totalStake = uint96(total + amount); // <= stakingLimit <= 2^96-1
        p.accounted = uint96(accounted);
        emit Delegated(pool, delegator, amount);

        if (pull) {
            token.safeTransferFrom(delegator, pool, amount);
        } else {
            token.safeTransfer(pool, amount); // arrived at the registry through transferAndCall
        }
        _payRewards(pool, delegator, owed);
    }

    /// @dev Refuses a delegation the pool does not take now. The operator may always add self-stake to an enabled
    /// pool, which is how a broken pool is mended.
    function _checkAccepts(Pool storage p, address pool, address delegator) private view {
        if (!p.enabled) {
            if (p.retired) revert PoolRegistryPoolRetired(pool);
            revert PoolRegistryPoolDisabled(pool);
        }
        address operator = p.operator;
        if (delegator == operator) return;
        if (p.isPrivate && !_allowList[pool][delegator]) revert PoolRegistryDelegatorNotAllowed(pool, delegator);
        uint256 selfStake = _delegations[pool][operator].stake;
        if (selfStake < minSelfStake) revert PoolRegistryPoolBroken(pool, selfStake, minSelfStake);
    }

    /// @dev How the tokens that arrived at a pool's vault since the last distribution split. O(1).
    struct Distribution {
        uint256 reward;
        uint256 protocolFee;
        uint256 commission; // includes the delegators' part when the pool has no stake
        uint256 toDelegators;
        uint256 rewardPerStake; // the accumulator after the distribution
        uint256 rewardRemainder; // the scaled remainder after the distribution (unset when reward is 0)
    }

    /// @dev Takes tokens that arrived at the vault since the last call into account and splits them.
    function _distribute(Pool storage p, address pool) private returns (uint256 reward) {
        Distribution memory d = _computeDistribution(p, pool);
        reward = d.reward;
        if (reward == 0) return 0;
        p.rewardPerStake = uint160(d.rewardPerStake); // capped at 2^160-1 by _computeDistribution
        p.rewardRemainder = d.rewardRemainder;
        p.commissionOwed += uint128(d.commission); // <= reward <= 2^96-1
        p.protocolFeesOwed += uint128(d.protocolFee);
        p.accounted += uint96(reward); // accounted + reward <= 2^96-1 by _computeDistribution
        emit RewardsDistributed(pool, reward, d.protocolFee, d.commission, d.toDelegators);
    }

    /// @dev The split `_distribute` applies, without writing: shared with the `getRewards` view.
    function _computeDistribution(Pool storage p, address pool) private view returns (Distribution memory d) {
        d.rewardPerStake = p.rewardPerStake;
        uint256 accounted = p.accounted;
        uint256 balance = token.balanceOf(pool);
        if (balance <= accounted) return d; // nothing arrived: d.rewardRemainder is not read (gas savings)
        d.rewardRemainder = p.rewardRemainder;
        uint256 reward = balance - accounted;
        // what does not fit the packed counters (beside the room pending transfers reserved) stays in the vault for a
        // later distribution
        uint256 room = type(uint96).max - accounted - p.pendingStake;
        if (reward > room) reward = room;
        d.reward = reward;
        d.protocolFee = (reward * protocolFeeRate) / PPM;
        d.commission = ((reward - d.protocolFee) * p.commissionRate) / PPM;
        d.toDelegators = reward - d.protocolFee - d.commission;
        uint256 total = p.totalStake;
        if (total == 0) {
            // nobody to share with: the operator keeps it, and the event reports it as commission, not twice
            d.commission += d.toDelegators;
            d.toDelegators = 0;
        } else if (d.toDelegators != 0) {
            uint256 scaled = d.toDelegators * REWARD_PRECISION + d.rewardRemainder;
            uint256 increase = scaled / total;
            // a tiny pool flooded with rewards could overflow the packed accumulator: what does not fit waits
            uint256 headroom = type(uint160).max - d.rewardPerStake;
            if (increase > headroom) increase = headroom;
            d.rewardPerStake += increase;
            d.rewardRemainder = scaled - increase * total;
        }
    }

    /// @dev The whole wei a delegation earned since it was last settled. The sub-wei fraction goes back into the
    /// pool's remainder, to be shared with the next reward. The caller must store the new `rewardPerStakePaid`.
    function _settle(Pool storage p, Delegation storage d, uint256 stake) private returns (uint256 owed) {
        if (stake == 0) return 0;
        uint256 accrued = stake * (p.rewardPerStake - d.rewardPerStakePaid);
        owed = accrued / REWARD_PRECISION;
        uint256 dust = accrued - owed * REWARD_PRECISION;
        if (dust != 0) p.rewardRemainder += dust;
    }

    /// @dev Writes a delegation in one SSTORE; an emptied one is deleted for the gas refund.
    function _storeDelegation(address pool, address delegator, uint256 stake, uint160 rewardPerStake) private {
        if (stake == 0) {
            delete _delegations[pool][delegator];
        } else {
            _delegations[pool][delegator] = Delegation(uint96(stake), rewardPerStake);
        }
    }

    function _payRewards(address pool, address to, uint256 amount) private {
        if (amount == 0) return;
        emit RewardsWithdrawn(pool, to, amount);
        PoolVault(pool).pay(to, amount);
    }

    function _existingPool(address pool) private view returns (Pool storage p) {
        p = _pools[pool];
        if (p.operator == address(0)) revert PoolRegistryUnknownPool(pool);
    }

    function _operatedPool(address pool) private view returns (Pool storage p) {
        p = _existingPool(pool);
        if (msg.sender != p.operator) revert PoolRegistryNotOperator(pool, msg.sender);
    }

    /// @dev id = nonce << 192 | pool index << 160 | delegator: unique per pool and readable without storage.
    function _undelegationId(address delegator, uint256 index, uint256 nonce) private pure returns (uint256) {
        return (nonce << 192) | (index << 160) | uint256(uint160(delegator));
    }

    /// @dev id = nonce << 224 | toPool index << 192 | fromPool index << 160 | delegator, the nonce counting from 1 per
    /// fromPool: unique, readable without storage, and never equal to an undelegation id (whose top 32 bits are 0).
    function _transferId(
        address delegator,
        uint256 fromIndex,
        uint256 toIndex,
        uint256 nonce
    ) private pure returns (uint256) {
        return (nonce << 224) | (toIndex << 192) | (fromIndex << 160) | uint256(uint160(delegator));
    }
}
