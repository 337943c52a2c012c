// What the API reads: pools, delegators, epochs and feeds as of the last finalized epoch. The routes know only this
// interface; the in-memory implementation (memoryReadModel.ts) serves tests and benchmarks, and one over the
// indexer's tables (pool_snapshots, delegator_snapshots, epochs, …) serves the network. Token amounts are decimal
// strings of base units, as numeric(78) columns come out of SQL; blocks, epochs and rates are JSON numbers.
import type { PoolState } from "@poolnet/sdk";
import type { Address, Hex } from "viem";

/** A token amount in base units (10^-18 token), as a decimal string: a uint256 does not fit a JSON number. */
export type TokenAmount = string;

/**
 * How the pool list keeps pools apart (seed 001): `new` pools (active for less than the apparent-performance window,
 * so without a measure), `retired` pools, and `active` — every other pool, broken and disabled ones included (their
 * `state` says so).
 */
export type PoolGroup = "active" | "new" | "retired";
export const poolGroups: readonly PoolGroup[] = ["active", "new", "retired"];

export type PoolSortKey =
  "attractiveness" | "commissionRate" | "remainingCapacity" | "totalStake" | "apr" | "performance";
export const poolSortKeys: readonly PoolSortKey[] = [
  "attractiveness",
  "commissionRate",
  "remainingCapacity",
  "totalStake",
  "apr",
  "performance",
];

export type PoolSummary = {
  pool: Address;
  operator: Address;
  state: PoolState;
  group: PoolGroup;
  isPrivate: boolean;
  /** Parts per million. */
  commissionRate: number;
  /** Stake earning rewards (getTotalStake's first element). */
  totalStake: TokenAmount;
  /** Stake transferred in and still in its lockout (getTotalStake's second element). */
  pendingStake: TokenAmount;
  stakingLimit: TokenAmount;
  /** stakingLimit − totalStake − pendingStake, at least 0. */
  remainingCapacity: TokenAmount;
  selfStake: TokenAmount;
  delegatorCount: number;
  /** Delegators' reward rate over the last window, a year's worth, not compounded; null without enough history. */
  apr: number | null;
  /** Apparent performance, 0 to 1; null for a new pool or one eligible for no round in the window. */
  performance: number | null;
  /** The yearly net yield of a reference delegation (sdk `attractiveness`); null when it does not fit the pool. */
  attractiveness: number | null;
  metaDataUrl: string;
  metaDataContentHash: Hex;
  registeredAtBlock: number;
  /** The epoch and its last block these figures are as of. */
  asOfEpoch: number;
  asOfBlock: number;
};

export type CommissionChange = {
  block: number;
  fromRate: number;
  toRate: number;
  status: "announced" | "finalized";
  /** When an announced change may be finalized (unix seconds); the block time it was finalized at otherwise. */
  effectiveAt: number;
};

/** One pool as getPoolInfo and getTotalStake report it, with its figures and its commission history. */
export type PoolDetail = PoolSummary & {
  signingAddress: Address;
  selfStakeSatisfied: boolean;
  /** Registration order, from 0 (getPoolInfo's `index`). */
  index: number;
  rewardsDistributed: TokenAmount;
  commissionEarned: TokenAmount;
  protocolFees: TokenAmount;
  pendingUndelegations: TokenAmount;
  pendingTransfersOut: TokenAmount;
  commissionHistory: CommissionChange[];
};

/** One pool at the end of one epoch. */
export type PoolHistoryPoint = {
  epoch: number;
  block: number;
  timestamp: number;
  totalStake: TokenAmount;
  rewardsDistributed: TokenAmount;
  commissionRate: number;
  delegatorCount: number;
  apr: number | null;
  performance: number | null;
};

export type Delegation = {
  pool: Address;
  /** getStake. */
  stake: TokenAmount;
  /** getRewards: earned and not paid yet. */
  rewards: TokenAmount;
  /** Paid so far: withdrawn, redelegated or auto-redelegated. */
  rewardsPaid: TokenAmount;
  autoRedelegation: boolean;
};

export type PendingUndelegation = {
  id: string;
  pool: Address;
  amount: TokenAmount;
  fee: TokenAmount;
  /** Unix seconds from which anyone may finalize it. */
  releaseAt: number;
};

export type PendingTransfer = {
  id: string;
  fromPool: Address;
  toPool: Address;
  amount: TokenAmount;
  fee: TokenAmount;
  releaseAt: number;
};

