// The public API of @poolnet/indexer: the store, the RPC client, the epoch finalizer, the snapshot distributor and the
// snapshot builders.
// index.test.ts snapshots the names exported here, so a change shows in review.
export { openStore, type OpenStoreParameters, type Sql, type Store } from "./store/store.ts";
export { migrate, migrations, type Migration } from "./store/migrations.ts";
export {
  createRpcClient,
  type BlockHeader,
  type LogFilter,
  type RpcCall,
  type RpcClient,
  type RpcClientParameters,
  type RpcEndpoint,
  type RpcStats,
} from "./rpc/rpcClient.ts";
export { LogRangeTooLargeError, RpcBusyError, RpcResponseError, type JsonRpcErrorObject } from "./rpc/rpcErrors.ts";
export { createTokenBucket, type Clock, type TokenBucket } from "./rpc/tokenBucket.ts";
export {
  createEpochFinalizer,
  type EpochFinalizer,
  type EpochFinalizerParameters,
  type SyncReport,
} from "./epochs/epochFinalizer.ts";
export { getEpoch, getLastEpoch, listEpochs, type Epoch, type EpochStatus } from "./epochs/epochStore.ts";
export {
  createEpochHistory,
  type AtEpoch,
  type EpochFold,
  type EpochHistory,
  type EpochHistoryParameters,
} from "./epochs/epochHistory.ts";
export type { ReorgEvent } from "./epochs/headTracker.ts";
export {
  createDistributor,
  type Distributor,
  type DistributorParameters,
  type SnapshotBuilder,
} from "./distribute/distributor.ts";
export {
  createInProcessQueue,
  type InProcessQueueParameters,
  type JobQueue,
  type SnapshotJob,
} from "./distribute/jobQueue.ts";
export {
  createRegistryFold,
  createRegistryHistory,
  type DelegatorAtEpoch,
  type PoolAtEpoch,
  type RegistryFold,
  type RegistryHistory,
  type RegistryHistoryParameters,
} from "./pools/registryFold.ts";
export {
  POOL_BUILDER,
  createPoolSnapshotBuilder,
  writePoolSnapshot,
  type PoolSnapshot,
  type PoolSnapshotBuilderParameters,
} from "./pools/poolSnapshots.ts";
export {
  createFeedFold,
  type FeedAtEpoch,
  type FeedFold,
  type FeedOracleEpoch,
  type FeedRound,
  type FeedStart,
  type FeedSubmission,
} from "./feeds/feedFold.ts";
export {
  FEED_BUILDER,
  createFeedHistory,
  createFeedSnapshotBuilder,
  readFeedStart,
  writeFeedSnapshot,
  type FeedHistory,
  type FeedHistoryParameters,
  type FeedSnapshot,
  type FeedSnapshotBuilderParameters,
} from "./feeds/feedSnapshots.ts";
export { poolRoundSamples } from "./feeds/poolPerformance.ts";
export {
  createIndexer,
  defaultBuilders,
  type Indexer,
  type IndexerMetrics,
  type IndexerParameters,
  type TickReport,
} from "./service/indexer.ts";
export {
  DEFAULTS as INDEXER_DEFAULTS,
  USAGE as INDEXER_USAGE,
  parseIndexerArgs,
  type IndexerConfig,
} from "./service/config.ts";
export { startIndexerService, type IndexerService } from "./service/run.ts";
export {
  DEFAULT_MIN_LIQUIDITY_USD,
  PAIR_BUILDER,
  createPairHistory,
  createPairSnapshotBuilder,
  writePairSnapshot,
  type PairHistory,
  type PairHistoryParameters,
  type PairPricing,
  type PairSnapshot,
  type PairSnapshotBuilderParameters,
} from "./pairs/pairSnapshots.ts";
export {
  createPairFold,
  type PairAtEpoch,
  type PairFold,
  type PairsAtEpoch,
  type PairTotals,
  type PairTransaction,
  type TokenAtEpoch,
  type TokenTotals,
} from "./pairs/pairFold.ts";
export { computePrices, type PricingConfig, type PriceSource, type TokenPrice } from "./pairs/prices.ts";
export { createMetadataCache, type MetadataCache, type TokenMetadata } from "./pairs/tokenMetadata.ts";
export { uniswapV2PairAbi } from "./pairs/uniswapV2.ts";
