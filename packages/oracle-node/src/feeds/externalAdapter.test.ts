import assert from "node:assert/strict";
import { after, before, describe, test } from "node:test";
import { InvalidInputError } from "@poolnet/sdk";
import { startTestServer, type RecordedRequest, type TestAnswer } from "../internal/testServer.ts";
import { startPriceSource, type PriceSource } from "../priceSource/server.ts";
import { createCoinbaseFeed } from "./coinbase.ts";
import { FeedMissingFieldError, FeedRejectedError, FeedUnavailableError } from "./errors.ts";
import { createExternalAdapterFeed } from "./externalAdapter.ts";
import { externalAdapterErrored, externalAdapterResult } from "./fixtures.ts";

/**
 * A tiny external adapter, as Chainlink's are: a bridge in front of a price API (here Coinbase's format, served by
 * the price source). It answers `{ jobRunID, data: { result }, result, statusCode }`, or an errored run.
 */
function bridgeTo(priceSourceUrl: string) {
  return async (request: RecordedRequest): Promise<TestAnswer> => {
    const { id, data } = JSON.parse(request.body) as { id: string; data: { from: string; to: string } };
    const upstream = await createCoinbaseFeed({
      pair: `${data.from}/${data.to}`,
      baseUrl: priceSourceUrl,
      timeoutMs: 500,
    }).fetchPrice();
    if (!upstream.ok) {
      const error = { name: "AdapterError", message: upstream.error.shortMessage };
      return { status: 500, body: JSON.stringify({ jobRunID: id, status: "errored", statusCode: 500, error }) };
    }
    const result = upstream.price;
    return { body: JSON.stringify({ jobRunID: id, data: { result }, result, statusCode: 200 }) };
  };
}

