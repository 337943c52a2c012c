// The snapshot job queue's interface, and its in-process implementation. The interface is what a durable queue on
// PostgreSQL (pg-boss) must offer to replace it: enqueue, work with retries, report jobs that failed for good.
import { InvalidInputError } from "@poolnet/sdk";
import type { Hash } from "viem";

/** One entity's snapshot at one epoch. Carries the epoch's hash so a job outliving a rollback is recognised. */
export type SnapshotJob = {
  epochNumber: bigint;
  toBlockHash: Hash;
  builder: string;
  entity: string;
};

export type JobQueue = {
  /** Adds jobs; each reaches the worker at least once (so work must be idempotent), not necessarily in order. */
  enqueue(jobs: readonly SnapshotJob[]): Promise<void>;
  /**
   * Starts handing jobs to `handle`. A job whose handler throws is retried with backoff; after the last attempt
   * `onFailed` is called with the last error.
   */
  work(
    handle: (job: SnapshotJob) => Promise<void>,
    onFailed: (job: SnapshotJob, error: unknown) => Promise<void>,
  ): void;
  /** Resolves once nothing is queued or running. */
  idle(): Promise<void>;
  close(): Promise<void>;
};

export type InProcessQueueParameters = {
  /** Jobs handled at once. */
  concurrency?: number | undefined;
  attempts?: number | undefined;
  backoffMs?: number | undefined;
};

export function createInProcessQueue(parameters: InProcessQueueParameters = {}): JobQueue {
  const concurrency = parameters.concurrency ?? 4;
  const attempts = parameters.attempts ?? 3;
  const backoffMs = parameters.backoffMs ?? 200;
  if (!Number.isSafeInteger(concurrency) || concurrency < 1) {
    throw new InvalidInputError(`the queue's concurrency must be a whole number, at least 1, not ${concurrency}`);
  }
  if (!Number.isSafeInteger(attempts) || attempts < 1) {
    throw new InvalidInputError(`the queue's attempts must be a whole number, at least 1, not ${attempts}`);
  }
  const waiting: { job: SnapshotJob; attempt: number }[] = [];
  let running = 0;
  let closed = false;
  let worker: { handle: Parameters<JobQueue["work"]>[0]; onFailed: Parameters<JobQueue["work"]>[1] } | undefined;
  let idleWaiters: (() => void)[] = [];
  const timers = new Set<NodeJS.Timeout>();

  const checkIdle = () => {
    if (running === 0 && waiting.length === 0 && timers.size === 0) {
      const waiters = idleWaiters;
      idleWaiters = [];
      for (const resolve of waiters) resolve();
    }
  };

  const pump = () => {
    while (worker !== undefined && !closed && running < concurrency && waiting.length > 0) {
      const { job, attempt } = waiting.shift()!;
      running += 1;
      const { handle, onFailed } = worker;
      void (async () => {
        try {
          await handle(job);
        } catch (error) {
          if (attempt + 1 < attempts && !closed) {
            const timer = setTimeout(
              () => {
                timers.delete(timer);
                waiting.push({ job, attempt: attempt + 1 });
                pump();
              },
              backoffMs * 2 ** attempt,
            );
            timers.add(timer);
          } else {
            await onFailed(job, error).catch(() => {});
          }
        } finally {
          running -= 1;
          pump();
          checkIdle();
        }
      })();
    }
  };

  return {
    async enqueue(jobs) {
      if (closed) throw new InvalidInputError("the job queue is closed");
      for (const job of jobs) waiting.push({ job, attempt: 0 });
      pump();
    },
    work(handle, onFailed) {
      worker = { handle, onFailed };
      pump();
    },
    idle() {
      return new Promise((resolve) => {
        idleWaiters.push(resolve);
        checkIdle();
      });
    },
    async close() {
      closed = true;
      for (const timer of timers) clearTimeout(timer);
      timers.clear();
      waiting.length = 0;
      checkIdle();
    },
  };
}
