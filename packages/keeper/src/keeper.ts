// The keeper service: one account, one state file, and the recurring jobs of seed 000 §6.4.4 and seed 001's
// finalizers run in turn on an interval. Each run reads the chain afresh, so every job is safe to run twice.
import { rename, writeFile } from "node:fs/promises";
import { setTimeout as sleep } from "node:timers/promises";
import type { Account, Address, Chain, PublicClient, Transport, WalletClient } from "viem";
import type { KeeperConfig } from "./config.ts";
import { createRegistryWork } from "./discovery/registryWork.ts";
import { autoRedelegateJob } from "./jobs/autoRedelegate.ts";
import { collectOraclePaymentsJob } from "./jobs/collectOraclePayments.ts";
import { finalizeTransfersJob, finalizeUndelegationsJob } from "./jobs/finalizeDue.ts";
import type { Job, JobReport } from "./jobs/job.ts";
import { topUpNodesJob } from "./jobs/topUpNodes.ts";
import { createTransactionSender } from "./send/transactionSender.ts";
import { openKeeperState, type JobName } from "./state/keeperState.ts";

/** Every job, in the order a run takes them: payments in first, so the redelegations that follow see them. */
export const keeperJobs: readonly Job[] = [
  collectOraclePaymentsJob,
  finalizeUndelegationsJob,
  finalizeTransfersJob,
  autoRedelegateJob,
  topUpNodesJob,
];

export type KeeperParameters = {
  publicClient: PublicClient;
  /** A wallet client with a local (private key) account: the keeper signs and records before it sends. */
  walletClient: WalletClient<Transport, Chain, Account>;
  config: KeeperConfig;
  /** The keeper's state file (JSON lines). */
  statePath: string;
  /** Where the status snapshot is written after every run, for the CLI; not written when undefined. */
  statusPath?: string | undefined;
  /** One line per action; console.log by default. */
  log?: ((line: string) => void) | undefined;
  /** How long a run waits for a transaction's receipt before leaving it pending; 60 s by default. */
  receiptTimeoutMs?: number | undefined;
  /** How long a transaction may stay pending before it is replaced with higher fees; 3 min by default. */
  replaceAfterMs?: number | undefined;
  /** The jobs to run; all of `keeperJobs` by default. */
  jobs?: readonly Job[] | undefined;
};

export type JobStatus = JobReport & { errors: number; lastError?: string | undefined };

/** A small snapshot of what the keeper did, for `poolnet status`. Counts add up over the keeper's lifetime. */
export type KeeperStatus = {
  address: Address;
  startedAt: string;
  runs: number;
  lastRunAt: string | undefined;
  lastRunMs: number | undefined;
  lastScannedBlock: string | undefined;
  pendingTransactions: number;
  jobs: Record<JobName, JobStatus>;
  /** The latest errors, newest last (at most 20). */
  errors: { at: string; job: JobName | "run"; message: string }[];
};

export type RunReport = { blockNumber: bigint; jobs: Partial<Record<JobName, JobReport>>; errors: number };

export type Keeper = {
  readonly address: Address;
  /** Settles what is pending, reads new logs and runs every job once. */
  runOnce(): Promise<RunReport>;
  /** Runs now and then every `config.intervalMs` until `stop`. */
  start(): void;
  /** Lets the current run finish, then closes the state file. */
  stop(): Promise<void>;
  status(): KeeperStatus;
};

