// The node's own restart-safe state: an append-only JSON-lines file, each record fsynced before it counts, so that a
// node killed at any instant and restarted knows every round it signed a submission for and never signs another.
import { open, readFile, truncate, type FileHandle } from "node:fs/promises";
import { dirname } from "node:path";
import { NonRetryableError } from "@poolnet/sdk";
import { getAddress, type Address, type Hash, type Hex } from "viem";

/**
 * A submission signed and about to be sent: written (and fsynced) before the transaction leaves the node, so that a
 * restart finds it and sends the same signed bytes again instead of signing a second submission for the round.
 */
export type SubmissionRecord = {
  type: "submission";
  aggregator: Address;
  roundId: number;
  /** The submitted integer, as decimal text. */
  answer: string;
  from: Address;
  nonce: number;
  hash: Hash;
  /** The signed transaction, to send again after a restart. */
  raw: Hex;
  at: string;
};

/** What became of a submission: mined ("success" or "reverted"), or its nonce used by another transaction. */
export type OutcomeRecord = {
  type: "outcome";
  hash: Hash;
  status: "success" | "reverted" | "replaced";
  blockNumber?: string | undefined;
  at: string;
};

export type StateRecord = SubmissionRecord | OutcomeRecord;

/** The state file is damaged beyond its last line: the node refuses to start rather than risk a double submission. */
export class NodeStateCorruptError extends NonRetryableError {
  override name = "NodeStateCorruptError";
}

export type NodeState = {
  readonly path: string;
  /** Whether a submission to the round was signed (sent, pending or mined). */
  hasSubmitted(aggregator: Address, roundId: number): boolean;
  /** The highest round this node signed a submission for at the aggregator. */
  lastSubmittedRound(aggregator: Address): number | undefined;
  /** Submissions with no outcome yet. */
  pending(): SubmissionRecord[];
  /** One more than the highest nonce `from` used for a submission, or undefined. */
  nextNonce(from: Address): number | undefined;
  recordSubmission(record: Omit<SubmissionRecord, "type" | "at">): Promise<void>;
  recordOutcome(record: Omit<OutcomeRecord, "type" | "at">): Promise<void>;
  close(): Promise<void>;
};

/**
 * Opens (or creates) the state file and replays it. A last line cut short by a crash mid-write was never fsynced,
 * so never acted on: it is cut off. Any other unreadable line is a NodeStateCorruptError.
 */
export async function openNodeState(path: string): Promise<NodeState> {
  let text = "";
  let created = false;
  try {
    text = await readFile(path, "utf8");
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code !== "ENOENT") throw error;
    created = true;
  }
  const complete = text.lastIndexOf("\n") + 1;
  if (complete < text.length) await truncate(path, Buffer.byteLength(text.slice(0, complete)));

  const rounds = new Map<Address, Set<number>>();
  const lastRounds = new Map<Address, number>();
  const submissions = new Map<Hash, SubmissionRecord>();
  const settled = new Set<Hash>();
  const nonces = new Map<Address, number>();

  const apply = (record: StateRecord): void => {
    if (record.type === "submission") {
      const aggregator = getAddress(record.aggregator);
      let set = rounds.get(aggregator);
      if (set === undefined) rounds.set(aggregator, (set = new Set()));
      set.add(record.roundId);
      lastRounds.set(aggregator, Math.max(lastRounds.get(aggregator) ?? 0, record.roundId));
      submissions.set(record.hash, record);
      const from = getAddress(record.from);
      nonces.set(from, Math.max(nonces.get(from) ?? 0, record.nonce + 1));
    } else {
      settled.add(record.hash);
    }
  };

  const lines = text.slice(0, complete).split("\n");
  lines.forEach((line, i) => {
    if (line.trim() === "") return;
    let record: StateRecord;
    try {
      record = JSON.parse(line) as StateRecord;
    } catch (cause) {
      throw new NodeStateCorruptError(`the node state ${path} is damaged at line ${i + 1}`, { cause });
    }
    if (record.type !== "submission" && record.type !== "outcome") {
      throw new NodeStateCorruptError(`the node state ${path} has an unknown record at line ${i + 1}`);
    }
    apply(record);
  });

  const file: FileHandle = await open(path, "a");
  if (created) {
    // a new file's name is durable only once its directory is synced
    const directory = await open(dirname(path), "r");
    await directory.sync().finally(() => directory.close());
  }
  // appends one at a time: each waits for the fsync of the one before, so records land whole and in order
  let queue: Promise<void> = Promise.resolve();
  const append = (record: StateRecord): Promise<void> => {
    const write = queue.then(async () => {
      await file.appendFile(`${JSON.stringify(record)}\n`, "utf8");
      await file.sync();
      apply(record);
    });
    queue = write.catch(() => undefined);
    return write;
  };

  return {
    path,
    hasSubmitted: (aggregator, roundId) => rounds.get(getAddress(aggregator))?.has(roundId) ?? false,
    lastSubmittedRound: (aggregator) => lastRounds.get(getAddress(aggregator)),
    pending: () => [...submissions.values()].filter((record) => !settled.has(record.hash)),
    nextNonce: (from) => nonces.get(getAddress(from)),
    recordSubmission: (record) => append({ type: "submission", ...record, at: new Date().toISOString() }),
    recordOutcome: (record) => append({ type: "outcome", ...record, at: new Date().toISOString() }),
    async close() {
      await queue;
      await file.close();
    },
  };
}
