// Reading and writing what people type and read: token amounts, addresses, rates. Input is refused with one sentence.
import { getAddress, isAddress, type Address } from "viem";
import { InvalidInputError } from "./errors.ts";
import { formatAmount, formatPpm, groupThousands, toFixedPoint } from "./internal/numbers.ts";
import { POOL_OWNERS_TOTAL_SHARES, SHARE_PERCENT_DECIMALS, formatSharePercent } from "./internal/shares.ts";

/** Parts per million in 100%, the unit of every rate in the contracts. */
export const PPM = 1_000_000;

/**
 * Reads a token amount written in whole tokens ("250", "0.5", "1,234.5") as its smallest units.
 * Refuses negatives, more decimals than the token has, and anything that is not a plain number.
 * `name` says what the amount is for in the messages ("fee '-1' is negative: …").
 */
export function parseTokenAmount(text: string, decimals = 18, name = "amount"): bigint {
  const trimmed = text.trim();
  if (trimmed === "") throw new InvalidInputError(`no ${name} given: write a number of tokens, like 250 or 0.5`);
  if (trimmed.startsWith("-")) throw new InvalidInputError(`${name} '${text}' is negative: it must be 0 or more`);
  const match = /^(\d+|\d{1,3}(?:,\d{3})+)?(?:\.(\d+))?$/.exec(trimmed);
  if (!match || (match[1] === undefined && match[2] === undefined)) {
    throw new InvalidInputError(`${name} '${text}' is not a number of tokens: write it like 250 or 0.5`);
  }
  const [, integer = "0", fraction = ""] = match;
  if (fraction.length > decimals) {
    throw new InvalidInputError(`${name} '${text}' has ${fraction.length} decimals: the token has only ${decimals}`);
  }
  return BigInt(integer.replaceAll(",", "") + fraction.padEnd(decimals, "0"));
}

/** A token amount in its smallest units as people read it: "1,234.5" (every significant decimal kept). */
export function formatTokenAmount(amount: bigint, decimals = 18): string {
  return formatAmount(amount, decimals);
}

/** A number as people read it, with thousands separators: 16173.136 → "16,173.136". */
export function formatNumber(value: number): string {
  const plain = Number.isInteger(value) || Math.abs(value) >= 1e-6 ? String(value) : value.toFixed(20);
  return /e/i.test(plain) ? value.toLocaleString("en-US", { maximumFractionDigits: 20 }) : groupThousands(plain);
}

/**
 * Reads an address and returns it checksummed. Refuses anything but 0x and 40 hex digits, and a mixed-case
 * address whose checksum is wrong (a typo). `name` says what the address is for in the messages.
 */
export function parseAddress(text: string, name?: string): Address {
  const trimmed = text.trim();
  if (!/^0x[0-9a-fA-F]{40}$/.test(trimmed)) {
    const what = name === undefined ? "" : `${name} `;
    throw new InvalidInputError(`${what}'${text}' is not an address: expected 0x followed by 40 hex digits`);
  }
  if (!isAddress(trimmed, { strict: true })) {
    throw new InvalidInputError(
      `${name ?? "address"} '${text}' has a wrong checksum: check it for a typo, or write it in lower case`,
    );
  }
  return getAddress(trimmed);
}

/** Reads a percentage ("10", "10%", "2.5%") as parts per million; refuses negatives, over 100%, over 4 decimals. */
export function parseRate(text: string, name = "rate"): number {
  const trimmed = text.trim().replace(/%$/, "");
  const ppm = /^\d+(\.\d+)?$|^\.\d+$/.test(trimmed) ? toFixedPoint(trimmed, 4) : undefined;
  if (ppm === undefined) {
    throw new InvalidInputError(`${name} '${text}' is not a percentage from 0 to 100 with at most 4 decimals`);
  }
  if (ppm > BigInt(PPM)) throw new InvalidInputError(`${name} '${text}' is above 100%`);
  return Number(ppm);
}

/** Parts per million as a percentage: 100000 → "10%". */
export function formatRate(ppm: number | bigint): string {
  return formatPpm(ppm);
}

/** A number of PoolOwners shares as a percentage of all of them, exact: 13.6 ether (what 13.6 ETH buys) → "0.34%". */
export function formatShare(share: bigint): string {
  return formatSharePercent(share);
}

/**
 * Reads a number of PoolOwners shares: a percentage of all of them ("12.5%"), or shares written as the ETH they are
 * worth at the sale's valuation, one share per wei ("13.6" is 13.6 ETH's worth, 0.34%). Refuses negatives, more than
 * 100%, and fractions of a share. `name` says what the share is for in the messages.
 */
export function parseShare(text: string, name = "share"): bigint {
  const trimmed = text.trim();
  const hint = "write a percentage like 12.5% or shares as ETH at the sale's valuation like 13.6 (= 0.34%)";
  const finer = () =>
    new InvalidInputError(
      `${name} '${text}' is not a whole number of shares: one share is ${formatSharePercent(1n)}, 0.000000000000000001 ETH`,
    );
  if (trimmed === "") throw new InvalidInputError(`no ${name} given: ${hint}`);
  if (trimmed.startsWith("-")) throw new InvalidInputError(`${name} '${text}' is negative: it must be 0 or more`);
  let share: bigint;
  if (trimmed.endsWith("%")) {
    const percent = trimmed.slice(0, -1).trim();
    if (!/^\d+(\.\d*)?$|^\.\d+$/.test(percent))
      throw new InvalidInputError(`${name} '${text}' is not a share: ${hint}`);
    const scaled = toFixedPoint(percent, SHARE_PERCENT_DECIMALS);
    const hundredPercent = 100n * 10n ** BigInt(SHARE_PERCENT_DECIMALS);
    if (scaled === undefined || (scaled * POOL_OWNERS_TOTAL_SHARES) % hundredPercent !== 0n) throw finer();
    share = (scaled * POOL_OWNERS_TOTAL_SHARES) / hundredPercent;
  } else {
    const match = /^(\d+|\d{1,3}(?:,\d{3})+)?(?:\.(\d+))?$/.exec(trimmed);
    if (!match || (match[1] === undefined && match[2] === undefined)) {
      throw new InvalidInputError(`${name} '${text}' is not a share: ${hint}`);
    }
    if ((match[2] ?? "").length > 18) throw finer();
    share = parseTokenAmount(trimmed, 18, name);
  }
  if (share > POOL_OWNERS_TOTAL_SHARES) {
    throw new InvalidInputError(`${name} '${text}' is above 100% (4,000 ETH at the sale's valuation)`);
  }
  return share;
}
