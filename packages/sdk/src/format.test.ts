import assert from "node:assert/strict";
import { describe, test } from "node:test";
import { InvalidInputError } from "./errors.ts";
import {
  formatNumber,
  formatRate,
  formatShare,
  formatTokenAmount,
  parseAddress,
  parseRate,
  parseShare,
  parseTokenAmount,
} from "./format.ts";

const token = 10n ** 18n;

describe("parseTokenAmount", () => {
  const accepted = [
    ["250", 250n * token],
    ["0.5", token / 2n],
    [".5", token / 2n],
    ["1,234.5", 1_234_500_000_000_000_000_000n],
    ["1000000", 1_000_000n * token],
    ["0", 0n],
    [" 7 ", 7n * token],
    ["0.000000000000000001", 1n],
  ] as const;
  for (const [text, expected] of accepted) {
    test(`reads '${text}'`, () => assert.equal(parseTokenAmount(text), expected));
  }

  test("takes the token's decimals", () => {
    assert.equal(parseTokenAmount("1.5", 6), 1_500_000n);
    assert.equal(parseTokenAmount("3", 0), 3n);
  });

  const refused = [
    ["-5", "amount '-5' is negative: it must be 0 or more"],
    ["1.0000000000000000001", "amount '1.0000000000000000001' has 19 decimals: the token has only 18"],
    ["abc", "amount 'abc' is not a number of tokens: write it like 250 or 0.5"],
    ["", "no amount given: write a number of tokens, like 250 or 0.5"],
    ["1e18", "amount '1e18' is not a number of tokens: write it like 250 or 0.5"],
    ["12,34", "amount '12,34' is not a number of tokens: write it like 250 or 0.5"],
    ["1.2.3", "amount '1.2.3' is not a number of tokens: write it like 250 or 0.5"],
    [".", "amount '.' is not a number of tokens: write it like 250 or 0.5"],
    ["0x10", "amount '0x10' is not a number of tokens: write it like 250 or 0.5"],
  ] as const;
  for (const [text, message] of refused) {
    test(`refuses '${text}'`, () => {
      assert.throws(
        () => parseTokenAmount(text),
        (error) => {
          assert.ok(error instanceof InvalidInputError);
          assert.equal(error.message, message);
          return true;
        },
      );
    });
  }
  test("refuses more decimals than the token has", () => {
    assert.throws(() => parseTokenAmount("0.1234567", 6), /has 7 decimals: the token has only 6/);
  });
  test("names the amount in its messages", () => {
    assert.throws(() => parseTokenAmount("-1", 18, "fee"), { message: "fee '-1' is negative: it must be 0 or more" });
    assert.throws(() => parseTokenAmount(" ", 18, "fee"), { message: /^no fee given/ });
  });
});

describe("formatTokenAmount", () => {
  const cases = [
    [0n, "0"],
    [1n, "0.000000000000000001"],
    [token, "1"],
    [1_234_500_000_000_000_000_000n, "1,234.5"],
    [1_200n * token, "1,200"],
    [14_000_000n * token, "14,000,000"],
    [-1_500n * token, "-1,500"],
  ] as const;
  for (const [wei, text] of cases) {
    test(`${wei} → ${text}`, () => {
      assert.equal(formatTokenAmount(wei), text);
      if (wei >= 0n) assert.equal(parseTokenAmount(text), wei);
    });
  }
  test("with other decimals", () => assert.equal(formatTokenAmount(1_500_000n, 6), "1.5"));
});

describe("parseAddress", () => {
  const checksummed = "0xf39Fd6e51aad88F6F4ce6aB8827279cffFb92266";
  test("returns the checksummed address", () => {
    assert.equal(parseAddress(checksummed.toLowerCase()), checksummed);
    assert.equal(parseAddress(checksummed), checksummed);
    assert.equal(parseAddress(` ${checksummed} `), checksummed);
  });
  test("refuses what is not an address", () => {
    for (const text of [
      "0x12",
      "f39fd6e51aad88f6f4ce6ab8827279cfffb92266",
      "0xz39fd6e51aad88f6f4ce6ab8827279cfffb92266",
      "",
    ]) {
      assert.throws(() => parseAddress(text), {
        name: "InvalidInputError",
        message: `'${text}' is not an address: expected 0x followed by 40 hex digits`,
      });
    }
  });
  test("refuses a wrong checksum", () => {
    const typo = "0xF39Fd6e51aad88F6F4ce6aB8827279cffFb92266";
    assert.throws(() => parseAddress(typo), {
      message: `address '${typo}' has a wrong checksum: check it for a typo, or write it in lower case`,
    });
    assert.throws(() => parseAddress("0x12", "pool"), {
      message: "pool '0x12' is not an address: expected 0x followed by 40 hex digits",
    });
  });
});

