// The share ledger: malformed shares refused with their reason, valid ones stored and read back, a torn last line cut
// on reopening, and the HTTP handler.
import assert from "node:assert/strict";
import { appendFile, mkdtemp, readFile, writeFile } from "node:fs/promises";
import { createServer } from "node:http";
import type { AddressInfo } from "node:net";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { describe, it } from "node:test";
import { ShareLedger, ShareLedgerError, checkShare, shareRequestHandler } from "./index.ts";

const MINER = "0x00000000000000000000000000000000000000aa";
const good = { miner: MINER, difficulty: "18446744073709551615", height: 10, time: 1_700_000_000 };

describe("checkShare", () => {
  it("refuses each malformed share with its reason", () => {
    const cases: [unknown, string][] = [
      [[], "not a JSON object"],
      [{ ...good, extra: 1 }, 'unknown field "extra"'],
      [{ ...good, miner: "0x12" }, "miner is not an address"],
      [{ ...good, difficulty: 1.5 }, "difficulty is not a whole number"],
      [{ ...good, difficulty: "-3" }, "difficulty is not a whole number"],
      [{ ...good, difficulty: 0 }, "difficulty is not in 1 .. 2^64 − 1"],
      [{ ...good, difficulty: "18446744073709551616" }, "difficulty is not in 1 .. 2^64 − 1"],
      [{ ...good, height: -1 }, "height is not a whole number ≥ 0"],
      [{ ...good, time: "now" }, "time is not whole seconds > 0"],
    ];
    for (const [value, reason] of cases) assert.deepEqual(checkShare(value), { ok: false, reason });
    const ok = checkShare(good);
    assert.ok(ok.ok && ok.share.difficulty === 2n ** 64n - 1n);
  });
});

describe("ShareLedger", () => {
  it("stores the valid lines of a file, refuses the others by line, and reads them back after reopening", async () => {
    const dir = await mkdtemp(join(tmpdir(), "ledger-"));
    const input = join(dir, "stratum.jsonl");
    await writeFile(input, [JSON.stringify(good), "{oops", "", JSON.stringify({ ...good, height: 11 })].join("\n"));
    const path = join(dir, "shares.jsonl");
    const ledger = await ShareLedger.open(path);
    assert.deepEqual(await ledger.ingestFile(input), { accepted: 2, refused: [{ line: 2, reason: "not JSON" }] });
    await ledger.close();
    const again = await ShareLedger.open(path);
    assert.deepEqual(
      again.shares().map((s) => s.height),
      [10, 11],
    );
    await again.close();
  });

  it("cuts a torn last line (a crash mid-append) and refuses a stored line that does not parse", async () => {
    const dir = await mkdtemp(join(tmpdir(), "ledger-"));
    const path = join(dir, "shares.jsonl");
    const ledger = await ShareLedger.open(path);
    await ledger.ingestLines(JSON.stringify(good));
    await ledger.close();
    await appendFile(path, '{"miner":"0x0000'); // the crash
    const reopened = await ShareLedger.open(path);
    assert.equal(reopened.shares().length, 1);
    await reopened.ingestLines(JSON.stringify({ ...good, height: 12 }));
    await reopened.close();
    assert.equal((await readFile(path, "utf8")).split("\n").filter(Boolean).length, 2, "the torn line is gone");
    await appendFile(path, "not a share\n");
    await assert.rejects(ShareLedger.open(path), ShareLedgerError);
  });

  it("takes shares over HTTP: 200 when all are taken, 422 with the reasons otherwise", async () => {
    const dir = await mkdtemp(join(tmpdir(), "ledger-"));
    const ledger = await ShareLedger.open(join(dir, "shares.jsonl"));
    const server = createServer((request, response) => void shareRequestHandler(ledger)(request, response));
    await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
    const url = `http://127.0.0.1:${(server.address() as AddressInfo).port}/shares`;
    try {
      const all = await fetch(url, { method: "POST", body: JSON.stringify([good, { ...good, height: 2 }]) });
      assert.equal(all.status, 200);
      assert.deepEqual(await all.json(), { accepted: 2, refused: [] });
      const some = await fetch(url, { method: "POST", body: `${JSON.stringify(good)}\n{"miner":1}` });
      assert.equal(some.status, 422);
      assert.deepEqual(await some.json(), {
        accepted: 1,
        refused: [{ line: 2, reason: "miner is not an address" }],
      });
      assert.equal((await fetch(url)).status, 405);
      assert.equal(ledger.shares().length, 3);
    } finally {
      server.close();
      await ledger.close();
    }
  });
});
