import assert from "node:assert/strict";
import { after, before, describe, test } from "node:test";
import { InvalidInputError } from "@poolnet/sdk";
import { createCoinbaseFeed } from "../feeds/coinbase.ts";
import { createCoinGeckoFeed } from "../feeds/coinGecko.ts";
import { FeedTimeoutError, FeedUnavailableError, FeedUnreachableError } from "../feeds/errors.ts";
import * as fixtures from "../feeds/fixtures.ts";
import { createKrakenFeed } from "../feeds/kraken.ts";
import { startPriceSource, type PriceSource, type PriceSourceState } from "./server.ts";

/** The structure of a JSON value: every key, sorted, down to the type of each leaf. */
function shape(value: unknown): unknown {
  if (Array.isArray(value)) return value.map(shape);
  if (typeof value === "object" && value !== null) {
    return Object.fromEntries(
      Object.keys(value)
        .sort()
        .map((key) => [key, shape((value as Record<string, unknown>)[key])]),
    );
  }
  return value === null ? "null" : typeof value;
}

/** The paths of `served` that `documented` lacks, or has with another type. */
function undocumented(served: unknown, documented: unknown, path = ""): string[] {
  if (typeof served !== "object" || served === null) {
    return shape(served) === shape(documented) ? [] : [`${path}: ${String(shape(served))}`];
  }
  if (typeof documented !== "object" || documented === null) return [path];
  return Object.entries(served).flatMap(([key, value]) =>
    Object.hasOwn(documented, key)
      ? undocumented(value, (documented as Record<string, unknown>)[key], `${path}.${key}`)
      : [`${path}.${key}`],
  );
}

async function getJson(url: string): Promise<{ status: number; body: unknown }> {
  const response = await fetch(url);
  return { status: response.status, body: (await response.json()) as unknown };
}

async function post(url: string, body: unknown): Promise<{ status: number; body: unknown }> {
  const response = await fetch(url, { method: "POST", body: typeof body === "string" ? body : JSON.stringify(body) });
  return { status: response.status, body: (await response.json()) as unknown };
}

describe("the price source serves each API's documented format", () => {
  let source: PriceSource;
  before(async () => {
    source = await startPriceSource({ pairs: ["LINK/USD", "BTC/USD"], tickMs: 0 });
  });
  after(() => source.close());

  const sameShape: [string, string, string][] = [
    ["CoinGecko", "/api/v3/simple/price?ids=chainlink&vs_currencies=usd", fixtures.coinGeckoPrice],
    ["CryptoCompare", "/data/price?fsym=LINK&tsyms=USD", fixtures.cryptoComparePrice],
    ["Coinbase", "/v2/prices/BTC-USD/spot", fixtures.coinbaseSpot],
    ["Kraken", "/0/public/Ticker?pair=XBTUSD", fixtures.krakenTicker],
  ];
  for (const [api, path, documented] of sameShape) {
    test(`${api}: ${path} has the shape of the documented answer`, async () => {
      const { status, body } = await getJson(`${source.url}${path}`);
      assert.equal(status, 200);
      assert.deepEqual(shape(body), shape(JSON.parse(documented)));
    });
  }

  test("CoinMarketCap: every field served is a documented one, price and status included", async () => {
    const { status, body } = await getJson(`${source.url}/v1/cryptocurrency/quotes/latest?symbol=BTC&convert=USD`);
    assert.equal(status, 200);
    assert.deepEqual(undocumented(body, JSON.parse(fixtures.coinMarketCapQuotes)), []);
    assert.equal(
      typeof (body as { data: { BTC: { quote: { USD: { price: unknown } } } } }).data.BTC.quote.USD.price,
      "number",
    );
    assert.equal((body as { status: { error_code: unknown } }).status.error_code, 0);
  });

  test("the errors too: Kraken's, Coinbase's, CryptoCompare's and CoinMarketCap's", async () => {
    const kraken = await getJson(`${source.url}/0/public/Ticker?pair=FOOUSD`);
    assert.deepEqual(kraken, { status: 200, body: JSON.parse(fixtures.krakenUnknownPair) });
    const coinbase = await getJson(`${source.url}/v2/prices/LINK-XYZ/spot`);
    assert.deepEqual(coinbase, { status: 404, body: JSON.parse(fixtures.coinbaseNotFound) });
    const cryptoCompare = await getJson(`${source.url}/data/price?fsym=LINK&tsyms=XYZ`);
    assert.deepEqual(shape(cryptoCompare.body), shape(JSON.parse(fixtures.cryptoCompareNoPair)));
    const coinMarketCap = await getJson(`${source.url}/v1/cryptocurrency/quotes/latest?symbol=XYZ&convert=USD`);
    assert.equal(coinMarketCap.status, 400);
    assert.deepEqual(undocumented(coinMarketCap.body, JSON.parse(fixtures.coinMarketCapRateLimited)), []);
  });

  test("several ids and currencies in one CoinGecko request, as the real API takes them", async () => {
    const { body } = await getJson(
      `${source.url}/api/v3/simple/price?ids=chainlink,bitcoin,nothing&vs_currencies=usd,eur`,
    );
    const { prices } = source.state();
    assert.deepEqual(body, {
      chainlink: { usd: Number(prices["LINK/USD"]) },
      bitcoin: { usd: Number(prices["BTC/USD"]) },
    });
  });

  test("a path no API has is a 404, another method than GET a 405", async () => {
    assert.equal((await getJson(`${source.url}/v3/nothing`)).status, 404);
    assert.equal((await fetch(`${source.url}/data/price?fsym=LINK&tsyms=USD`, { method: "POST" })).status, 405);
  });

  test("it listens on 127.0.0.1 unless told otherwise", () => {
    assert.match(source.url, /^http:\/\/127\.0\.0\.1:\d+$/);
  });
});

