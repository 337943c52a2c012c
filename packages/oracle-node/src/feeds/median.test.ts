import assert from "node:assert/strict";
import { after, before, describe, test } from "node:test";
import { InvalidInputError, RetryableError } from "@poolnet/sdk";
import { formatDecimal, parseDecimal } from "../internal/decimal.ts";
import { startPriceSource, type PriceSource } from "../priceSource/server.ts";
import { createCoinbaseFeed } from "./coinbase.ts";
import { createCoinGeckoFeed } from "./coinGecko.ts";
import { createCoinMarketCapFeed } from "./coinMarketCap.ts";
import { createCryptoCompareFeed } from "./cryptoCompare.ts";
import { FeedTimeoutError, FeedUnavailableError } from "./errors.ts";
import type { Feed, FeedResult } from "./feed.ts";
import { createKrakenFeed } from "./kraken.ts";
import { NotEnoughAnswersError, median, medianOfFeeds } from "./median.ts";

describe("median", () => {
  const cases: [string[], string][] = [
    [["7.12"], "7.12"],
    [["7.3", "7.1", "7.2"], "7.2"],
    [["7.1", "7.2"], "7.15"],
    [["7.1", "7.4", "7.2", "7.3"], "7.25"],
    // the mean of the two middle prices needs one digit more than they have: it gets it
    [["0.000000000000000001", "0.000000000000000002"], "0.0000000000000000015"],
    [["7.123456789012345678", "7.123456789012345679"], "7.1234567890123456785"],
    [["123456789012345678901234567890.1", "1"], "61728394506172839450617283945.55"],
    // the same price written differently is the same price
    [["7.120", "7.12", "712e-2"], "7.12"],
    // where floats go wrong: 0.1 + 0.2 = 0.30000000000000004
    [["0.1", "0.2"], "0.15"],
    [["0.3", "0.1", "0.2", "0.4"], "0.25"],
  ];
  for (const [prices, expected] of cases) {
    test(`of ${prices.join(", ")} is ${expected}`, () => {
      assert.equal(median(prices), expected);
    });
  }

  test("a minority of liars cannot move it outside the honest answers", () => {
    assert.equal(median(["7.10", "7.12", "7.11", "0.0001", "99999"]), "7.11");
    assert.equal(median(["7.10", "7.12", "7.11", "99999", "99999"]), "7.12");
  });

  test("no prices, or one that is not a decimal, is refused", () => {
    assert.throws(() => median([]), { name: "InvalidInputError", message: "the median of no prices is undefined" });
    assert.throws(() => median(["7.1", "abc"]), { message: '"abc" is not a decimal price' });
  });
});

/** A feed in memory: answers `price` after `delayMs`, or fails with `error`. */
function stubFeed(source: string, answer: string | Error, delayMs = 0, pair = "LINK/USD"): Feed {
  return {
    source,
    pair,
    async fetchPrice(): Promise<FeedResult> {
      await new Promise((resolve) => setTimeout(resolve, delayMs));
      if (typeof answer === "string") return { ok: true, source, pair, price: answer };
      const error = new FeedUnavailableError({ source, pair, status: 503 });
      return { ok: false, source, pair, error };
    },
  };
}

