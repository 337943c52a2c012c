// What a delegator compares pools by, derived from the indexer's snapshots: the reward rate (APR) over a window,
// apparent performance (rounds answered / rounds eligible over a moving window, seed 001 §2.15.2) and attractiveness
// (the net yield a new delegation of a given size would get). Shared by the indexer, the API and the web.
import type { PoolState } from "../actions/getPoolInfo.ts";
import { InvalidInputError } from "../errors.ts";
import { splitReward } from "./rewards.ts";

/** 365 days. */
export const SECONDS_PER_YEAR = 31_536_000n;
/** The default moving window of apparent performance: one week of 12-second blocks. */
export const WEEK_OF_BLOCKS = 50_400n;

/** A pool at the end of one epoch, as its snapshot has it. */
export type RewardPoint = {
  /** The timestamp of the epoch's last block, in seconds. */
  timestamp: bigint;
  /** Stake earning rewards at that point. */
  totalStake: bigint;
  /**
   * A cumulative reward counter at that point: `rewards_distributed` for the gross rate, or `rewards_distributed −
   * protocol_fees − commission` for what delegators kept.
   */
  rewards: bigint;
};

export type RewardRate = {
  /** Rewards taken in between the first and last points. */
  rewards: bigint;
  /** Stake over the window, each interval weighted by its length (the stake at its start held through it). */
  averageStake: bigint;
  seconds: bigint;
  /** Rewards per staked token over the window. */
  rate: number;
  /** `rate` scaled to a year, not compounded. */
  apr: number;
};

/**
 * The reward rate over a window of points in time order. Undefined when the window is empty (fewer than two points,
 * or no time between them) or no stake was in the pool through it.
 */
export function rewardRate(points: readonly RewardPoint[]): RewardRate | undefined {
  for (let i = 1; i < points.length; i++) {
    if (points[i]!.timestamp < points[i - 1]!.timestamp) {
      throw new InvalidInputError("reward points must be in time order");
    }
    if (points[i]!.rewards < points[i - 1]!.rewards) {
      throw new InvalidInputError("reward counters are cumulative: they cannot go down");
    }
  }
  const first = points[0];
  const last = points.at(-1);
  if (first === undefined || last === undefined) return undefined;
  const seconds = last.timestamp - first.timestamp;
  if (seconds <= 0n) return undefined;
  let weighted = 0n;
  for (let i = 1; i < points.length; i++) {
    weighted += points[i - 1]!.totalStake * (points[i]!.timestamp - points[i - 1]!.timestamp);
  }
  const averageStake = weighted / seconds;
  if (averageStake === 0n) return undefined;
  const rewards = last.rewards - first.rewards;
  const rate = ratio(rewards, averageStake);
  return { rewards, averageStake, seconds, rate, apr: (rate * Number(SECONDS_PER_YEAR)) / Number(seconds) };
}

/** One epoch of one pool's oracle nodes: rounds they could have answered, and rounds they did. */
export type RoundSample = { block: bigint; eligible: number; answered: number };

export type ApparentPerformance =
  | {
      /** Active for less than the window: no measure yet; list it apart. */
      status: "new";
      /** Blocks until it has been active for a whole window. */
      blocksToEstablished: bigint;
    }
  | {
      status: "established";
      answered: number;
      eligible: number;
      /** answered / eligible, from 0 to 1; undefined when it was eligible for no round in the window. */
      performance: number | undefined;
    };

export type ApparentPerformanceParameters = {
  samples: readonly RoundSample[];
  /** The last block the samples cover. */
  head: bigint;
  /** The block the pool was registered (or its node first bound) in. */
  activeSince: bigint;
  /** The moving window, in blocks: the samples of blocks (head − window, head] count. */
  windowBlocks?: bigint;
};

/**
 * Apparent performance of an oracle pool (seed 001 §2.15.2, with rounds for blocks): the rounds its nodes answered
 * over the rounds they were eligible for, in the last `windowBlocks` blocks. A pool active for less than a window is
 * *new*.
 */
