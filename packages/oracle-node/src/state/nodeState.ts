// The node's own restart-safe state: an append-only JSON-lines file, each record fsynced before it counts, so that a
// node killed at any instant and restarted knows every round it signed a submission for, and every request it signed
// a fulfillment for, and never signs another; and where each runlog job's scan of request logs got to.
import { NonRetryableError, openRecordLog } from "@poolnet/sdk";
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

/**
 * A runlog fulfillment signed and about to be sent: like a submission, recorded before it leaves the node, so that a
 * request is never answered twice.
 */
export type FulfillmentRecord = {
  type: "fulfillment";
  /** The Operator (oracle contract) the request was made to. */
  operator: Address;
  requestId: Hash;
  /** The answer, as decimal text. */
  answer: string;
  from: Address;
  nonce: number;
  hash: Hash;
  /** The signed transaction, to send again after a restart. */
  raw: Hex;
  at: string;
};

/** A signed transaction of the node: what a restart sends again until it has an outcome. */
export type TransactionRecord = SubmissionRecord | FulfillmentRecord;

/**
 * A runlog job's scan: every OracleRequest log for `specId` at `operator` up to `block` (inclusive) was handled
 * (answered, or skipped for good). A restart scans again from the block after it.
 */
export type ScanRecord = { type: "scan"; operator: Address; specId: Hex; block: string; at: string };

/** What became of a transaction: mined ("success" or "reverted"), or its nonce used by another transaction. */
export type OutcomeRecord = {
  type: "outcome";
  hash: Hash;
  status: "success" | "reverted" | "replaced";
  blockNumber?: string | undefined;
  at: string;
};

export type StateRecord = SubmissionRecord | FulfillmentRecord | OutcomeRecord | ScanRecord;

const RECORD_TYPES: readonly string[] = [
  "submission",
  "fulfillment",
  "outcome",
  "scan",
] satisfies StateRecord["type"][];

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
  /** Whether a fulfillment of the request was signed (sent, pending or mined). */
  hasFulfilled(operator: Address, requestId: Hash): boolean;
  /** The last block a runlog job's scan handled every request log of, or undefined before its first scan. */
  scannedBlock(operator: Address, specId: Hex): bigint | undefined;
  /** Submissions and fulfillments with no outcome yet. */
  pending(): TransactionRecord[];
  /** One more than the highest nonce `from` used for a submission or fulfillment, or undefined. */
  nextNonce(from: Address): number | undefined;
  recordSubmission(record: Omit<SubmissionRecord, "type" | "at">): Promise<void>;
  recordFulfillment(record: Omit<FulfillmentRecord, "type" | "at">): Promise<void>;
  recordOutcome(record: Omit<OutcomeRecord, "type" | "at">): Promise<void>;
  recordScan(record: Omit<ScanRecord, "type" | "at">): Promise<void>;
  close(): Promise<void>;
};

/**
 * Opens (or creates) the state file and replays it. A last line cut short by a crash mid-write was never fsynced,
 * so never acted on: it is cut off. Any other unreadable line is a NodeStateCorruptError.
 */
export async function openNodeState(path: string): Promise<NodeState> {
  const rounds = new Map<Address, Set<number>>();
  const lastRounds = new Map<Address, number>();
  const fulfilled = new Set<string>();
  const scans = new Map<string, bigint>();
  const transactions = new Map<Hash, TransactionRecord>();
  const settled = new Set<Hash>();
  const nonces = new Map<Address, number>();
  const requestKey = (operator: Address, requestId: Hash) => `${getAddress(operator)} ${requestId.toLowerCase()}`;
  const scanKey = (operator: Address, specId: Hex) => `${getAddress(operator)} ${specId.toLowerCase()}`;

  const apply = (record: StateRecord): void => {
    switch (record.type) {
      case "submission": {
        const aggregator = getAddress(record.aggregator);
        let set = rounds.get(aggregator);
        if (set === undefined) rounds.set(aggregator, (set = new Set()));
        set.add(record.roundId);
        lastRounds.set(aggregator, Math.max(lastRounds.get(aggregator) ?? 0, record.roundId));
        break;
      }
      case "fulfillment":
        fulfilled.add(requestKey(record.operator, record.requestId));
        break;
      case "outcome":
        settled.add(record.hash);
        return;
      case "scan": {
        const key = scanKey(record.operator, record.specId);
        const block = BigInt(record.block);
        if (block > (scans.get(key) ?? -1n)) scans.set(key, block);
        return;
      }
    }
    transactions.set(record.hash, record);
    const from = getAddress(record.from);
    nonces.set(from, Math.max(nonces.get(from) ?? 0, record.nonce + 1));
  };

  const log = await openRecordLog<StateRecord>(path, {
    isRecord: (value): value is StateRecord =>
      typeof value === "object" && value !== null && RECORD_TYPES.includes((value as StateRecord).type),
    corrupt: (problem, line, cause) =>
      new NodeStateCorruptError(
        problem === "damaged"
          ? `the node state ${path} is damaged at line ${line}`
          : `the node state ${path} has an unknown record at line ${line}`,
        { cause },
      ),
  });
  log.records.forEach(apply);
  const append = async (record: StateRecord): Promise<void> => {
    await log.append(record);
    apply(record);
  };

  return {
    path,
    hasSubmitted: (aggregator, roundId) => rounds.get(getAddress(aggregator))?.has(roundId) ?? false,
    lastSubmittedRound: (aggregator) => lastRounds.get(getAddress(aggregator)),
    hasFulfilled: (operator, requestId) => fulfilled.has(requestKey(operator, requestId)),
    scannedBlock: (operator, specId) => scans.get(scanKey(operator, specId)),
    pending: () => [...transactions.values()].filter((record) => !settled.has(record.hash)),
    nextNonce: (from) => nonces.get(getAddress(from)),
    recordSubmission: (record) => append({ type: "submission", ...record, at: new Date().toISOString() }),
    recordFulfillment: (record) => append({ type: "fulfillment", ...record, at: new Date().toISOString() }),
    recordOutcome: (record) => append({ type: "outcome", ...record, at: new Date().toISOString() }),
    recordScan: (record) => append({ type: "scan", ...record, at: new Date().toISOString() }),
    close: () => log.close(),
  };
}