/** Opens the state and returns a keeper that has not run yet; its first run settles what a previous run left. */
export async function createKeeper(parameters: KeeperParameters): Promise<Keeper> {
  const { publicClient, walletClient, config } = parameters;
  const log = parameters.log ?? ((line: string) => console.log(line));
  const jobs = parameters.jobs ?? keeperJobs;
  const state = await openKeeperState(parameters.statePath);
  const sender = createTransactionSender({
    publicClient,
    walletClient,
    state,
    receiptTimeoutMs: parameters.receiptTimeoutMs,
    replaceAfterMs: parameters.replaceAfterMs,
  });
  const work = createRegistryWork({
    publicClient,
    registry: config.registry,
    fromBlock: config.deployedAtBlock,
    blockRange: config.logBlockRange,
  });
  const status: KeeperStatus = {
    address: sender.address,
    startedAt: new Date().toISOString(),
    runs: 0,
    lastRunAt: undefined,
    lastRunMs: undefined,
    lastScannedBlock: state.lastScannedBlock()?.toString(),
    pendingTransactions: state.pending().length,
    jobs: Object.fromEntries(
      keeperJobs.map((job) => [job.name, { done: 0, alreadyDone: 0, skipped: 0, pending: 0, errors: 0 }]),
    ) as Record<JobName, JobStatus>,
    errors: [],
  };
  const noteError = (job: JobName | "run", error: unknown) => {
    const message = describe(error);
    status.errors.push({ at: new Date().toISOString(), job, message });
    if (status.errors.length > 20) status.errors.shift();
    if (job !== "run")
      status.jobs[job] = { ...status.jobs[job], errors: status.jobs[job].errors + 1, lastError: message };
    log(`${job}: error: ${message}`);
  };

  async function runOnce(): Promise<RunReport> {
    const started = Date.now();
    const report: RunReport = { blockNumber: 0n, jobs: {}, errors: 0 };
    try {
      const settled = await sender.settle();
      if (settled.mined + settled.replaced + settled.resent + settled.bumped > 0) {
        log(
          `settle: ${settled.mined} mined, ${settled.replaced} replaced, ${settled.resent} sent again, ` +
            `${settled.bumped} re-signed with higher fees`,
        );
      }
      const head = await publicClient.getBlock({ blockTag: "latest" });
      report.blockNumber = head.number;
      const previous = state.lastScannedBlock();
      if (work.scannedTo === undefined && previous !== undefined && head.number < previous) {
        log(`run: the chain's head ${head.number} is below block ${previous} read before: was the chain reset?`);
      }
      await work.sync(head.number);
      if (previous === undefined || head.number > previous) await state.recordScanned(head.number);
      for (const job of jobs) {
        try {
          const jobReport = await job.run({
            publicClient,
            sender,
            state,
            config,
            registry: work.registry,
            blockNumber: head.number,
            blockTimestamp: head.timestamp,
            log,
          });
          report.jobs[job.name] = jobReport;
          const total = status.jobs[job.name];
          for (const key of ["done", "alreadyDone", "skipped", "pending"] as const) total[key] += jobReport[key];
        } catch (error) {
          report.errors += 1;
          noteError(job.name, error);
        }
      }
    } catch (error) {
      report.errors += 1;
      noteError("run", error);
    }
    status.runs += 1;
    status.lastRunAt = new Date().toISOString();
    status.lastRunMs = Date.now() - started;
    status.lastScannedBlock = state.lastScannedBlock()?.toString();
    status.pendingTransactions = state.pending().length;
    if (parameters.statusPath !== undefined)
      await writeStatus(parameters.statusPath, status).catch((error: unknown) => noteError("run", error));
    return report;
  }

  let loop: Promise<void> | undefined;
  const stopping = new AbortController();
  let closed: Promise<void> | undefined;

  return {
    address: sender.address,
    runOnce,
    start() {
      if (loop !== undefined) return;
      loop = (async () => {
        while (!stopping.signal.aborted) {
          await runOnce();
          await sleep(config.intervalMs, undefined, { signal: stopping.signal }).catch(() => undefined);
        }
      })();
    },
    stop() {
      closed ??= (async () => {
        stopping.abort();
        await loop;
        await state.close();
      })();
      return closed;
    },
    status: () => structuredClone(status),
  };
}

function describe(error: unknown): string {
  const { shortMessage, message } = error as { shortMessage?: string; message?: string };
  return shortMessage ?? message ?? String(error);
}

/** Written whole or not at all, so a reader never sees half a snapshot. */
async function writeStatus(path: string, status: KeeperStatus): Promise<void> {
  const temporary = `${path}.${process.pid}.tmp`;
  await writeFile(temporary, `${JSON.stringify(status, null, 2)}\n`);
  await rename(temporary, path);
}
