// Rebuilds the registry's pools and delegations from its event logs alone: what an indexer folds, block by block.
import { getAddress, parseEventLogs, type Address, type Hex, type Log } from "viem";
import { poolRegistryAbi } from "./generated/contracts.ts";
import type { PoolState } from "./actions/getPoolInfo.ts";

/** One pool as its logs describe it. */
export type PoolFromLogs = {
  pool: Address;
  operator: Address;
  signingAddress: Address;
  commissionRate: number;
  metaDataUrl: string;
  metaDataContentHash: Hex;
  stakingLimit: bigint;
  enabled: boolean;
  retired: boolean;
  isPrivate: boolean;
  allowList: Set<Address>;
  totalStake: bigint;
  /** Stake by delegator; delegators whose stake fell to zero are removed. */
  stakes: Map<Address, bigint>;
  /** Undelegations still thawing, by id. */
  thawing: Map<bigint, { delegator: Address; amount: bigint; fee: bigint; releaseAt: bigint }>;
  /** Transfers out of this pool still in their lockout, by id: their tokens are still in this pool's vault. */
  transfersOut: Map<bigint, { toPool: Address; delegator: Address; amount: bigint; fee: bigint; releaseAt: bigint }>;
  /** Stake transferred into this pool and not landed yet (amounts less fees): `getTotalStake`'s `pending`. */
  pendingStake: bigint;
  /** Delegators who let anyone redelegate their rewards, with the fee (ppm) they pay for it. */
  autoRewardsDelegation: Map<Address, bigint>;
  /** The commission rate change waiting out its lockout, if any (a new request replaces it). */
  commissionRateChange: { id: bigint; newRate: bigint; effectiveAt: bigint } | undefined;
  /** The pool's tokens out in penalty contracts: `getLockedInPenalties`. */
  lockedInPenalties: bigint;
  /** Everything ever distributed to this pool, and what went where. */
  rewardsDistributed: bigint;
  protocolFees: bigint;
  commission: bigint;
};

/** The registry as its logs describe it. */
export type RegistryFromLogs = {
  minSelfStake: bigint;
  protocolFeeRate: bigint;
  maxCommissionIncrease: bigint;
  feeRecipient: Address | undefined;
  /** Pools in registration order. */
  pools: Map<Address, PoolFromLogs>;
};

export function createRegistryFromLogs(): RegistryFromLogs {
  return {
    minSelfStake: 0n,
    protocolFeeRate: 0n,
    maxCommissionIncrease: 0n,
    feeRecipient: undefined,
    pools: new Map(),
  };
}

/** A pool's state as `getPoolInfo` reports it, derived from logs (broken is never logged: it follows from stakes). */
export function poolStateFromLogs(registry: RegistryFromLogs, pool: PoolFromLogs): PoolState {
  if (pool.retired) return "retired";
  if (!pool.enabled) return "disabled";
  return (pool.stakes.get(pool.operator) ?? 0n) >= registry.minSelfStake ? "active" : "broken";
}

/**
 * Applies the registry's logs, in chain order, to `registry` (mutated and returned). Logs from other contracts or
 * of other events are ignored, so a block's whole receipt list can be passed.
 */
export function applyRegistryLogs(registry: RegistryFromLogs, registryAddress: Address, logs: Log[]): RegistryFromLogs {
  const address = getAddress(registryAddress);
  const events = parseEventLogs({ abi: poolRegistryAbi, logs }).filter((log) => getAddress(log.address) === address);
  for (const event of events) {
    if (event.eventName === "MinSelfStakeChanged") {
      registry.minSelfStake = event.args.amount;
    } else if (event.eventName === "ProtocolFeeRateChanged") {
      registry.protocolFeeRate = event.args.rate;
    } else if (event.eventName === "MaxCommissionIncreaseChanged") {
      registry.maxCommissionIncrease = event.args.increase;
    } else if (event.eventName === "FeeRecipientChanged") {
      registry.feeRecipient = event.args.recipient;
    } else if (event.eventName === "PoolRegistered") {
      const { pool, operator, signingAddress, commissionRate, metaDataUrl, metaDataContentHash } = event.args;
      registry.pools.set(pool, {
        pool,
        operator,
        signingAddress,
        commissionRate: Number(commissionRate),
        metaDataUrl,
        metaDataContentHash,
        stakingLimit: 2n ** 96n - 1n,
        enabled: true,
        retired: false,
        isPrivate: false,
        allowList: new Set(),
        totalStake: 0n,
        stakes: new Map(),
        thawing: new Map(),
        transfersOut: new Map(),
        pendingStake: 0n,
        autoRewardsDelegation: new Map(),
        commissionRateChange: undefined,
        lockedInPenalties: 0n,
        rewardsDistributed: 0n,
        protocolFees: 0n,
        commission: 0n,
      });
    } else if (event.eventName === "DelegationTransferred") {
      // the stake leaves the first pool at once (its tokens stay in that vault) and is pending into the second
      const { id, fromPool, toPool, delegator, amount, fee, releaseAt } = event.args;
      const from = poolNamed(registry, fromPool, event.eventName);
      addStake(from, delegator, -amount);
      from.transfersOut.set(id, { toPool, delegator, amount, fee, releaseAt });
      poolNamed(registry, toPool, event.eventName).pendingStake += amount - fee;
    } else if (event.eventName === "TransferFinalized") {
      const { id, fromPool, toPool, delegator, amount, fee } = event.args;
      poolNamed(registry, fromPool, event.eventName).transfersOut.delete(id);
      const to = poolNamed(registry, toPool, event.eventName);
      to.pendingStake -= amount - fee;
      addStake(to, delegator, amount - fee);
    } else if ("pool" in event.args) {
      applyPoolEvent(poolNamed(registry, event.args.pool, event.eventName), event);
    }
  }
  return registry;
}

