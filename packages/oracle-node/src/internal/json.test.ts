import assert from "node:assert/strict";
import { test } from "node:test";
import { formatPath, jsonNumber, parseJson, valueAt } from "./json.ts";

test("parseJson keeps every digit of a price a float would round", () => {
  assert.deepEqual(parseJson('{"usd":7.123456789012345678,"code":0,"t":[3061,6716],"big":12345678901234567890}'), {
    usd: "7.123456789012345678",
    code: 0,
    t: [3061, 6716],
    big: "12345678901234567890",
  });
  assert.deepEqual(parseJson('{"usd":7.12}'), { usd: "7.12" });
  assert.deepEqual(parseJson('"text"'), "text");
  assert.throws(() => parseJson("{"), SyntaxError);
});

test("jsonNumber writes a decimal as a JSON number, exactly", () => {
  assert.equal(JSON.stringify({ usd: jsonNumber("7.123456789012345678") }), '{"usd":7.123456789012345678}');
  assert.equal(JSON.stringify({ usd: jsonNumber("3000") }), '{"usd":3000}');
});

test("valueAt follows a path through objects and arrays, and stops at anything missing", () => {
  const body = { data: { LINK: { quote: { USD: { price: 7.12 } } } }, result: { c: ["7.1", "1"] }, nil: null };
  assert.equal(valueAt(body, ["data", "LINK", "quote", "USD", "price"]), 7.12);
  assert.equal(valueAt(body, ["result", "c", 0]), "7.1");
  assert.equal(valueAt(body, ["data", "ETH", "quote"]), undefined);
  assert.equal(valueAt(body, ["nil", "x"]), undefined);
  assert.equal(valueAt("text", ["length"]), undefined);
  assert.equal(valueAt({}, ["toString"]), undefined);
});

test("formatPath writes a path as API documentation does", () => {
  assert.equal(formatPath(["data", "LINK", "quote", "USD", "price"]), "data.LINK.quote.USD.price");
  assert.equal(formatPath(["result", "XXBTZUSD", "c", 0]), "result.XXBTZUSD.c[0]");
});
