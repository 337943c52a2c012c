// The indexer as a service: on every tick the finalizer follows the head and publishes due epochs, the distributor
// splits them into snapshot jobs, and the tick waits for the in-process workers. A failing tick is logged and tried
// again on the next one; nothing but `stop` ends the loop. Counters for metrics come from the store (epochs by
// status, reorgs) and the RPC client (requests, and requests per epoch built).
import { InvalidInputError, type Deployment } from "@poolnet/sdk";
import { createDistributor, type SnapshotBuilder } from "../distribute/distributor.ts";
import { createInProcessQueue, type JobQueue } from "../distribute/jobQueue.ts";
import { createEpochFinalizer, type SyncReport } from "../epochs/epochFinalizer.ts";
import type { EpochStatus } from "../epochs/epochStore.ts";
import { createFeedSnapshotBuilder } from "../feeds/feedSnapshots.ts";
import { createPoolSnapshotBuilder } from "../pools/poolSnapshots.ts";
import { createRegistryHistory } from "../pools/registryFold.ts";
import type { RpcClient, RpcStats } from "../rpc/rpcClient.ts";
import type { Store } from "../store/store.ts";

export type IndexerParameters = {
  store: Store;
  rpc: RpcClient;
  /** Where the registry (and the feeds) are: epochs start at its `deployedAtBlock`. */
  deployment: Deployment;
  epochSize: number;
  finalizationOffset: number;
  /** Pause between ticks. */
  intervalMs: number;
  /** The snapshot builders; by default pools, and feeds when the deployment has any. */
  builders?: readonly SnapshotBuilder[] | undefined;
  queue?: JobQueue | undefined;
  /** One line per event worth telling (epochs published or built, reorgs, errors). */
  log?: ((line: string) => void) | undefined;
};

export type TickReport = SyncReport & { distributed: number };

export type IndexerMetrics = {
  epochs: Record<EpochStatus, number>;
  /** Reorgs recorded in the store (all time), and those this process saw. */
  reorgs: { total: number; seen: number };
  ticks: number;
  failedTicks: number;
  lastError: string | undefined;
  rpc: RpcStats;
  /** HTTP requests to the RPC endpoints per epoch built by this process; undefined before the first. */
  rpcRequestsPerEpoch: number | undefined;
};

export type Indexer = {
  /** One tick: sync, distribute, wait for the jobs. Throws what went wrong (the loop logs it instead). */
  syncOnce(): Promise<TickReport>;
  /** Runs ticks every `intervalMs` until `stop`. */
  start(): void;
  /** Stops the loop after the tick under way, and closes the queue. The store is the caller's. */
  stop(): Promise<void>;
  metrics(): Promise<IndexerMetrics>;
};

export function defaultBuilders(
  parameters: Pick<IndexerParameters, "store" | "rpc" | "deployment">,
): SnapshotBuilder[] {
  const { store, rpc, deployment } = parameters;
  const history = createRegistryHistory({
    store,
    rpc,
    registry: deployment.registry,
    deployedAtBlock: deployment.deployedAtBlock,
  });
  const builders: SnapshotBuilder[] = [
    createPoolSnapshotBuilder({ rpc, registry: deployment.registry, history }) as SnapshotBuilder,
  ];
  if (deployment.feeds !== undefined && Object.keys(deployment.feeds).length > 0) {
    builders.push(
      createFeedSnapshotBuilder({
        store,
        rpc,
        registry: deployment.registry,
        feeds: deployment.feeds,
        fromBlock: deployment.deployedAtBlock,
      }) as SnapshotBuilder,
    );
  }
  return builders;
}

export function createIndexer(parameters: IndexerParameters): Indexer {
  const { store, rpc, deployment, intervalMs } = parameters;
  if (!Number.isFinite(intervalMs) || intervalMs < 0) {
    throw new InvalidInputError(`the interval must be a number of milliseconds, at least 0, not ${intervalMs}`);
  }
  const log = parameters.log ?? (() => {});
  let reorgsSeen = 0;
  const finalizer = createEpochFinalizer({
    store,
    rpc,
    startBlock: deployment.deployedAtBlock,
    epochSize: parameters.epochSize,
    finalizationOffset: parameters.finalizationOffset,
    onReorg(reorg) {
      reorgsSeen += 1;
      const rolledBack =
        reorg.firstEpochRolledBack === undefined
          ? "no epoch rolled back"
          : `${reorg.epochsRolledBack} epochs rolled back from ${reorg.firstEpochRolledBack}`;
      log(`reorg of depth ${reorg.depth} above block ${reorg.commonAncestor}: ${rolledBack}`);
    },
  });
  const queue = parameters.queue ?? createInProcessQueue();
  const builders = parameters.builders ?? defaultBuilders(parameters);
  const distributor = createDistributor({ store, queue, builders });
  const counters = { ticks: 0, failedTicks: 0, lastError: undefined as string | undefined };
  let doneAtStart: number | undefined;
  let rpcAtStart: number | undefined;
  let running = false;
  let timer: NodeJS.Timeout | undefined;
  let current: Promise<unknown> = Promise.resolve();

  const epochCounts = async () => {
    const counts: Record<EpochStatus, number> = { queued: 0, building: 0, done: 0, failed: 0 };
    const rows = await store.query<{ status: EpochStatus; n: bigint }>(
      "SELECT status, count(*)::int8 AS n FROM epochs GROUP BY status",
    );
    for (const row of rows) counts[row.status] = Number(row.n);
    return counts;
  };

  async function syncOnce(): Promise<TickReport> {
    if (doneAtStart === undefined) {
      doneAtStart = (await epochCounts()).done;
      rpcAtStart = rpc.stats().httpRequests;
    }
    const report = await finalizer.sync();
    const distributed = await distributor.distribute();
    await queue.idle();
    counters.ticks += 1;
    if (report.published.length > 0) {
      const first = report.published[0]!.epochNumber;
      const last = report.published.at(-1)!.epochNumber;
      log(`published epochs ${first}–${last} (to block ${report.published.at(-1)!.toBlock}, head ${report.head})`);
    }
    if (distributed.length > 0) {
      const counts = await epochCounts();
      log(`built ${distributed.length} epochs: ${counts.done} done, ${counts.failed} failed in all`);
    }
    return { ...report, distributed: distributed.length };
  }

  const tick = async () => {
    try {
      await syncOnce();
    } catch (error) {
      counters.failedTicks += 1;
      counters.lastError = error instanceof Error ? error.message : String(error);
      log(`error: ${counters.lastError} (trying again in ${intervalMs} ms)`);
    }
  };

  const schedule = () => {
    if (!running) return;
    timer = setTimeout(() => {
      timer = undefined;
      current = tick().then(schedule);
    }, intervalMs);
  };

  return {
    syncOnce,
    start() {
      if (running) return;
      running = true;
      current = tick().then(schedule);
    },
    async stop() {
      running = false;
      if (timer !== undefined) clearTimeout(timer);
      timer = undefined;
      await current;
      await queue.close();
    },
    async metrics() {
      const [epochs, [reorgs]] = await Promise.all([
        epochCounts(),
        store.query<{ n: bigint }>("SELECT count(*)::int8 AS n FROM reorg_events"),
      ]);
      const stats = rpc.stats();
      const built = doneAtStart === undefined ? 0 : epochs.done - doneAtStart;
      return {
        epochs,
        reorgs: { total: Number(reorgs!.n), seen: reorgsSeen },
        ...counters,
        rpc: stats,
        rpcRequestsPerEpoch: built > 0 ? (stats.httpRequests - rpcAtStart!) / built : undefined,
      };
    },
  };
}
