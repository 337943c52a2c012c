// The executor's intent journal: an append-only JSON-lines file, each record written in one `write` and fsynced
// before the step it announces is taken. A crash can tear only the last record: opening cuts the file back to its
// last whole line (a torn record was never acted on, since its fsync had not returned).
import { open, readFile, type FileHandle } from "node:fs/promises";
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
  readonly #file: FileHandle;
  readonly #records: JournalRecord[];

  private constructor(file: FileHandle, records: JournalRecord[]) {
    this.#file = file;
    this.#records = records;
  }

  /** Opens (or creates) the journal at `path`, cutting a torn last record; a whole line that is not a record is an
   * error (the file was edited by hand): the executor will not guess what was sent. */
  static async open(path: string): Promise<Journal> {
    const file = await open(path, "a+");
    const text = await readFile(path, "utf8");
    const whole = text.lastIndexOf("\n") + 1;
    if (whole < text.length) {
      await file.truncate(Buffer.byteLength(text.slice(0, whole)));
      await file.sync();
    }
    const records: JournalRecord[] = [];
    const lines = text.slice(0, whole).split("\n");
    lines.pop();
    for (const [i, line] of lines.entries()) {
      let record: unknown;
      try {
        record = JSON.parse(line);
      } catch {
        await file.close();
        throw new JournalError(`${path}:${i + 1}: not JSON`);
      }
      const type = (record as { type?: unknown } | null)?.type;
      if (type !== "intent" && type !== "settled") {
        await file.close();
        throw new JournalError(`${path}:${i + 1}: not a journal record`);
      }
      records.push(record as JournalRecord);
    }
    return new Journal(file, records);
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

  /** Appends a record in one write and fsyncs it. */
  async append(record: JournalRecord): Promise<void> {
    await this.#file.appendFile(`${JSON.stringify(record)}\n`);
    await this.#file.sync();
    this.#records.push(record);
  }

  async close(): Promise<void> {
    await this.#file.close();
  }
}
