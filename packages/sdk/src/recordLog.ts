// An append-only log of JSON records on disk, each line fsynced before it counts: what services that must never act
// twice (the oracle node, the keeper) keep their state in. A last line cut short by a crash was never fsynced, so never
// acted on: it is cut off when the log opens. Any other unreadable line is an error naming the line.
import { open, readFile, truncate, type FileHandle } from "node:fs/promises";
import { dirname } from "node:path";

export type RecordLog<R> = {
  /** The records as replayed when the log opened, in order. */
  readonly records: readonly R[];
  /** Appends one record; resolves once it is fsynced. Appends land whole and in the order they were made. */
  append(record: R): Promise<void>;
  /** Waits for the appends under way, then closes the file. */
  close(): Promise<void>;
};

export type OpenRecordLogOptions<R> = {
  /** Whether a parsed line is a record of this log (its `type`, say). */
  isRecord(value: unknown): value is R;
  /** The error for a line that is not JSON or not a record: `line` counts from 1. */
  corrupt(problem: "damaged" | "unknown record", line: number, cause?: unknown): Error;
};

/** Opens (or creates) the log at `path` and replays it. */
export async function openRecordLog<R>(path: string, options: OpenRecordLogOptions<R>): Promise<RecordLog<R>> {
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

  const records: R[] = [];
  text
    .slice(0, complete)
    .split("\n")
    .forEach((line, i) => {
      if (line.trim() === "") return;
      let value: unknown;
      try {
        value = JSON.parse(line);
      } catch (cause) {
        throw options.corrupt("damaged", i + 1, cause);
      }
      if (!options.isRecord(value)) throw options.corrupt("unknown record", i + 1);
      records.push(value);
    });

  const file: FileHandle = await open(path, "a");
  if (created) {
    // a new file's name is durable only once its directory is synced
    const directory = await open(dirname(path), "r");
    await directory.sync().finally(() => directory.close());
  }
  // one append at a time, each after the fsync of the one before: records land whole and in order
  let queue: Promise<void> = Promise.resolve();
  return {
    records,
    append(record) {
      const write = queue.then(async () => {
        await file.appendFile(`${JSON.stringify(record)}\n`, "utf8");
        await file.sync();
      });
      queue = write.catch(() => undefined);
      return write;
    },
    async close() {
      await queue;
      await file.close();
    },
  };
}
