// SPDX-License-Identifier: MIT
pragma solidity 0.8.30;

import {IERC20} from "@openzeppelin/contracts/token/ERC20/IERC20.sol";
import {SafeERC20} from "@openzeppelin/contracts/token/ERC20/utils/SafeERC20.sol";
import {SafeCast} from "@openzeppelin/contracts/utils/math/SafeCast.sol";
import {IOracleAggregator} from "../interfaces/IOracleAggregator.sol";
import {PoolRegistryBase} from "./PoolRegistryBase.sol";
import {PoolVault} from "./PoolVault.sol";

/// @title PoolRegistryExtension: the registry's rarely used paths, run by delegatecall from `PoolRegistry`.
/// @notice Transfers between pools, auto-redelegation, commission changes, penalties and governance. It has no state
/// of its own: `PoolRegistry` forwards these calls to it unchanged and it acts on the registry's storage. Called
/// directly, it sees an empty registry (no pools, no owner), so it can do nothing.
/// @dev Deployed by the `PoolRegistry` implementation's constructor with the same immutables, so the two halves
/// cannot disagree about the token or the periods.
contract PoolRegistryExtension is PoolRegistryBase {
    using SafeCast for uint256;
    using SafeERC20 for IERC20;

    /// @dev This contract's own address: code running at any other address runs by delegatecall, for the registry.
    address private immutable _self = address(this);

    constructor(
        IERC20 token_,
        uint256 thawingPeriod_,
        uint256 transferLockoutPeriod_
    ) PoolRegistryBase(token_, thawingPeriod_, transferLockoutPeriod_) {}

    // ------------------------------------------------------------------ pools

    /// @notice See IPoolRegistry.
    function registerPool(
        address signingAddress,
        uint256 commissionRate,
        string calldata metaDataUrl,
        bytes32 metaDataContentHash
    ) external returns (address pool) {
        // called directly, this would start a second, unrelated registry here: pools exist only in the real one
        if (address(this) == _self) revert PoolRegistryExtensionCalledDirectly();
        if (signingAddress == address(0)) revert PoolRegistryZeroAddress();
        if (commissionRate > PPM) revert PoolRegistryRateTooHigh(commissionRate, PPM);
        uint256 index = _registry().poolList.length;
        if (index > type(uint32).max) revert PoolRegistryTooManyPools();

        pool = address(new PoolVault(token));
        Pool storage p = _registry().pools[pool];
        p.operator = msg.sender;
        p.commissionRate = uint32(commissionRate);
        p.index = uint32(index);
        p.enabled = true;
        p.signingAddress = signingAddress;
        p.stakingLimit = type(uint96).max;
        p.registeredAt = uint64(block.timestamp);
        p.metaDataUrl = metaDataUrl;
        p.metaDataContentHash = metaDataContentHash;
        _registry().poolList.push(pool);
        emit PoolRegistered(pool, msg.sender, signingAddress, commissionRate, metaDataUrl, metaDataContentHash);
    }

    /// @notice See IPoolRegistry.
    function setStakingLimit(address pool, uint256 stakingLimit) external {
        Pool storage p = _operatedPool(pool);
        if (stakingLimit > type(uint96).max) revert PoolRegistryLimitTooLarge(stakingLimit, type(uint96).max);
        uint256 committed = uint256(p.totalStake) + p.pendingStake; // the room of pending transfers stays reserved
        if (stakingLimit < committed) revert PoolRegistryLimitBelowStake(pool, stakingLimit, committed);
        p.stakingLimit = uint96(stakingLimit);
        emit StakingLimitChanged(pool, stakingLimit);
    }

    /// @notice See IPoolRegistry.
    function enablePool(address pool) external {
        Pool storage p = _operatedPool(pool);
        if (p.retired) revert PoolRegistryPoolRetired(pool);
        p.enabled = true;
        emit PoolEnabled(pool);
    }

    /// @notice See IPoolRegistry.
    function disablePool(address pool) external {
        _operatedPool(pool).enabled = false;
        emit PoolDisabled(pool);
    }

    /// @notice See IPoolRegistry.
    function retirePool(address pool) external {
        Pool storage p = _operatedPool(pool);
        if (p.retired) revert PoolRegistryPoolRetired(pool);
        p.retired = true;
        p.enabled = false;
        emit PoolRetired(pool);
    }

    /// @notice See IPoolRegistry.
    function updateMetaData(address pool, string calldata metaDataUrl, bytes32 metaDataContentHash) external {
        Pool storage p = _operatedPool(pool);
        p.metaDataUrl = metaDataUrl;
        p.metaDataContentHash = metaDataContentHash;
        emit MetaDataUpdated(pool, metaDataUrl, metaDataContentHash);
    }

    /// @notice See IPoolRegistry.
    function setPoolPrivate(address pool, bool isPrivate) external {
        _operatedPool(pool).isPrivate = isPrivate;
        emit PoolPrivacyChanged(pool, isPrivate);
    }

    /// @notice See IPoolRegistry.
    function setDelegatorAllowed(address pool, address delegator, bool allowed) external {
        _operatedPool(pool);
        if (delegator == address(0)) revert PoolRegistryZeroAddress();
        _registry().allowList[pool][delegator] = allowed;
        emit DelegatorAllowListUpdated(pool, delegator, allowed);
    }

    // ------------------------------------------------------------------ protocol fees

    /// @notice See IPoolRegistry.
    function withdrawProtocolFees(address pool) external nonReentrant returns (uint256 amount) {
        Pool storage p = _existingPool(pool);
        _distribute(p, pool);
        amount = p.protocolFeesOwed;
        if (amount == 0) revert PoolRegistryNothingToWithdraw(pool, _registry().feeRecipient);
        p.protocolFeesOwed = 0;
        unchecked {
            p.accounted -= uint96(amount);
        }
        address recipient = _registry().feeRecipient;
        emit ProtocolFeesWithdrawn(pool, recipient, amount);
        PoolVault(pool).pay(recipient, amount);
    }

    // ------------------------------------------------------------------ oracle payments

    /// @notice See IPoolRegistry.
    function bindOracle(address pool) external {
        Pool storage p = _existingPool(pool);
        if (msg.sender != p.signingAddress) revert PoolRegistryNotSigningAddress(pool, msg.sender);
        RegistryStorage storage $ = _registry();
        address bound = $.oraclePools[msg.sender];
        if (bound != address(0)) revert PoolRegistryOracleAlreadyBound(msg.sender, bound);
        $.oraclePools[msg.sender] = pool;
        emit OracleBound(msg.sender, pool);
    }

    /// @notice See IPoolRegistry.
    function acceptOracleAdmin(address aggregator, address oracle) external nonReentrant {
        if (_registry().oraclePools[oracle] == address(0)) revert PoolRegistryOracleNotBound(oracle);
        IOracleAggregator(aggregator).acceptAdmin(oracle);
    }

    /// @notice See IPoolRegistry.
    function collectOraclePayment(address aggregator, address oracle) external nonReentrant returns (uint256 amount) {
        address pool = _registry().oraclePools[oracle];
        if (pool == address(0)) revert PoolRegistryOracleNotBound(oracle);
        amount = IOracleAggregator(aggregator).withdrawablePayment(oracle);
        if (amount == 0) revert PoolRegistryNothingToWithdraw(pool, oracle);
        IOracleAggregator(aggregator).withdrawPayment(oracle, pool, amount);
        emit OraclePaymentCollected(pool, aggregator, oracle, amount);
        // whatever the aggregator really paid (in the stake token) is what arrives; it is a reward like any other
        _distribute(_registry().pools[pool], pool);
    }

    // ------------------------------------------------------------------ governance

    // ------------------------------------------------------------------ transfers between pools

    /// @notice See IPoolRegistry.
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
        Delegation storage d = _registry().delegations[fromPool][msg.sender];
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
        _registry().transfers[id] = Pending(uint96(amount), uint96(fee), releaseAt.toUint64());
        emit DelegationTransferred(id, fromPool, toPool, msg.sender, amount, fee, releaseAt);
        _payRewards(fromPool, msg.sender, owed);
    }

    /// @notice See IPoolRegistry.
    function finalizeTransfer(uint256 id) external nonReentrant {
        Pending memory t = _registry().transfers[id];
        if (t.amount == 0) revert PoolRegistryUnknownTransfer(id);
        if (block.timestamp < t.releaseAt) revert PoolRegistryTransferNotDue(id, t.releaseAt);
        _finalizeTransfer(id, t);
    }

    /// @notice See IPoolRegistry.
    function finalizeTransfers(uint256[] calldata ids) external nonReentrant returns (uint256 finalized) {
        for (uint256 i = 0; i < ids.length; ++i) {
            uint256 id = ids[i];
            Pending memory t = _registry().transfers[id];
            if (t.amount == 0 || block.timestamp < t.releaseAt) continue; // skipped, not reverted: others may be due
            _finalizeTransfer(id, t);
            ++finalized;
        }
    }

    /// @dev Refuses a transfer of `landing` stake into `toPool` that it would not take as a delegation now, and
    /// reserves its room: under the staking limit, and in the vault's packed counters.
    function _reserveRoom(Pool storage to, address toPool, address delegator, uint256 landing) internal {
        _checkAccepts(to, toPool, delegator);
        uint256 committed = uint256(to.totalStake) + to.pendingStake;
        if (committed + landing > to.stakingLimit) {
            revert PoolRegistryStakingLimitExceeded(toPool, committed, to.stakingLimit, landing);
        }
        uint256 accounted = uint256(to.accounted) + _reserved(to);
        if (accounted + landing > type(uint96).max) revert PoolRegistryVaultFull(toPool, accounted, landing);
        to.pendingStake += uint96(landing); // <= stakingLimit <= 2^96-1, checked above
    }

    /// @dev Lands a due transfer `t` (read from storage by the caller) in its pool and forgets it. Whatever the pool
    /// became since (disabled, retired, broken, internal), it lands: its room was reserved, and the delegator can
    /// leave any pool, so no token is ever stuck in transit.
    function _finalizeTransfer(uint256 id, Pending memory t) internal {
        delete _registry().transfers[id];
        address delegator = address(uint160(id));
        address fromPool = _registry().poolList[uint32(id >> 160)];
        address toPool = _registry().poolList[uint32(id >> 192)];
        unchecked {
            // the transferring tokens were counted in `accounted` when delegated and never released since
            _registry().pools[fromPool].accounted -= t.amount;
        }
        Pool storage to = _registry().pools[toPool];
        _distribute(to, toPool); // before the tokens arrive: they are stake, not a reward
        uint256 landing = t.amount - t.fee;
        Delegation storage d = _registry().delegations[toPool][delegator];
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

    // ------------------------------------------------------------------ rewards redelegation

    /// @notice See IPoolRegistry.
    function redelegateRewards(address pool) external nonReentrant returns (uint256 amount) {
        (amount, ) = _redelegate(pool, msg.sender, 0);
        emit RewardsRedelegated(pool, msg.sender, amount);
    }

    // ------------------------------------------------------------------ auto-redelegation

    /// @notice See IPoolRegistry.
    function enableAutoRewardsDelegation(address pool, uint256 feePercentage) external {
        _existingPool(pool);
        if (feePercentage > PPM) revert PoolRegistryRateTooHigh(feePercentage, PPM);
        if (_registry().delegations[pool][msg.sender].stake == 0)
            revert PoolRegistryAutoDelegationWithoutStake(pool, msg.sender);
        _registry().autoDelegations[pool][msg.sender] = AutoDelegation(true, uint32(feePercentage));
        emit AutoRewardsDelegationEnabled(pool, msg.sender, feePercentage);
    }

    /// @notice See IPoolRegistry.
    function disableAutoRewardsDelegation(address pool) external {
        _disableAutoRewardsDelegation(pool);
    }

    /// @notice See IPoolRegistry.
    function disableAutoRewardsDedelegation(address pool) external {
        _disableAutoRewardsDelegation(pool);
    }

    function _disableAutoRewardsDelegation(address pool) internal {
        _existingPool(pool);
        if (!_registry().autoDelegations[pool][msg.sender].enabled)
            revert PoolRegistryAutoDelegationNotEnabled(pool, msg.sender);
        delete _registry().autoDelegations[pool][msg.sender];
        emit AutoRewardsDelegationDisabled(pool, msg.sender);
    }

    /// @notice See IPoolRegistry.
    function autoDelegateRewards(
        address pool,
        address delegator
    ) external nonReentrant returns (uint256 amount, uint256 fee) {
        _existingPool(pool);
        AutoDelegation memory setting = _registry().autoDelegations[pool][delegator];
        if (!setting.enabled) revert PoolRegistryAutoDelegationNotEnabled(pool, delegator);
        // a delegator who left the pool is not put back in it, not even with an operator's commission
        if (_registry().delegations[pool][delegator].stake == 0) revert PoolRegistryNothingToWithdraw(pool, delegator);
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
    ) internal returns (uint256 amount, uint256 fee) {
        Pool storage p = _existingPool(pool);
        _checkAccepts(p, pool, delegator);
        _distribute(p, pool);
        Delegation storage d = _registry().delegations[pool][delegator];
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

    /// @notice See IPoolRegistry.
    function requestCommissionRateChange(address pool, uint256 newRate) external returns (uint256 id) {
        Pool storage p = _operatedPool(pool);
        if (newRate > PPM) revert PoolRegistryRateTooHigh(newRate, PPM);
        uint256 currentRate = p.commissionRate;
        uint256 maxIncrease = _registry().maxCommissionIncrease;
        if (newRate > currentRate + maxIncrease) {
            revert PoolRegistryCommissionIncreaseTooLarge(pool, currentRate, newRate, maxIncrease);
        }
        PendingCommission storage c = _registry().commissionChanges[pool];
        uint64 nonce = c.nonce + 1;
        uint256 effectiveAt = block.timestamp + thawingPeriod;
        _registry().commissionChanges[pool] = PendingCommission(uint32(newRate), effectiveAt.toUint64(), nonce);
        id = (uint256(nonce) << 160) | uint256(uint160(pool));
        emit CommissionRateChangeRequested(id, pool, newRate, effectiveAt);
    }

    /// @notice See IPoolRegistry.
    function finalizeCommissionRateChange(uint256 id) external nonReentrant {
        address pool = address(uint160(id));
        PendingCommission memory c = _pendingCommission(id);
        Pool storage p = _operatedPool(pool);
        if (block.timestamp < c.effectiveAt) revert PoolRegistryCommissionRateChangeNotDue(id, c.effectiveAt);
        _distribute(p, pool); // what arrived before is split at the old rate
        uint256 oldRate = p.commissionRate;
        p.commissionRate = c.newRate;
        _registry().commissionChanges[pool].effectiveAt = 0;
        emit CommissionRateChanged(pool, oldRate, c.newRate);
    }

    /// @dev The pending change `id` names, or a revert.
    function _pendingCommission(uint256 id) internal view returns (PendingCommission memory c) {
        c = _registry().commissionChanges[address(uint160(id))];
        if (c.effectiveAt == 0 || id >> 160 != c.nonce) revert PoolRegistryUnknownCommissionRateChange(id);
    }

    // ------------------------------------------------------------------ penalties (seed 000 §6.1.3.2)

    /// @notice See IPoolRegistry.
    function lockPenalty(address pool, address target, uint256 amount) external nonReentrant {
        Pool storage p = _operatedPool(pool);
        if (_registry().penaltyContractPosition[target] == 0) revert PoolRegistryNotPenaltyContract(target);
        if (amount == 0) revert PoolRegistryZeroAmount();
        uint256 locked = p.lockedInPenalties;
        uint256 selfStake = _registry().delegations[pool][msg.sender].stake;
        if (locked + amount > selfStake) revert PoolRegistryPenaltyExceedsSelfStake(pool, locked, selfStake, amount);
        unchecked {
            // accounted + locked covers every stake, so accounted >= self-stake - locked >= amount
            p.accounted -= uint96(amount);
            p.lockedInPenalties = uint96(locked + amount); // <= self-stake <= 2^96-1
        }
        emit PenaltyLocked(pool, target, amount);
        PoolVault(pool).pay(target, amount);
    }

    /// @notice See IPoolRegistry.
    function returnPenalty(address pool, uint256 amount) external nonReentrant {
        Pool storage p = _existingPool(pool);
        if (amount == 0) revert PoolRegistryZeroAmount();
        uint256 locked = p.lockedInPenalties;
        if (amount > locked) revert PoolRegistryExceedsLockedPenalties(pool, locked, amount);
        unchecked {
            // accounted + locked never exceeds what accounted was before the penalty left, <= 2^96-1
            p.lockedInPenalties = uint96(locked - amount);
            p.accounted += uint96(amount);
        }
        emit PenaltyReturned(pool, msg.sender, amount);
        token.safeTransferFrom(msg.sender, pool, amount);
    }

    /// @notice See IPoolRegistry.
    function writeOffPenalty(address pool, uint256 amount) external nonReentrant {
        Pool storage p = _operatedPool(pool);
        if (amount == 0) revert PoolRegistryZeroAmount();
        uint256 locked = p.lockedInPenalties;
        if (amount > locked) revert PoolRegistryExceedsLockedPenalties(pool, locked, amount);
        _distribute(p, pool); // the operator's stake changes: rewards that arrived are shared at the old stake
        Delegation storage d = _registry().delegations[pool][msg.sender];
        uint256 stake = d.stake; // >= locked: self-stake never drops below the penalties it backs
        uint256 owed = _settle(p, d, stake);
        unchecked {
            _storeDelegation(pool, msg.sender, stake - amount, p.rewardPerStake);
            p.totalStake -= uint96(amount);
            p.lockedInPenalties = uint96(locked - amount);
            p.accounted -= uint96(owed);
        }
        emit PenaltyWrittenOff(pool, msg.sender, amount);
        _payRewards(pool, msg.sender, owed);
    }

    /// @notice Adds a contract that takes penalty deposits to the public whitelist.
    /// @dev Requirements: governance (a timelock longer than the thawing period); `target` has code and is neither the
    /// token, the registry nor a pool; the list is not full.
    function addPenaltyContract(address target) external {
        _checkGovernance();
        RegistryStorage storage $ = _registry();
        if (
            target.code.length == 0 ||
            target == address(token) ||
            target == address(this) ||
            $.pools[target].operator != address(0)
        ) revert PoolRegistryInvalidPenaltyContract(target);
        if ($.penaltyContractPosition[target] != 0) revert PoolRegistryPenaltyContractListed(target);
        if ($.penaltyContracts.length >= MAX_PENALTY_CONTRACTS) revert PoolRegistryTooManyPenaltyContracts();
        $.penaltyContracts.push(target);
        $.penaltyContractPosition[target] = $.penaltyContracts.length;
        emit PenaltyContractAdded(target);
    }

    /// @notice Removes a contract from the penalty whitelist; penalties already locked in it stay locked.
    /// @dev Requirements: governance; `target` is listed.
    function removePenaltyContract(address target) external {
        _checkGovernance();
        RegistryStorage storage $ = _registry();
        uint256 position = $.penaltyContractPosition[target];
        if (position == 0) revert PoolRegistryNotPenaltyContract(target);
        address last = $.penaltyContracts[$.penaltyContracts.length - 1];
        $.penaltyContracts[position - 1] = last;
        $.penaltyContractPosition[last] = position;
        $.penaltyContracts.pop();
        delete $.penaltyContractPosition[target];
        emit PenaltyContractRemoved(target);
    }

    // ------------------------------------------------------------------ governance

    /// @notice Sets the protocol fee on rewards distributed from now on.
    /// @dev Requirements: the caller is the owner; `rate` <= MAX_PROTOCOL_FEE_RATE.
    function setProtocolFeeRate(uint256 rate) external {
        _checkGovernance();
        if (rate > MAX_PROTOCOL_FEE_RATE) revert PoolRegistryRateTooHigh(rate, MAX_PROTOCOL_FEE_RATE);
        _registry().protocolFeeRate = rate;
        emit ProtocolFeeRateChanged(rate);
    }

    /// @notice Sets where protocol fees are paid. Requirements: the caller is the owner; `recipient` is not zero.
    function setFeeRecipient(address recipient) external {
        _checkGovernance();
        if (recipient == address(0)) revert PoolRegistryZeroAddress();
        _registry().feeRecipient = recipient;
        emit FeeRecipientChanged(recipient);
    }

    /// @notice Sets the operator self-stake below which pools are broken. Requirements: the caller is the owner.
    function setMinSelfStake(uint256 amount) external {
        _checkGovernance();
        _registry().minSelfStake = amount;
        emit MinSelfStakeChanged(amount);
    }

    /// @notice Sets the most one commission rate change may raise a pool's rate, in ppm points.
    /// @dev Requirements: the caller is the owner; `increase` <= PPM.
    function setMaxCommissionIncrease(uint256 increase) external {
        _checkGovernance();
        if (increase > PPM) revert PoolRegistryRateTooHigh(increase, PPM);
        _registry().maxCommissionIncrease = increase;
        emit MaxCommissionIncreaseChanged(increase);
    }

    /// @dev id = nonce << 224 | toPool index << 192 | fromPool index << 160 | delegator, the nonce counting from 1 per
    /// fromPool: unique, readable without storage, and never equal to an undelegation id (whose top 32 bits are 0).
    function _transferId(
        address delegator,
        uint256 fromIndex,
        uint256 toIndex,
        uint256 nonce
    ) internal pure returns (uint256) {
        return (nonce << 224) | (toIndex << 192) | (fromIndex << 160) | uint256(uint160(delegator));
    }
}
