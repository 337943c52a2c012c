import assert from "node:assert/strict";
import { after, before, describe, test } from "node:test";
import { startTestServer } from "../internal/testServer.ts";
import { startPriceSource, type PriceSource } from "../priceSource/server.ts";
import { FeedMissingFieldError, FeedRejectedError } from "./errors.ts";
import { createCryptoCompareFeed, CRYPTOCOMPARE_URL } from "./cryptoCompare.ts";
import { cryptoCompareNoPair, cryptoComparePrice } from "./fixtures.ts";

describe("CryptoCompare", () => {
  let source: PriceSource;
  before(async () => {
    source = await startPriceSource({ pairs: ["LINK/USD", "LINK/ETH"], tickMs: 0, seed: "cc" });
  });
  after(() => source.close());

  test("reads the documented answer, asking at the documented path with the key in its header", async (t) => {
    const server = await startTestServer({ body: cryptoComparePrice });
    t.after(() => server.close());
    const feed = createCryptoCompareFeed({ pair: "LINK/USD", baseUrl: server.url, apiKey: "cc-key" });
    assert.deepEqual(await feed.fetchPrice(), { ok: true, source: "cryptocompare", pair: "LINK/USD", price: "7.12" });
    assert.equal(server.requests[0]?.url, "/data/price?fsym=LINK&tsyms=USD");
    assert.equal(server.requests[0]?.headers.authorization, "Apikey cc-key");
  });

  test("reads the price source's answer: the walk's price, exactly", async () => {
    source.step(3);
    const result = await createCryptoCompareFeed({ pair: "LINK/ETH", baseUrl: source.url }).fetchPrice();
    assert.deepEqual(result, {
      ok: true,
      source: "cryptocompare",
      pair: "LINK/ETH",
      price: source.state().prices["LINK/ETH"],
    });
  });

  test("an error in a 200 answer is a refusal with CryptoCompare's message", async (t) => {
    const server = await startTestServer({ body: cryptoCompareNoPair });
    t.after(() => server.close());
    const result = await createCryptoCompareFeed({ pair: "LINK/XYZ", baseUrl: server.url }).fetchPrice();
    assert.ok(!result.ok && result.error instanceof FeedRejectedError);
    assert.equal(
      result.error.message,
      "cryptocompare refused the request for LINK/XYZ: cccagg_or_exchange market does not exist for this coin pair " +
        "(LINK-XYZ)",
    );
  });

  test("the price source refuses an unknown pair the same way", async () => {
    const result = await createCryptoCompareFeed({ pair: "LINK/EUR", baseUrl: source.url }).fetchPrice();
    assert.ok(!result.ok && result.error instanceof FeedRejectedError);
    assert.match(result.error.message, /does not exist for this coin pair \(LINK-EUR\)$/);
  });

  test("an answer without the currency asked for is a missing field", async (t) => {
    const server = await startTestServer({ body: '{"EUR":6.5}' });
    t.after(() => server.close());
    const result = await createCryptoCompareFeed({ pair: "LINK/USD", baseUrl: server.url }).fetchPrice();
    assert.ok(!result.ok && result.error instanceof FeedMissingFieldError);
    assert.equal(result.error.message, "cryptocompare's answer for LINK/USD has no USD");
  });

  test("the real API by default", () => {
    assert.equal(CRYPTOCOMPARE_URL, "https://min-api.cryptocompare.com");
  });
});