export type DelegatorView = {
  delegator: Address;
  asOfEpoch: number;
  asOfBlock: number;
  delegations: Delegation[];
  pendingUndelegations: PendingUndelegation[];
  pendingTransfers: PendingTransfer[];
};

/** One delegation at the end of one epoch: rewards earned so far at that block are `rewards + rewardsPaid`. */
export type DelegationPoint = {
  epoch: number;
  block: number;
  timestamp: number;
  stake: TokenAmount;
  rewards: TokenAmount;
  rewardsPaid: TokenAmount;
};

export type EpochStatus = "queued" | "building" | "done" | "failed";
export const epochStatuses: readonly EpochStatus[] = ["queued", "building", "done", "failed"];

export type Epoch = {
  epoch: number;
  fromBlock: number;
  toBlock: number;
  status: EpochStatus;
  /** Why it failed; null otherwise. */
  reason: string | null;
  publishedAt: string;
  updatedAt: string;
};

export type FeedSummary = {
  feed: Address;
  description: string;
  decimals: number;
  oracleCount: number;
  latestRound: number | null;
  /** The latest answer, an int256 as a decimal string; null before the first round completes. */
  latestAnswer: string | null;
  /** Unix seconds. */
  updatedAt: number | null;
};

export type FeedRound = {
  round: number;
  status: "in-progress" | "completed";
  answer: string | null;
  startedAt: number;
  updatedAt: number | null;
  submissionCount: number;
};

export type FeedSubmission = { oracle: Address; pool: Address | null; answer: string; block: number };

export type FeedRoundDetail = FeedRound & { submissions: FeedSubmission[] };

export type Page<T> = { items: T[]; total: number; limit: number; offset: number };

export type PoolListQuery = {
  group?: PoolGroup | undefined;
  state?: PoolState | undefined;
  maxCommissionRate?: number | undefined;
  minRemainingCapacity?: TokenAmount | undefined;
  minTotalStake?: TokenAmount | undefined;
  minApr?: number | undefined;
  minPerformance?: number | undefined;
  /** Pools without a value for the key (null) come last in either order. */
  sort: PoolSortKey;
  order: "asc" | "desc";
  limit: number;
  offset: number;
};

export type HistoryQuery = { fromEpoch?: number | undefined; toEpoch?: number | undefined; limit: number };

export type EpochListQuery = { status?: EpochStatus | undefined; before?: number | undefined; limit: number };

export type RoundListQuery = { before?: number | undefined; limit: number };

export type IndexerStatus = {
  /** The chain head the indexer last saw; null before it saw one. */
  headBlock: number | null;
  /** The last epoch whose snapshots are all built; null before the first. */
  lastEpoch: number | null;
  lastEpochBlock: number | null;
};

/**
 * Everything the API reads. A method answers undefined for what does not exist (the route answers 404); an
 * empty list is an answer. A RetryableError (from @poolnet/sdk) means the store is out of reach (503).
 */
export type ReadModel = {
  status(): Promise<IndexerStatus>;
  listPools(query: PoolListQuery): Promise<Page<PoolSummary>>;
  getPool(pool: Address): Promise<PoolDetail | undefined>;
  /** undefined when the pool does not exist; points in epoch order, at most `limit` of the latest. */
  getPoolHistory(pool: Address, query: HistoryQuery): Promise<PoolHistoryPoint[] | undefined>;
  /** getStake and getRewards of one delegator in one pool; undefined when the pool does not exist. */
  getDelegation(pool: Address, delegator: Address): Promise<Delegation | undefined>;
  /** Every delegation of an address across pools; an address with none has an empty view. */
  getDelegator(delegator: Address): Promise<DelegatorView>;
  /** undefined when the address never delegated to the pool. */
  getDelegationHistory(delegator: Address, pool: Address, query: HistoryQuery): Promise<DelegationPoint[] | undefined>;
  listEpochs(query: EpochListQuery): Promise<Page<Epoch>>;
  getEpoch(epoch: number): Promise<Epoch | undefined>;
  listFeeds(): Promise<FeedSummary[]>;
  getFeed(feed: Address): Promise<FeedSummary | undefined>;
  /** undefined when the feed does not exist; latest rounds first. */
  listFeedRounds(feed: Address, query: RoundListQuery): Promise<Page<FeedRound> | undefined>;
  getFeedRound(feed: Address, round: number): Promise<FeedRoundDetail | undefined>;
};
