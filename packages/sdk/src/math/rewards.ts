// How a reward reaching a pool's vault is split, to the wei, exactly as PoolRegistry._distribute does it.
import { InvalidInputError } from "../errors.ts";

const PPM = 1_000_000n;

export type SplitRewardParameters = {
  /** Tokens that arrived at the pool's vault, in the token's smallest units. */
  reward: bigint;
  /** The registry's protocol fee, parts per million. */
  protocolFeeRate: bigint | number;
  /** The pool operator's commission, parts per million. */
  commissionRate: bigint | number;
};

export type RewardSplit = {
  protocolFee: bigint;
  commission: bigint;
  toDelegators: bigint;
};

/**
 * Splits a reward: the protocol fee first, the commission out of what is left, the rest to delegators.
 * Both divisions round down, so the delegators' part takes the rounding (the three always add up to `reward`).
 */
export function splitReward({ reward, protocolFeeRate, commissionRate }: SplitRewardParameters): RewardSplit {
  const feeRate = toRate(protocolFeeRate, "protocolFeeRate");
  const rate = toRate(commissionRate, "commissionRate");
  if (reward < 0n) throw new InvalidInputError(`reward must be 0 or more, got ${reward}`);
  const protocolFee = (reward * feeRate) / PPM;
  const commission = ((reward - protocolFee) * rate) / PPM;
  return { protocolFee, commission, toDelegators: reward - protocolFee - commission };
}

export type DelegatorShareParameters = {
  /** The delegators' part of a reward (`splitReward(...).toDelegators`). */
  toDelegators: bigint;
  /** One delegator's stake in the pool. */
  stake: bigint;
  /** The pool's total stake. */
  totalStake: bigint;
};

/**
 * One delegator's part of the delegators' reward, pro rata to stake (D = S/T·O), rounded down to the wei.
 * On-chain, one reward may pay up to 1 wei less than this; the registry keeps the sub-wei remainder and pays it
 * with a later reward, so over time every delegator receives this share.
 */
export function delegatorShare({ toDelegators, stake, totalStake }: DelegatorShareParameters): bigint {
  if (totalStake <= 0n) throw new InvalidInputError(`totalStake must be more than 0, got ${totalStake}`);
  if (stake < 0n || stake > totalStake) {
    throw new InvalidInputError(`stake must be from 0 to totalStake (${totalStake}), got ${stake}`);
  }
  if (toDelegators < 0n) throw new InvalidInputError(`toDelegators must be 0 or more, got ${toDelegators}`);
  return (toDelegators * stake) / totalStake;
}

function toRate(value: bigint | number, name: string): bigint {
  if (typeof value === "number" && !Number.isInteger(value)) {
    throw new InvalidInputError(`${name} must be a whole number of parts per million, got ${value}`);
  }
  const rate = BigInt(value);
  if (rate < 0n || rate > PPM) throw new InvalidInputError(`${name} must be from 0 to 1000000 ppm, got ${rate}`);
  return rate;
}
