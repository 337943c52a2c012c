// Exact decimal prices: text from an API to a bigint scaled by 10^decimals and back, never through a float.

/** Prices are compared and aggregated as integers scaled by 10^18: more digits than any price API sends. */
export const PRICE_DECIMALS = 18;

const DECIMAL = /^([+-]?)(\d*)(?:\.(\d*))?(?:e([+-]?\d+))?$/i;

/**
 * Reads a finite decimal (a JS number or its text, exponent notation included) as an integer scaled by
 * 10^decimals. Digits beyond `decimals` are rounded half away from zero. Returns undefined for anything else.
 */
export function parseDecimal(value: unknown, decimals: number = PRICE_DECIMALS): bigint | undefined {
  let text: string;
  if (typeof value === "number") {
    if (!Number.isFinite(value)) return undefined;
    text = String(value);
  } else if (typeof value === "string") {
    text = value.trim();
  } else {
    return undefined;
  }
  const match = DECIMAL.exec(text);
  if (!match) return undefined;
  const [, sign = "", integer = "", fraction = "", exponentText] = match;
  if (integer === "" && fraction === "") return undefined;
  const exponent = exponentText === undefined ? 0 : Number(exponentText);
  // an exponent this large is not a price: refuse it before building a string of that many digits
  if (!Number.isSafeInteger(exponent) || Math.abs(exponent) > 1_000) return undefined;

  const digits = `${integer}${fraction}`;
  const pointAt = integer.length + exponent + decimals;
  let kept: string;
  let roundUp: boolean;
  if (pointAt <= 0) {
    kept = "0";
    roundUp = pointAt === 0 && (digits[0] ?? "0") >= "5";
  } else if (pointAt >= digits.length) {
    kept = digits.padEnd(pointAt, "0");
    roundUp = false;
  } else {
    kept = digits.slice(0, pointAt);
    roundUp = (digits[pointAt] ?? "0") >= "5";
  }
  const magnitude = BigInt(kept === "" ? "0" : kept) + (roundUp ? 1n : 0n);
  return sign === "-" ? -magnitude : magnitude;
}

/** `value / 10^decimals` as plain decimal text with no exponent and no trailing zeros: 7120000n, 6 → "7.12". */
export function formatDecimal(value: bigint, decimals: number = PRICE_DECIMALS): string {
  const negative = value < 0n;
  const magnitude = negative ? -value : value;
  const scale = 10n ** BigInt(decimals);
  const integer = magnitude / scale;
  const fraction = decimals === 0 ? "" : (magnitude % scale).toString().padStart(decimals, "0").replace(/0+$/, "");
  return `${negative ? "-" : ""}${integer}${fraction === "" ? "" : `.${fraction}`}`;
}

/** `value / 10^decimals` with exactly `decimals` digits after the point, as exchange tickers print them. */
export function formatFixed(value: bigint, decimals: number): string {
  const plain = formatDecimal(value, decimals);
  if (decimals === 0) return plain;
  const [integer, fraction = ""] = plain.split(".");
  return `${integer}.${fraction.padEnd(decimals, "0")}`;
}

/** Rounds a scaled integer to fewer decimals, half away from zero: roundTo(7_125n, 3, 2) === 713n. */
export function roundTo(value: bigint, fromDecimals: number, toDecimals: number): bigint {
  if (toDecimals >= fromDecimals) return value * 10n ** BigInt(toDecimals - fromDecimals);
  const divisor = 10n ** BigInt(fromDecimals - toDecimals);
  const half = divisor / 2n;
  return value < 0n ? -((-value + half) / divisor) : (value + half) / divisor;
}
