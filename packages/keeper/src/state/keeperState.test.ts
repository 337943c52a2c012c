import assert from "node:assert/strict";
import { appendFile, mkdtemp, readFile, rm, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { after, before, test } from "node:test";
import type { Address, Hash, Hex } from "viem";
import { KeeperStateCorruptError, openKeeperState } from "./keeperState.ts";

const FROM: Address = "0x70997970C51812dc3A010C7d01b50e0d17dc79C8";
const TO: Address = "0x5FbDB2315678afecb367f032d93F642f64180aa3";
const hash = (n: number) => `0x${n.toString(16).padStart(64, "0")}` as Hash;
const sent = (nonce: number, subjects: string[]) => ({
  job: "topUpNodes" as const,
  subjects,
  from: FROM,
  to: TO,
  nonce,
  hash: hash(nonce + 1),
  raw: "0x02" as Hex,
});

let dir: string;
before(async () => {
  dir = await mkdtemp(join(tmpdir(), "keeper-state-"));
});
after(async () => {
  await rm(dir, { recursive: true });
});

test("records survive a reopen: last block scanned, pending work by subject, next nonce, counts", async () => {
  const path = join(dir, "reopen.jsonl");
  const state = await openKeeperState(path);
  assert.equal(state.lastScannedBlock(), undefined);
  await state.recordScanned(12n);
  await state.recordSent(sent(0, ["topUp:a"]));
  await state.recordSent(sent(1, ["undelegation:1", "undelegation:2"]));
  await state.recordOutcome({ hash: hash(1), status: "success", blockNumber: "13" });
  await state.recordScanned(14n);
  await state.close();

  const reopened = await openKeeperState(path);
  assert.equal(reopened.lastScannedBlock(), 14n);
  assert.equal(reopened.isPending("topUp:a"), false);
  assert.equal(reopened.isPending("undelegation:2"), true);
  assert.deepEqual(
    reopened.pending().map((record) => record.hash),
    [hash(2)],
  );
  assert.equal(reopened.nextNonce(FROM.toLowerCase() as Address), 2);
  assert.deepEqual(reopened.counts(), { sent: 2, success: 1, reverted: 0, replaced: 0 });
  await reopened.close();
});

test("a last line cut short by a crash is dropped; a damaged earlier line refuses to open", async () => {
  const torn = join(dir, "torn.jsonl");
  const state = await openKeeperState(torn);
  await state.recordScanned(5n);
  await state.close();
  await appendFile(torn, '{"type":"sent","job":"topU');
  const reopened = await openKeeperState(torn);
  assert.equal(reopened.lastScannedBlock(), 5n);
  await reopened.recordScanned(6n);
  await reopened.close();
  assert.equal((await readFile(torn, "utf8")).trim().split("\n").length, 2);

  const damaged = join(dir, "damaged.jsonl");
  await writeFile(damaged, `not json\n${JSON.stringify({ type: "scanned", block: "1" })}\n`);
  await assert.rejects(openKeeperState(damaged), KeeperStateCorruptError);
  await writeFile(damaged, `${JSON.stringify({ type: "mystery" })}\n`);
  await assert.rejects(openKeeperState(damaged), /unknown record at line 1/);
});
