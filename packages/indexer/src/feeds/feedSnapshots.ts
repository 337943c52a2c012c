// The feed snapshot builder: one job per FluxAggregator per epoch. The rounds, submissions and per-oracle counts come
// from the feed's history (its logs folded epoch by epoch); the pool each oracle is bound to is `getOraclePool` read
// at the epoch's last block, so a pool's apparent performance can be summed from the rows (see poolPerformance.ts).
import { fluxAggregatorAbi, poolRegistryAbi } from "@poolnet/sdk";
import { getAddress, numberToHex, zeroAddress, type Address } from "viem";
import type { SnapshotBuilder } from "../distribute/distributor.ts";
import { createEpochHistory, type EpochHistory } from "../epochs/epochHistory.ts";
import type { RpcClient } from "../rpc/rpcClient.ts";
import { RpcResponseError } from "../rpc/rpcErrors.ts";
import type { Sql } from "../store/store.ts";
import { createFeedFold, type FeedAtEpoch, type FeedOracleEpoch, type FeedStart } from "./feedFold.ts";

export const FEED_BUILDER = "feeds";

export type FeedHistory = EpochHistory<FeedAtEpoch>;

export type FeedHistoryParameters = {
  store: Sql;
  rpc: RpcClient;
  feed: Address;
  /** The first block folded (the epochs' start); the feed's state before it is read at the block before. */
  fromBlock: bigint;
  cacheEpochs?: number | undefined;
};

/** Reads what the fold needs of the feed at `blockNumber`: nothing (an empty feed) if it has no code there yet. */
export async function readFeedStart(rpc: RpcClient, feed: Address, blockNumber: bigint): Promise<FeedStart> {
  const empty: FeedStart = { oracles: [], reportingRound: 0n, timeout: 0n, maxSubmissions: 0, answers: new Map() };
  if (blockNumber < 0n) return empty;
  const code = await rpc.request<string>("eth_getCode", [feed, numberToHex(blockNumber)]);
  if (code === "0x" || code === "") return empty;
  const read = { address: feed, abi: fluxAggregatorAbi, blockNumber } as const;
  const [oracles, timeout, maxSubmissions, suggested] = await Promise.all([
    rpc.readContract({ ...read, functionName: "getOracles" }),
    rpc.readContract({ ...read, functionName: "timeout" }),
    rpc.readContract({ ...read, functionName: "maxSubmissionCount" }),
    // the round suggested to a stranger is the reporting round if it started, else the one after it
    rpc.readContract({ ...read, functionName: "oracleRoundState", args: [zeroAddress, 0] }),
  ]);
  const [, roundId, , startedAt] = suggested;
  const reportingRound = startedAt > 0n ? BigInt(roundId) : BigInt(roundId) - 1n;
  const answers = new Map<bigint, { answer: bigint; answeredInRound: bigint }>();
  for (const round of [reportingRound - 1n, reportingRound]) {
    if (round < 1n) continue;
    try {
      const [, answer, , , answeredInRound] = await rpc.readContract({
        ...read,
        functionName: "getRoundData",
        args: [round],
      });
      answers.set(round, { answer, answeredInRound });
    } catch (error) {
      // "No data present": the round has no answer
      if (!(error instanceof RpcResponseError)) throw error;
    }
  }
  return { oracles, reportingRound, timeout: BigInt(timeout), maxSubmissions: Number(maxSubmissions), answers };
}

export function createFeedHistory(parameters: FeedHistoryParameters): FeedHistory {
  const { rpc, feed, fromBlock } = parameters;
  return createEpochHistory({
    store: parameters.store,
    rpc,
    address: feed,
    fromBlock,
    timestamps: true,
    cacheEpochs: parameters.cacheEpochs,
    createFold: async () => {
      const fold = createFeedFold(feed, await readFeedStart(rpc, feed, fromBlock - 1n));
      return { apply: (logs, timestamps) => fold.apply(logs, timestamps), snapshot: () => fold.takeSnapshot() };
    },
  });
}

export type FeedSnapshot = Omit<FeedAtEpoch, "oracles"> & {
  oracles: (FeedOracleEpoch & { pool: Address | undefined })[];
};

export type FeedSnapshotBuilderParameters = {
  store: Sql;
  rpc: RpcClient;
  /** The registry whose `getOraclePool` maps oracles to pools. */
  registry: Address;
  /** The feeds (FluxAggregators) by pair, as in the deployment file. */
  feeds: Readonly<Record<string, Address>>;
  fromBlock: bigint;
  cacheEpochs?: number | undefined;
};

