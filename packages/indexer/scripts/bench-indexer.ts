// `npm run bench:indexer`: backfills a generated chain with the indexer (pools, feeds and Uniswap-v2 pairs builders),
// once on embedded PGlite (a temporary directory) and once on PostgreSQL (a fresh schema, dropped afterwards), and
// reports blocks/s over a sparse range (empty blocks), events/s end to end over the dense range (swaps, rounds,
// delegations), RPC requests per epoch and the store's size. Writes bench/results/indexer.json.
//
// The chain is generated in a child process (this script with --chain) so the RPC server does not share the
// indexer's event loop, as a real node would not. The backfill runs in two phases against that one chain: the
// indexer's view of the head is capped first at the dense range's end (+ the finalization offset), then at the
// chain's head, so each phase's time covers exactly its epochs. The cap only lowers what eth_blockNumber answers.
//
// Sizes (environment): BENCH_DENSE_BLOCKS (1,000), BENCH_SPARSE_BLOCKS (5,000), BENCH_SWAPS (2,000), BENCH_PAIRS
// (20), BENCH_ROUND_EVERY (5 blocks), BENCH_DELEGATION_EVERY (20 blocks), BENCH_EPOCH_SIZE (10), BENCH_OFFSET (5), BENCH_RUNS (1, backfills per store; medians reported),
// BENCH_DATABASE_URL (postgres://postgres@127.0.0.1:5432/test; "none" to skip PostgreSQL).
import { spawn, type ChildProcess } from "node:child_process";
import { randomBytes } from "node:crypto";
import { mkdir, mkdtemp, readdir, rm, stat, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import { dirname, join } from "node:path";
import { createInterface } from "node:readline";
import { fileURLToPath } from "node:url";
import pg from "pg";
import type { Address } from "viem";
import type { BenchChainInfo, BenchChainParameters } from "../src/bench/benchChain.ts";
import type { SnapshotBuilder } from "../src/distribute/distributor.ts";
import { createFeedSnapshotBuilder } from "../src/feeds/feedSnapshots.ts";
import { createPairHistory, createPairSnapshotBuilder } from "../src/pairs/pairSnapshots.ts";
import { createPoolSnapshotBuilder } from "../src/pools/poolSnapshots.ts";
import { createRegistryHistory } from "../src/pools/registryFold.ts";
import { createRpcClient, type RpcClient, type RpcStats } from "../src/rpc/rpcClient.ts";
import { createIndexer } from "../src/service/indexer.ts";
import { openStore, type Store } from "../src/store/store.ts";

const env = (name: string, fallback: number) => {
  const value = process.env[name];
  if (value === undefined || value === "") return fallback;
  const number = Number(value.replaceAll("_", ""));
  if (!Number.isSafeInteger(number) || number < 0) throw new Error(`${name} must be a whole number, not ${value}`);
  return number;
};

const chainParameters: BenchChainParameters = {
  denseBlocks: env("BENCH_DENSE_BLOCKS", 1_000),
  sparseBlocks: env("BENCH_SPARSE_BLOCKS", 5_000),
  swaps: env("BENCH_SWAPS", 2_000),
  pairs: env("BENCH_PAIRS", 20),
  roundEvery: env("BENCH_ROUND_EVERY", 5),
  delegationEvery: env("BENCH_DELEGATION_EVERY", 20),
};

if (process.argv.includes("--chain")) {
  // the child: generate, tell the parent where the chain is, serve until stdin closes
  const { generateBenchChain } = await import("../src/bench/benchChain.ts");
  const { chain, info } = await generateBenchChain(chainParameters, (line) =>
    process.stderr.write(`  chain: ${line}\n`),
  );
  process.stdout.write(`BENCH_CHAIN ${JSON.stringify(info)}\n`);
  process.stdin.resume();
  await new Promise((resolve) => process.stdin.on("end", resolve));
  await chain.close();
  process.exit(0);
}

const EPOCH_SIZE = env("BENCH_EPOCH_SIZE", 10);
const OFFSET = env("BENCH_OFFSET", 5);
const RUNS = Math.max(1, env("BENCH_RUNS", 1));
const DATABASE_URL = process.env.BENCH_DATABASE_URL ?? "postgres://postgres@127.0.0.1:5432/test";
const GOALS = { sparseBlocksPerSecond: 2_000, denseEventsPerSecond: 500 };
const here = dirname(fileURLToPath(import.meta.url));
const resultsFile = join(here, "../../../bench/results/indexer.json");

async function startChain(): Promise<{ child: ChildProcess; info: BenchChainInfo }> {
  const child = spawn(process.execPath, [fileURLToPath(import.meta.url), "--chain"], {
    stdio: ["pipe", "pipe", "inherit"],
    env: process.env,
  });
  const lines = createInterface({ input: child.stdout! });
  const info = await new Promise<BenchChainInfo>((resolve, reject) => {
    child.once("exit", (code) => reject(new Error(`the chain process exited (${code}) before it was ready`)));
    lines.on("line", (line) => {
      if (line.startsWith("BENCH_CHAIN ")) resolve(JSON.parse(line.slice("BENCH_CHAIN ".length)) as BenchChainInfo);
    });
  });
  child.removeAllListeners("exit");
  return { child, info };
}

/** The RPC client with the head it reports capped: the phases of one backfill over one chain. */
function capped(rpc: RpcClient, cap: { head: bigint }): RpcClient {
  return {
    ...rpc,
    async getBlockNumber() {
      const head = await rpc.getBlockNumber();
      return head < cap.head ? head : cap.head;
    },
  };
}

/** Tracked logs in [from, to] (registry, feed, pairs): the events of a phase, counted with a client of its own. */
async function countEvents(info: BenchChainInfo, from: bigint, to: bigint): Promise<number> {
  const rpc = createRpcClient({ endpoints: [info.rpcUrl], logRange: { initial: 10_000, max: 100_000 } });
  const address = [info.registry, ...Object.values(info.feeds), ...info.pairs] as Address[];
  return (await rpc.getLogs({ address, fromBlock: from, toBlock: to })).length;
}

async function directoryBytes(path: string): Promise<number> {
  let total = 0;
  for (const entry of await readdir(path, { withFileTypes: true })) {
    const full = join(path, entry.name);
    total += entry.isDirectory() ? await directoryBytes(full) : (await stat(full)).size;
  }
  return total;
}

type Phase = {
  epochs: number;
  blocks: number;
  events: number;
  seconds: number;
  failedTicks: number;
  /** Times the registry and pair histories started over from the first block (an older epoch was asked for). */
  rebuilds: number;
  httpRequests: number;
  calls: number;
  callsByMethod: Record<string, number>;
};

type Run = { dense: Phase; sparse: Phase; storeBytes: number; rows: Record<string, number> };

const diff = (after: RpcStats, before: RpcStats) => {
  const callsByMethod: Record<string, number> = {};
  for (const [method, n] of Object.entries(after.callsByMethod)) {
    const d = n - (before.callsByMethod[method] ?? 0);
    if (d > 0) callsByMethod[method] = d;
  }
  return { httpRequests: after.httpRequests - before.httpRequests, calls: after.calls - before.calls, callsByMethod };
};

async function backfill(info: BenchChainInfo, kind: "pglite" | "postgres"): Promise<Run> {
  let store: Store;
  let dataDir: string | undefined;
  let schema: string | undefined;
  if (kind === "pglite") {
    dataDir = await mkdtemp(join(tmpdir(), "poolnet-bench-indexer-"));
    store = await openStore({ dataDir }); // initdb (~5 s) is not part of the backfill
  } else {
    schema = `bench_indexer_${process.pid}_${randomBytes(4).toString("hex")}`;
    store = await openStore({ databaseUrl: DATABASE_URL, schema });
  }
  try {
    const start = BigInt(info.deployedAtBlock);
    const size = BigInt(EPOCH_SIZE);
    const denseTo = BigInt(info.dense.to);
    // the dense phase: every epoch up to the first one ending at or after the dense range's last block
    const denseEpochs = (denseTo - start) / size + 1n;
    const denseEnd = start + denseEpochs * size - 1n;
    const cap = { head: denseEnd + BigInt(OFFSET) };
    const base = createRpcClient({ endpoints: [info.rpcUrl] });
    const rpc = capped(base, cap);
    const deployment = {
      chainId: info.chainId,
      rpcUrl: info.rpcUrl,
      token: info.token,
      registry: info.registry,
      deployedAtBlock: start,
      feeds: info.feeds,
    };
    const history = createRegistryHistory({ store, rpc, registry: info.registry, deployedAtBlock: start });
    const pairHistory = createPairHistory({ store, rpc, pairs: info.pairs, fromBlock: start, pricing: info.pricing });
    const builders = [
      createPoolSnapshotBuilder({ rpc, registry: info.registry, history }),
      createFeedSnapshotBuilder({ store, rpc, registry: info.registry, feeds: info.feeds, fromBlock: start }),
      createPairSnapshotBuilder({ history: pairHistory }),
    ] as SnapshotBuilder[];
    const indexer = createIndexer({
      store,
      rpc,
      deployment,
      epochSize: EPOCH_SIZE,
      finalizationOffset: OFFSET,
      intervalMs: 0,
      builders,
    });
    const phase = async (to: bigint): Promise<Phase> => {
      let failedTicks = 0;
      cap.head = to + BigInt(OFFSET);
      const statsBefore = base.stats();
      const doneBefore = (await indexer.metrics()).epochs.done;
      const rebuildsBefore = history.rebuilds() + pairHistory.rebuilds();
      const t0 = performance.now();
      // as the service's loop does: a failing tick is counted and tried again (reported as failedTicks)
      for (let failedInARow = 0; ;) {
        let report;
        try {
          report = await indexer.syncOnce();
          failedInARow = 0;
        } catch (error) {
          failedTicks += 1;
          console.log(`  ${kind}: tick failed (${(error as Error).message}); trying again`);
          if (++failedInARow >= 5) throw error;
          continue;
        }
        if (report.published.length === 0 && report.distributed === 0) break;
      }
      const seconds = (performance.now() - t0) / 1000;
      const metrics = await indexer.metrics();
      if (metrics.epochs.failed > 0 || metrics.epochs.queued > 0 || metrics.epochs.building > 0) {
        throw new Error(`epochs not built: ${JSON.stringify(metrics.epochs)} (${metrics.lastError ?? ""})`);
      }
      const epochs = metrics.epochs.done - doneBefore;
      const rebuilds = history.rebuilds() + pairHistory.rebuilds() - rebuildsBefore;
      return {
        epochs,
        blocks: epochs * EPOCH_SIZE,
        events: 0,
        seconds,
        failedTicks,
        rebuilds,
        ...diff(base.stats(), statsBefore),
      };
    };
    const dense = await phase(denseEnd);
    dense.events = await countEvents(info, start, denseEnd);
    const lastEnd = start + ((BigInt(info.head) - BigInt(OFFSET) - start + 1n) / size) * size - 1n;
    const sparse = await phase(lastEnd);
    sparse.events = await countEvents(info, denseEnd + 1n, lastEnd);
    await indexer.stop();
    const rows: Record<string, number> = {};
    for (const table of [
      "epochs",
      "pool_snapshots",
      "feed_rounds",
      "pair_snapshots",
      "pair_transactions",
      "token_snapshots",
    ]) {
      const [row] = await store.query<{ n: bigint }>(`SELECT count(*)::int8 AS n FROM ${table}`);
      rows[table] = Number(row!.n);
    }
    let storeBytes: number;
    if (kind === "postgres") {
      const [row] = await store.query<{ bytes: bigint }>(
        `SELECT coalesce(sum(pg_total_relation_size(c.oid)), 0)::int8 AS bytes FROM pg_class c
         JOIN pg_namespace n ON n.oid = c.relnamespace WHERE n.nspname = $1 AND c.relkind IN ('r', 'p', 'm')`,
        [schema],
      );
      storeBytes = Number(row!.bytes);
      await store.close();
    } else {
      await store.close();
      storeBytes = await directoryBytes(dataDir!);
    }
    return { dense, sparse, storeBytes, rows };
  } finally {
    await store.close().catch(() => {});
    if (dataDir !== undefined) await rm(dataDir, { recursive: true, force: true });
    if (schema !== undefined) {
      const client = new pg.Client({ connectionString: DATABASE_URL });
      await client.connect();
      await client.query(`DROP SCHEMA IF EXISTS "${schema}" CASCADE`).finally(() => client.end());
    }
  }
}

const median = (values: number[]) => {
  const sorted = [...values].sort((a, b) => a - b);
  const middle = Math.floor(sorted.length / 2);
  return sorted.length % 2 === 1 ? sorted[middle]! : (sorted[middle - 1]! + sorted[middle]!) / 2;
};
const fmt = (value: number, digits = 0) =>
  value.toLocaleString("en-US", { minimumFractionDigits: digits, maximumFractionDigits: digits });

console.log(
  `bench:indexer — generating the chain: ${chainParameters.denseBlocks} dense blocks with ${chainParameters.swaps} swaps ` +
    `over ${chainParameters.pairs} pairs, then ${chainParameters.sparseBlocks} empty blocks`,
);
const { child, info } = await startChain();
const results: { metric: string; value: number; unit: string; params: Record<string, unknown> }[] = [];
const table: string[][] = [];
try {
  console.log(
    `chain ready in ${fmt(info.generationSeconds, 1)} s: head ${info.head}; set-up ${info.setup.from}–${info.setup.to}, ` +
      `dense ${info.dense.from}–${info.dense.to}, sparse ${info.sparse.from}–${info.sparse.to}; ` +
      `${info.sent.swaps} swaps, ${info.sent.rounds} rounds, ${info.sent.delegations} delegations, ${info.sent.reverted} reverted`,
  );
  if (info.sent.reverted > 0) throw new Error(`${info.sent.reverted} generated transactions reverted`);
  const kinds: ("pglite" | "postgres")[] = DATABASE_URL === "none" ? ["pglite"] : ["pglite", "postgres"];
  for (const kind of kinds) {
    const runs: Run[] = [];
    for (let i = 0; i < RUNS; i++) {
      const run = await backfill(info, kind);
      runs.push(run);
      console.log(
        `${kind} run ${i + 1}: dense ${run.dense.epochs} epochs, ${run.dense.events} events in ${fmt(run.dense.seconds, 2)} s; ` +
          `(${run.dense.failedTicks} failed ticks, ${run.dense.rebuilds} history rebuilds); sparse ${run.sparse.epochs} epochs (${run.sparse.events} events) in ${fmt(run.sparse.seconds, 2)} s (${run.sparse.rebuilds} history rebuilds); ` +
          `store ${fmt(run.storeBytes / 2 ** 20, 1)} MiB; rows ${JSON.stringify(run.rows)}`,
      );
      console.log(
        `  dense calls ${JSON.stringify(run.dense.callsByMethod)}; sparse calls ${JSON.stringify(run.sparse.callsByMethod)}`,
      );
    }
    const last = runs.at(-1)!;
    const params = {
      store: kind,
      epochSize: EPOCH_SIZE,
      finalizationOffset: OFFSET,
      runs: RUNS,
      pairs: info.pairs.length,
      swaps: info.sent.swaps,
      feedRounds: info.sent.rounds,
      delegations: info.sent.delegations,
      denseBlocks: last.dense.blocks,
      denseEvents: last.dense.events,
      sparseBlocks: last.sparse.blocks,
      chainHead: Number(info.head),
    };
    const sparseBps = median(runs.map((run) => run.sparse.blocks / run.sparse.seconds));
    const denseEps = median(runs.map((run) => run.dense.events / run.dense.seconds));
    const denseBps = median(runs.map((run) => run.dense.blocks / run.dense.seconds));
    const rows = [
      [
        "sparse.blocksPerSecond",
        sparseBps,
        "blocks/s",
        `>= ${fmt(GOALS.sparseBlocksPerSecond)}`,
        sparseBps >= GOALS.sparseBlocksPerSecond,
      ],
      [
        "dense.eventsPerSecond",
        denseEps,
        "events/s",
        `>= ${fmt(GOALS.denseEventsPerSecond)}`,
        denseEps >= GOALS.denseEventsPerSecond,
      ],
      ["dense.blocksPerSecond", denseBps, "blocks/s", "—", undefined],
      ["sparse.rpcRequestsPerEpoch", last.sparse.httpRequests / last.sparse.epochs, "requests/epoch", "—", undefined],
      ["sparse.rpcCallsPerEpoch", last.sparse.calls / last.sparse.epochs, "calls/epoch", "—", undefined],
      ["dense.rpcRequestsPerEpoch", last.dense.httpRequests / last.dense.epochs, "requests/epoch", "—", undefined],
      ["dense.rpcCallsPerEpoch", last.dense.calls / last.dense.epochs, "calls/epoch", "—", undefined],
      ["sparse.historyRebuilds", last.sparse.rebuilds, "rebuilds", "—", undefined],
      ["store.bytes", last.storeBytes, "bytes", "—", undefined],
    ] as const;
    for (const [metric, value, unit, goal, met] of rows) {
      results.push({ metric: `indexer.${metric}`, value: Math.round(value * 100) / 100, unit, params });
      table.push([
        kind,
        metric,
        `${fmt(value, value < 100 ? 2 : 0)} ${unit}`,
        met === undefined ? goal : `${goal}: ${met ? "met" : "NOT met"}`,
      ]);
    }
  }
} finally {
  child.stdin!.end();
}

const widths = [0, 1, 2, 3].map((i) =>
  Math.max(...[["store", "metric", "value", "goal"], ...table].map((row) => row[i]!.length)),
);
const line = (row: string[]) => `| ${row.map((cell, i) => cell.padEnd(widths[i]!)).join(" | ")} |`;
console.log(`\n${line(["store", "metric", "value", "goal"])}\n| ${widths.map((w) => "-".repeat(w)).join(" | ")} |`);
for (const row of table) console.log(line(row));
await mkdir(dirname(resultsFile), { recursive: true });
await writeFile(resultsFile, `${JSON.stringify(results, null, 2)}\n`);
console.log(`\nwrote ${resultsFile}`);
