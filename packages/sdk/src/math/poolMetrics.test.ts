import assert from "node:assert/strict";
import { describe, test } from "node:test";
import { InvalidInputError } from "../errors.ts";
import { apparentPerformance, attractiveness, rewardRate, SECONDS_PER_YEAR, WEEK_OF_BLOCKS } from "./poolMetrics.ts";

describe("rewardRate", () => {
  test("weights each interval's stake by its length, and scales the rate to a year", () => {
    // stake 1,000 for 300 s, then 3,000 for 100 s: (1000·300 + 3000·100) / 400 = 1,500 on average; 60 rewards in
    const rate = rewardRate([
      { timestamp: 1_000n, totalStake: 1_000n, rewards: 5n },
      { timestamp: 1_100n, totalStake: 1_000n, rewards: 15n },
      { timestamp: 1_300n, totalStake: 3_000n, rewards: 35n },
      { timestamp: 1_400n, totalStake: 3_000n, rewards: 65n },
    ])!;
    assert.deepEqual([rate.rewards, rate.averageStake, rate.seconds], [60n, 1_500n, 400n]);
    assert.equal(rate.rate, 0.04);
    assert.equal(rate.apr, (0.04 * 31_536_000) / 400); // 3153.6
  });

  test("a year of 5% on a steady stake is an APR of 0.05", () => {
    const stake = 2_000_000n * 10n ** 18n;
    const rate = rewardRate([
      { timestamp: 0n, totalStake: stake, rewards: 0n },
      { timestamp: SECONDS_PER_YEAR, totalStake: stake, rewards: 100_000n * 10n ** 18n },
    ])!;
    assert.equal(rate.apr, 0.05);
  });

  test("is undefined without a window or without stake, and refuses points out of order", () => {
    assert.equal(rewardRate([]), undefined);
    assert.equal(rewardRate([{ timestamp: 5n, totalStake: 1n, rewards: 0n }]), undefined);
    assert.equal(
      rewardRate([
        { timestamp: 5n, totalStake: 0n, rewards: 0n },
        { timestamp: 9n, totalStake: 10n, rewards: 3n },
      ]),
      undefined,
    );
    assert.throws(
      () =>
        rewardRate([
          { timestamp: 9n, totalStake: 1n, rewards: 0n },
          { timestamp: 5n, totalStake: 1n, rewards: 0n },
        ]),
      InvalidInputError,
    );
    assert.throws(
      () =>
        rewardRate([
          { timestamp: 1n, totalStake: 1n, rewards: 5n },
          { timestamp: 2n, totalStake: 1n, rewards: 4n },
        ]),
      /cannot go down/,
    );
  });
});

describe("apparentPerformance", () => {
  const samples = [
    { block: 900n, eligible: 10, answered: 0 }, // just outside a window of 100 ending at 1,000
    { block: 950n, eligible: 10, answered: 9 },
    { block: 1_000n, eligible: 10, answered: 7 },
    { block: 1_001n, eligible: 10, answered: 0 }, // after the head
  ];

  test("answered / eligible over the window (head − window, head]", () => {
    assert.deepEqual(apparentPerformance({ samples, head: 1_000n, activeSince: 900n, windowBlocks: 100n }), {
      status: "established",
      answered: 16,
      eligible: 20,
      performance: 0.8,
    });
  });

  test("a pool active for less than the window is new", () => {
    assert.deepEqual(apparentPerformance({ samples, head: 1_000n, activeSince: 950n, windowBlocks: 100n }), {
      status: "new",
      blocksToEstablished: 50n,
    });
    assert.equal(
      apparentPerformance({ samples: [], head: WEEK_OF_BLOCKS - 1n, activeSince: 0n }).status,
      "new",
      "the default window is a week of blocks",
    );
  });

  test("no eligible round gives no measure; impossible samples are refused", () => {
    assert.deepEqual(apparentPerformance({ samples: [], head: 500n, activeSince: 0n, windowBlocks: 100n }), {
      status: "established",
      answered: 0,
      eligible: 0,
      performance: undefined,
    });
    assert.throws(
      () =>
        apparentPerformance({
          samples: [{ block: 1n, eligible: 1, answered: 2 }],
          head: 500n,
          activeSince: 0n,
          windowBlocks: 100n,
        }),
      /answers 2 of 1 rounds/,
    );
  });
});

describe("attractiveness", () => {
  const pool = {
    rewardsPerYear: 1_000_000n,
    performance: 0.8,
    protocolFeeRate: 50_000,
    commissionRate: 100_000,
    totalStake: 3_000n,
    pendingStake: 1_000n,
    stakingLimit: 10_000n,
    state: "active" as const,
  };

  test("the net yield of a new delegation: performance, fee, commission, shared with the stake there", () => {
    // 1,000,000 × 0.8 = 800,000; fee 5% = 40,000; commission 10% of 760,000 = 76,000; delegators 684,000;
    // the new 1,000 holds 1,000 / (3,000 + 1,000 pending + 1,000) of it = 136,800 a year
    assert.deepEqual(attractiveness({ ...pool, amount: 1_000n }), {
      fits: true,
      remainingCapacity: 6_000n,
      netRewardsPerYear: 136_800n,
      yield: 136.8,
    });
  });

  test("a larger delegation dilutes its own yield", () => {
    const small = attractiveness({ ...pool, amount: 1_000n });
    const large = attractiveness({ ...pool, amount: 6_000n });
    // 684,000 × 6,000 / 10,000 = 410,400 → 68.4 per token
    assert.equal(large.netRewardsPerYear, 410_400n);
    assert.ok(large.yield < small.yield);
  });

  test("is zero when the delegation does not fit or the pool takes none", () => {
    assert.deepEqual(attractiveness({ ...pool, amount: 6_001n }), {
      fits: false,
      remainingCapacity: 6_000n,
      netRewardsPerYear: 0n,
      yield: 0,
    });
    for (const state of ["broken", "disabled", "retired"] as const) {
      assert.equal(attractiveness({ ...pool, state, amount: 1n }).yield, 0, state);
    }
    assert.equal(attractiveness({ ...pool, stakingLimit: 3_500n, amount: 1n }).remainingCapacity, 0n);
  });

  test("refuses inputs out of range", () => {
    assert.throws(() => attractiveness({ ...pool, amount: 0n }), /more than 0/);
    assert.throws(() => attractiveness({ ...pool, amount: 1n, performance: 1.5 }), /from 0 to 1/);
    assert.throws(() => attractiveness({ ...pool, amount: 1n, performance: Number.NaN }), /from 0 to 1/);
    assert.throws(() => attractiveness({ ...pool, amount: 1n, commissionRate: 2_000_000 }), /commissionRate/);
  });
});
