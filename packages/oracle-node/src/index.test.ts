import assert from "node:assert/strict";
import { test } from "node:test";
import * as oracleNode from "./index.ts";

// The package's public runtime API. A change here is an API change: update the list on purpose.
test("exports", () => {
  assert.deepEqual(Object.keys(oracleNode).sort(), [
    "COINBASE_URL",
    "COINGECKO_URL",
    "COINMARKETCAP_URL",
    "CRYPTOCOMPARE_URL",
    "DEFAULT_FEED_TIMEOUT_MS",
    "DEFAULT_PAIRS",
    "DEFAULT_TICK_MS",
    "DEFAULT_VOLATILITY",
    "FeedMalformedBodyError",
    "FeedMissingFieldError",
    "FeedRejectedError",
    "FeedTimeoutError",
    "FeedUnavailableError",
    "FeedUnreachableError",
    "KRAKEN_URL",
    "NotEnoughAnswersError",
    "PRICE_APIS",
    "PRICE_DECIMALS",
    "WALK_DECIMALS",
    "coinGeckoId",
    "createCoinGeckoFeed",
    "createCoinMarketCapFeed",
    "createCoinbaseFeed",
    "createCryptoCompareFeed",
    "createExternalAdapterFeed",
    "createKrakenFeed",
    "createRandomWalk",
    "defaultStartPrice",
    "formatPair",
    "krakenPairName",
    "krakenResultKey",
    "median",
    "medianOfFeeds",
    "parsePair",
    "startPriceSource",
  ]);
});
