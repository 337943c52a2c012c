import assert from "node:assert/strict";
import { describe, test } from "node:test";
import { PRICE_DECIMALS, formatDecimal, formatFixed, parseDecimal, roundTo } from "./decimal.ts";

describe("parseDecimal", () => {
  const cases: [unknown, number, bigint | undefined][] = [
    ["7.12", 2, 712n],
    [7.12, 18, 7_120_000_000_000_000_000n],
    ["7.123456789012345678", 18, 7_123_456_789_012_345_678n],
    ["0.000000000000000001", 18, 1n],
    ["1e-7", 8, 10n],
    [1e-7, 8, 10n],
    ["1.5E3", 0, 1500n],
    ["-2.5", 1, -25n],
    ["+3", 0, 3n],
    [".5", 1, 5n],
    ["5.", 0, 5n],
    [" 42 ", 0, 42n],
    // rounding past the last kept digit, half away from zero
    ["7.125", 2, 713n],
    ["7.1249999", 2, 712n],
    ["-7.125", 2, -713n],
    ["0.5", 0, 1n],
    ["0.49", 0, 0n],
    ["9e-20", 18, 0n],
    ["6e-19", 18, 1n],
    ["123456789012345678901234567890", 0, 123456789012345678901234567890n],
    ["", 2, undefined],
    [".", 2, undefined],
    ["abc", 2, undefined],
    ["7,12", 2, undefined],
    ["0x10", 0, undefined],
    ["1e99999", 0, undefined],
    [Number.NaN, 2, undefined],
    [Number.POSITIVE_INFINITY, 2, undefined],
    [null, 2, undefined],
    [true, 2, undefined],
    [{}, 2, undefined],
  ];
  for (const [value, decimals, expected] of cases) {
    test(`${JSON.stringify(value) ?? String(value)} at ${decimals} decimals`, () => {
      assert.equal(parseDecimal(value, decimals), expected);
    });
  }

  test("18 decimals by default", () => {
    assert.equal(PRICE_DECIMALS, 18);
    assert.equal(parseDecimal("1"), 10n ** 18n);
  });
});

describe("formatDecimal and formatFixed", () => {
  test("plain text, no exponent, no trailing zeros", () => {
    assert.equal(formatDecimal(7_120_000n, 6), "7.12");
    assert.equal(formatDecimal(1n, 18), "0.000000000000000001");
    assert.equal(formatDecimal(-1_500n, 3), "-1.5");
    assert.equal(formatDecimal(3000n, 0), "3000");
    assert.equal(formatDecimal(0n, 8), "0");
  });

  test("round-trips with parseDecimal", () => {
    for (const text of ["7.12", "0.00000001", "60000", "-0.5", "123456789.123456789123456789"]) {
      assert.equal(formatDecimal(parseDecimal(text)!), text);
    }
  });

  test("a fixed number of decimals, as exchange tickers print them", () => {
    assert.equal(formatFixed(712n, 2), "7.12");
    assert.equal(formatFixed(7_120_000_000n, 8), "71.20000000");
    assert.equal(formatFixed(5n, 0), "5");
  });
});

test("roundTo rounds half away from zero, or scales up exactly", () => {
  assert.equal(roundTo(7_125n, 3, 2), 713n);
  assert.equal(roundTo(7_124n, 3, 2), 712n);
  assert.equal(roundTo(-7_125n, 3, 2), -713n);
  assert.equal(roundTo(712n, 2, 4), 71_200n);
});
