// The pool snapshot builder: every pool of the registry at the end of every epoch, and each of its delegations. Stake,
// counts, fees and pending amounts come from the logs (the registry history); each delegation's unpaid rewards are
// `getRewards` read at the epoch's last block, all of a pool's in one batched request, since they include rewards
// that reached the vault and were not distributed yet, which no log shows.
import { poolRegistryAbi } from "@poolnet/sdk";
import type { Address } from "viem";
import type { SnapshotBuilder } from "../distribute/distributor.ts";
import type { RpcClient } from "../rpc/rpcClient.ts";
import type { Sql } from "../store/store.ts";
import type { PoolAtEpoch, RegistryHistory } from "./registryFold.ts";

export type PoolSnapshot = Omit<PoolAtEpoch, "delegators"> & {
  timestamp: bigint;
  delegators: { delegator: Address; stake: bigint; rewards: bigint; rewardsPaid: bigint }[];
};

export type PoolSnapshotBuilderParameters = {
  rpc: RpcClient;
  registry: Address;
  history: RegistryHistory;
};

export const POOL_BUILDER = "pools";

export function createPoolSnapshotBuilder({
  rpc,
  registry,
  history,
}: PoolSnapshotBuilderParameters): SnapshotBuilder<PoolSnapshot> {
  return {
    name: POOL_BUILDER,
    async entities(epoch) {
      return [...(await history.at(epoch)).value.keys()];
    },
    async build(epoch, entity) {
      const state = await history.at(epoch);
      const pool = state.value.get(entity as Address);
      if (pool === undefined) throw new Error(`no pool ${entity} is registered at epoch ${epoch.epochNumber}`);
      const rewards = await Promise.all(
        pool.delegators.map(({ delegator }) =>
          rpc.readContract({
            address: registry,
            abi: poolRegistryAbi,
            functionName: "getRewards",
            args: [pool.pool, delegator],
            blockNumber: epoch.toBlock,
          }),
        ),
      );
      return {
        ...pool,
        timestamp: state.timestamp,
        delegators: pool.delegators.map((delegation, i) => ({ ...delegation, rewards: rewards[i]! })),
      };
    },
    write: writePoolSnapshot,
  };
}

/** Upserts one pool's rows for one epoch; the delegations are replaced, so writing twice changes nothing. */
export async function writePoolSnapshot(
  sql: Sql,
  epoch: { epochNumber: bigint },
  entity: string,
  snapshot: PoolSnapshot,
): Promise<void> {
  const s = snapshot;
  await sql.query(
    `INSERT INTO pool_snapshots (epoch_number, pool, operator, state, commission_rate, total_stake, delegator_count,
       rewards_distributed, protocol_fees, commission, pending_undelegations, pending_undelegation_count,
       pending_stake, signing_address, staking_limit, self_stake, pending_transfers_out, pending_transfer_count,
       registered_at_block, block_timestamp)
     VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12, $13, $14, $15, $16, $17, $18, $19, $20)
     ON CONFLICT (epoch_number, pool) DO UPDATE SET
       operator = EXCLUDED.operator, state = EXCLUDED.state, commission_rate = EXCLUDED.commission_rate,
       total_stake = EXCLUDED.total_stake, delegator_count = EXCLUDED.delegator_count,
       rewards_distributed = EXCLUDED.rewards_distributed, protocol_fees = EXCLUDED.protocol_fees,
       commission = EXCLUDED.commission, pending_undelegations = EXCLUDED.pending_undelegations,
       pending_undelegation_count = EXCLUDED.pending_undelegation_count, pending_stake = EXCLUDED.pending_stake,
       signing_address = EXCLUDED.signing_address, staking_limit = EXCLUDED.staking_limit,
       self_stake = EXCLUDED.self_stake, pending_transfers_out = EXCLUDED.pending_transfers_out,
       pending_transfer_count = EXCLUDED.pending_transfer_count, registered_at_block = EXCLUDED.registered_at_block,
       block_timestamp = EXCLUDED.block_timestamp`,
    [
      epoch.epochNumber,
      entity,
      s.operator,
      s.state,
      s.commissionRate,
      s.totalStake.toString(),
      s.delegatorCount,
      s.rewardsDistributed.toString(),
      s.protocolFees.toString(),
      s.commission.toString(),
      s.pendingUndelegations.amount.toString(),
      s.pendingUndelegations.count,
      s.pendingStake.toString(),
      s.signingAddress,
      s.stakingLimit.toString(),
      s.selfStake.toString(),
      s.pendingTransfersOut.amount.toString(),
      s.pendingTransfersOut.count,
      s.registeredAtBlock,
      s.timestamp,
    ],
  );
  await sql.query("DELETE FROM delegator_snapshots WHERE epoch_number = $1 AND pool = $2", [epoch.epochNumber, entity]);
  // a few thousand rows a statement: PostgreSQL takes at most 65,535 parameters
  for (let start = 0; start < s.delegators.length; start += 2_000) {
    const params: unknown[] = [epoch.epochNumber, entity];
    const values = s.delegators.slice(start, start + 2_000).map((d) => {
      params.push(d.delegator, d.stake.toString(), d.rewards.toString(), d.rewardsPaid.toString());
      const n = params.length;
      return `($1, $2, $${n - 3}, $${n - 2}, $${n - 1}, $${n})`;
    });
    await sql.query(
      `INSERT INTO delegator_snapshots (epoch_number, pool, delegator, stake, rewards, rewards_paid)
       VALUES ${values.join(", ")}`,
      params,
    );
  }
}
