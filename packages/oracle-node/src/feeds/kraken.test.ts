import assert from "node:assert/strict";
import { after, before, describe, test } from "node:test";
import { startTestServer } from "../internal/testServer.ts";
import { startPriceSource, type PriceSource } from "../priceSource/server.ts";
import { FeedMissingFieldError, FeedRejectedError, FeedUnavailableError } from "./errors.ts";
import { parsePair } from "./feed.ts";
import { createKrakenFeed, krakenPairName, krakenResultKey, KRAKEN_URL } from "./kraken.ts";
import { krakenTicker, krakenUnknownPair } from "./fixtures.ts";

describe("Kraken", () => {
  let source: PriceSource;
  before(async () => {
    source = await startPriceSource({ pairs: ["LINK/USD", "BTC/USD", "ETH/USD"], tickMs: 0, seed: "kr" });
  });
  after(() => source.close());

  test("reads the documented answer: the last trade's price, filed under Kraken's own name for the pair", async (t) => {
    const server = await startTestServer({ body: krakenTicker });
    t.after(() => server.close());
    const feed = createKrakenFeed({ pair: "BTC/USD", baseUrl: server.url });
    assert.deepEqual(await feed.fetchPrice(), { ok: true, source: "kraken", pair: "BTC/USD", price: "1126.61" });
    assert.equal(server.requests[0]?.url, "/0/public/Ticker?pair=XBTUSD");
  });

  test("reads the price source's answer for every pair: the walk's price, exactly", async () => {
    source.step(13);
    const { prices } = source.state();
    for (const pair of ["LINK/USD", "BTC/USD", "ETH/USD"]) {
      const result = await createKrakenFeed({ pair, baseUrl: source.url }).fetchPrice();
      assert.deepEqual(result, { ok: true, source: "kraken", pair, price: prices[pair] });
    }
  });

  test("an error in a 200 answer is a refusal with Kraken's message", async (t) => {
    const server = await startTestServer({ body: krakenUnknownPair });
    t.after(() => server.close());
    const result = await createKrakenFeed({ pair: "FOO/USD", baseUrl: server.url }).fetchPrice();
    assert.ok(!result.ok && result.error instanceof FeedRejectedError);
    assert.equal(result.error.message, "kraken refused the request for FOO/USD: EQuery:Unknown asset pair");
    const fromSource = await createKrakenFeed({ pair: "FOO/USD", baseUrl: source.url }).fetchPrice();
    assert.ok(!fromSource.ok && fromSource.error instanceof FeedRejectedError);
  });

  test("Kraken's temporary errors are retryable", async (t) => {
    const server = await startTestServer({ body: '{"error":["EService:Unavailable"]}' });
    t.after(() => server.close());
    const result = await createKrakenFeed({ pair: "BTC/USD", baseUrl: server.url }).fetchPrice();
    assert.ok(!result.ok && result.error instanceof FeedUnavailableError);
    assert.equal(result.error.message, "kraken is unavailable for BTC/USD: EService:Unavailable");
  });

  test("a ticker without a last trade is a missing field", async (t) => {
    const server = await startTestServer({ body: '{"error":[],"result":{"LINKUSD":{"a":["7.1","1","1.000"]}}}' });
    t.after(() => server.close());
    const result = await createKrakenFeed({ pair: "LINK/USD", baseUrl: server.url }).fetchPrice();
    assert.ok(!result.ok && result.error instanceof FeedMissingFieldError);
    assert.equal(result.error.field, "result.LINKUSD.c[0]");
  });

  test("Kraken's names for pairs", () => {
    assert.equal(krakenPairName(parsePair("BTC/USD")), "XBTUSD");
    assert.equal(krakenResultKey(parsePair("BTC/USD")), "XXBTZUSD");
    assert.equal(krakenResultKey(parsePair("ETH/EUR")), "XETHZEUR");
    assert.equal(krakenPairName(parsePair("LINK/USD")), "LINKUSD");
    assert.equal(krakenResultKey(parsePair("LINK/USD")), "LINKUSD");
    assert.equal(KRAKEN_URL, "https://api.kraken.com");
  });
});