describe("medianOfFeeds", () => {
  test("the median of the feeds that answered; the failures are listed", async () => {
    const feeds = [
      stubFeed("a", "7.10"),
      stubFeed("b", "7.12"),
      stubFeed("c", new Error("down")),
      stubFeed("d", "7.11", 20),
      stubFeed("e", "1000"),
    ];
    const result = await medianOfFeeds(feeds);
    assert.ok(result.ok);
    assert.equal(result.price, "7.115");
    assert.equal(result.pair, "LINK/USD");
    assert.deepEqual(
      result.answers.map((answer) => answer.source),
      ["a", "b", "d", "e"],
    );
    assert.deepEqual(
      result.failures.map((failure) => failure.source),
      ["c"],
    );
  });

  test("more than half of the feeds must answer by default, as a Chainlink node requires", async () => {
    const down = (name: string) => stubFeed(name, new Error("down"));
    const two = await medianOfFeeds([stubFeed("a", "7"), stubFeed("b", "8"), down("c"), down("d")]);
    assert.ok(!two.ok);
    assert.ok(two.error instanceof NotEnoughAnswersError && two.error instanceof RetryableError);
    assert.equal(two.error.message, "only 2 of 4 feeds gave a price for LINK/USD, 3 needed");
    assert.equal(two.error.details, "c is unavailable for LINK/USD: HTTP 503; d is unavailable for LINK/USD: HTTP 503");
    assert.equal(two.error.required, 3);
    assert.equal(two.error.answered, 2);
    assert.deepEqual(
      two.answers.map((answer) => answer.price),
      ["7", "8"],
    );
    const three = await medianOfFeeds([stubFeed("a", "7"), stubFeed("b", "8"), stubFeed("c", "9"), down("d")]);
    assert.ok(three.ok);
    assert.equal(three.price, "8");
  });

  test("a minimum count given replaces the majority", async () => {
    const feeds = [stubFeed("a", "7"), stubFeed("b", new Error("down")), stubFeed("c", new Error("down"))];
    const result = await medianOfFeeds(feeds, { minAnswers: 1 });
    assert.ok(result.ok);
    assert.equal(result.price, "7");
    const strict = await medianOfFeeds([stubFeed("a", "7"), stubFeed("b", "7")], { minAnswers: 2 });
    assert.ok(strict.ok);
  });

  test("feeds of different pairs, no feeds or an impossible minimum are refused", async () => {
    await assert.rejects(medianOfFeeds([]), InvalidInputError);
    await assert.rejects(medianOfFeeds([stubFeed("a", "7"), stubFeed("b", "7", 0, "ETH/USD")]), {
      message: "every feed of a median must price LINK/USD, but b prices ETH/USD",
    });
    for (const minAnswers of [0, 3, 1.5]) {
      await assert.rejects(medianOfFeeds([stubFeed("a", "7"), stubFeed("b", "7")], { minAnswers }), {
        message: `the median of 2 feeds can require from 1 to 2 answers, not ${minAnswers}`,
      });
    }
  });
});

describe("medianOfFeeds over real HTTP: five price APIs, one hanging, one failing, one lying", () => {
  let source: PriceSource;
  before(async () => {
    source = await startPriceSource({ pairs: ["LINK/USD"], tickMs: 0, seed: "median" });
    source.step(20);
  });
  after(() => source.close());

  const feeds = (timeoutMs: number): Feed[] => {
    const baseUrl = source.url;
    return [
      createCoinGeckoFeed({ pair: "LINK/USD", baseUrl, timeoutMs }),
      createCoinMarketCapFeed({ pair: "LINK/USD", baseUrl, timeoutMs }),
      createCryptoCompareFeed({ pair: "LINK/USD", baseUrl, timeoutMs }),
      createCoinbaseFeed({ pair: "LINK/USD", baseUrl, timeoutMs }),
      createKrakenFeed({ pair: "LINK/USD", baseUrl, timeoutMs }),
    ];
  };

  test("all honest: every answer is the walk's price, and so is the median", async () => {
    const result = await medianOfFeeds(feeds(1_000));
    assert.ok(result.ok);
    const price = source.state().prices["LINK/USD"];
    assert.equal(result.price, price);
    assert.deepEqual(new Set(result.answers.map((answer) => answer.price)), new Set([price]));
  });

  test("the median holds, and a hanging API costs no more than its timeout", async (t) => {
    const price = source.state().prices["LINK/USD"]!;
    source.outage({ api: "kraken", mode: "hang" });
    source.outage({ api: "coingecko", mode: "error", status: 502 });
    source.skew({ api: "coinbase", percent: 900 });
    t.after(() => {
      source.outage({ mode: "none" });
      source.skew({ api: "coinbase", percent: 0 });
    });

    const started = performance.now();
    const result = await medianOfFeeds(feeds(300), { minAnswers: 3 });
    const elapsed = performance.now() - started;

    assert.ok(result.ok, !result.ok ? result.error.message : "");
    assert.equal(result.price, price);
    assert.ok(elapsed < 1_500, `took ${elapsed} ms`);
    const bySource = Object.fromEntries([...result.answers, ...result.failures].map((r) => [r.source, r]));
    assert.ok(bySource.kraken && !bySource.kraken.ok && bySource.kraken.error instanceof FeedTimeoutError);
    assert.ok(bySource.coingecko && !bySource.coingecko.ok && bySource.coingecko.error instanceof FeedUnavailableError);
    assert.ok(bySource.coinbase?.ok);
    // the liar said ten times the price, and was outvoted
    assert.equal(bySource.coinbase.price, formatDecimal(parseDecimal(price)! * 10n));
  });

  test("with most APIs down there is no median, only the reasons", async (t) => {
    source.outage({ mode: "error", status: 503 });
    t.after(() => source.outage({ mode: "none" }));
    const result = await medianOfFeeds(feeds(1_000));
    assert.ok(!result.ok);
    assert.equal(result.error.message, "only 0 of 5 feeds gave a price for LINK/USD, 3 needed");
    assert.equal(result.failures.length, 5);
    assert.ok(result.failures.every((failure) => failure.error instanceof FeedUnavailableError));
  });
});