describe("the walk behind the APIs", () => {
  test("is deterministic per seed, through HTTP too", async (t) => {
    const [a, b, c] = await Promise.all([
      startPriceSource({ seed: "same", tickMs: 0 }),
      startPriceSource({ seed: "same", tickMs: 0 }),
      startPriceSource({ seed: "other", tickMs: 0 }),
    ]);
    t.after(() => Promise.all([a.close(), b.close(), c.close()]));
    const [sa, sb, sc] = (await Promise.all(
      [a, b, c].map(async (s) => (await post(`${s.url}/admin/step`, { steps: 25 })).body),
    )) as PriceSourceState[];
    assert.equal(sa?.steps, 25);
    assert.deepEqual(sa?.prices, sb?.prices);
    assert.notDeepEqual(sa?.prices, sc?.prices);
    assert.deepEqual(Object.keys(sa?.prices ?? {}), ["LINK/USD", "ETH/USD", "BTC/USD"]);
  });

  test("steps by itself every tick", async (t) => {
    const source = await startPriceSource({ tickMs: 10 });
    t.after(() => source.close());
    await new Promise((resolve) => setTimeout(resolve, 120));
    assert.ok(source.state().steps >= 3, `${source.state().steps} steps`);
  });

  test("a jump shows in every API's answer at once", async (t) => {
    const source = await startPriceSource({ pairs: ["LINK/USD"], startPrices: { "LINK/USD": "15" }, tickMs: 0 });
    t.after(() => source.close());
    const { status, body } = await post(`${source.url}/admin/jump`, { pair: "LINK/USD", percent: -20 });
    assert.equal(status, 200);
    assert.equal((body as PriceSourceState).prices["LINK/USD"], "12");
    for (const feed of [
      createCoinGeckoFeed({ pair: "LINK/USD", baseUrl: source.url }),
      createKrakenFeed({ pair: "LINK/USD", baseUrl: source.url }),
    ]) {
      const result = await feed.fetchPrice();
      assert.equal(result.ok && result.price, "12");
    }
  });

  test("a lying API says its own price for one pair, or for all, until told the truth", async (t) => {
    const source = await startPriceSource({ pairs: ["LINK/USD", "ETH/USD"], tickMs: 0 });
    t.after(() => source.close());
    const coinbase = (pair: string) => createCoinbaseFeed({ pair, baseUrl: source.url }).fetchPrice();
    await post(`${source.url}/admin/skew`, { api: "coinbase", pair: "LINK/USD", percent: 50 });
    assert.deepEqual(await coinbase("LINK/USD"), { ok: true, source: "coinbase", pair: "LINK/USD", price: "22.5" });
    assert.deepEqual(await coinbase("ETH/USD"), { ok: true, source: "coinbase", pair: "ETH/USD", price: "3000" });
    const kraken = await createKrakenFeed({ pair: "LINK/USD", baseUrl: source.url }).fetchPrice();
    assert.equal(kraken.ok && kraken.price, "15");
    const { body } = await post(`${source.url}/admin/skew`, { api: "coinbase", pair: "LINK/USD", percent: 0 });
    assert.deepEqual((body as PriceSourceState).skews, []);
    assert.deepEqual(await coinbase("LINK/USD"), { ok: true, source: "coinbase", pair: "LINK/USD", price: "15" });
  });
});

