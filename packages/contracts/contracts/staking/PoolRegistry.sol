// SPDX-License-Identifier: MIT
pragma solidity 0.8.30;

import {Ownable2StepUpgradeable} from "@openzeppelin/contracts-upgradeable/access/Ownable2StepUpgradeable.sol";
import {OwnableUpgradeable} from "@openzeppelin/contracts-upgradeable/access/OwnableUpgradeable.sol";
import {UUPSUpgradeable} from "@openzeppelin/contracts-upgradeable/proxy/utils/UUPSUpgradeable.sol";
import {IERC20} from "@openzeppelin/contracts/token/ERC20/IERC20.sol";
import {SafeERC20} from "@openzeppelin/contracts/token/ERC20/utils/SafeERC20.sol";
import {SafeCast} from "@openzeppelin/contracts/utils/math/SafeCast.sol";
import {IERC677Receiver} from "../interfaces/IERC677.sol";
import {IPoolRegistry} from "../interfaces/IPoolRegistry.sol";
import {PoolRegistryBase} from "./PoolRegistryBase.sol";
import {PoolRegistryExtension} from "./PoolRegistryExtension.sol";
import {PoolVault} from "./PoolVault.sol";

/// @title PoolRegistry: pools, delegations and O(1) reward sharing for oracle-node staking pools.
/// @notice Each reward that reaches a pool's vault is split into a protocol fee, the operator's commission, and the
/// rest pro rata to stake (D = S/T·O) through a reward-per-stake accumulator: no loop over delegators anywhere.
/// Upgradeable (UUPS behind an ERC-1967 proxy, state in ERC-7201 namespaced storage), but only by governance that is a
/// timelock longer than the thawing period, so every delegator can leave before an upgrade or a parameter change takes
/// effect. The rarely used paths live in `PoolRegistryExtension`, which this contract reaches by delegatecall.
/// @dev Rounding: the accumulator keeps the scaled remainder of every division (`rewardRemainder`) and every
/// sub-wei fraction a delegator could not be paid goes back into it, so no wei is ever lost. Each delegator's share of
/// a reward is at most 1 wei below the exact one; those fractions are shared out with the next reward among whoever is
/// staked then, so a share of a later reward can be up to 1 wei above its exact value.
contract PoolRegistry is IPoolRegistry, PoolRegistryBase, IERC677Receiver, Ownable2StepUpgradeable, UUPSUpgradeable {
    using SafeERC20 for IERC20;
    using SafeCast for uint256;

    /// @notice Where the rarely used paths run (by delegatecall, on this registry's storage).
    address public immutable extension;

    /// @notice Sets what every proxy of this implementation shares: the token and the periods; deploys the extension
    /// with the same values. The implementation itself can never be initialized.
    /// @param token_ the stake and reward token
    /// @param thawingPeriod_ seconds an undelegation thaws
    /// @param transferLockoutPeriod_ seconds a transfer between pools waits; shorter than `thawingPeriod_`
    constructor(
        IERC20 token_,
        uint256 thawingPeriod_,
        uint256 transferLockoutPeriod_
    ) PoolRegistryBase(token_, thawingPeriod_, transferLockoutPeriod_) {
        extension = address(new PoolRegistryExtension(token_, thawingPeriod_, transferLockoutPeriod_));
        _disableInitializers();
    }

    /// @notice Sets a new proxy's parameters and governance. Runs once, through the proxy.
    /// @param minSelfStake_ operator self-stake below which a pool is broken
    /// @param protocolFeeRate_ protocol fee in ppm, at most MAX_PROTOCOL_FEE_RATE
    /// @param feeRecipient_ where protocol fees go
    /// @param owner_ governance: a timelock whose delay is longer than the thawing period
    function initialize(
        uint256 minSelfStake_,
        uint256 protocolFeeRate_,
        address feeRecipient_,
        address owner_
    ) external initializer {
        if (feeRecipient_ == address(0)) revert PoolRegistryZeroAddress();
        if (protocolFeeRate_ > MAX_PROTOCOL_FEE_RATE) {
            revert PoolRegistryRateTooHigh(protocolFeeRate_, MAX_PROTOCOL_FEE_RATE);
        }
        _checkTimelock(owner_);
        __Ownable_init(owner_);
        RegistryStorage storage $ = _registry();
        $.minSelfStake = minSelfStake_;
        $.protocolFeeRate = protocolFeeRate_;
        $.feeRecipient = feeRecipient_;
        $.maxCommissionIncrease = 100_000;
        // the initial parameters are logged like any later change, so logs alone rebuild the registry
        emit MinSelfStakeChanged(minSelfStake_);
        emit ProtocolFeeRateChanged(protocolFeeRate_);
        emit FeeRecipientChanged(feeRecipient_);
        emit MaxCommissionIncreaseChanged(100_000);
    }

    /// @dev Upgrades are governance actions, so they wait out the timelock; the new implementation must keep the token.
    function _authorizeUpgrade(address newImplementation) internal view override {
        _checkGovernance();
        if (PoolRegistryBase(newImplementation).token() != token) {
            revert PoolRegistryIncompatibleUpgrade(newImplementation);
        }
    }

    /// @notice Offers ownership (governance) to `newOwner`, who must accept it. Like every governance action it needs
    /// the current owner to be a timelock longer than the thawing period (so the offer itself waits it out): an owner
    /// that is not one, or no longer is, can hand nothing on, and the registry keeps no working governance. Only a
    /// timelock longer than the thawing period can govern, so an offer to anything else freezes governance too.
    function transferOwnership(address newOwner) public override(OwnableUpgradeable, Ownable2StepUpgradeable) {
        _checkGovernance();
        Ownable2StepUpgradeable.transferOwnership(newOwner);
    }

    function _transferOwnership(address newOwner) internal override(OwnableUpgradeable, Ownable2StepUpgradeable) {
        Ownable2StepUpgradeable._transferOwnership(newOwner);
    }

    /// @dev Runs the current call in the extension, on this storage, and returns or reverts with its result.
    function _forward() private {
        address target = extension;
        assembly {
            calldatacopy(0, 0, calldatasize())
            let ok := delegatecall(gas(), target, 0, calldatasize(), 0, 0)
            returndatacopy(0, 0, returndatasize())
            if iszero(ok) {
                revert(0, returndatasize())
            }
            return(0, returndatasize())
        }
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
        Delegation storage d = _registry().delegations[pool][msg.sender];
        uint256 stake = d.stake;
        if (amount > stake) revert PoolRegistryInsufficientStake(pool, msg.sender, stake, amount);
        if (msg.sender == p.operator) _checkPenaltyBacking(p, pool, stake - amount);

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
        _registry().undelegations[id] = Pending(uint96(amount), uint96(fee), releaseAt.toUint64());
        emit Undelegated(id, pool, msg.sender, amount, fee, releaseAt);
        _payRewards(pool, msg.sender, owed);
    }

    /// @inheritdoc IPoolRegistry
    function finalizeUndelegate(uint256 id) external nonReentrant {
        Pending memory u = _registry().undelegations[id];
        if (u.amount == 0) revert PoolRegistryUnknownUndelegation(id);
        if (block.timestamp < u.releaseAt) revert PoolRegistryUndelegationNotDue(id, u.releaseAt);
        _finalizeUndelegation(id, u);
    }

    /// @inheritdoc IPoolRegistry
    function finalizeUndelegations(uint256[] calldata ids) external nonReentrant returns (uint256 finalized) {
        for (uint256 i = 0; i < ids.length; ++i) {
            uint256 id = ids[i];
            Pending memory u = _registry().undelegations[id];
            if (u.amount == 0 || block.timestamp < u.releaseAt) continue; // skipped, not reverted: others may be due
            _finalizeUndelegation(id, u);
            ++finalized;
        }
    }

    /// @dev Pays a due undelegation `u` (read from storage by the caller) and forgets it.
    function _finalizeUndelegation(uint256 id, Pending memory u) private {
        delete _registry().undelegations[id];
        address delegator = address(uint160(id));
        address pool = _registry().poolList[uint32(id >> 160)];
        unchecked {
            // the thawing tokens were counted in `accounted` when delegated and never released since
            _registry().pools[pool].accounted -= u.amount;
        }
        uint256 paid = u.amount - u.fee;
        emit UndelegationFinalized(id, pool, delegator, u.amount, u.fee, msg.sender);
        PoolVault vault = PoolVault(pool);
        if (paid != 0) vault.pay(delegator, paid);
        if (u.fee != 0) vault.pay(msg.sender, u.fee);
    }

    /// @inheritdoc IPoolRegistry
    function withdrawRewards(address pool) external nonReentrant returns (uint256 amount) {
        Pool storage p = _existingPool(pool);
        _distribute(p, pool);
        Delegation storage d = _registry().delegations[pool][msg.sender];
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
    function distributeRewards(address pool) external nonReentrant returns (uint256 reward) {
        return _distribute(_existingPool(pool), pool);
    }

    // ------------------------------------------------------------------ run by the extension (see there)

    /// @inheritdoc IPoolRegistry
    function registerPool(address, uint256, string calldata, bytes32) external returns (address pool) {
        pool; // named for the ABI; the extension's return data is returned as it is
        _forward();
    }

    /// @inheritdoc IPoolRegistry
    function setStakingLimit(address, uint256) external {
        _forward();
    }

    /// @inheritdoc IPoolRegistry
    function enablePool(address) external {
        _forward();
    }

    /// @inheritdoc IPoolRegistry
    function disablePool(address) external {
        _forward();
    }

    /// @inheritdoc IPoolRegistry
    function retirePool(address) external {
        _forward();
    }

    /// @inheritdoc IPoolRegistry
    function updateMetaData(address, string calldata, bytes32) external {
        _forward();
    }

    /// @inheritdoc IPoolRegistry
    function setPoolPrivate(address, bool) external {
        _forward();
    }

    /// @inheritdoc IPoolRegistry
    function setDelegatorAllowed(address, address, bool) external {
        _forward();
    }

    /// @inheritdoc IPoolRegistry
    function withdrawProtocolFees(address) external returns (uint256 amount) {
        amount; // named for the ABI; the extension's return data is returned as it is
        _forward();
    }

    /// @inheritdoc IPoolRegistry
    function transferDelegation(address, address, uint256, uint256) external returns (uint256 id) {
        id; // named for the ABI; the extension's return data is returned as it is
        _forward();
    }

    /// @inheritdoc IPoolRegistry
    function finalizeTransfer(uint256) external {
        _forward();
    }

    /// @inheritdoc IPoolRegistry
    function finalizeTransfers(uint256[] calldata) external returns (uint256 finalized) {
        finalized; // named for the ABI; the extension's return data is returned as it is
        _forward();
    }

    /// @inheritdoc IPoolRegistry
    function redelegateRewards(address) external returns (uint256 amount) {
        amount; // named for the ABI; the extension's return data is returned as it is
        _forward();
    }

    /// @inheritdoc IPoolRegistry
    function enableAutoRewardsDelegation(address, uint256) external {
        _forward();
    }

    /// @inheritdoc IPoolRegistry
    function disableAutoRewardsDelegation(address) external {
        _forward();
    }

    /// @inheritdoc IPoolRegistry
    function disableAutoRewardsDedelegation(address) external {
        _forward();
    }

    /// @inheritdoc IPoolRegistry
    function autoDelegateRewards(address, address) external returns (uint256 amount, uint256 fee) {
        amount;
        fee; // named for the ABI; the extension's return data is returned as it is
        _forward();
    }

    /// @inheritdoc IPoolRegistry
    function requestCommissionRateChange(address, uint256) external returns (uint256 id) {
        id; // named for the ABI; the extension's return data is returned as it is
        _forward();
    }

    /// @inheritdoc IPoolRegistry
    function finalizeCommissionRateChange(uint256) external {
        _forward();
    }

    /// @inheritdoc IPoolRegistry
    function lockPenalty(address, address, uint256) external {
        _forward();
    }

    /// @inheritdoc IPoolRegistry
    function returnPenalty(address, uint256) external {
        _forward();
    }

    /// @inheritdoc IPoolRegistry
    function writeOffPenalty(address, uint256) external {
        _forward();
    }

    /// @inheritdoc IPoolRegistry
    function bindOracle(address) external {
        _forward();
    }

    /// @inheritdoc IPoolRegistry
    function acceptOracleAdmin(address, address) external {
        _forward();
    }

    /// @inheritdoc IPoolRegistry
    function collectOraclePayment(address, address) external returns (uint256 amount) {
        amount; // named for the ABI; the extension's return data is returned as it is
        _forward();
    }

    /// @notice Sets the protocol fee on rewards distributed from now on.
    /// @dev Requirements: governance (a timelock longer than the thawing period); `rate` <= MAX_PROTOCOL_FEE_RATE.
    function setProtocolFeeRate(uint256) external {
        _forward();
    }

    /// @notice Sets where protocol fees are paid. Requirements: governance; the recipient is not zero.
    function setFeeRecipient(address) external {
        _forward();
    }

    /// @notice Sets the operator self-stake below which pools are broken. Requirements: governance.
    function setMinSelfStake(uint256) external {
        _forward();
    }

    /// @notice Sets the most one commission rate change may raise a pool's rate, in ppm points.
    /// @dev Requirements: governance; at most PPM.
    function setMaxCommissionIncrease(uint256) external {
        _forward();
    }

    /// @notice Adds a contract that takes penalty deposits to the public whitelist.
    /// @dev Requirements: governance; the target has code and is neither the token, the registry nor a pool.
    function addPenaltyContract(address) external {
        _forward();
    }

    /// @notice Removes a contract from the penalty whitelist. Requirements: governance; it is listed.
    function removePenaltyContract(address) external {
        _forward();
    }

    // ------------------------------------------------------------------ getters

    /// @notice Operator self-stake below which a pool is broken.
    function minSelfStake() external view returns (uint256) {
        return _registry().minSelfStake;
    }

    /// @notice Share of every reward taken as the protocol fee, in ppm.
    function protocolFeeRate() external view returns (uint256) {
        return _registry().protocolFeeRate;
    }

    /// @notice Where protocol fees are paid (the owners' contract).
    function feeRecipient() external view returns (address) {
        return _registry().feeRecipient;
    }

    /// @notice The most one commission rate change may raise a pool's rate, in ppm points.
    function maxCommissionIncrease() external view returns (uint256) {
        return _registry().maxCommissionIncrease;
    }

    /// @inheritdoc IPoolRegistry
    function getPenaltyContracts() external view returns (address[] memory targets) {
        return _registry().penaltyContracts;
    }

    /// @inheritdoc IPoolRegistry
    function isPenaltyContract(address target) external view returns (bool listed) {
        return _registry().penaltyContractPosition[target] != 0;
    }

    /// @inheritdoc IPoolRegistry
    function getOraclePool(address oracle) external view returns (address pool) {
        return _registry().oraclePools[oracle];
    }

    /// @inheritdoc IPoolRegistry
    function getLockedInPenalties(address pool) external view returns (uint256 locked) {
        return _existingPool(pool).lockedInPenalties;
    }

    /// @inheritdoc IPoolRegistry
    function getPoolInfo(address pool) external view returns (PoolInfo memory info) {
        Pool storage p = _existingPool(pool);
        uint256 selfStake = _registry().delegations[pool][p.operator].stake;
        bool satisfied = selfStake >= _registry().minSelfStake;
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
        return _registry().delegations[pool][delegator].stake;
    }

    /// @inheritdoc IPoolRegistry
    function getRewards(address pool, address delegator) external view returns (uint256 rewards) {
        Pool storage p = _existingPool(pool);
        Distribution memory next = _computeDistribution(p, pool);
        Delegation storage d = _registry().delegations[pool][delegator];
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
        Pending memory u = _registry().undelegations[id];
        if (u.amount == 0) revert PoolRegistryUnknownUndelegation(id);
        return
            Undelegation(_registry().poolList[uint32(id >> 160)], address(uint160(id)), u.amount, u.fee, u.releaseAt);
    }

    /// @inheritdoc IPoolRegistry
    function getTransfer(uint256 id) external view returns (Transfer memory transfer) {
        Pending memory t = _registry().transfers[id];
        if (t.amount == 0) revert PoolRegistryUnknownTransfer(id);
        return
            Transfer(
                _registry().poolList[uint32(id >> 160)],
                _registry().poolList[uint32(id >> 192)],
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
        AutoDelegation memory setting = _registry().autoDelegations[pool][delegator];
        return (setting.enabled, setting.feePercentage);
    }

    /// @inheritdoc IPoolRegistry
    function isDelegatorAllowed(address pool, address delegator) external view returns (bool allowed) {
        Pool storage p = _existingPool(pool);
        return !p.isPrivate || delegator == p.operator || _registry().allowList[pool][delegator];
    }

    /// @inheritdoc IPoolRegistry
    function getPoolCount() external view returns (uint256 count) {
        return _registry().poolList.length;
    }

    /// @inheritdoc IPoolRegistry
    function getPools(uint256 offset, uint256 limit) external view returns (address[] memory pools) {
        uint256 length = _registry().poolList.length;
        if (offset >= length) return new address[](0);
        uint256 end = length - offset < limit ? length : offset + limit;
        pools = new address[](end - offset);
        for (uint256 i = offset; i < end; ++i) {
            pools[i - offset] = _registry().poolList[i];
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
        return (p.accounted, p.rewardPerStake, p.rewardRemainder + p.rewardDust, p.commissionOwed, p.protocolFeesOwed);
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
        Delegation storage d = _registry().delegations[pool][delegator];
        uint256 stake = d.stake;
        uint256 owed = _settle(p, d, stake);
        uint256 accounted = uint256(p.accounted) + amount - owed;
        uint256 reserved = _reserved(p); // pending stake and locked penalties: they come back into `accounted`
        if (accounted + reserved > type(uint96).max) revert PoolRegistryVaultFull(pool, p.accounted + reserved, amount);

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

    /// @dev id = nonce << 192 | pool index << 160 | delegator: unique per pool and readable without storage.
    function _undelegationId(address delegator, uint256 index, uint256 nonce) private pure returns (uint256) {
        return (nonce << 192) | (index << 160) | uint256(uint160(delegator));
    }
}
