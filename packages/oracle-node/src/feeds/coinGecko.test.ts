import assert from "node:assert/strict";
import { after, before, describe, test } from "node:test";
import { startTestServer } from "../internal/testServer.ts";
import { startPriceSource, type PriceSource } from "../priceSource/server.ts";
import { FeedMissingFieldError, FeedRejectedError, FeedUnavailableError } from "./errors.ts";
import { coinGeckoId, createCoinGeckoFeed, COINGECKO_URL } from "./coinGecko.ts";
import { coinGeckoPrice, coinGeckoRateLimited } from "./fixtures.ts";

describe("CoinGecko", () => {
  let source: PriceSource;
  before(async () => {
    source = await startPriceSource({ pairs: ["LINK/USD", "ETH/USD"], startPrices: { "LINK/USD": "7.12" }, tickMs: 0 });
  });
  after(() => source.close());

  test("reads the documented answer, asking at the documented path", async (t) => {
    const server = await startTestServer({ body: coinGeckoPrice });
    t.after(() => server.close());
    const feed = createCoinGeckoFeed({ pair: "LINK/USD", baseUrl: server.url });
    assert.deepEqual(await feed.fetchPrice(), { ok: true, source: "coingecko", pair: "LINK/USD", price: "7.12" });
    assert.equal(server.requests[0]?.url, "/api/v3/simple/price?ids=chainlink&vs_currencies=usd");
    assert.equal(server.requests[0]?.headers["x-cg-demo-api-key"], undefined);
  });

  test("reads the price source's answer: the walk's price, exactly", async () => {
    source.step(5);
    const feed = createCoinGeckoFeed({ pair: "ETH/USD", baseUrl: source.url });
    const result = await feed.fetchPrice();
    assert.deepEqual(result, {
      ok: true,
      source: "coingecko",
      pair: "ETH/USD",
      price: source.state().prices["ETH/USD"],
    });
  });

  test("keeps every digit of a price, where a float would round it", async (t) => {
    const server = await startTestServer({ body: '{"chainlink":{"usd":7.123456789012345678}}' });
    t.after(() => server.close());
    const result = await createCoinGeckoFeed({ pair: "LINK/USD", baseUrl: server.url }).fetchPrice();
    assert.equal(result.ok && result.price, "7.123456789012345678");
  });

  test("an unknown coin is an empty answer to CoinGecko: a missing field to the feed", async () => {
    const result = await createCoinGeckoFeed({ pair: "DOGE/USD", baseUrl: source.url }).fetchPrice();
    assert.ok(!result.ok && result.error instanceof FeedMissingFieldError);
    assert.equal(result.error.field, "doge.usd");
    assert.equal(result.error.message, "coingecko's answer for DOGE/USD has no doge.usd");
  });

  test("a rate limit is retryable, with CoinGecko's own message", async (t) => {
    const server = await startTestServer({ status: 429, body: coinGeckoRateLimited });
    t.after(() => server.close());
    const result = await createCoinGeckoFeed({ pair: "LINK/USD", baseUrl: server.url }).fetchPrice();
    assert.ok(!result.ok && result.error instanceof FeedUnavailableError);
    assert.equal(result.error.status, 429);
    assert.match(
      result.error.message,
      /^coingecko is unavailable for LINK\/USD: HTTP 429: You've exceeded the Rate Limit/,
    );
  });

  test("a bad key is refused for good", async (t) => {
    const server = await startTestServer({ status: 401, body: '{"error":"Invalid API key"}' });
    t.after(() => server.close());
    const feed = createCoinGeckoFeed({ pair: "LINK/USD", baseUrl: server.url, apiKey: "CG-demo" });
    const result = await feed.fetchPrice();
    assert.ok(!result.ok && result.error instanceof FeedRejectedError);
    assert.equal(result.error.message, "coingecko refused the request for LINK/USD: HTTP 401: Invalid API key");
    assert.equal(server.requests[0]?.headers["x-cg-demo-api-key"], "CG-demo");
  });

  test("ids and defaults", () => {
    assert.equal(coinGeckoId("LINK"), "chainlink");
    assert.equal(coinGeckoId("ETH"), "ethereum");
    assert.equal(coinGeckoId("FOO"), "foo");
    assert.equal(COINGECKO_URL, "https://api.coingecko.com");
    const feed = createCoinGeckoFeed({ pair: "link/usd" });
    assert.equal(feed.pair, "LINK/USD");
  });

  test("a coin id given overrides the table", async (t) => {
    const server = await startTestServer({ body: '{"chainlink-wormhole":{"usd":7.1}}' });
    t.after(() => server.close());
    const feed = createCoinGeckoFeed({ pair: "LINK/USD", baseUrl: server.url, coinId: "chainlink-wormhole" });
    assert.equal((await feed.fetchPrice()).ok, true);
    assert.equal(server.requests[0]?.url, "/api/v3/simple/price?ids=chainlink-wormhole&vs_currencies=usd");
  });
});
