// The executor's intent journal: an append-only JSON-lines file, each record written in one `write` and fsynced
// before the step it announces is taken. A crash can tear only the last record: opening cuts the file back to its
// last whole line (a torn record was never acted on, since its fsync had not returned).
import { openRecordLog, type RecordLog } from "@poolnet/sdk";
import type { Hex } from "viem";

/** Written before a batch's transaction is sent: the signed transaction itself, so a restart can send it again. */
export type IntentRecord = {
  type: "intent";
  /** The batch's number in this journal, from 0. */
  batch: number;
  /** The share state's id on the contract. */
  id: string;
  contract: string;
  /** The leaf indexes the batch pays, in order. */
  first: number;
  last: number;
  count: number;
  nonce: number;
  hash: Hex;
  raw: Hex;
};

/** Written once the batch's fate is known. `dropped`: never mined, its nonce taken by another transaction. */
export type SettledRecord = {
  type: "settled";
  batch: number;
  hash: Hex;
  status: "success" | "reverted" | "dropped";
  blockNumber?: string;
  gasUsed?: string;
};

export type JournalRecord = IntentRecord | SettledRecord;

export class JournalError extends Error {
  override name = "JournalError";
}

export class Journal {
  readonly #log: RecordLog<JournalRecord>;
  readonly #records: JournalRecord[];

  private constructor(log: RecordLog<JournalRecord>) {
    this.#log = log;
    this.#records = [...log.records];
  }

  /** Opens (or creates) the journal at `path`, cutting a torn last record; a whole line that is not a record is an
   * error (the file was edited by hand): the executor will not guess what was sent. */
  static async open(path: string): Promise<Journal> {
    const log = await openRecordLog<JournalRecord>(path, {
      isRecord: (value): value is JournalRecord => {
        const type = (value as { type?: unknown } | null)?.type;
        return type === "intent" || type === "settled";
      },
      corrupt: (problem, line) =>
        new JournalError(`${path}:${line}: ${problem === "damaged" ? "not JSON" : "not a journal record"}`),
    });
    return new Journal(log);
  }

  records(): readonly JournalRecord[] {
    return this.#records;
  }

  /** The intents not settled yet, oldest first. */
  pending(): IntentRecord[] {
    const settled = new Set(this.#records.filter((record) => record.type === "settled").map((record) => record.batch));
    return this.#records.filter(
      (record): record is IntentRecord => record.type === "intent" && !settled.has(record.batch),
    );
  }

  /** The next batch number. */
  nextBatch(): number {
    return this.#records.filter((record) => record.type === "intent").length;
  }

  /** Appends a record and fsyncs it. */
  async append(record: JournalRecord): Promise<void> {
    await this.#log.append(record);
    this.#records.push(record);
  }

  close(): Promise<void> {
    return this.#log.close();
  }
}
