// The public API of @poolnet/api: the HTTP app over a read model, the metadata proxy (fetcher, rules, server) and
// the client merging several proxies. index.test.ts snapshots the names exported here, so a change shows in review.
export { createApp, type CreateAppParameters } from "./app.ts";
export { defaultHttpConfig, HandlerTimeoutError, type HttpConfig } from "./http/server.ts";
export {
  epochStatuses,
  poolGroups,
  poolSortKeys,
  type CommissionChange,
  type Delegation,
  type DelegationPoint,
  type DelegatorView,
  type Epoch,
  type EpochListQuery,
  type EpochStatus,
  type FeedRound,
  type FeedRoundDetail,
  type FeedSubmission,
  type FeedSummary,
  type HistoryQuery,
  type IndexerStatus,
  type Page,
  type PendingTransfer,
  type PendingUndelegation,
  type PoolDetail,
  type PoolGroup,
  type PoolHistoryPoint,
  type PoolListQuery,
  type PoolSortKey,
  type PoolSummary,
  type ReadModel,
  type RoundListQuery,
  type TokenAmount,
} from "./readModel.ts";
export { createMemoryReadModel, type MemoryReadModelData } from "./memoryReadModel.ts";
export {
  createStoreReadModel,
  storeReadModelGaps,
  type CreateStoreReadModelParameters,
  type StoreReadModelChain,
} from "./storeReadModel.ts";
export { createChainReader, createStoreApi, type CreateStoreApiParameters } from "./serve.ts";
export {
  METADATA_FIELD_LIMITS,
  METADATA_MAX_BYTES,
  METADATA_URL_SCHEMES,
  metadataSchema,
  validateMetadata,
  type MetadataField,
  type MetadataRuleViolation,
  type MetadataValidation,
  type PoolMetadata,
} from "./metadata/rules.ts";
export {
  checkContent,
  fetchMetadata,
  metadataUnavailableReasons,
  type FetchMetadataOptions,
  type MetadataFetchResult,
  type MetadataPointer,
  type MetadataUnavailableReason,
} from "./metadata/fetchMetadata.ts";
export {
  createMetadataProxy,
  type CreateMetadataProxyParameters,
  type MetadataAnswer,
  type MetadataProxy,
  type MetadataSource,
} from "./metadata/proxy.ts";
export {
  createRegistryResolver,
  type CreateRegistryResolverParameters,
  type ResolvePool,
} from "./metadata/resolver.ts";
export { createMetadataProxyServer, type CreateMetadataProxyServerParameters } from "./metadata/server.ts";
export {
  createMetadataClient,
  type CreateMetadataClientParameters,
  type MergedMetadataAnswer,
  type MergedUnavailableReason,
  type MetadataClient,
  type ProxyOutcome,
  type ProxyReport,
} from "./metadata/metadataClient.ts";
