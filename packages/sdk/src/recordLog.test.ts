import assert from "node:assert/strict";
import { appendFileSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { after, test } from "node:test";
import { openRecordLog } from "./recordLog.ts";

type Entry = { type: "entry"; n: number };
const root = mkdtempSync(join(tmpdir(), "poolnet-record-log-"));
after(() => rmSync(root, { recursive: true, force: true }));
const options = {
  isRecord: (value: unknown): value is Entry => (value as Entry | null)?.type === "entry",
  corrupt: (problem: string, line: number) => new Error(`${problem} at line ${line}`),
};

test("appends land whole and in order, and are replayed on the next open", async () => {
  const path = join(root, "ordered.jsonl");
  const log = await openRecordLog<Entry>(path, options);
  assert.deepEqual(log.records, []);
  await Promise.all(Array.from({ length: 20 }, (_, n) => log.append({ type: "entry", n })));
  await log.close();
  const again = await openRecordLog<Entry>(path, options);
  assert.deepEqual(
    again.records.map((record) => record.n),
    Array.from({ length: 20 }, (_, n) => n),
  );
  await again.close();
});

test("a last line cut short by a crash is cut off; any other bad line is an error naming it", async () => {
  const path = join(root, "torn.jsonl");
  writeFileSync(path, '{"type":"entry","n":1}\n{"type":"ent');
  const log = await openRecordLog<Entry>(path, options);
  assert.deepEqual(log.records, [{ type: "entry", n: 1 }]);
  await log.append({ type: "entry", n: 2 });
  await log.close();
  assert.equal(readFileSync(path, "utf8"), '{"type":"entry","n":1}\n{"type":"entry","n":2}\n');

  appendFileSync(path, "not json\n");
  await assert.rejects(openRecordLog<Entry>(path, options), /^Error: damaged at line 3$/);
  writeFileSync(path, '{"type":"other"}\n');
  await assert.rejects(openRecordLog<Entry>(path, options), /^Error: unknown record at line 1$/);
});
