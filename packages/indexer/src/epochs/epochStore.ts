// The epochs table: published block ranges and the status of the snapshot work done for each.
import type { Hash } from "viem";
import type { Sql } from "../store/store.ts";

export type EpochStatus = "queued" | "building" | "done" | "failed";

export type Epoch = {
  epochNumber: bigint;
  fromBlock: bigint;
  toBlock: bigint;
  /** The hash of `toBlock` when the epoch was published. */
  toBlockHash: Hash;
  status: EpochStatus;
  /** Why the epoch failed; undefined otherwise. */
  reason: string | undefined;
  /** Snapshot jobs the epoch was split into, once distributed. */
  jobsTotal: number | undefined;
};

type EpochRow = {
  epoch_number: bigint;
  from_block: bigint;
  to_block: bigint;
  to_block_hash: Hash;
  status: EpochStatus;
  reason: string | null;
  jobs_total: number | null;
};

const columns = "epoch_number, from_block, to_block, to_block_hash, status, reason, jobs_total";

const toEpoch = (row: EpochRow): Epoch => ({
  epochNumber: row.epoch_number,
  fromBlock: row.from_block,
  toBlock: row.to_block,
  toBlockHash: row.to_block_hash,
  status: row.status,
  reason: row.reason ?? undefined,
  jobsTotal: row.jobs_total ?? undefined,
});

/** The epoch numbered `epochNumber`, or undefined when it is not published (or was rolled back). */
export async function getEpoch(sql: Sql, epochNumber: bigint): Promise<Epoch | undefined> {
  const rows = await sql.query<EpochRow>(`SELECT ${columns} FROM epochs WHERE epoch_number = $1`, [epochNumber]);
  return rows[0] === undefined ? undefined : toEpoch(rows[0]);
}

/** The last published epoch, if any. */
export async function getLastEpoch(sql: Sql): Promise<Epoch | undefined> {
  const rows = await sql.query<EpochRow>(`SELECT ${columns} FROM epochs ORDER BY epoch_number DESC LIMIT 1`);
  return rows[0] === undefined ? undefined : toEpoch(rows[0]);
}

/** Published epochs in order, optionally only those with `status`. */
export async function listEpochs(sql: Sql, options: { status?: EpochStatus } = {}): Promise<Epoch[]> {
  const rows =
    options.status === undefined
      ? await sql.query<EpochRow>(`SELECT ${columns} FROM epochs ORDER BY epoch_number`)
      : await sql.query<EpochRow>(`SELECT ${columns} FROM epochs WHERE status = $1 ORDER BY epoch_number`, [
          options.status,
        ]);
  return rows.map(toEpoch);
}

/** Published epochs numbered `first` to `last`, in order (fewer when some are not published). */
export async function listEpochRange(sql: Sql, first: bigint, last: bigint): Promise<Epoch[]> {
  const rows = await sql.query<EpochRow>(
    `SELECT ${columns} FROM epochs WHERE epoch_number BETWEEN $1 AND $2 ORDER BY epoch_number`,
    [first, last],
  );
  return rows.map(toEpoch);
}

export async function insertEpoch(
  sql: Sql,
  epoch: Pick<Epoch, "epochNumber" | "fromBlock" | "toBlock" | "toBlockHash">,
) {
  await sql.query("INSERT INTO epochs (epoch_number, from_block, to_block, to_block_hash) VALUES ($1, $2, $3, $4)", [
    epoch.epochNumber,
    epoch.fromBlock,
    epoch.toBlock,
    epoch.toBlockHash,
  ]);
}

/**
 * Moves an epoch to `status`, only if it is still the epoch published with `toBlockHash` (a rolled-back and
 * republished epoch is not the same one). Returns whether it did.
 */
export async function setEpochStatus(
  sql: Sql,
  epoch: Pick<Epoch, "epochNumber" | "toBlockHash">,
  status: EpochStatus,
  details: { reason?: string | undefined; jobsTotal?: number | undefined } = {},
): Promise<boolean> {
  const rows = await sql.query(
    `UPDATE epochs SET status = $3, reason = $4, jobs_total = COALESCE($5, jobs_total), updated_at = now()
     WHERE epoch_number = $1 AND to_block_hash = $2 RETURNING epoch_number`,
    [epoch.epochNumber, epoch.toBlockHash, status, details.reason ?? null, details.jobsTotal ?? null],
  );
  return rows.length > 0;
}