describe("Chainlink external adapters", () => {
  let source: PriceSource;
  before(async () => {
    source = await startPriceSource({ pairs: ["LINK/USD", "ETH/USD"], tickMs: 0, seed: "ea" });
  });
  after(() => source.close());

  test("a round trip: the node's request, the adapter's answer, the walk's price", async (t) => {
    const adapter = await startTestServer(bridgeTo(source.url));
    t.after(() => adapter.close());
    source.step(4);
    const url = `${adapter.url}/bridge/coinbase/`;
    const feed = createExternalAdapterFeed({ url, pair: "LINK/USD", source: "bridge-coinbase" });
    assert.deepEqual(await feed.fetchPrice(), {
      ok: true,
      source: "bridge-coinbase",
      pair: "LINK/USD",
      price: source.state().prices["LINK/USD"],
    });
    const [request] = adapter.requests;
    assert.equal(request?.method, "POST");
    assert.equal(request?.url, "/bridge/coinbase/");
    assert.equal(request?.headers["content-type"], "application/json");
    const body = JSON.parse(request?.body ?? "") as { id: unknown; data: unknown };
    assert.deepEqual(Object.keys(body), ["id", "data"]);
    assert.match(String(body.id), /^[0-9a-f-]{36}$/);
    assert.deepEqual(body.data, { from: "LINK", to: "USD" });
  });

  test("a new job run id for every request", async (t) => {
    const adapter = await startTestServer(bridgeTo(source.url));
    t.after(() => adapter.close());
    const feed = createExternalAdapterFeed({ url: adapter.url, pair: "ETH/USD" });
    await feed.fetchPrice();
    await feed.fetchPrice();
    const ids = adapter.requests.map((request) => (JSON.parse(request.body) as { id: string }).id);
    assert.notEqual(ids[0], ids[1]);
  });

  test("the request data a job spec gives is sent as it is", async (t) => {
    const adapter = await startTestServer({ body: externalAdapterResult });
    t.after(() => adapter.close());
    const data = { base: "LINK", quote: "USD", endpoint: "crypto" };
    const feed = createExternalAdapterFeed({ url: adapter.url, pair: "LINK/USD", data });
    assert.deepEqual(await feed.fetchPrice(), {
      ok: true,
      source: `external adapter ${new URL(adapter.url).host}`,
      pair: "LINK/USD",
      price: "30363.12",
    });
    assert.deepEqual((JSON.parse(adapter.requests[0]?.body ?? "") as { data: unknown }).data, data);
  });

  test("the result at data.result or at result, as Chainlink nodes accept it", async (t) => {
    const bodies: [string, string][] = [
      ['{"jobRunID":"1","data":{"result":7.12},"statusCode":200}', "7.12"],
      ['{"jobRunID":"1","result":"7.13","statusCode":200}', "7.13"],
      ['{"jobRunID":"1","data":{"result":7.14},"result":7.15,"statusCode":200}', "7.14"],
      ['{"jobRunID":"1","data":{"result":null},"result":7.16}', "7.16"],
      ['{"data":{"result":7.123456789012345678}}', "7.123456789012345678"],
    ];
    for (const [body, price] of bodies) {
      const adapter = await startTestServer({ body });
      t.after(() => adapter.close());
      const result = await createExternalAdapterFeed({ url: adapter.url, pair: "LINK/USD" }).fetchPrice();
      assert.equal(result.ok && result.price, price, body);
    }
  });

  test("an errored run is a failure with the adapter's message; its status code says whether to retry", async (t) => {
    const cases: [TestAnswer, typeof FeedUnavailableError | typeof FeedRejectedError, string][] = [
      [
        { status: 500, body: externalAdapterErrored },
        FeedUnavailableError,
        "HTTP 500: Request failed with status code 503",
      ],
      // some adapters answer HTTP 200 and put the failure in the body
      [{ body: externalAdapterErrored }, FeedUnavailableError, "HTTP 500: Request failed with status code 503"],
      [
        { body: '{"jobRunID":"1","status":"errored","statusCode":400,"error":{"message":"Required parameter base"}}' },
        FeedRejectedError,
        "HTTP 400: Required parameter base",
      ],
      [{ body: '{"jobRunID":"1","error":"upstream timed out"}' }, FeedUnavailableError, "HTTP 500: upstream timed out"],
      // the field older adapters and Chainlink's flux monitor used
      [{ body: '{"data":{},"errorMessage":"no data"}' }, FeedUnavailableError, "HTTP 500: no data"],
      [{ body: '{"jobRunID":"1","status":"errored","statusCode":502}' }, FeedUnavailableError, "HTTP 502: errored"],
    ];
    for (const [answer, kind, reason] of cases) {
      const adapter = await startTestServer(answer);
      t.after(() => adapter.close());
      const result = await createExternalAdapterFeed({ url: adapter.url, pair: "LINK/USD", source: "ea" }).fetchPrice();
      assert.ok(!result.ok && result.error instanceof kind, answer.body ?? "");
      const verb = kind === FeedRejectedError ? "refused the request for" : "is unavailable for";
      assert.equal(result.error.message, `ea ${verb} LINK/USD: ${reason}`);
    }
  });

  test("an adapter whose API is down answers an errored run: retryable", async (t) => {
    const adapter = await startTestServer(bridgeTo(source.url));
    t.after(() => adapter.close());
    source.outage({ api: "coinbase", mode: "error", status: 503 });
    t.after(() => source.outage({ mode: "none" }));
    const result = await createExternalAdapterFeed({ url: adapter.url, pair: "LINK/USD", source: "ea" }).fetchPrice();
    assert.ok(!result.ok && result.error instanceof FeedUnavailableError);
    assert.equal(
      result.error.message,
      "ea is unavailable for LINK/USD: HTTP 500: coinbase is unavailable for LINK/USD: HTTP 503",
    );
  });

  test("an answer without a result is a missing field", async (t) => {
    const adapter = await startTestServer({ body: '{"jobRunID":"1","data":{},"statusCode":200}' });
    t.after(() => adapter.close());
    const result = await createExternalAdapterFeed({ url: adapter.url, pair: "LINK/USD", source: "ea" }).fetchPrice();
    assert.ok(!result.ok && result.error instanceof FeedMissingFieldError);
    assert.equal(result.error.message, "ea's answer for LINK/USD has no data.result or result");
  });

  test("a URL or pair that cannot work is refused when the feed is made", () => {
    assert.throws(() => createExternalAdapterFeed({ url: "not a url", pair: "LINK/USD" }), InvalidInputError);
    assert.throws(() => createExternalAdapterFeed({ url: "ftp://x", pair: "LINK/USD" }), {
      message: 'the URL of external adapter x, "ftp://x", must be http or https',
    });
    assert.throws(() => createExternalAdapterFeed({ url: "http://x", pair: "LINKUSD" }), {
      message: '"LINKUSD" is not a pair: write it BASE/QUOTE, e.g. LINK/USD',
    });
    assert.throws(() => createExternalAdapterFeed({ url: "http://x", pair: "LINK/USD", timeoutMs: 0 }), {
      message: "the timeout of external adapter x must be a positive number of milliseconds, not 0",
    });
  });
});