export function apparentPerformance({
  samples,
  head,
  activeSince,
  windowBlocks = WEEK_OF_BLOCKS,
}: ApparentPerformanceParameters): ApparentPerformance {
  if (windowBlocks <= 0n) throw new InvalidInputError(`the window must be at least 1 block, got ${windowBlocks}`);
  const age = head - activeSince;
  if (age < windowBlocks) return { status: "new", blocksToEstablished: windowBlocks - age };
  let answered = 0;
  let eligible = 0;
  for (const sample of samples) {
    if (sample.answered < 0 || sample.answered > sample.eligible || !Number.isInteger(sample.answered)) {
      throw new InvalidInputError(
        `a sample at block ${sample.block} answers ${sample.answered} of ${sample.eligible} rounds`,
      );
    }
    if (sample.block <= head - windowBlocks || sample.block > head) continue;
    answered += sample.answered;
    eligible += sample.eligible;
  }
  return { status: "established", answered, eligible, performance: eligible === 0 ? undefined : answered / eligible };
}

export type AttractivenessParameters = {
  /** The new delegation, in token units. */
  amount: bigint;
  /**
   * What the pool takes in over a year when its nodes answer every round they are eligible for (the payments of
   * those rounds, scaled to a year).
   */
  rewardsPerYear: bigint;
  /** Apparent performance, 0 to 1; for a new pool, the caller's assumption (and the pool is shown apart). */
  performance: number;
  /** Parts per million. */
  protocolFeeRate: bigint | number;
  commissionRate: bigint | number;
  totalStake: bigint;
  /** Stake transferred in and not landed yet: it takes room and will share the rewards. */
  pendingStake: bigint;
  stakingLimit: bigint;
  state: PoolState;
};

export type Attractiveness = {
  /** Whether the pool takes the delegation: active, and with room for all of it. */
  fits: boolean;
  remainingCapacity: bigint;
  /** The delegation's expected rewards over a year, after the protocol fee and the commission. */
  netRewardsPerYear: bigint;
  /** netRewardsPerYear / amount; 0 when it does not fit. */
  yield: number;
};

/**
 * Attractiveness: the yearly net yield a new delegation of `amount` would get in the pool — the pool's rewards at
 * full performance, scaled by its apparent performance, less the protocol fee and the commission, shared pro rata
 * with the stake already there (and pending) — and 0 if the pool would not take it.
 */
export function attractiveness(parameters: AttractivenessParameters): Attractiveness {
  const { amount, rewardsPerYear, performance, totalStake, pendingStake, stakingLimit, state } = parameters;
  if (amount <= 0n) throw new InvalidInputError(`the delegation must be more than 0, got ${amount}`);
  if (!(performance >= 0 && performance <= 1)) {
    throw new InvalidInputError(`performance must be from 0 to 1, got ${performance}`);
  }
  if (rewardsPerYear < 0n || totalStake < 0n || pendingStake < 0n || stakingLimit < 0n) {
    throw new InvalidInputError("rewards, stakes and the staking limit must be 0 or more");
  }
  const taken = totalStake + pendingStake;
  const remainingCapacity = stakingLimit > taken ? stakingLimit - taken : 0n;
  const fits = state === "active" && amount <= remainingCapacity;
  if (!fits) return { fits, remainingCapacity, netRewardsPerYear: 0n, yield: 0 };
  const expected = (rewardsPerYear * BigInt(Math.round(performance * 1e6))) / 1_000_000n;
  const { toDelegators } = splitReward({
    reward: expected,
    protocolFeeRate: parameters.protocolFeeRate,
    commissionRate: parameters.commissionRate,
  });
  const netRewardsPerYear = (toDelegators * amount) / (taken + amount);
  return { fits, remainingCapacity, netRewardsPerYear, yield: ratio(netRewardsPerYear, amount) };
}

/** a / b as a number, exact to about 15 significant digits whatever the sizes. */
function ratio(a: bigint, b: bigint): number {
  const scale = 10n ** 18n;
  return Number((a * scale) / b) / 1e18;
}
