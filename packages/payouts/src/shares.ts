// A share as a stratum server reports it, and its validation: a malformed share is refused with a reason.
import { getAddress, isAddress, type Address } from "viem";

/** One accepted share: who found it, at what share difficulty, on which block height, when (unix seconds). */
export type Share = { miner: Address; difficulty: bigint; height: number; time: number };

export type ShareCheck = { ok: true; share: Share } | { ok: false; reason: string };

const FIELDS = new Set(["miner", "difficulty", "height", "time"]);
/** Shares are scored in bigint; a difficulty beyond 2^64 − 1 is no stratum share. */
export const MAX_DIFFICULTY = 2n ** 64n - 1n;

/** Checks one share as decoded from JSON: `{ miner, difficulty, height, time }`, difficulty a positive whole number
 * (a JSON number up to 2^53, or a decimal string), height a whole number ≥ 0, time whole seconds > 0, nothing else. */
export function checkShare(value: unknown): ShareCheck {
  if (value === null || typeof value !== "object" || Array.isArray(value)) return refuse("not a JSON object");
  const record = value as Record<string, unknown>;
  for (const key of Object.keys(record)) if (!FIELDS.has(key)) return refuse(`unknown field "${key}"`);
  const { miner, difficulty, height, time } = record;
  if (typeof miner !== "string" || !isAddress(miner, { strict: false })) return refuse("miner is not an address");
  let diff: bigint;
  if (typeof difficulty === "number" && Number.isSafeInteger(difficulty)) diff = BigInt(difficulty);
  else if (typeof difficulty === "string" && /^[0-9]{1,20}$/.test(difficulty)) diff = BigInt(difficulty);
  else return refuse("difficulty is not a whole number");
  if (diff <= 0n || diff > MAX_DIFFICULTY) return refuse("difficulty is not in 1 .. 2^64 − 1");
  if (typeof height !== "number" || !Number.isSafeInteger(height) || height < 0) {
    return refuse("height is not a whole number ≥ 0");
  }
  if (typeof time !== "number" || !Number.isSafeInteger(time) || time <= 0)
    return refuse("time is not whole seconds > 0");
  return { ok: true, share: { miner: getAddress(miner), difficulty: diff, height, time } };
}

/** One line of JSON-lines: JSON, then `checkShare`. */
export function parseShareLine(line: string): ShareCheck {
  let value: unknown;
  try {
    value = JSON.parse(line);
  } catch {
    return refuse("not JSON");
  }
  return checkShare(value);
}

/** The JSON line a share is stored as (difficulty as a string: it may pass 2^53). */
export function shareLine(share: Share): string {
  return JSON.stringify({
    miner: share.miner,
    difficulty: share.difficulty.toString(),
    height: share.height,
    time: share.time,
  });
}

function refuse(reason: string): ShareCheck {
  return { ok: false, reason };
}
