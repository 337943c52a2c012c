import assert from "node:assert/strict";
import { appendFile, mkdtemp, readFile, rm, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { after, before, test } from "node:test";
import type { Address, Hash, Hex } from "viem";
import { NodeStateCorruptError, openNodeState } from "./nodeState.ts";

const AGGREGATOR: Address = "0x5FbDB2315678afecb367f032d93F642f64180aa3";
const OTHER: Address = "0xe7f1725E7734CE288F8367e1Bb143E90bb3F0512";
const FROM: Address = "0x70997970C51812dc3A010C7d01b50e0d17dc79C8";
const hash = (n: number) => `0x${n.toString(16).padStart(64, "0")}` as Hash;
const submission = (roundId: number, nonce: number, aggregator = AGGREGATOR) => ({
  aggregator,
  roundId,
  answer: "1500000000",
  from: FROM,
  nonce,
  hash: hash(nonce + 1),
  raw: "0x02" as Hex,
});

let dir: string;
before(async () => {
  dir = await mkdtemp(join(tmpdir(), "node-state-"));
});
after(async () => {
  await rm(dir, { recursive: true });
});

test("records survive a reopen: rounds per aggregator, pending submissions, next nonce", async () => {
  const path = join(dir, "reopen.jsonl");
  const state = await openNodeState(path);
  assert.equal(state.hasSubmitted(AGGREGATOR, 1), false);
  assert.equal(state.lastSubmittedRound(AGGREGATOR), undefined);
  await state.recordSubmission(submission(1, 0));
  await state.recordSubmission(submission(2, 1));
  await state.recordSubmission(submission(1, 2, OTHER));
  await state.recordOutcome({ hash: hash(1), status: "success", blockNumber: "5" });
  await state.close();

  const reopened = await openNodeState(path);
  assert.equal(reopened.hasSubmitted(AGGREGATOR, 1), true);
  assert.equal(reopened.hasSubmitted(AGGREGATOR.toLowerCase() as Address, 2), true);
  assert.equal(reopened.hasSubmitted(AGGREGATOR, 3), false);
  assert.equal(reopened.hasSubmitted(OTHER, 2), false);
  assert.equal(reopened.lastSubmittedRound(AGGREGATOR), 2);
  assert.deepEqual(
    reopened.pending().map((record) => record.hash),
    [hash(2), hash(3)],
  );
  assert.equal(reopened.nextNonce(FROM), 3);
  await reopened.close();
  assert.equal((await readFile(path, "utf8")).split("\n").length, 5);
});

test("a last line cut short by a crash is dropped, and appends after it stay readable", async () => {
  const path = join(dir, "torn.jsonl");
  const state = await openNodeState(path);
  await state.recordSubmission(submission(1, 0));
  await state.close();
  await appendFile(path, '{"type":"submission","aggregator":"0x5F');

  const reopened = await openNodeState(path);
  assert.equal(reopened.hasSubmitted(AGGREGATOR, 1), true);
  await reopened.recordSubmission(submission(2, 1));
  await reopened.close();
  const again = await openNodeState(path);
  assert.equal(again.lastSubmittedRound(AGGREGATOR), 2);
  await again.close();
});

test("a damaged line before the last refuses to open", async () => {
  const path = join(dir, "damaged.jsonl");
  await writeFile(path, `not json\n${JSON.stringify({ type: "outcome", hash: hash(1), status: "success" })}\n`);
  await assert.rejects(openNodeState(path), NodeStateCorruptError);
  await writeFile(path, `${JSON.stringify({ type: "mystery" })}\n`);
  await assert.rejects(openNodeState(path), /unknown record at line 1/);
});

test("concurrent records are all written whole, in order", async () => {
  const path = join(dir, "concurrent.jsonl");
  const state = await openNodeState(path);
  await Promise.all(Array.from({ length: 20 }, (_, i) => state.recordSubmission(submission(i + 1, i))));
  await state.close();
  const lines = (await readFile(path, "utf8")).trim().split("\n");
  assert.deepEqual(
    lines.map((line) => (JSON.parse(line) as { roundId: number }).roundId),
    Array.from({ length: 20 }, (_, i) => i + 1),
  );
});

test("fulfillments: requests per operator, pending with submissions, nonces shared; scans keep the furthest block", async () => {
  const path = join(dir, "runlog.jsonl");
  const requestId = hash(0xabc);
  const specId = hash(0x5bec);
  const state = await openNodeState(path);
  assert.equal(state.hasFulfilled(OTHER, requestId), false);
  assert.equal(state.scannedBlock(OTHER, specId), undefined);
  await state.recordSubmission(submission(1, 0));
  await state.recordFulfillment({
    operator: OTHER,
    requestId,
    answer: "1500",
    from: FROM,
    nonce: 1,
    hash: hash(2),
    raw: "0x02",
  });
  await state.recordScan({ operator: OTHER, specId, block: "12" });
  await state.recordScan({ operator: OTHER, specId, block: "10" });
  await state.close();

  const reopened = await openNodeState(path);
  assert.equal(
    reopened.hasFulfilled(OTHER.toLowerCase() as Address, requestId.toUpperCase().replace("0X", "0x") as Hash),
    true,
  );
  assert.equal(reopened.hasFulfilled(AGGREGATOR, requestId), false);
  assert.equal(reopened.hasFulfilled(OTHER, hash(0xabd)), false);
  assert.deepEqual(
    reopened.pending().map((record) => [record.type, record.hash]),
    [
      ["submission", hash(1)],
      ["fulfillment", hash(2)],
    ],
  );
  assert.equal(reopened.nextNonce(FROM), 2);
  assert.equal(reopened.scannedBlock(OTHER, specId), 12n);
  assert.equal(reopened.scannedBlock(AGGREGATOR, specId), undefined);
  assert.equal(reopened.scannedBlock(OTHER, hash(0x5bed)), undefined);
  await reopened.recordOutcome({ hash: hash(2), status: "reverted", blockNumber: "13" });
  assert.deepEqual(
    reopened.pending().map((record) => record.hash),
    [hash(1)],
  );
  // a reverted fulfillment still counts: the request is never signed for again
  assert.equal(reopened.hasFulfilled(OTHER, requestId), true);
  await reopened.close();
});
