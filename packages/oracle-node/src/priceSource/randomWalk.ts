// A seeded random walk of prices, one per pair, in integer arithmetic: the same seed gives the same prices anywhere.
import { InvalidInputError } from "@poolnet/sdk";
import { formatDecimal, parseDecimal } from "../internal/decimal.ts";
import { formatPair, parsePair } from "../feeds/feed.ts";

/** Walk prices move in steps of 10^-8, the finest most exchanges quote. */
export const WALK_DECIMALS = 8;
// volatility and jumps are read to 9 decimals (parts per billion)
const RATE_DECIMALS = 9;
const ONE = 10n ** BigInt(RATE_DECIMALS);
const HUNDRED = 100n * ONE;
const UINT32_MAX = 0xffffffffn;
/** A step may move a price by at most half of it: more is a jump, not volatility. */
const MAX_VOLATILITY = ONE / 2n;

export type RandomWalkParameters = {
  /** The same seed walks the same prices, step for step. */
  seed: string | number;
  /** Each pair and its starting price: { "LINK/USD": "15" }. */
  startPrices: Readonly<Record<string, string>>;
  /** The largest move of one step, as a fraction of the price: 0.002 moves by at most ±0.2% (uniformly). */
  volatility: string | number;
};

export type RandomWalk = {
  readonly pairs: readonly string[];
  /** Steps taken since the start. */
  readonly steps: number;
  /** The pair's price now, as decimal text; undefined for a pair the walk does not have. */
  price(pair: string): string | undefined;
  prices(): Record<string, string>;
  /** Moves every pair `count` steps. */
  step(count?: number): void;
  /** Moves one pair by `percent` at once (-10 drops it by 10%); returns its new price. */
  jump(pair: string, percent: string | number): string;
};

export function createRandomWalk({ seed, startPrices, volatility }: RandomWalkParameters): RandomWalk {
  const maxMove = parseDecimal(volatility, RATE_DECIMALS);
  if (maxMove === undefined || maxMove < 0n || maxMove > MAX_VOLATILITY) {
    throw new InvalidInputError(`the volatility must be a fraction from 0 to 0.5 of the price, not ${volatility}`);
  }
  const walks = new Map<string, { price: bigint; random: () => number }>();
  for (const [text, start] of Object.entries(startPrices)) {
    const pair = formatPair(parsePair(text));
    const price = parseDecimal(start, WALK_DECIMALS);
    if (price === undefined || price <= 0n) {
      throw new InvalidInputError(`the starting price of ${pair} must be a positive decimal, not "${start}"`);
    }
    if (walks.has(pair)) throw new InvalidInputError(`${pair} is listed twice`);
    // each pair its own generator: adding a pair does not change how the others walk
    walks.set(pair, { price, random: mulberry32(fnv1a(`${String(seed)}/${pair}`)) });
  }
  let steps = 0;

  function walkOf(pair: string) {
    const walk = walks.get(keyOf(pair));
    if (!walk) throw new InvalidInputError(`the walk has no pair ${pair}: it has ${[...walks.keys()].join(", ")}`);
    return walk;
  }

  return {
    pairs: [...walks.keys()],
    get steps() {
      return steps;
    },
    price(pair) {
      const walk = walks.get(keyOf(pair));
      return walk && formatDecimal(walk.price, WALK_DECIMALS);
    },
    prices() {
      return Object.fromEntries([...walks].map(([pair, walk]) => [pair, formatDecimal(walk.price, WALK_DECIMALS)]));
    },
    step(count = 1) {
      if (!Number.isSafeInteger(count) || count < 0) {
        throw new InvalidInputError(`the number of steps must be a whole number, not ${count}`);
      }
      for (let i = 0; i < count; i++) {
        for (const walk of walks.values()) {
          // a uniform draw in [-maxMove, +maxMove], in parts per billion
          const draw = BigInt(walk.random());
          const move = (maxMove * (2n * draw - UINT32_MAX)) / UINT32_MAX;
          walk.price = scale(walk.price, ONE + move, ONE);
        }
        steps++;
      }
    },
    jump(pair, percent) {
      const walk = walkOf(pair);
      walk.price = movedBy(walk.price, parsePercent(percent));
      return formatDecimal(walk.price, WALK_DECIMALS);
    },
  };
}

/** "link/usd" → "LINK/USD"; anything that is not a pair stays as it is (and is found in no walk). */
function keyOf(pair: string): string {
  try {
    return formatPair(parsePair(pair));
  } catch {
    return pair;
  }
}

/** A move in percent, read exactly (to 9 decimals): above -100, since a price stays positive. */
export function parsePercent(percent: unknown): bigint {
  const change =
    typeof percent === "number" || typeof percent === "string" ? parseDecimal(percent, RATE_DECIMALS) : undefined;
  if (change === undefined || change <= -HUNDRED) {
    throw new InvalidInputError(`a move is a percentage above -100, not ${JSON.stringify(percent) ?? "nothing"}`);
  }
  return change;
}

/** A move that `parsePercent` read, as decimal text again: "-20", "12.5". */
export function formatPercent(change: bigint): string {
  return formatDecimal(change, RATE_DECIMALS);
}

/** A walk price (scaled by 10^8) moved by a percentage that `parsePercent` read. */
export function movedBy(price: bigint, change: bigint): bigint {
  return scale(price, HUNDRED + change, HUNDRED);
}

/** price × numerator / denominator, rounded half up, never below the smallest step: a price stays positive. */
export function scale(price: bigint, numerator: bigint, denominator: bigint): bigint {
  const scaled = (price * numerator + denominator / 2n) / denominator;
  return scaled < 1n ? 1n : scaled;
}

/** FNV-1a over the text's UTF-16 code units: a 32-bit seed from any string. */
function fnv1a(text: string): number {
  let hash = 0x811c9dc5;
  for (let i = 0; i < text.length; i++) {
    hash ^= text.charCodeAt(i);
    hash = Math.imul(hash, 0x01000193);
  }
  return hash >>> 0;
}

/** Mulberry32: a small, fast 32-bit generator; integer-only, so every platform draws the same numbers. */
function mulberry32(seed: number): () => number {
  let state = seed >>> 0;
  return () => {
    state = (state + 0x6d2b79f5) >>> 0;
    let t = state;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return (t ^ (t >>> 14)) >>> 0;
  };
}
