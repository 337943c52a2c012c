// Scoring schemes: which shares count for a block and how much, as miner → score (summed difficulty), and the payout
// a score earns. PPLNS (the last N shares, or the last N × network difficulty of share difficulty), PROP (the
// shares of the round) and PPS (every share paid its expected value, whatever the pool finds).
import type { Address } from "viem";
import type { MinerScore } from "./shareState.ts";
import type { Share } from "./shares.ts";

export class ScoringError extends Error {
  override name = "ScoringError";
}

export type Scores = Map<Address, bigint>;

function add(scores: Scores, miner: Address, amount: bigint) {
  if (amount > 0n) scores.set(miner, (scores.get(miner) ?? 0n) + amount);
}

/** The shares that count for a block found at `height`: those submitted for it or before (in ledger order). */
function upTo(shares: readonly Share[], height: number): Share[] {
  return shares.filter((share) => share.height <= height);
}

/** PPLNS, last N shares: each of the last `n` shares up to the block counts its difficulty. */
export function pplnsLastShares(shares: readonly Share[], height: number, n: number): Scores {
  if (!Number.isSafeInteger(n) || n < 1) throw new ScoringError("N must be a whole number ≥ 1");
  const scores: Scores = new Map();
  for (const share of upTo(shares, height).slice(-n)) add(scores, share.miner, share.difficulty);
  return scores;
}

/**
 * PPLNS, last N × difficulty: walking back from the block, shares count their difficulty until the window of
 * `n × networkDifficulty` is full; the share that crosses the window's edge counts only the part inside it.
 * `n` is a ratio `numerator / denominator` (often 2: the window is twice the network difficulty).
 */
export function pplnsWindow(
  shares: readonly Share[],
  height: number,
  networkDifficulty: bigint,
  n: { numerator: bigint; denominator: bigint } = { numerator: 2n, denominator: 1n },
): Scores {
  if (networkDifficulty <= 0n || n.numerator <= 0n || n.denominator <= 0n) {
    throw new ScoringError("the window must be positive");
  }
  let left = (networkDifficulty * n.numerator) / n.denominator;
  const scores: Scores = new Map();
  const counted = upTo(shares, height);
  for (let i = counted.length - 1; i >= 0 && left > 0n; i--) {
    const share = counted[i]!;
    const part = share.difficulty < left ? share.difficulty : left;
    add(scores, share.miner, part);
    left -= part;
  }
  return scores;
}

/** PROP: the shares of the round, from the block after the last one found (`fromHeight`) to this one. */
export function prop(shares: readonly Share[], fromHeight: number, height: number): Scores {
  const scores: Scores = new Map();
  for (const share of shares) {
    if (share.height >= fromHeight && share.height <= height) add(scores, share.miner, share.difficulty);
  }
  return scores;
}

/**
 * PPS: every share of `shares` is paid its expected value, `difficulty / networkDifficulty × blockReward`, less the
 * pool's fee in parts per million; summed per miner first, then rounded down once. Returns amounts, not scores.
 */
export function ppsAmounts(
  shares: readonly Share[],
  networkDifficulty: bigint,
  blockReward: bigint,
  feePpm = 0n,
): Scores {
  if (networkDifficulty <= 0n) throw new ScoringError("the network difficulty must be positive");
  if (feePpm < 0n || feePpm > 1_000_000n) throw new ScoringError("the fee must be in 0 .. 1,000,000 ppm");
  const work: Scores = new Map();
  for (const share of shares) add(work, share.miner, share.difficulty);
  const amounts: Scores = new Map();
  for (const [miner, difficulty] of work) {
    add(amounts, miner, (difficulty * blockReward * (1_000_000n - feePpm)) / (networkDifficulty * 1_000_000n));
  }
  return amounts;
}

/** Pro-rata amounts of `reward` for `scores`: floor(score × reward / total), as `ShareStatePayout` pays them. */
export function proRata(scores: Scores, reward: bigint): Scores {
  let total = 0n;
  for (const score of scores.values()) total += score;
  const amounts: Scores = new Map();
  if (total === 0n) return amounts;
  for (const [miner, score] of scores) add(amounts, miner, (score * reward) / total);
  return amounts;
}

/** Scores as the share-state builder takes them. */
export function toMinerScores(scores: Scores): MinerScore[] {
  return [...scores].map(([miner, score]) => ({ miner, score }));
}
