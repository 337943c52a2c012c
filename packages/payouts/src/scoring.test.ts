// The scoring schemes against examples worked by hand (the arithmetic is in the comments).
import assert from "node:assert/strict";
import { describe, it } from "node:test";
import type { Address } from "viem";
import { ScoringError, pplnsLastShares, pplnsWindow, ppsAmounts, prop, proRata, type Share } from "./index.ts";

const A = "0x000000000000000000000000000000000000000A" as Address;
const B = "0x000000000000000000000000000000000000000B" as Address;
const C = "0x000000000000000000000000000000000000000C" as Address;
const share = (miner: Address, difficulty: number, height: number): Share => ({
  miner,
  difficulty: BigInt(difficulty),
  height,
  time: 1_700_000_000 + height,
});

// heights 100..102; the block is found at 101 (shares of 102 come after it)
const shares = [
  share(A, 10, 100),
  share(B, 20, 100),
  share(A, 30, 100),
  share(C, 40, 101),
  share(B, 50, 101),
  share(A, 60, 102),
];
const plain = (scores: Map<Address, bigint>) => Object.fromEntries([...scores].map(([m, s]) => [m, s]));

describe("PPLNS", () => {
  it("last N shares: the last 3 up to block 101 are A 30, C 40, B 50", () => {
    assert.deepEqual(plain(pplnsLastShares(shares, 101, 3)), { [A]: 30n, [C]: 40n, [B]: 50n });
    assert.deepEqual(plain(pplnsLastShares(shares, 101, 100)), { [A]: 40n, [B]: 70n, [C]: 40n });
    assert.throws(() => pplnsLastShares(shares, 101, 0), ScoringError);
  });

  it("N × difficulty: a window of 2 × 50 = 100 takes B 50, C 40, and 10 of A's 30 (the edge share in part)", () => {
    assert.deepEqual(plain(pplnsWindow(shares, 101, 50n)), { [B]: 50n, [C]: 40n, [A]: 10n });
    // N = 1/2: a window of 25 takes 25 of B's 50
    assert.deepEqual(plain(pplnsWindow(shares, 101, 50n, { numerator: 1n, denominator: 2n })), { [B]: 25n });
  });
});

describe("PROP", () => {
  it("the round from 101 to 101: C 40, B 50; the round 100..101 takes all but the share of 102", () => {
    assert.deepEqual(plain(prop(shares, 101, 101)), { [C]: 40n, [B]: 50n });
    assert.deepEqual(plain(prop(shares, 100, 101)), { [A]: 40n, [B]: 70n, [C]: 40n });
  });

  it("pays a reward pro rata, rounded down: 1000 over 40/70/40 of 150 is 266, 466, 266", () => {
    // 40 × 1000 / 150 = 266.67; 70 × 1000 / 150 = 466.67
    assert.deepEqual(plain(proRata(prop(shares, 100, 101), 1000n)), { [A]: 266n, [B]: 466n, [C]: 266n });
  });
});

describe("PPS", () => {
  it("pays each share difficulty / network difficulty × block reward, less the fee", () => {
    // network difficulty 1000, block reward 3 ETH-wei-units × 10^6: A's 100 of work earns 100/1000 × 3,000,000
    const amounts = ppsAmounts(shares, 1000n, 3_000_000n);
    assert.deepEqual(plain(amounts), { [A]: 300_000n, [B]: 210_000n, [C]: 120_000n });
    // a 2% fee (20,000 ppm): 300,000 × 0.98 = 294,000
    assert.equal(ppsAmounts(shares, 1000n, 3_000_000n, 20_000n).get(A), 294_000n);
    // rounded down once per miner: C's 40 / 7 × 1 = 5.71 → 5
    assert.equal(ppsAmounts(shares, 7n, 1n).get(C), 5n);
    assert.throws(() => ppsAmounts(shares, 0n, 1n), ScoringError);
  });
});
