// The public API of @poolnet/oracle-node: price feed adapters and median, the price source, job specs, the flux
// monitor and the runlog monitor (pure decisions and the I/O loops), the node's transaction sender and restart-safe
// state, its keystore, RPC fail-over and metrics, and the node that runs them.
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

export {
  FEED_TYPES,
  JobSpecError,
  RUNLOG_DEFAULT_GAS_LIMIT,
  RUNLOG_MIN_GAS_LIMIT,
  parseJobSpec,
  readJobSpec,
  runLogSpecId,
  type FeedSpec,
  type FeedType,
  type FluxMonitorJobSpec,
  type JobFeedsSpec,
  type JobSpec,
  type RunLogJobSpec,
} from "./jobs/jobSpec.ts";
export { createJobFeeds } from "./jobs/jobFeeds.ts";
export { parseDuration } from "./jobs/duration.ts";
export {
  DEFAULT_FUNDED_ROUNDS,
  ZERO_THRESHOLDS,
  checkEligibility,
  decideSubmission,
  dueTriggers,
  hasSufficientFunds,
  isTimedOutRetry,
  nextWakeAt,
  outsideDeviation,
  parseThresholds,
  resetIdle,
  startTimers,
  type Eligibility,
  type EligibilityInput,
  type PollTrigger,
  type RoundState,
  type SkipReason,
  type SubmissionDecision,
  type SubmissionInput,
  type Thresholds,
  type TimerConfig,
  type Timers,
} from "./flux/decide.ts";
export { fluxMonitorAbi } from "./flux/aggregatorAbi.ts";
export {
  createFluxMonitor,
  type FluxMonitor,
  type FluxMonitorEvent,
  type FluxMonitorParameters,
} from "./flux/monitor.ts";
export {
  AlreadySubmittedError,
  createSubmitter,
  type SubmitParameters,
  type Submitter,
  type SubmitterParameters,
} from "./flux/submitter.ts";
export {
  checkRequest,
  fulfillmentData,
  scaleAnswer,
  type ClosedRequest,
  type OracleRequest,
  type RequestCheck,
  type RequestCheckInput,
  type RequestSkipReason,
} from "./runlog/decide.ts";
export {
  RequestParametersError,
  decodeRequestParameters,
  requestTimes,
  type CborValue,
  type RequestParameters,
} from "./runlog/requestParameters.ts";
export { operatorAbi } from "./runlog/operatorAbi.ts";
export {
  AlreadyFulfilledError,
  RequestNotPendingError,
  createFulfiller,
  type FulfillParameters,
  type Fulfiller,
  type FulfillerParameters,
} from "./runlog/fulfiller.ts";
export {
  createRunLogMonitor,
  type RunLogEvent,
  type RunLogMonitor,
  type RunLogMonitorParameters,
} from "./runlog/monitor.ts";
export {
  createTransactionSender,
  type SendRequest,
  type SignedTransaction,
  type TransactionSender,
  type TransactionSenderParameters,
} from "./chain/transactionSender.ts";
export {
  NodeStateCorruptError,
  openNodeState,
  type FulfillmentRecord,
  type NodeState,
  type OutcomeRecord,
  type ScanRecord,
  type StateRecord,
  type SubmissionRecord,
  type TransactionRecord,
} from "./state/nodeState.ts";
export {
  startOracleNode,
  type OracleNode,
  type OracleNodeEvent,
  type OracleNodeParameters,
} from "./node/oracleNode.ts";
export {
  KeystoreError,
  PASSWORD_ENV,
  decryptKeystore,
  encryptKeystore,
  readKeystore,
  readPassword,
  writeKeystore,
  type EncryptKeystoreParameters,
  type Keystore,
} from "./keys/keystore.ts";
export {
  createFailoverTransport,
  type FailoverTransport,
  type FailoverTransportParameters,
  type RpcEndpointHealth,
} from "./chain/failover.ts";
export {
  EXPOSITION_CONTENT_TYPE,
  createMetricsRegistry,
  type Counter,
  type Gauge,
  type Histogram,
  type MetricsRegistry,
} from "./metrics/registry.ts";
export { startMetricsServer, type MetricsServer, type MetricsServerParameters } from "./metrics/server.ts";
export {
  createOracleMetrics,
  type FluxMetrics,
  type OracleMetrics,
  type RunLogMetrics,
  type SubmitterMetrics,
} from "./metrics/oracleMetrics.ts";
