// Turns each published epoch into one snapshot job per builder and entity, and is the worker that runs them: build
// the rows from the chain, then in one transaction upsert them and mark the job done, the epoch done with its last
// job. A job done twice writes the same rows; a job for an epoch rolled back (or republished from another branch)
// writes nothing.
import type { Epoch } from "../epochs/epochStore.ts";
import { getEpoch, listEpochs, setEpochStatus } from "../epochs/epochStore.ts";
import type { Sql, Store } from "../store/store.ts";
import type { JobQueue, SnapshotJob } from "./jobQueue.ts";

export type SnapshotBuilder<Rows = unknown> = {
  /** Names the builder in jobs and in the store: keep it stable. */
  name: string;
  /** The entities to snapshot at `epoch` (pools, pairs, feeds). */
  entities(epoch: Epoch): Promise<string[]>;
  /** Reads the chain for one entity at one epoch; writes nothing. */
  build(epoch: Epoch, entity: string): Promise<Rows>;
  /** Upserts the rows keyed by (epoch, entity): writing the same rows again must change nothing. */
  write(sql: Sql, epoch: Epoch, entity: string, rows: Rows): Promise<void>;
};

export type DistributorParameters = {
  store: Store;
  queue: JobQueue;
  builders: readonly SnapshotBuilder[];
};

export type Distributor = {
  /**
   * Splits every queued epoch into jobs and enqueues them; on the first call also re-enqueues the unfinished jobs of
   * epochs left building by a previous run. Returns the epochs distributed.
   */
  distribute(): Promise<Epoch[]>;
  /** Runs one job (what the queue's workers call). */
  handle(job: SnapshotJob): Promise<void>;
  /** Records a job that failed for good, and its epoch as failed with the reason. */
  fail(job: SnapshotJob, error: unknown): Promise<void>;
};

export function createDistributor({ store, queue, builders }: DistributorParameters): Distributor {
  const byName = new Map(builders.map((builder) => [builder.name, builder]));
  let resumed = false;

  async function jobsOf(epoch: Epoch): Promise<SnapshotJob[]> {
    const jobs: SnapshotJob[] = [];
    for (const builder of builders) {
      for (const entity of await builder.entities(epoch)) {
        jobs.push({ epochNumber: epoch.epochNumber, toBlockHash: epoch.toBlockHash, builder: builder.name, entity });
      }
    }
    return jobs;
  }

  /** The epoch as published with the job's hash, locked for this transaction; undefined when it is gone. */
  async function currentEpoch(sql: Sql, job: SnapshotJob): Promise<boolean> {
    const rows = await sql.query("SELECT 1 FROM epochs WHERE epoch_number = $1 AND to_block_hash = $2 FOR UPDATE", [
      job.epochNumber,
      job.toBlockHash,
    ]);
    return rows.length > 0;
  }

  const distributor: Distributor = {
    async distribute() {
      if (!resumed) {
        resumed = true;
        for (const epoch of await listEpochs(store, { status: "building" })) {
          const done = await store.query<{ builder: string; entity: string }>(
            "SELECT builder, entity FROM snapshot_jobs WHERE epoch_number = $1",
            [epoch.epochNumber],
          );
          const finished = new Set(done.map((row) => `${row.builder}\n${row.entity}`));
          await queue.enqueue((await jobsOf(epoch)).filter((job) => !finished.has(`${job.builder}\n${job.entity}`)));
        }
      }
      const distributed: Epoch[] = [];
      for (const epoch of await listEpochs(store, { status: "queued" })) {
        const jobs = await jobsOf(epoch);
        const status = jobs.length === 0 ? "done" : "building";
        if (!(await setEpochStatus(store, epoch, status, { jobsTotal: jobs.length }))) continue;
        await queue.enqueue(jobs);
        distributed.push({ ...epoch, status, jobsTotal: jobs.length });
      }
      return distributed;
    },

    async handle(job) {
      const builder = byName.get(job.builder);
      if (builder === undefined) throw new Error(`no snapshot builder is named "${job.builder}"`);
      const epoch = await getEpoch(store, job.epochNumber);
      if (epoch === undefined || epoch.toBlockHash !== job.toBlockHash) return;
      const rows = await builder.build(epoch, job.entity);
      await store.transaction(async (sql) => {
        if (!(await currentEpoch(sql, job))) return;
        await builder.write(sql, epoch, job.entity, rows);
        await sql.query(
          `INSERT INTO snapshot_jobs (epoch_number, builder, entity, status, attempts) VALUES ($1, $2, $3, 'done', 1)
           ON CONFLICT (epoch_number, builder, entity)
           DO UPDATE SET status = 'done', error = NULL, attempts = snapshot_jobs.attempts + 1, finished_at = now()`,
          [job.epochNumber, job.builder, job.entity],
        );
        await sql.query(
          `UPDATE epochs SET status = 'done', updated_at = now()
           WHERE epoch_number = $1 AND status = 'building'
             AND jobs_total <= (SELECT count(*) FROM snapshot_jobs WHERE epoch_number = $1 AND status = 'done')`,
          [job.epochNumber],
        );
      });
    },

    async fail(job, error) {
      const message = error instanceof Error ? error.message : String(error);
      await store.transaction(async (sql) => {
        if (!(await currentEpoch(sql, job))) return;
        await sql.query(
          `INSERT INTO snapshot_jobs (epoch_number, builder, entity, status, attempts, error)
           VALUES ($1, $2, $3, 'failed', 1, $4)
           ON CONFLICT (epoch_number, builder, entity)
           DO UPDATE SET status = 'failed', error = $4, attempts = snapshot_jobs.attempts + 1, finished_at = now()`,
          [job.epochNumber, job.builder, job.entity, message],
        );
        await setEpochStatus(sql, job, "failed", {
          reason: `the ${job.builder} snapshot of ${job.entity} failed: ${message}`,
        });
      });
    },
  };
  queue.work(distributor.handle, distributor.fail);
  return distributor;
}