describe("outages", () => {
  let source: PriceSource;
  before(async () => {
    source = await startPriceSource({ pairs: ["LINK/USD"], tickMs: 0 });
  });
  after(() => source.close());
  const feed = (timeoutMs = 1_000) => createCoinbaseFeed({ pair: "LINK/USD", baseUrl: source.url, timeoutMs });

  test("an error outage answers its status for a while, then the API is back", async () => {
    const { body } = await post(`${source.url}/admin/outage`, {
      api: "coinbase",
      mode: "error",
      status: 502,
      durationMs: 200,
    });
    const outage = (body as PriceSourceState).outages[0];
    assert.equal(outage?.api, "coinbase");
    assert.equal(outage?.mode, "error");
    assert.equal(outage?.status, 502);
    assert.match(outage?.until ?? "", /^\d{4}-\d\d-\d\dT/);
    const during = await feed().fetchPrice();
    assert.ok(!during.ok && during.error instanceof FeedUnavailableError && during.error.status === 502);
    // only the API in outage: the others answer
    const other = await createKrakenFeed({ pair: "LINK/USD", baseUrl: source.url }).fetchPrice();
    assert.ok(other.ok);
    await new Promise((resolve) => setTimeout(resolve, 250));
    assert.ok((await feed().fetchPrice()).ok);
    assert.deepEqual(source.state().outages, []);
  });

  test("a hang holds requests: a feed times out, and a patient one is answered when the outage ends", async () => {
    source.outage({ api: "coinbase", mode: "hang", durationMs: 400 });
    const started = performance.now();
    const [impatient, patient] = await Promise.all([feed(150).fetchPrice(), feed(2_000).fetchPrice()]);
    assert.ok(!impatient.ok && impatient.error instanceof FeedTimeoutError);
    assert.ok(patient.ok, !patient.ok ? patient.error.message : "");
    const elapsed = performance.now() - started;
    assert.ok(elapsed >= 350 && elapsed < 1_500, `answered after ${elapsed} ms`);
  });

  test("an outage without an end lasts until mode none; every API when none is named", async () => {
    source.outage({ mode: "hang" });
    const held = feed(2_000).fetchPrice();
    await new Promise((resolve) => setTimeout(resolve, 100));
    assert.deepEqual(
      source.state().outages.map(({ api, mode, until }) => ({ api, mode, until })),
      [{ api: "all", mode: "hang", until: null }],
    );
    const { body } = await post(`${source.url}/admin/outage`, { mode: "none" });
    assert.deepEqual((body as PriceSourceState).outages, []);
    assert.ok((await held).ok);
  });

  test("admin mistakes are refused with one sentence", async () => {
    const cases: [string, unknown, number, string][] = [
      ["outage", { mode: "sideways" }, 400, 'an outage\'s mode is "error", "hang" or "none", not "sideways"'],
      [
        "outage",
        { api: "binance", mode: "error" },
        400,
        '"binance" is not an API of the price source: coingecko, coinmarketcap, cryptocompare, coinbase, kraken',
      ],
      ["outage", { mode: "error", status: 200 }, 400, "an outage answers an error status from 400 to 599, not 200"],
      ["outage", { mode: "hang", durationMs: -5 }, 400, "an outage lasts a positive number of milliseconds, not -5"],
      ["jump", { pair: "DOGE/USD", percent: 5 }, 400, "the walk has no pair DOGE/USD: it has LINK/USD"],
      ["jump", { pair: "LINK/USD", percent: -100 }, 400, "a move is a percentage above -100, not -100"],
      ["jump", { pair: "LINK/USD" }, 400, "a move is a percentage above -100, not nothing"],
      ["skew", { api: "coinbase", pair: "ETH/USD", percent: 5 }, 400, "the price source does not serve ETH/USD"],
      ["step", { steps: 1.5 }, 400, "the number of steps must be a whole number, not 1.5"],
      ["step", "{not json", 400, "an admin request's body must be JSON"],
      ["step", "[1]", 400, "POST /admin/step takes a JSON object"],
      ["reboot", {}, 404, "there is no admin action reboot"],
    ];
    for (const [action, body, status, error] of cases) {
      assert.deepEqual(await post(`${source.url}/admin/${action}`, body), { status, body: { error } }, action);
    }
    assert.equal((await getJson(`${source.url}/admin/step`)).status, 405);
    assert.equal((await post(`${source.url}/admin/state`, {})).status, 405);
    assert.deepEqual(source.state().outages, []);
  });
});