describe("rates", () => {
  test("parseRate reads percentages as ppm", () => {
    assert.equal(parseRate("10"), 100_000);
    assert.equal(parseRate("10%"), 100_000);
    assert.equal(parseRate("2.5%"), 25_000);
    assert.equal(parseRate("0.0001"), 1);
    assert.equal(parseRate("100"), 1_000_000);
    assert.equal(parseRate("0"), 0);
  });
  test("parseRate refuses", () => {
    assert.throws(() => parseRate("100.01"), /rate '100.01' is above 100%/);
    assert.throws(() => parseRate("-1"), /is not a percentage from 0 to 100/);
    assert.throws(() => parseRate("0.00001"), /is not a percentage from 0 to 100/);
    assert.throws(() => parseRate("ten"), /is not a percentage from 0 to 100/);
  });
  test("formatRate", () => {
    assert.equal(formatRate(100_000), "10%");
    assert.equal(formatRate(25_000n), "2.5%");
    assert.equal(formatRate(1_000_000), "100%");
    assert.equal(formatRate(1), "0.0001%");
  });
});

describe("PoolOwners shares", () => {
  // the seed's Figure 10: 4 ETH buys 0.1%, 13.6 ETH 0.34%; creators hold 75% (3000 ETH's worth)
  const cases = [
    [4n * token, "0.1%"],
    [16n * token, "0.4%"],
    [20n * token, "0.5%"],
    [13_600_000_000_000_000_000n, "0.34%"],
    [500n * token, "12.5%"],
    [3_000n * token, "75%"],
    [4_000n * token, "100%"],
    [0n, "0%"],
    [1n, "0.000000000000000000025%"],
  ] as const;
  for (const [share, text] of cases) {
    test(`${share} shares → ${text}, and back`, () => {
      assert.equal(formatShare(share), text);
      assert.equal(parseShare(text), share);
    });
  }

  test("parseShare reads shares written as the ETH they are worth, one share per wei", () => {
    assert.equal(parseShare("13.6"), 13_600_000_000_000_000_000n);
    assert.equal(parseShare("1,000"), 1_000n * token);
    assert.equal(parseShare("0.000000000000000001"), 1n);
    assert.equal(parseShare(" 12.5 % "), 500n * token);
    assert.equal(parseShare("4000"), 4_000n * token);
  });

  const refused = [
    ["-1%", "share '-1%' is negative: it must be 0 or more"],
    ["-4", "share '-4' is negative: it must be 0 or more"],
    ["100.1%", "share '100.1%' is above 100% (4,000 ETH at the sale's valuation)"],
    ["4000.000000000000000001", "share '4000.000000000000000001' is above 100% (4,000 ETH at the sale's valuation)"],
    [
      "0.00000000000000000001%",
      "share '0.00000000000000000001%' is not a whole number of shares: one share is 0.000000000000000000025%, " +
        "0.000000000000000001 ETH",
    ],
    [
      "1.0000000000000000001",
      "share '1.0000000000000000001' is not a whole number of shares: one share is 0.000000000000000000025%, " +
        "0.000000000000000001 ETH",
    ],
    [
      "half",
      "share 'half' is not a share: write a percentage like 12.5% or shares as ETH at the sale's valuation like " +
        "13.6 (= 0.34%)",
    ],
    ["%", /^share '%' is not a share: /],
    ["1.2.3%", /^share '1.2.3%' is not a share: /],
    ["", /^no share given: write a percentage like 12.5%/],
  ] as const;
  for (const [text, message] of refused) {
    test(`parseShare refuses '${text}'`, () => {
      assert.throws(
        () => parseShare(text),
        (error) => {
          assert.ok(error instanceof InvalidInputError);
          if (typeof message === "string") assert.equal(error.message, message);
          else assert.match(error.message, message);
          return true;
        },
      );
    });
  }
  test("parseShare names the share in its messages", () => {
    assert.throws(() => parseShare("x", "grant"), { message: /^grant 'x' is not a share: / });
  });
});

test("formatNumber", () => {
  assert.equal(formatNumber(16_173.136), "16,173.136");
  assert.equal(formatNumber(4_000_000), "4,000,000");
  assert.equal(formatNumber(0.05488), "0.05488");
  assert.equal(formatNumber(842), "842");
});
