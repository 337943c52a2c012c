import assert from "node:assert/strict";
import { describe, test } from "node:test";
import { InvalidInputError } from "../errors.ts";
import { delegatorShare, splitReward } from "./rewards.ts";

const token = 10n ** 18n;

describe("splitReward", () => {
  const cases = [
    // reward, protocol fee ppm, commission ppm → protocolFee, commission, toDelegators
    {
      reward: 100n * token,
      pf: 50_000,
      cr: 100_000,
      expected: [5n * token, (95n * token) / 10n, (855n * token) / 10n],
    },
    { reward: 999n, pf: 50_000, cr: 100_000, expected: [49n, 95n, 855n] }, // 49.95 → 49; 95.0 → 95
    { reward: 1n, pf: 999_999, cr: 999_999, expected: [0n, 0n, 1n] }, // every rounding goes to delegators
    { reward: 7n, pf: 0, cr: 1_000_000, expected: [0n, 7n, 0n] },
    { reward: 7n, pf: 1_000_000, cr: 1_000_000, expected: [7n, 0n, 0n] },
    { reward: 0n, pf: 200_000, cr: 300_000, expected: [0n, 0n, 0n] },
    { reward: 1_000_001n, pf: 200_000, cr: 333_333, expected: [200_000n, 266_666n, 533_335n] },
  ] as const;
  for (const [i, { reward, pf, cr, expected }] of cases.entries()) {
    test(`split:${i} reward ${reward} at ${pf}/${cr} ppm`, () => {
      const split = splitReward({ reward, protocolFeeRate: pf, commissionRate: cr });
      assert.deepEqual([split.protocolFee, split.commission, split.toDelegators], expected);
      assert.equal(split.protocolFee + split.commission + split.toDelegators, reward);
    });
  }

  test("takes bigint rates too", () => {
    assert.deepEqual(splitReward({ reward: 1000n, protocolFeeRate: 100_000n, commissionRate: 500_000n }), {
      protocolFee: 100n,
      commission: 450n,
      toDelegators: 450n,
    });
  });

  test("refuses rates outside 0-100% and negative rewards", () => {
    assert.throws(() => splitReward({ reward: 1n, protocolFeeRate: 1_000_001, commissionRate: 0 }), InvalidInputError);
    assert.throws(() => splitReward({ reward: 1n, protocolFeeRate: 0, commissionRate: -1 }), InvalidInputError);
    assert.throws(() => splitReward({ reward: 1n, protocolFeeRate: 0.5, commissionRate: 0 }), InvalidInputError);
    assert.throws(() => splitReward({ reward: -1n, protocolFeeRate: 0, commissionRate: 0 }), InvalidInputError);
  });
});

describe("delegatorShare", () => {
  test("pro rata to stake, rounded down", () => {
    assert.equal(delegatorShare({ toDelegators: 855n, stake: 1n, totalStake: 3n }), 285n);
    assert.equal(delegatorShare({ toDelegators: 100n, stake: 1n, totalStake: 3n }), 33n);
    assert.equal(delegatorShare({ toDelegators: 100n, stake: 2n, totalStake: 3n }), 66n);
    assert.equal(delegatorShare({ toDelegators: 100n, stake: 3n, totalStake: 3n }), 100n);
    assert.equal(delegatorShare({ toDelegators: 100n, stake: 0n, totalStake: 3n }), 0n);
    assert.equal(
      delegatorShare({ toDelegators: 85_500n * token, stake: 250n * token, totalStake: 20_000n * token }),
      1_068_750_000_000_000_000_000n,
    );
  });

  test("refuses an empty pool and a stake above the total", () => {
    assert.throws(() => delegatorShare({ toDelegators: 1n, stake: 0n, totalStake: 0n }), /totalStake must be more/);
    assert.throws(() => delegatorShare({ toDelegators: 1n, stake: 4n, totalStake: 3n }), /stake must be from 0/);
  });
});
