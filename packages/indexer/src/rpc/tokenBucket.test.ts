import assert from "node:assert/strict";
import { test } from "node:test";
import { createTokenBucket, type Clock } from "./tokenBucket.ts";

function fakeClock(): Clock & { slept: number[] } {
  let now = 0;
  const slept: number[] = [];
  return {
    slept,
    now: () => now,
    async sleep(ms) {
      slept.push(ms);
      now += ms;
    },
  };
}

test("a full bucket lets a burst through at once, then one call per 1/rate seconds", async () => {
  const clock = fakeClock();
  const bucket = createTokenBucket(10, 5, clock);
  for (let i = 0; i < 5; i++) await bucket.take();
  assert.equal(clock.now(), 0);
  await bucket.take();
  assert.equal(clock.now(), 100);
  await bucket.take(3);
  assert.equal(clock.now(), 400);
});

test("a batch larger than the bucket waits for a full bucket and leaves it in debt", async () => {
  const clock = fakeClock();
  const bucket = createTokenBucket(10, 4, clock);
  await bucket.take(10);
  assert.equal(clock.now(), 0);
  // 6 tokens owed, plus the one wanted: 700 ms
  await bucket.take();
  assert.equal(clock.now(), 700);
});

test("idle time refills the bucket only up to its capacity", async () => {
  const clock = fakeClock();
  const bucket = createTokenBucket(10, 2, clock);
  await bucket.take(2);
  await clock.sleep(10_000);
  await bucket.take(2);
  const before = clock.now();
  await bucket.take();
  assert.equal(clock.now() - before, 100);
});
