import assert from "node:assert/strict";
import { test } from "node:test";
import { createMicroCache } from "./microCache.ts";

test("an answer is produced once per TTL and shared by concurrent callers", async () => {
  let clock = 0;
  let produced = 0;
  const cache = createMicroCache({ ttlMs: 1000, maxEntries: 10, now: () => clock });
  const produce = async () => `answer ${++produced}`;
  const [a, b] = await Promise.all([cache.get("/pools", produce), cache.get("/pools", produce)]);
  assert.deepEqual([a, b, produced], ["answer 1", "answer 1", 1]);
  clock = 999;
  assert.equal(await cache.get("/pools", produce), "answer 1");
  clock = 1000;
  assert.equal(await cache.get("/pools", produce), "answer 2", "expired at the TTL");
  assert.equal(await cache.get("/pools?sort=stake", produce), "answer 3", "another key is another answer");
});

test("a failure is not cached, and the entry count stays under the cap", async () => {
  let clock = 0;
  const cache = createMicroCache({ ttlMs: 1000, maxEntries: 3, now: () => clock });
  await assert.rejects(
    cache.get("k", () => Promise.reject(new Error("store down"))),
    /store down/,
  );
  assert.equal(await cache.get("k", async () => "fine"), "fine");
  for (let i = 0; i < 10; i++) await cache.get(`key ${i}`, async () => String(i));
  assert.ok(cache.size <= 3, `size ${cache.size}`);
  clock = 5000;
  assert.equal(await cache.get("key 9", async () => "new"), "new");
});
