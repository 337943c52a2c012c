// The public API of @poolnet/oracle-node: price feed adapters, their errors and median, and the price source.
// index.test.ts snapshots the names exported here, so a change shows in review.

export {
  FeedMalformedBodyError,
  FeedMissingFieldError,
  FeedRejectedError,
  FeedTimeoutError,
  FeedUnavailableError,
  FeedUnreachableError,
  type FeedError,
  type FeedErrorOptions,
  type FeedStatusOptions,
} from "./feeds/errors.ts";
export {
  DEFAULT_FEED_TIMEOUT_MS,
  formatPair,
  parsePair,
  type Feed,
  type FeedAnswer,
  type FeedFailure,
  type FeedResult,
  type Pair,
  type PriceApiFeedParameters,
} from "./feeds/feed.ts";
export { COINGECKO_URL, coinGeckoId, createCoinGeckoFeed, type CoinGeckoFeedParameters } from "./feeds/coinGecko.ts";
export { COINMARKETCAP_URL, createCoinMarketCapFeed, type CoinMarketCapFeedParameters } from "./feeds/coinMarketCap.ts";
export { CRYPTOCOMPARE_URL, createCryptoCompareFeed, type CryptoCompareFeedParameters } from "./feeds/cryptoCompare.ts";
export { COINBASE_URL, createCoinbaseFeed, type CoinbaseFeedParameters } from "./feeds/coinbase.ts";
export {
  KRAKEN_URL,
  createKrakenFeed,
  krakenPairName,
  krakenResultKey,
  type KrakenFeedParameters,
} from "./feeds/kraken.ts";
export { createExternalAdapterFeed, type ExternalAdapterFeedParameters } from "./feeds/externalAdapter.ts";
export {
  NotEnoughAnswersError,
  median,
  medianOfFeeds,
  type FeedsMedian,
  type MedianOfFeedsParameters,
} from "./feeds/median.ts";
export { PRICE_DECIMALS } from "./internal/decimal.ts";

export { PRICE_APIS, type PriceApi } from "./priceSource/formats.ts";
export {
  DEFAULT_PAIRS,
  DEFAULT_TICK_MS,
  DEFAULT_VOLATILITY,
  defaultStartPrice,
  startPriceSource,
  type OutageMode,
  type OutageParameters,
  type PriceSource,
  type PriceSourceParameters,
  type PriceSourceState,
  type SkewParameters,
} from "./priceSource/server.ts";
export {
  WALK_DECIMALS,
  createRandomWalk,
  type RandomWalk,
  type RandomWalkParameters,
} from "./priceSource/randomWalk.ts";
