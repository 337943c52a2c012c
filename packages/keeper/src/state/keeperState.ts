// The keeper's own restart-safe state: an append-only JSON-lines file, each record fsynced before it counts. It holds
// what exists only off-chain — every transaction the keeper signed, what became of it, and how far it has read the
// registry's logs — so a keeper killed at any instant resends what it signed instead of signing the same work twice.
import { NonRetryableError, openRecordLog } from "@poolnet/sdk";
import { getAddress, type Address, type Hash, type Hex } from "viem";

/** The jobs the keeper runs, as they appear in its state, logs and status. */
export type JobName =
  "collectOraclePayments" | "finalizeUndelegations" | "finalizeTransfers" | "autoRedelegate" | "topUpNodes";

/**
 * A transaction signed and about to be sent: written (and fsynced) before it leaves the keeper, so a restart finds it
 * and sends the same signed bytes again. `subjects` name the work it does (`undelegation:7`, `topUp:0x…`): while it
 * is pending, no other transaction is signed for them.
 */
export type SentRecord = {
  type: "sent";
  job: JobName;
  subjects: string[];
  from: Address;
  to: Address;
  nonce: number;
  hash: Hash;
  /** The signed transaction, to send again after a restart. */
  raw: Hex;
  at: string;
};

/** What became of a sent transaction: mined ("success" or "reverted"), or its nonce used by another transaction. */
export type OutcomeRecord = {
  type: "outcome";
  hash: Hash;
  status: "success" | "reverted" | "replaced";
  blockNumber?: string | undefined;
  at: string;
};

/** The registry's logs were read up to and including `block`. */
export type ScannedRecord = { type: "scanned"; block: string; at: string };

export type KeeperStateRecord = SentRecord | OutcomeRecord | ScannedRecord;

/** The state file is damaged before its last line: the keeper refuses to start rather than risk paying twice. */
export class KeeperStateCorruptError extends NonRetryableError {
  override name = "KeeperStateCorruptError";
}

export type KeeperState = {
  readonly path: string;
  /** The last block whose registry logs were read, if any. */
  lastScannedBlock(): bigint | undefined;
  /** Sent transactions with no outcome yet, in the order they were signed. */
  pending(): SentRecord[];
  /** Whether a pending transaction already does the work named `subject`. */
  isPending(subject: string): boolean;
  /** One more than the highest nonce `from` signed with, or undefined. */
  nextNonce(from: Address): number | undefined;
  /** How many transactions were ever signed, and how many ended each way. */
  counts(): { sent: number; success: number; reverted: number; replaced: number };
  recordSent(record: Omit<SentRecord, "type" | "at">): Promise<void>;
  recordOutcome(record: Omit<OutcomeRecord, "type" | "at">): Promise<void>;
  recordScanned(block: bigint): Promise<void>;
  close(): Promise<void>;
};

const recordTypes = new Set(["sent", "outcome", "scanned"]);

/**
 * Opens (or creates) the state file and replays it. A last line cut short by a crash mid-write was never fsynced, so
 * never acted on: it is cut off. Any other unreadable line is a KeeperStateCorruptError.
 */
export async function openKeeperState(path: string): Promise<KeeperState> {
  let scanned: bigint | undefined;
  const sent = new Map<Hash, SentRecord>();
  const outcomes = new Map<Hash, OutcomeRecord["status"]>();
  const nonces = new Map<Address, number>();

  const apply = (record: KeeperStateRecord): void => {
    if (record.type === "sent") {
      sent.set(record.hash, record);
      const from = getAddress(record.from);
      nonces.set(from, Math.max(nonces.get(from) ?? 0, record.nonce + 1));
    } else if (record.type === "outcome") {
      outcomes.set(record.hash, record.status);
    } else {
      const block = BigInt(record.block);
      if (scanned === undefined || block > scanned) scanned = block;
    }
  };

  const log = await openRecordLog<KeeperStateRecord>(path, {
    isRecord: (value): value is KeeperStateRecord =>
      typeof value === "object" && value !== null && recordTypes.has((value as KeeperStateRecord).type),
    corrupt: (problem, line, cause) =>
      new KeeperStateCorruptError(
        problem === "damaged"
          ? `the keeper state ${path} is damaged at line ${line}`
          : `the keeper state ${path} has an unknown record at line ${line}`,
        { cause },
      ),
  });
  log.records.forEach(apply);
  const append = async (record: KeeperStateRecord): Promise<void> => {
    await log.append(record);
    apply(record);
  };
  const pending = () => [...sent.values()].filter((record) => !outcomes.has(record.hash));
  const at = () => new Date().toISOString();

  return {
    path,
    lastScannedBlock: () => scanned,
    pending,
    isPending: (subject) => pending().some((record) => record.subjects.includes(subject)),
    nextNonce: (from) => nonces.get(getAddress(from)),
    counts() {
      const statuses = [...outcomes.values()];
      const count = (status: OutcomeRecord["status"]) => statuses.filter((value) => value === status).length;
      return { sent: sent.size, success: count("success"), reverted: count("reverted"), replaced: count("replaced") };
    },
    recordSent: (record) => append({ type: "sent", ...record, at: at() }),
    recordOutcome: (record) => append({ type: "outcome", ...record, at: at() }),
    recordScanned: (block) => append({ type: "scanned", block: block.toString(), at: at() }),
    close: () => log.close(),
  };
}