describe("start and stop", () => {
  test("close answers nothing more, held requests included, and returns at once", async () => {
    const source = await startPriceSource({ tickMs: 5 });
    source.outage({ mode: "hang" });
    const held = createCoinbaseFeed({ pair: "LINK/USD", baseUrl: source.url, timeoutMs: 2_000 }).fetchPrice();
    await new Promise((resolve) => setTimeout(resolve, 50));
    const started = performance.now();
    await source.close();
    assert.ok(performance.now() - started < 500);
    const result = await held;
    assert.ok(!result.ok && result.error instanceof FeedUnreachableError, !result.ok ? result.error.message : "");
    const after = await createCoinbaseFeed({ pair: "LINK/USD", baseUrl: source.url }).fetchPrice();
    assert.ok(!after.ok && after.error instanceof FeedUnreachableError);
  });

  test("a taken port is refused in one sentence", async (t) => {
    const first = await startPriceSource({ tickMs: 0 });
    t.after(() => first.close());
    const port = Number(new URL(first.url).port);
    await assert.rejects(startPriceSource({ port }), (error: unknown) => {
      assert.ok(error instanceof InvalidInputError);
      assert.equal(error.message, `port ${port} on 127.0.0.1 is already in use: pick another port`);
      return true;
    });
  });

  test("parameters that cannot work are refused before listening", async () => {
    const cases: [Parameters<typeof startPriceSource>[0], string][] = [
      [{ pairs: [] }, "a price source needs at least one pair"],
      [{ pairs: ["LINK-USD"] }, '"LINK-USD" is not a pair: write it BASE/QUOTE, e.g. LINK/USD'],
      [{ pairs: ["LINK/USD", "link/usd"] }, "LINK/USD is listed twice"],
      [{ startPrices: { "DOGE/USD": "0.1" } }, "a starting price is given for DOGE/USD, which is not served"],
      [{ port: 70_000 }, "the port must be a whole number from 0 to 65535, not 70000"],
      [{ tickMs: -1 }, "the tick must be a whole number of milliseconds, 0 for none, not -1"],
      [{ volatility: "wild" }, "the volatility must be a fraction from 0 to 0.5 of the price, not wild"],
    ];
    for (const [parameters, message] of cases) {
      await assert.rejects(startPriceSource(parameters), { name: "InvalidInputError", message });
    }
  });
});
