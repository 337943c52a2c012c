// Every adapter fails the same typed way, over real HTTP on loopback: hangs, error statuses, broken bodies.
import assert from "node:assert/strict";
import { describe, test } from "node:test";
import { startTestServer, type TestAnswer } from "../internal/testServer.ts";
import { createCoinbaseFeed } from "./coinbase.ts";
import { createCoinGeckoFeed } from "./coinGecko.ts";
import { createCoinMarketCapFeed } from "./coinMarketCap.ts";
import { createCryptoCompareFeed } from "./cryptoCompare.ts";
import {
  FeedMalformedBodyError,
  FeedMissingFieldError,
  FeedRejectedError,
  FeedTimeoutError,
  FeedUnavailableError,
  FeedUnreachableError,
} from "./errors.ts";
import { createExternalAdapterFeed } from "./externalAdapter.ts";
import type { Feed, FeedFailure, FeedResult } from "./feed.ts";
import { createKrakenFeed } from "./kraken.ts";

type Adapter = {
  source: string;
  create(baseUrl: string, timeoutMs: number): Feed;
  /** The API's success body with `price` (JSON text) where its price goes. */
  answer(price: string): string;
};

const adapters: Adapter[] = [
  {
    source: "coingecko",
    create: (baseUrl, timeoutMs) => createCoinGeckoFeed({ pair: "LINK/USD", baseUrl, timeoutMs }),
    answer: (price) => `{"chainlink":{"usd":${price}}}`,
  },
  {
    source: "coinmarketcap",
    create: (baseUrl, timeoutMs) => createCoinMarketCapFeed({ pair: "LINK/USD", baseUrl, timeoutMs }),
    answer: (price) => `{"data":{"LINK":{"quote":{"USD":{"price":${price}}}}},"status":{"error_code":0}}`,
  },
  {
    source: "cryptocompare",
    create: (baseUrl, timeoutMs) => createCryptoCompareFeed({ pair: "LINK/USD", baseUrl, timeoutMs }),
    answer: (price) => `{"USD":${price}}`,
  },
  {
    source: "coinbase",
    create: (baseUrl, timeoutMs) => createCoinbaseFeed({ pair: "LINK/USD", baseUrl, timeoutMs }),
    answer: (price) => `{"data":{"base":"LINK","currency":"USD","amount":${price}}}`,
  },
  {
    source: "kraken",
    create: (baseUrl, timeoutMs) => createKrakenFeed({ pair: "LINK/USD", baseUrl, timeoutMs }),
    answer: (price) => `{"error":[],"result":{"LINKUSD":{"c":[${price},"1.0"]}}}`,
  },
  {
    source: "bridge-test",
    create: (url, timeoutMs) => createExternalAdapterFeed({ url, pair: "LINK/USD", source: "bridge-test", timeoutMs }),
    answer: (price) => `{"jobRunID":"1","data":{"result":${price}},"result":${price},"statusCode":200}`,
  },
];

/** Asks a feed made by `adapter` of a loopback server answering `answer`; returns the result and how long it took. */
async function ask(adapter: Adapter, answer: TestAnswer, timeoutMs = 2_000): Promise<[FeedResult, number]> {
  const server = await startTestServer(answer);
  try {
    const started = performance.now();
    const result = await adapter.create(server.url, timeoutMs).fetchPrice();
    return [result, performance.now() - started];
  } finally {
    await server.close();
  }
}

function failure(result: FeedResult): FeedFailure {
  assert.equal(result.ok, false, `expected a failure, got ${JSON.stringify(result)}`);
  return result as FeedFailure;
}

