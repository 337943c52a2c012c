// Decimal text for bigint amounts and exact fixed-point arithmetic, shared by formatting, errors and economics.

/** Puts a comma between every three digits of a plain decimal string's integer part: "1234.5" → "1,234.5". */
export function groupThousands(decimal: string): string {
  const negative = decimal.startsWith("-");
  const unsigned = negative ? decimal.slice(1) : decimal;
  const [integer = "0", fraction] = unsigned.split(".");
  const grouped = integer.replace(/\B(?=(\d{3})+(?!\d))/g, ",");
  return `${negative ? "-" : ""}${grouped}${fraction === undefined ? "" : `.${fraction}`}`;
}

/** `value / 10^decimals` as a plain decimal string with every significant digit and no trailing zeros. */
export function toDecimalString(value: bigint, decimals: number): string {
  const negative = value < 0n;
  const magnitude = negative ? -value : value;
  const scale = 10n ** BigInt(decimals);
  const integer = magnitude / scale;
  const fraction = (magnitude % scale).toString().padStart(decimals, "0").replace(/0+$/, "");
  return `${negative ? "-" : ""}${integer}${fraction === "" ? "" : `.${fraction}`}`;
}

/** Token amounts as people read them: 18 decimals, thousands separators, no trailing zeros ("1,234.5"). */
export function formatAmount(value: bigint, decimals = 18): string {
  return groupThousands(toDecimalString(value, decimals));
}

/** Parts per million as a percentage: 100_000 → "10%". */
export function formatPpm(ppm: bigint | number): string {
  return `${toDecimalString(BigInt(ppm), 4)}%`;
}

/**
 * Reads a finite decimal number (a JS number or its text, exponent notation included) as an integer scaled by
 * 10^decimals, exactly. Returns undefined for anything else, or for digits beyond `decimals`.
 */
export function toFixedPoint(value: number | string, decimals: number): bigint | undefined {
  const text = typeof value === "number" ? (Number.isFinite(value) ? String(value) : "") : value.trim();
  const match = /^(-?)(\d*)(?:\.(\d*))?(?:e([+-]?\d+))?$/i.exec(text);
  if (!match) return undefined;
  const [, sign = "", integer = "", fraction = "", exponentText] = match;
  if (integer === "" && fraction === "") return undefined;
  const exponent = exponentText === undefined ? 0 : Number(exponentText);
  // shift the decimal point by the exponent, then by the scale
  const digits = `${integer}${fraction}`;
  const pointAt = integer.length + exponent + decimals;
  if (pointAt < 0) return digits.replace(/0/g, "") === "" ? 0n : undefined;
  const whole = pointAt >= digits.length ? digits.padEnd(pointAt, "0") : digits.slice(0, pointAt);
  const rest = pointAt >= digits.length ? "" : digits.slice(pointAt);
  if (/[1-9]/.test(rest)) return undefined;
  const scaled = BigInt(whole === "" ? "0" : whole);
  return sign === "-" ? -scaled : scaled;
}