export function createFeedSnapshotBuilder(parameters: FeedSnapshotBuilderParameters): SnapshotBuilder<FeedSnapshot> {
  const { rpc, registry } = parameters;
  const histories = new Map<Address, FeedHistory>();
  for (const address of Object.values(parameters.feeds)) {
    const feed = getAddress(address);
    histories.set(
      feed,
      createFeedHistory({
        store: parameters.store,
        rpc,
        feed,
        fromBlock: parameters.fromBlock,
        cacheEpochs: parameters.cacheEpochs,
      }),
    );
  }
  return {
    name: FEED_BUILDER,
    async entities() {
      return [...histories.keys()];
    },
    async build(epoch, entity) {
      const history = histories.get(getAddress(entity));
      if (history === undefined) throw new Error(`${entity} is not one of the deployment's feeds`);
      const { value } = await history.at(epoch);
      const pools = await Promise.all(
        value.oracles.map(({ oracle }) =>
          rpc.readContract({
            address: registry,
            abi: poolRegistryAbi,
            functionName: "getOraclePool",
            args: [oracle],
            blockNumber: epoch.toBlock,
          }),
        ),
      );
      return {
        ...value,
        oracles: value.oracles.map((row, i) => ({ ...row, pool: pools[i] === zeroAddress ? undefined : pools[i] })),
      };
    },
    write: writeFeedSnapshot,
  };
}

const text = (value: bigint | undefined) => (value === undefined ? null : value.toString());

/** Replaces one feed's rows for one epoch: writing twice changes nothing. */
export async function writeFeedSnapshot(
  sql: Sql,
  epoch: { epochNumber: bigint },
  entity: string,
  snapshot: FeedSnapshot,
): Promise<void> {
  const key = [epoch.epochNumber, entity];
  for (const table of ["feed_rounds", "feed_submissions", "feed_oracle_epochs"]) {
    await sql.query(`DELETE FROM ${table} WHERE epoch_number = $1 AND feed = $2`, key);
  }
  await insertRows(
    sql,
    "feed_rounds",
    [
      "round_id",
      "started_at",
      "started_by",
      "started_at_block",
      "answer",
      "answered_in_round",
      "updated_at",
      "deviation_ppm",
      "submission_count",
      "eligible_count",
      "timed_out",
      "closed",
    ],
    key,
    snapshot.rounds.map((r) => [
      r.roundId,
      r.startedAt,
      r.startedBy,
      r.startedAtBlock,
      text(r.answer),
      r.answeredInRound,
      r.updatedAt,
      text(r.deviationPpm),
      r.submissionCount,
      r.eligibleCount,
      r.timedOut,
      r.closed,
    ]),
  );
  await insertRows(
    sql,
    "feed_submissions",
    ["round_id", "oracle", "value", "block_number", "log_index", "block_timestamp", "latency_seconds"],
    key,
    snapshot.submissions.map((s) => [
      s.roundId,
      s.oracle,
      s.value.toString(),
      s.blockNumber,
      s.logIndex,
      s.timestamp,
      s.latency ?? null,
    ]),
  );
  await insertRows(
    sql,
    "feed_oracle_epochs",
    ["oracle", "pool", "enabled", "eligible", "answered", "missed", "submissions"],
    key,
    snapshot.oracles.map((o) => [o.oracle, o.pool ?? null, o.enabled, o.eligible, o.answered, o.missed, o.submissions]),
  );
}

/** Inserts rows of `columns` after (epoch_number, feed), a few thousand parameters a statement. */
async function insertRows(
  sql: Sql,
  table: string,
  columns: readonly string[],
  key: readonly unknown[],
  rows: readonly (readonly unknown[])[],
) {
  const perStatement = Math.floor(30_000 / columns.length);
  for (let start = 0; start < rows.length; start += perStatement) {
    const params: unknown[] = [...key];
    const values = rows.slice(start, start + perStatement).map((row) => {
      const placeholders = row.map((value) => {
        params.push(value);
        return `$${params.length}`;
      });
      return `($1, $2, ${placeholders.join(", ")})`;
    });
    await sql.query(
      `INSERT INTO ${table} (epoch_number, feed, ${columns.join(", ")}) VALUES ${values.join(", ")}`,
      params,
    );
  }
}