function poolNamed(registry: RegistryFromLogs, address: Address, eventName: string): PoolFromLogs {
  const pool = registry.pools.get(address);
  if (pool === undefined) throw new Error(`log ${eventName} names pool ${address} before it registered`);
  return pool;
}

type RegistryEvent = ReturnType<typeof parseEventLogs<typeof poolRegistryAbi>>[number];

function applyPoolEvent(pool: PoolFromLogs, event: RegistryEvent): void {
  switch (event.eventName) {
    case "StakingLimitChanged":
      pool.stakingLimit = event.args.stakingLimit;
      break;
    case "PoolEnabled":
      pool.enabled = true;
      break;
    case "PoolDisabled":
      pool.enabled = false;
      break;
    case "PoolRetired":
      pool.retired = true;
      pool.enabled = false;
      break;
    case "MetaDataUpdated":
      pool.metaDataUrl = event.args.metaDataUrl;
      pool.metaDataContentHash = event.args.metaDataContentHash;
      break;
    case "PoolPrivacyChanged":
      pool.isPrivate = event.args.isPrivate;
      break;
    case "DelegatorAllowListUpdated":
      if (event.args.allowed) pool.allowList.add(event.args.delegator);
      else pool.allowList.delete(event.args.delegator);
      break;
    case "Delegated":
      addStake(pool, event.args.delegator, event.args.amount);
      break;
    case "RewardsRedelegated":
      addStake(pool, event.args.delegator, event.args.amount);
      break;
    case "AutoRewardsDelegationEnabled":
      pool.autoRewardsDelegation.set(event.args.delegator, event.args.feePercentage);
      break;
    case "AutoRewardsDelegationDisabled":
      pool.autoRewardsDelegation.delete(event.args.delegator);
      break;
    case "AutoRewardsDelegated":
      // the rewards less the fee joined the stake; the fee went to the caller
      addStake(pool, event.args.delegator, event.args.amount - event.args.fee);
      break;
    case "CommissionRateChangeRequested":
      pool.commissionRateChange = {
        id: event.args.id,
        newRate: event.args.newRate,
        effectiveAt: event.args.effectiveAt,
      };
      break;
    case "CommissionRateChanged":
      pool.commissionRate = Number(event.args.newRate);
      pool.commissionRateChange = undefined;
      break;
    case "Undelegated": {
      const { id, delegator, amount, fee, releaseAt } = event.args;
      addStake(pool, delegator, -amount);
      pool.thawing.set(id, { delegator, amount, fee, releaseAt });
      break;
    }
    case "UndelegationFinalized":
      pool.thawing.delete(event.args.id);
      break;
    case "PenaltyLocked":
      pool.lockedInPenalties += event.args.amount;
      break;
    case "PenaltyReturned":
      pool.lockedInPenalties -= event.args.amount;
      break;
    case "PenaltyWrittenOff":
      // a lost penalty comes out of the operator's self-stake, and out of what is locked
      pool.lockedInPenalties -= event.args.amount;
      addStake(pool, event.args.operator, -event.args.amount);
      break;
    case "RewardsDistributed":
      pool.rewardsDistributed += event.args.amount;
      pool.protocolFees += event.args.protocolFee;
      pool.commission += event.args.commission;
      break;
    default:
      // RewardsWithdrawn, ProtocolFeesWithdrawn: payouts that change no stake
      break;
  }
}

function addStake(pool: PoolFromLogs, delegator: Address, amount: bigint): void {
  const stake = (pool.stakes.get(delegator) ?? 0n) + amount;
  if (stake < 0n) throw new Error(`logs take ${-amount} from ${delegator} in pool ${pool.pool}, who has less`);
  if (stake === 0n) pool.stakes.delete(delegator);
  else pool.stakes.set(delegator, stake);
  pool.totalStake += amount;
}
