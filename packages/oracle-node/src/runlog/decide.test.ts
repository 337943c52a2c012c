import assert from "node:assert/strict";
import { describe, test } from "node:test";
import { concat, decodeAbiParameters, decodeFunctionData, type Address, type Hash } from "viem";
import { checkRequest, fulfillmentData, scaleAnswer, type OracleRequest, type RequestCheckInput } from "./decide.ts";
import { operatorAbi } from "./operatorAbi.ts";

const CONSUMER: Address = "0x5FC8d32690cc91D4c39d9d3abcBD16989F875707";
const STRANGER: Address = "0x0165878A594ca255338adfa4d48449f69242Eb8F";
const REQUEST_ID: Hash = `0x${"ab".repeat(32)}`;

const request = (edit: Partial<OracleRequest> = {}): OracleRequest => ({
  specId: `0x${"01".repeat(32)}`,
  requester: CONSUMER,
  requestId: REQUEST_ID,
  payment: 10n ** 17n,
  callbackAddr: CONSUMER,
  callbackFunctionId: "0x4357855e",
  cancelExpiration: 1_000n,
  dataVersion: 1n,
  data: "0x",
  blockNumber: 7n,
  ...edit,
});

const job = { requesters: [CONSUMER], minPayment: 10n ** 17n, precision: 8 };
const check = (edit: Partial<RequestCheckInput> = {}) =>
  checkRequest({ job, request: request(), now: 900n, fulfilled: false, ...edit });

describe("checkRequest", () => {
  test("an allowed request paying enough is answered at 10^precision, with nothing ignored", () => {
    assert.deepEqual(check(), { ok: true, multiplier: 10n ** 8n, ignored: [] });
  });

  test("its times replaces 10^precision; get and path are ignored, and listed", () => {
    // "get": "x", "path": "y", "times": 100, as ChainlinkClient writes them
    const data = concat(["0x63676574", "0x6178", "0x6470617468", "0x6179", "0x6574696d6573", "0x1864"]);
    assert.deepEqual(check({ request: request({ data }) }), { ok: true, multiplier: 100n, ignored: ["get", "path"] });
  });

  test("any requester when the job lists none", () => {
    assert.equal(check({ job: { ...job, requesters: [] }, request: request({ requester: STRANGER }) }).ok, true);
  });

  const skipped: [string, Partial<RequestCheckInput>, string][] = [
    ["a requester the job does not list", { request: request({ requester: STRANGER }) }, "requesterNotAllowed"],
    ["a payment below the minimum", { request: request({ payment: 10n ** 17n - 1n }) }, "paymentTooLow"],
    ["data version 0", { request: request({ dataVersion: 0n }) }, "unsupportedDataVersion"],
    ["data version 3", { request: request({ dataVersion: 3n }) }, "unsupportedDataVersion"],
    ["parameters that are not CBOR", { request: request({ data: "0x65" }) }, "invalidParameters"],
    ["times 0", { request: request({ data: "0x6574696d657300" }) }, "invalidParameters"],
    ["an expiration reached by the latest block", { now: 1_000n }, "expired"],
    ["a cancelled request", { closed: "cancelled" }, "cancelled"],
    ["a request another sender answered", { closed: "answered" }, "answered"],
    // the state comes first: whatever else holds, a request this node signed for is never signed again
    ["a request this node fulfilled", { fulfilled: true, closed: "answered", now: 2_000n }, "alreadyFulfilled"],
  ];
  for (const [name, edit, reason] of skipped) {
    test(`skips ${name}: ${reason}`, () => {
      const result = check(edit);
      assert.equal(result.ok, false);
      assert.equal(!result.ok && result.reason, reason);
    });
  }
});

describe("scaleAnswer", () => {
  test("the price times the multiplier, rounded half away from zero, exactly", () => {
    assert.equal(scaleAnswer("15", 10n ** 8n), 15_00000000n);
    assert.equal(scaleAnswer("15.125", 100n), 1513n);
    assert.equal(scaleAnswer("15.124", 100n), 1512n);
    assert.equal(scaleAnswer("-15.125", 100n), -1513n);
    // the mean of two middle prices has one decimal more than the 18 a price is read with
    assert.equal(scaleAnswer("0.0000000000000000015", 10n ** 18n), 2n);
    assert.equal(scaleAnswer("123456789.123456789123456789", 10n ** 18n), 123456789_123456789123456789n);
    assert.equal(scaleAnswer("15", 3n), 45n);
  });

  test("undefined when the answer does not fit an int256, or the price is not a decimal", () => {
    assert.equal(scaleAnswer("1", 2n ** 255n - 1n), 2n ** 255n - 1n);
    assert.equal(scaleAnswer("2", 2n ** 255n), undefined);
    assert.equal(scaleAnswer("-1", 2n ** 255n), -(2n ** 255n));
    assert.equal(scaleAnswer("a", 1n), undefined);
  });
});

describe("fulfillmentData", () => {
  test("data version 1: fulfillOracleRequest with the answer as a bytes32 word", () => {
    const { functionName, args } = decodeFunctionData({ abi: operatorAbi, data: fulfillmentData(request(), 1500n) });
    assert.equal(functionName, "fulfillOracleRequest");
    assert.deepEqual(args, [
      REQUEST_ID,
      10n ** 17n,
      CONSUMER,
      "0x4357855e",
      1_000n,
      `0x${(1500).toString(16).padStart(64, "0")}`,
    ]);
  });

  test("a negative answer is its two's complement word", () => {
    const { args } = decodeFunctionData({ abi: operatorAbi, data: fulfillmentData(request(), -1n) });
    assert.equal(args[5], `0x${"f".repeat(64)}`);
  });

  test("data version 2: fulfillOracleRequest2 with abi.encode(requestId, answer), which the Operator checks", () => {
    const { functionName, args } = decodeFunctionData({
      abi: operatorAbi,
      data: fulfillmentData(request({ dataVersion: 2n }), 1500n),
    });
    assert.equal(functionName, "fulfillOracleRequest2");
    assert.deepEqual(args.slice(0, 5), [REQUEST_ID, 10n ** 17n, CONSUMER, "0x4357855e", 1_000n]);
    assert.deepEqual(decodeAbiParameters([{ type: "bytes32" }, { type: "int256" }], args[5] as `0x${string}`), [
      REQUEST_ID,
      1500n,
    ]);
  });
});
