// SPDX-License-Identifier: MIT
pragma solidity 0.8.30;

import {OwnableUpgradeable} from "@openzeppelin/contracts-upgradeable/access/OwnableUpgradeable.sol";
import {IERC20} from "@openzeppelin/contracts/token/ERC20/IERC20.sol";
import {ReentrancyGuardTransient} from "@openzeppelin/contracts/utils/ReentrancyGuardTransient.sol";
import {IPoolRegistryTypes} from "../interfaces/IPoolRegistry.sol";
import {PoolVault} from "./PoolVault.sol";

/// @notice The one thing the registry asks of its governance: how long every action it takes waits.
/// @dev OpenZeppelin's TimelockController answers it.
interface ITimelock {
    function getMinDelay() external view returns (uint256);
}

/// @title PoolRegistryBase: the registry's state and the accounting both of its halves share.
/// @notice The registry runs behind an ERC-1967 proxy in two halves: `PoolRegistry`, which holds every hot path and
/// the upgrade logic, and `PoolRegistryExtension`, which it reaches by delegatecall for rarely used paths (transfers,
/// auto-redelegation, commission changes, penalties and governance), because together they exceed the 24,576-byte
/// contract size limit. Both read and write the same ERC-7201 namespaced storage defined here, so an upgrade replaces
/// code without moving any data.
abstract contract PoolRegistryBase is IPoolRegistryTypes, OwnableUpgradeable, ReentrancyGuardTransient {
    /// @notice 100% in parts per million.
    uint256 public constant PPM = 1_000_000;
    /// @notice The highest protocol fee governance may set: 20%.
    uint256 public constant MAX_PROTOCOL_FEE_RATE = 200_000;
    /// @notice Scale of the reward-per-stake accumulator. A pool of up to 1e27 wei of stake (a billion 18-decimal
    /// tokens, LINK's whole supply) therefore truncates each delegator's share of a reward by less than 1 wei.
    uint256 public constant REWARD_PRECISION = 1e27;
    /// @notice The most penalty contracts the whitelist holds, so that reading it whole stays cheap.
    uint256 public constant MAX_PENALTY_CONTRACTS = 32;

    /// @notice The stake and reward token.
    IERC20 public immutable token;
    /// @notice Seconds an undelegation thaws before it can be finalized.
    uint256 public immutable thawingPeriod;
    /// @notice Seconds a transfer between pools waits before it can be finalized; shorter than `thawingPeriod`.
    uint256 public immutable transferLockoutPeriod;

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
        uint96 accounted; // tokens the vault holds that the registry knows about; the rest is undistributed reward
        uint32 undelegationNonce;
        uint32 transferNonce; // of transfers out of this pool; starts at 1 so transfer ids never equal undelegation ids
        // slot 3: read by every stake change, so keeping the sub-wei fractions of settlements beside it costs a warm
        // write instead of a cold read and write of `rewardRemainder` (gas savings)
        uint160 rewardPerStake; // cumulative reward per unit of stake, times REWARD_PRECISION
        uint96 rewardDust; // scaled sub-wei fractions delegators could not be paid since the last distribution
        // slot 4
        uint256 rewardRemainder; // scaled reward not yet in rewardPerStake (division remainders, overflowing dust)
        // slot 5
        uint128 commissionOwed;
        uint128 protocolFeesOwed;
        // slots 6-7
        bytes32 metaDataContentHash;
        string metaDataUrl;
        // slot 8: read by delegations (the room they may take), written by transfers in and penalty movements
        uint96 lockedInPenalties; // paid into whitelisted penalty contracts and not returned; owed to stakers, so not
        // in `accounted`
        uint96 pendingStake; // transferred in, not landed yet: reserved under the staking limit and in `accounted`
        uint64 registeredAt; // never zero, so the slot never is: a transfer in costs a 2,900-gas write, not 20,000
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

    /// @dev The registry's whole state. Append-only: `npm run build` checks every member against
    /// `storage-layout.json` and fails on any other change.
    /// @custom:storage-location erc7201:poolnet.storage.PoolRegistry
    struct RegistryStorage {
        uint256 minSelfStake;
        uint256 protocolFeeRate;
        address feeRecipient;
        uint256 maxCommissionIncrease;
        mapping(address pool => Pool) pools;
        address[] poolList;
        mapping(address pool => mapping(address delegator => Delegation)) delegations;
        mapping(address pool => mapping(address delegator => bool)) allowList;
        mapping(uint256 id => Pending) undelegations;
        mapping(uint256 id => Pending) transfers;
        mapping(address pool => mapping(address delegator => AutoDelegation)) autoDelegations;
        mapping(address pool => PendingCommission) commissionChanges;
        address[] penaltyContracts;
        mapping(address target => uint256) penaltyContractPosition; // index in penaltyContracts + 1; 0: not listed
        mapping(address oracle => address pool) oraclePools; // where an oracle node's aggregator payments go, for good
    }

    // keccak256(abi.encode(uint256(keccak256("poolnet.storage.PoolRegistry")) - 1)) & ~bytes32(uint256(0xff))
    bytes32 private constant REGISTRY_STORAGE = 0x2b683d8d59306252593bc9aac694635ad1f4f53c56569b9e45a7693b3b434200;

    /// @param token_ the stake and reward token
    /// @param thawingPeriod_ seconds an undelegation thaws
    /// @param transferLockoutPeriod_ seconds a transfer between pools waits; shorter than `thawingPeriod_`, since the
    /// stake stays staked in the network (and it must not be a slower way out than leaving)
    constructor(IERC20 token_, uint256 thawingPeriod_, uint256 transferLockoutPeriod_) {
        if (address(token_) == address(0)) revert PoolRegistryZeroAddress();
        if (transferLockoutPeriod_ >= thawingPeriod_) {
            revert PoolRegistryTransferLockoutTooLong(transferLockoutPeriod_, thawingPeriod_);
        }
        token = token_;
        thawingPeriod = thawingPeriod_;
        transferLockoutPeriod = transferLockoutPeriod_;
    }

    function _registry() internal pure returns (RegistryStorage storage $) {
        assembly {
            $.slot := REGISTRY_STORAGE
        }
    }

    // ------------------------------------------------------------------ governance

    /// @dev Governance is the owner, and only while the owner is a timelock whose delay is longer than the thawing
    /// period: whoever disagrees with a queued change can undelegate and be paid out before it takes effect.
    function _checkGovernance() internal view {
        _checkOwner();
        _checkTimelock(owner());
    }

    /// @dev Refuses `governor` unless it is a contract answering `getMinDelay()` with more than the thawing period.
    function _checkTimelock(address governor) internal view {
        if (governor.code.length == 0) revert PoolRegistryGovernanceNotTimelocked(governor);
        uint256 delay;
        try ITimelock(governor).getMinDelay() returns (uint256 minDelay) {
            delay = minDelay;
        } catch {
            revert PoolRegistryGovernanceNotTimelocked(governor);
        }
        if (delay <= thawingPeriod) revert PoolRegistryGovernanceDelayTooShort(governor, delay, thawingPeriod);
    }

    // ------------------------------------------------------------------ accounting shared by both halves

    /// @dev Refuses a delegation the pool does not take now. The operator may always add self-stake to an enabled
    /// pool, which is how a broken pool is mended.
    function _checkAccepts(Pool storage p, address pool, address delegator) internal view {
        if (!p.enabled) {
            if (p.retired) revert PoolRegistryPoolRetired(pool);
            revert PoolRegistryPoolDisabled(pool);
        }
        address operator = p.operator;
        if (delegator == operator) return;
        RegistryStorage storage $ = _registry();
        if (p.isPrivate && !$.allowList[pool][delegator]) revert PoolRegistryDelegatorNotAllowed(pool, delegator);
        uint256 selfStake = $.delegations[pool][operator].stake;
        uint256 minSelfStake = $.minSelfStake;
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

    /// @dev Takes tokens that arrived at the vault since the last call into account as a reward, and splits it.
    function _distribute(Pool storage p, address pool) internal returns (uint256 reward) {
        Distribution memory d = _computeDistribution(p, pool);
        reward = d.reward;
        if (reward == 0) return 0;
        p.rewardPerStake = uint160(d.rewardPerStake); // capped at 2^160-1 by _computeDistribution
        p.rewardDust = 0; // taken into the remainder by _computeDistribution
        p.rewardRemainder = d.rewardRemainder;
        p.commissionOwed += uint128(d.commission); // <= reward <= 2^96-1
        p.protocolFeesOwed += uint128(d.protocolFee);
        p.accounted += uint96(reward); // accounted + reward <= 2^96-1 by _computeDistribution
        emit RewardsDistributed(pool, reward, d.protocolFee, d.commission, d.toDelegators);
    }

    /// @dev The split `_distribute` applies, without writing: shared with the `getRewards` view.
    function _computeDistribution(Pool storage p, address pool) internal view returns (Distribution memory d) {
        d.rewardPerStake = p.rewardPerStake;
        uint256 accounted = p.accounted;
        uint256 balance = token.balanceOf(pool);
        if (balance <= accounted) return d; // nothing arrived: nothing else is read (gas savings)
        d.rewardRemainder = p.rewardRemainder + p.rewardDust;
        uint256 reward = balance - accounted;
        // what does not fit the packed counters (beside the room pending transfers reserved) stays in the vault for a
        // later distribution
        uint256 room = type(uint96).max - accounted - _reserved(p);
        if (reward > room) reward = room;
        d.reward = reward;
        d.protocolFee = (reward * _registry().protocolFeeRate) / PPM;
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

    /// @dev The whole wei a delegation earned since it was last settled. The sub-wei fraction goes back to the pool
    /// (`rewardDust`), to be shared with the next reward. The caller must store the new `rewardPerStakePaid`.
    function _settle(Pool storage p, Delegation storage d, uint256 stake) internal returns (uint256 owed) {
        if (stake == 0) return 0;
        uint256 accrued = stake * (p.rewardPerStake - d.rewardPerStakePaid);
        owed = accrued / REWARD_PRECISION;
        uint256 dust = accrued - owed * REWARD_PRECISION;
        if (dust != 0) {
            // each fraction is below REWARD_PRECISION, so the packed counter takes ~79 wei of them before it spills
            uint256 kept = p.rewardDust + dust;
            if (kept > type(uint96).max) {
                p.rewardRemainder += kept;
                p.rewardDust = 0;
            } else {
                p.rewardDust = uint96(kept);
            }
        }
    }

    /// @dev Writes a delegation in one SSTORE; an emptied one is deleted for the gas refund.
    function _storeDelegation(address pool, address delegator, uint256 stake, uint160 rewardPerStake) internal {
        if (stake == 0) {
            delete _registry().delegations[pool][delegator];
        } else {
            _registry().delegations[pool][delegator] = Delegation(uint96(stake), rewardPerStake);
        }
    }

    function _payRewards(address pool, address to, uint256 amount) internal {
        if (amount == 0) return;
        emit RewardsWithdrawn(pool, to, amount);
        PoolVault(pool).pay(to, amount);
    }

    /// @dev Vault room `accounted` must leave free: stake pending into the pool by transfer, and penalties that may be
    /// returned. One slot, so one read.
    function _reserved(Pool storage p) internal view returns (uint256) {
        return uint256(p.pendingStake) + p.lockedInPenalties;
    }

    /// @dev Refuses to leave the operator less self-stake than the penalties it backs.
    function _checkPenaltyBacking(Pool storage p, address pool, uint256 selfStakeAfter) internal view {
        uint256 locked = p.lockedInPenalties;
        if (selfStakeAfter < locked) revert PoolRegistryStakeLockedInPenalties(pool, selfStakeAfter, locked);
    }

    function _existingPool(address pool) internal view returns (Pool storage p) {
        p = _registry().pools[pool];
        if (p.operator == address(0)) revert PoolRegistryUnknownPool(pool);
    }

    function _operatedPool(address pool) internal view returns (Pool storage p) {
        p = _existingPool(pool);
        if (msg.sender != p.operator) revert PoolRegistryNotOperator(pool, msg.sender);
    }
}
