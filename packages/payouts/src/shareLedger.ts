// The share ledger: an append-only JSON-lines file, one share a line, each append written in one `write` and
// fsynced before it is acknowledged. A crash can tear only the last append: opening the ledger cuts the file back to
// its last whole line, so a share is either all there or not there.
import { open, readFile, type FileHandle } from "node:fs/promises";
import { parseShareLine, shareLine, type Share } from "./shares.ts";

export class ShareLedgerError extends Error {
  override name = "ShareLedgerError";
}

/** Shares offered and what was refused, by line (1-based) or position, with the reason. */
export type IngestResult = { accepted: number; refused: { line: number; reason: string }[] };

export class ShareLedger {
  readonly #file: FileHandle;
  readonly #shares: Share[];
  #queue: Promise<unknown> = Promise.resolve();

  private constructor(file: FileHandle, shares: Share[]) {
    this.#file = file;
    this.#shares = shares;
  }

  /** Opens (or creates) the ledger at `path`, cutting a torn last line; a stored line that does not parse (the file
   * was edited by hand) is an error, not skipped. */
  static async open(path: string): Promise<ShareLedger> {
    const file = await open(path, "a+");
    const text = await readFile(path, "utf8");
    const whole = text.lastIndexOf("\n") + 1;
    if (whole < Buffer.byteLength(text)) {
      await file.truncate(Buffer.byteLength(text.slice(0, whole)));
      await file.sync();
    }
    const shares: Share[] = [];
    const lines = text.slice(0, whole).split("\n");
    lines.pop();
    for (const [i, line] of lines.entries()) {
      const check = parseShareLine(line);
      if (!check.ok) throw new ShareLedgerError(`${path}:${i + 1}: ${check.reason}`);
      shares.push(check.share);
    }
    return new ShareLedger(file, shares);
  }

  /** Every share, in the order appended. */
  shares(): readonly Share[] {
    return this.#shares;
  }

  /** Appends `shares` (already checked) in one write and fsyncs; appends are serialised. */
  append(shares: readonly Share[]): Promise<void> {
    const run = this.#queue.then(async () => {
      if (shares.length === 0) return;
      await this.#file.appendFile(shares.map((share) => `${shareLine(share)}\n`).join(""));
      await this.#file.sync();
      this.#shares.push(...shares);
    });
    this.#queue = run.catch(() => undefined);
    return run;
  }

  /** Checks JSON lines; appends the valid shares in one write, refuses the others with their reason. */
  async ingestLines(text: string): Promise<IngestResult> {
    const accepted: Share[] = [];
    const refused: IngestResult["refused"] = [];
    for (const [i, line] of text.split("\n").entries()) {
      if (line.trim() === "") continue;
      const check = parseShareLine(line);
      if (check.ok) accepted.push(check.share);
      else refused.push({ line: i + 1, reason: check.reason });
    }
    await this.append(accepted);
    return { accepted: accepted.length, refused };
  }

  /** Ingests a JSON-lines file as a stratum server writes it. */
  async ingestFile(path: string): Promise<IngestResult> {
    return this.ingestLines(await readFile(path, "utf8"));
  }

  async close(): Promise<void> {
    await this.#queue;
    await this.#file.close();
  }
}
