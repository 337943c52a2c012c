import assert from "node:assert/strict";
import { after, before, describe, test } from "node:test";
import { startTestServer } from "../internal/testServer.ts";
import { startPriceSource, type PriceSource } from "../priceSource/server.ts";
import { FeedMissingFieldError, FeedRejectedError, FeedUnavailableError } from "./errors.ts";
import { createCoinMarketCapFeed, COINMARKETCAP_URL } from "./coinMarketCap.ts";
import { coinMarketCapQuotes, coinMarketCapRateLimited } from "./fixtures.ts";

describe("CoinMarketCap", () => {
  let source: PriceSource;
  before(async () => {
    source = await startPriceSource({ pairs: ["LINK/USD", "BTC/USD"], tickMs: 0, seed: "cmc" });
  });
  after(() => source.close());

  test("reads the documented answer, asking at the documented path with the key in its header", async (t) => {
    const server = await startTestServer({ body: coinMarketCapQuotes });
    t.after(() => server.close());
    const feed = createCoinMarketCapFeed({ pair: "BTC/USD", baseUrl: server.url, apiKey: "cmc-key" });
    assert.deepEqual(await feed.fetchPrice(), {
      ok: true,
      source: "coinmarketcap",
      pair: "BTC/USD",
      price: "6602.60701122",
    });
    assert.equal(server.requests[0]?.url, "/v1/cryptocurrency/quotes/latest?symbol=BTC&convert=USD");
    assert.equal(server.requests[0]?.headers["x-cmc_pro_api_key"], "cmc-key");
  });

  test("reads the price source's answer: the walk's price, exactly", async () => {
    source.step(7);
    const result = await createCoinMarketCapFeed({ pair: "LINK/USD", baseUrl: source.url }).fetchPrice();
    assert.deepEqual(result, {
      ok: true,
      source: "coinmarketcap",
      pair: "LINK/USD",
      price: source.state().prices["LINK/USD"],
    });
  });

  test("an unknown symbol is HTTP 400 with CoinMarketCap's message: refused", async () => {
    const result = await createCoinMarketCapFeed({ pair: "XYZ/USD", baseUrl: source.url }).fetchPrice();
    assert.ok(!result.ok && result.error instanceof FeedRejectedError);
    assert.equal(
      result.error.message,
      'coinmarketcap refused the request for XYZ/USD: HTTP 400: Invalid value for "symbol": "XYZ"',
    );
  });

  test("a rate limit is retryable", async (t) => {
    const server = await startTestServer({ status: 429, body: coinMarketCapRateLimited });
    t.after(() => server.close());
    const result = await createCoinMarketCapFeed({ pair: "BTC/USD", baseUrl: server.url }).fetchPrice();
    assert.ok(!result.ok && result.error instanceof FeedUnavailableError);
    assert.match(result.error.message, /HTTP 429: You've exceeded your API Key's HTTP request rate limit/);
  });

  test("an error code in a 200 answer is an error", async (t) => {
    const body = '{"status":{"error_code":1002,"error_message":"API key missing."},"data":{}}';
    const server = await startTestServer({ body });
    t.after(() => server.close());
    const result = await createCoinMarketCapFeed({ pair: "BTC/USD", baseUrl: server.url }).fetchPrice();
    assert.ok(!result.ok && result.error instanceof FeedRejectedError);
    assert.equal(result.error.message, "coinmarketcap refused the request for BTC/USD: API key missing.");
  });

  test("a quote in another currency than asked is a missing field", async (t) => {
    const server = await startTestServer({ body: coinMarketCapQuotes });
    t.after(() => server.close());
    const result = await createCoinMarketCapFeed({ pair: "BTC/EUR", baseUrl: server.url }).fetchPrice();
    assert.ok(!result.ok && result.error instanceof FeedMissingFieldError);
    assert.equal(result.error.field, "data.BTC.quote.EUR.price");
  });

  test("the real API by default", () => {
    assert.equal(COINMARKETCAP_URL, "https://pro-api.coinmarketcap.com");
  });
});
