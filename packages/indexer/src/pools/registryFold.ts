// The registry as its logs describe it, epoch by epoch: the sdk's fold (`applyRegistryLogs`) plus what an indexer
// needs beside it: rewards paid to each delegator, the block each pool registered in, who changed during an epoch.
// Kept per epoch by `createRegistryHistory`.
import {
  applyRegistryLogs,
  createRegistryFromLogs,
  poolRegistryAbi,
  poolStateFromLogs,
  type PoolState,
  type RegistryFromLogs,
} from "@poolnet/sdk";
import { decodeEventLog, getAddress, toEventSelector, type Address, type Log } from "viem";
import { createEpochHistory, type EpochHistory } from "../epochs/epochHistory.ts";
import type { RpcClient } from "../rpc/rpcClient.ts";
import type { Sql } from "../store/store.ts";

/** One delegation at the end of an epoch. `rewards` (unpaid) is read from the chain by the pool builder. */
export type DelegatorAtEpoch = { delegator: Address; stake: bigint; rewardsPaid: bigint };

/** One pool at the end of an epoch: plain values, safe to keep while the fold moves on. */
export type PoolAtEpoch = {
  pool: Address;
  operator: Address;
  signingAddress: Address;
  state: PoolState;
  commissionRate: number;
  stakingLimit: bigint;
  totalStake: bigint;
  /** Stake transferred in, not landed yet. */
  pendingStake: bigint;
  selfStake: bigint;
  /** Delegators with stake, the operator, and whoever was touched by the epoch's logs (a full exit shows as 0). */
  delegators: DelegatorAtEpoch[];
  /** Stake with a non-zero balance (the operator counts if it has stake). */
  delegatorCount: number;
  rewardsDistributed: bigint;
  protocolFees: bigint;
  commission: bigint;
  pendingUndelegations: { count: number; amount: bigint };
  pendingTransfersOut: { count: number; amount: bigint };
  registeredAtBlock: bigint;
};

export type RegistryFold = {
  /** Folds logs (chain order, any contract: others are ignored) onto the state. */
  apply(logs: readonly Log[]): void;
  /** The pools as they stand, and clears the set of delegators touched since the last call. */
  takeSnapshot(): PoolAtEpoch[];
  readonly registry: RegistryFromLogs;
};

const tracked = new Set([
  "PoolRegistered",
  "RewardsWithdrawn",
  "RewardsRedelegated",
  "AutoRewardsDelegated",
  "Delegated",
  "Undelegated",
  "DelegationTransferred",
  "TransferFinalized",
  "PenaltyWrittenOff",
]);
const trackedSelectors = new Set(
  poolRegistryAbi
    .filter((item) => item.type === "event" && tracked.has(item.name))
    .map((item) => toEventSelector(item as never)),
);

export function createRegistryFold(registryAddress: Address): RegistryFold {
  const address = getAddress(registryAddress);
  const registry = createRegistryFromLogs();
  const paid = new Map<Address, Map<Address, bigint>>();
  const touched = new Map<Address, Set<Address>>();
  const registeredAt = new Map<Address, bigint>();

  const touch = (pool: Address, delegator: Address) => {
    let set = touched.get(pool);
    if (set === undefined) touched.set(pool, (set = new Set()));
    set.add(delegator);
  };
  const addPaid = (pool: Address, delegator: Address, amount: bigint) => {
    let byDelegator = paid.get(pool);
    if (byDelegator === undefined) paid.set(pool, (byDelegator = new Map()));
    byDelegator.set(delegator, (byDelegator.get(delegator) ?? 0n) + amount);
    touch(pool, delegator);
  };

  /** Our own bookkeeping for one log; the stake effects are the sdk fold's. */
  const track = (log: Log) => {
    const selector = log.topics[0];
    if (selector === undefined || !trackedSelectors.has(selector)) return;
    const event = decodeEventLog({ abi: poolRegistryAbi, data: log.data, topics: log.topics as never });
    const args = event.args as Record<string, unknown>;
    switch (event.eventName) {
      case "PoolRegistered":
        registeredAt.set(args.pool as Address, log.blockNumber ?? 0n);
        break;
      case "RewardsWithdrawn":
      case "RewardsRedelegated":
      case "AutoRewardsDelegated":
        addPaid(args.pool as Address, args.delegator as Address, args.amount as bigint);
        break;
      case "DelegationTransferred":
        touch(args.fromPool as Address, args.delegator as Address);
        touch(args.toPool as Address, args.delegator as Address);
        break;
      case "TransferFinalized":
        touch(args.toPool as Address, args.delegator as Address);
        break;
      case "PenaltyWrittenOff":
        touch(args.pool as Address, args.operator as Address);
        break;
      default:
        touch(args.pool as Address, args.delegator as Address);
    }
  };

  return {
    registry,
    apply(logs) {
      const ours = logs.filter((log) => log.address !== undefined && getAddress(log.address) === address);
      for (const log of ours) track(log);
      applyRegistryLogs(registry, address, ours);
    },
    takeSnapshot() {
      const pools: PoolAtEpoch[] = [];
      for (const pool of registry.pools.values()) {
        const paidHere = paid.get(pool.pool);
        const names = new Set<Address>([...pool.stakes.keys(), pool.operator, ...(touched.get(pool.pool) ?? [])]);
        const delegators = [...names].sort().map((delegator) => ({
          delegator,
          stake: pool.stakes.get(delegator) ?? 0n,
          rewardsPaid: paidHere?.get(delegator) ?? 0n,
        }));
        const sum = <T extends { amount: bigint }>(entries: Iterable<T>) => {
          let count = 0;
          let amount = 0n;
          for (const entry of entries) {
            count += 1;
            amount += entry.amount;
          }
          return { count, amount };
        };
        pools.push({
          pool: pool.pool,
          operator: pool.operator,
          signingAddress: pool.signingAddress,
          state: poolStateFromLogs(registry, pool),
          commissionRate: pool.commissionRate,
          stakingLimit: pool.stakingLimit,
          totalStake: pool.totalStake,
          pendingStake: pool.pendingStake,
          selfStake: pool.stakes.get(pool.operator) ?? 0n,
          delegators,
          delegatorCount: pool.stakes.size,
          rewardsDistributed: pool.rewardsDistributed,
          protocolFees: pool.protocolFees,
          commission: pool.commission,
          pendingUndelegations: sum(pool.thawing.values()),
          pendingTransfersOut: sum(pool.transfersOut.values()),
          registeredAtBlock: registeredAt.get(pool.pool) ?? 0n,
        });
      }
      touched.clear();
      return pools;
    },
  };
}

/** The registry's pools at the end of each epoch, by address. */
export type RegistryHistory = EpochHistory<ReadonlyMap<Address, PoolAtEpoch>>;

export type RegistryHistoryParameters = {
  store: Sql;
  rpc: RpcClient;
  registry: Address;
  /** The block the registry was deployed in: folding starts there. */
  deployedAtBlock: bigint;
  cacheEpochs?: number | undefined;
};

export function createRegistryHistory(parameters: RegistryHistoryParameters): RegistryHistory {
  return createEpochHistory({
    store: parameters.store,
    rpc: parameters.rpc,
    address: parameters.registry,
    fromBlock: parameters.deployedAtBlock,
    cacheEpochs: parameters.cacheEpochs,
    createFold: () => {
      const fold = createRegistryFold(parameters.registry);
      return {
        apply: (logs) => fold.apply(logs),
        snapshot: () => new Map(fold.takeSnapshot().map((pool) => [pool.pool, pool])),
      };
    },
  });
}
