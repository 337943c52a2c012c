// Request parameters as ChainlinkClient's Chainlink.sol and CBORChainlink.sol write them: map entries without the
// map's header. (operator.test.ts decodes what the real contracts logged.)
import assert from "node:assert/strict";
import { describe, test } from "node:test";
import { bytesToHex, concat, numberToHex, stringToHex, type Hex } from "viem";
import { RequestParametersError, decodeRequestParameters, requestTimes } from "./requestParameters.ts";

/** CBOR text: major type 3, the length in the header (CBORChainlink's encodeFixedNumeric). */
function text(value: string): Hex {
  const bytes = stringToHex(value);
  const length = (bytes.length - 2) / 2;
  return concat([header(3, length), bytes]);
}

function header(major: number, value: number): Hex {
  if (value <= 23) return numberToHex((major << 5) | value, { size: 1 });
  if (value <= 0xff) return concat([numberToHex((major << 5) | 24, { size: 1 }), numberToHex(value, { size: 1 })]);
  return concat([numberToHex((major << 5) | 25, { size: 1 }), numberToHex(value, { size: 2 })]);
}

const decode = (data: Hex) => decodeRequestParameters(data);

describe("decodeRequestParameters", () => {
  test("ChainlinkClient's entries: _add, _addUint, _addInt, _addBytes, _addStringArray, a bignum", () => {
    const data = concat([
      text("get"),
      text("https://min-api.cryptocompare.com/data/price?fsym=ETH&tsyms=USD,EUR,JPY"),
      text("path"),
      "0x9f", // startArray: indefinite length
      text("RAW"),
      text("ETH"),
      "0xff", // endSequence
      text("times"),
      "0x1864", // 100
      text("neg"),
      "0x3863", // -100
      text("big"),
      "0xc25820", // tag 2 (bignum), 32 bytes: encodeBigNum's abi.encode(uint256)
      numberToHex(2n ** 64n, { size: 32 }),
      text("negbig"),
      "0xc35820", // tag 3: -1 - n
      numberToHex(2n ** 64n, { size: 32 }),
      text("b"),
      "0x420102",
    ]);
    assert.deepEqual(
      decode(data),
      new Map<string, unknown>([
        ["get", "https://min-api.cryptocompare.com/data/price?fsym=ETH&tsyms=USD,EUR,JPY"],
        ["path", ["RAW", "ETH"]],
        ["times", 100n],
        ["neg", -100n],
        ["big", 2n ** 64n],
        ["negbig", -1n - 2n ** 64n],
        ["b", Uint8Array.from([1, 2])],
      ]),
    );
  });

  test("no parameters; a buffer set whole with its map header (Chainlink._setBuffer), definite or not", () => {
    assert.deepEqual(decode("0x"), new Map());
    const entry = concat([text("times"), "0x0a"]);
    assert.deepEqual(decode(concat(["0xa1", entry])), new Map([["times", 10n]]));
    assert.deepEqual(decode(concat(["0xbf", entry, "0xff"])), new Map([["times", 10n]]));
    // nested maps and arrays, simple values and floats
    const nested = concat([
      text("m"),
      "0xa2",
      text("x"),
      "0xf5",
      text("y"),
      "0x8240f6",
      text("f"),
      "0xfb3ff8000000000000",
    ]);
    assert.deepEqual(
      decode(nested),
      new Map<string, unknown>([
        [
          "m",
          new Map<string, unknown>([
            ["x", true],
            ["y", [new Uint8Array(), null]],
          ]),
        ],
        ["f", 1.5],
      ]),
    );
  });

  test("a key given twice keeps its last value", () => {
    assert.deepEqual(decode(concat([text("times"), "0x01", text("times"), "0x02"])), new Map([["times", 2n]]));
  });

  const bad: [string, Hex, RegExp][] = [
    ["an entry cut short", concat(["0xbf", text("times"), "0x1903"]), /end inside an item/],
    ["a map with no break", concat(["0xbf", text("times"), "0x01"]), /end inside a map/],
    ["a key with no value", text("times"), /end inside a map|unexpected break/],
    ["a key that is not text", "0x0102", /key that is not text: 1/],
    ["a length past the end", concat([text("get"), "0x7a7fffffff", "0x41"]), /length of 2147483647 past the end/],
    ["a stray break", concat([text("a"), "0xff"]), /unexpected break/],
    ["bytes after a whole map", concat(["0xa0", "0x00"]), /1 bytes follow/],
    ["a reserved additional information", concat([text("a"), "0x1c"]), /reserved/],
    ["text that is not UTF-8", concat([text("a"), "0x62c328"]), /not UTF-8/],
    ["nesting past 16 levels", concat([text("a"), `0x${"81".repeat(40)}00`]), /deeper than 16/],
    ["a bignum that is not bytes", concat([text("a"), "0xc201"]), /bignum that is not a byte string/],
  ];
  for (const [name, data, message] of bad) {
    test(`refuses ${name}`, () => {
      assert.throws(
        () => decode(data),
        (error: unknown) => {
          assert.ok(error instanceof RequestParametersError);
          assert.match(error.shortMessage, message);
          return true;
        },
      );
    });
  }
});

describe("requestTimes", () => {
  const times = (value: Hex) => requestTimes(decode(concat([text("times"), value])));

  test("a CBOR integer, a bignum or decimal digits; undefined when not given", () => {
    assert.equal(times("0x1903e8"), 1000n);
    assert.equal(times(concat(["0xc25820", numberToHex(10n ** 30n, { size: 32 })])), 10n ** 30n);
    assert.equal(times(text("100000000")), 100_000_000n);
    assert.equal(requestTimes(decode(concat([text("get"), text("x")]))), undefined);
  });

  for (const [name, value] of [
    ["zero", "0x00"],
    ["a negative integer", "0x20"],
    ["a fraction", "0xfb3ff8000000000000"],
    ["text that is not digits", text("1e8")],
    ["bytes", bytesToHex(Uint8Array.from([0x41, 0x01]))],
  ] as [string, Hex][]) {
    test(`refuses ${name}`, () => {
      assert.throws(() => times(value), { name: "RequestParametersError", shortMessage: /positive whole number/ });
    });
  }
});
