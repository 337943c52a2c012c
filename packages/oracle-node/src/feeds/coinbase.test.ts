import assert from "node:assert/strict";
import { after, before, describe, test } from "node:test";
import { startTestServer } from "../internal/testServer.ts";
import { startPriceSource, type PriceSource } from "../priceSource/server.ts";
import { FeedMalformedBodyError, FeedMissingFieldError, FeedRejectedError } from "./errors.ts";
import { createCoinbaseFeed, COINBASE_URL } from "./coinbase.ts";
import { coinbaseNotFound, coinbaseSpot } from "./fixtures.ts";

describe("Coinbase", () => {
  let source: PriceSource;
  before(async () => {
    source = await startPriceSource({ pairs: ["LINK/USD"], tickMs: 0, seed: "cb" });
  });
  after(() => source.close());

  test("reads the documented answer, asking at the documented path", async (t) => {
    const server = await startTestServer({ body: coinbaseSpot });
    t.after(() => server.close());
    const feed = createCoinbaseFeed({ pair: "BTC/USD", baseUrl: server.url });
    assert.deepEqual(await feed.fetchPrice(), { ok: true, source: "coinbase", pair: "BTC/USD", price: "57854.29" });
    assert.equal(server.requests[0]?.url, "/v2/prices/BTC-USD/spot");
  });

  test("a base URL with a path (a proxy's) keeps it", async (t) => {
    const server = await startTestServer({ body: coinbaseSpot });
    t.after(() => server.close());
    const result = await createCoinbaseFeed({ pair: "BTC/USD", baseUrl: `${server.url}/proxy/coinbase/` }).fetchPrice();
    assert.ok(result.ok);
    assert.equal(server.requests[0]?.url, "/proxy/coinbase/v2/prices/BTC-USD/spot");
  });

  test("reads the price source's answer: the walk's price, exactly", async () => {
    source.step(11);
    const result = await createCoinbaseFeed({ pair: "LINK/USD", baseUrl: source.url }).fetchPrice();
    assert.deepEqual(result, {
      ok: true,
      source: "coinbase",
      pair: "LINK/USD",
      price: source.state().prices["LINK/USD"],
    });
  });

  test("an unknown pair is HTTP 404 with Coinbase's message: refused", async (t) => {
    const server = await startTestServer({ status: 404, body: coinbaseNotFound });
    t.after(() => server.close());
    const result = await createCoinbaseFeed({ pair: "LINK/XYZ", baseUrl: server.url }).fetchPrice();
    assert.ok(!result.ok && result.error instanceof FeedRejectedError);
    assert.equal(result.error.message, "coinbase refused the request for LINK/XYZ: HTTP 404: Invalid currency");
    const fromSource = await createCoinbaseFeed({ pair: "ETH/USD", baseUrl: source.url }).fetchPrice();
    assert.ok(!fromSource.ok && fromSource.error instanceof FeedRejectedError);
    assert.equal(fromSource.error.status, 404);
  });

  test("a price for another pair than asked is no price", async (t) => {
    const server = await startTestServer({ body: coinbaseSpot });
    t.after(() => server.close());
    const result = await createCoinbaseFeed({ pair: "ETH/USD", baseUrl: server.url }).fetchPrice();
    assert.ok(!result.ok && result.error instanceof FeedMalformedBodyError);
    assert.equal(result.error.message, 'coinbase sent a malformed answer for ETH/USD: data.base is "BTC", not ETH');
  });

  test("an answer without an amount is a missing field", async (t) => {
    const server = await startTestServer({ body: '{"data":{"base":"BTC","currency":"USD"}}' });
    t.after(() => server.close());
    const result = await createCoinbaseFeed({ pair: "BTC/USD", baseUrl: server.url }).fetchPrice();
    assert.ok(!result.ok && result.error instanceof FeedMissingFieldError);
    assert.equal(result.error.field, "data.amount");
  });

  test("the real API by default", () => {
    assert.equal(COINBASE_URL, "https://api.coinbase.com");
  });
});