for (const adapter of adapters) {
  describe(`${adapter.source}: failures`, { concurrency: true }, () => {
    test("reads a price given as a number or as text", async () => {
      for (const price of ["7.12", '"7.12"', "7.120", "712e-2"]) {
        const [result] = await ask(adapter, { body: adapter.answer(price) });
        assert.deepEqual(result, { ok: true, source: adapter.source, pair: "LINK/USD", price: "7.12" });
      }
    });

    test("a server that never answers is a timeout, after the timeout and not much later", async () => {
      const [result, elapsed] = await ask(adapter, { hang: "headers" }, 250);
      const { error } = failure(result);
      assert.ok(error instanceof FeedTimeoutError, error.message);
      assert.equal(error.message, `${adapter.source} gave no price for LINK/USD within 250 ms`);
      assert.equal(error.timeoutMs, 250);
      assert.ok(elapsed >= 200 && elapsed < 1_500, `took ${elapsed} ms`);
    });

    test("a server that stops halfway through the body is a timeout", async () => {
      const [result] = await ask(adapter, { hang: "body", body: adapter.answer("7.12") }, 250);
      assert.ok(failure(result).error instanceof FeedTimeoutError);
    });

    test("HTTP 500 with a gateway's page is retryable", async () => {
      const [result] = await ask(adapter, { status: 500, body: "<html>oops</html>", contentType: "text/html" });
      const { error } = failure(result);
      assert.ok(error instanceof FeedUnavailableError);
      assert.equal(error.status, 500);
      assert.equal(error.message, `${adapter.source} is unavailable for LINK/USD: HTTP 500`);
      assert.equal(error.source, adapter.source);
      assert.equal(error.pair, "LINK/USD");
    });

    test("HTTP 503 and 429 are retryable, 404 and 401 are not", async () => {
      for (const status of [503, 429, 408]) {
        const [result] = await ask(adapter, { status, body: "" });
        assert.ok(failure(result).error instanceof FeedUnavailableError, `HTTP ${status}`);
      }
      for (const status of [404, 401, 400]) {
        const [result] = await ask(adapter, { status, body: "not found" });
        assert.ok(failure(result).error instanceof FeedRejectedError, `HTTP ${status}`);
      }
    });

    test("a body that is not JSON, or empty, is malformed", async () => {
      const [broken] = await ask(adapter, { body: adapter.answer("7.12").slice(0, -1) });
      const { error } = failure(broken);
      assert.ok(error instanceof FeedMalformedBodyError);
      assert.match(
        error.message,
        new RegExp(`^${adapter.source} sent a malformed answer for LINK/USD: the body is not JSON: `),
      );
      const [empty] = await ask(adapter, { body: "" });
      assert.equal(
        failure(empty).error.message,
        `${adapter.source} sent a malformed answer for LINK/USD: the body is empty`,
      );
    });

    test("a price that is not a positive decimal is malformed", async () => {
      for (const price of ['"abc"', "0", "-7.12", "true", '"7,12"', '{"value":7.12}']) {
        const [result] = await ask(adapter, { body: adapter.answer(price) });
        const { error } = failure(result);
        assert.ok(error instanceof FeedMalformedBodyError, `${price}: ${error.message}`);
        assert.match(error.message, /not a positive decimal price$/);
      }
    });

    test("JSON without the price is a missing field", async () => {
      for (const body of ["{}", "[]", "null", adapter.answer("null")]) {
        const [result] = await ask(adapter, { body });
        assert.ok(failure(result).error instanceof FeedMissingFieldError, body);
      }
    });

    test("a body past 1 MiB is not read", async () => {
      const [result] = await ask(adapter, { body: `{"padding":"${"x".repeat(1_100_000)}"}` });
      const { error } = failure(result);
      assert.ok(error instanceof FeedMalformedBodyError);
      assert.match(error.message, /larger than 1048576 bytes$/);
    });

    test("nothing listening is unreachable", async () => {
      const server = await startTestServer({});
      await server.close();
      const result = await adapter.create(server.url, 2_000).fetchPrice();
      const { error } = failure(result);
      assert.ok(error instanceof FeedUnreachableError, error.message);
      assert.match(error.message, new RegExp(`^cannot reach ${adapter.source} at ${server.url}/?.* for LINK/USD$`));
      assert.equal(error.details, "ECONNREFUSED");
    });
  });
}
