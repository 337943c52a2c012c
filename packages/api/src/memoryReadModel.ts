// A ReadModel over plain arrays, for tests, benchmarks and demos without a store: the same filters, order and
// paging a SQL implementation gives.
import type {
  DelegationPoint,
  DelegatorView,
  Epoch,
  FeedRoundDetail,
  FeedSummary,
  IndexerStatus,
  PoolDetail,
  PoolHistoryPoint,
  PoolListQuery,
  PoolSummary,
  ReadModel,
} from "./readModel.ts";

export type MemoryReadModelData = {
  status?: IndexerStatus;
  pools?: PoolDetail[];
  /** By pool address. */
  poolHistory?: Record<string, PoolHistoryPoint[]>;
  delegators?: DelegatorView[];
  /** By `${delegator}/${pool}`. */
  delegationHistory?: Record<string, DelegationPoint[]>;
  epochs?: Epoch[];
  feeds?: FeedSummary[];
  /** By feed address. */
  rounds?: Record<string, FeedRoundDetail[]>;
};

const key = (address: string) => address.toLowerCase();
const byKey = <T>(record: Record<string, T> = {}) =>
  new Map(Object.entries(record).map(([name, value]) => [name.toLowerCase(), value]));

export function createMemoryReadModel(data: MemoryReadModelData = {}): ReadModel {
  const pools = new Map((data.pools ?? []).map((pool) => [key(pool.pool), pool]));
  const poolHistory = byKey(data.poolHistory);
  const delegators = new Map((data.delegators ?? []).map((view) => [key(view.delegator), view]));
  const delegationHistory = byKey(data.delegationHistory);
  const epochs = [...(data.epochs ?? [])].sort((a, b) => b.epoch - a.epoch);
  const feeds = new Map((data.feeds ?? []).map((feed) => [key(feed.feed), feed]));
  const rounds = new Map(
    Object.entries(data.rounds ?? {}).map(([feed, list]) => [key(feed), [...list].sort((a, b) => b.round - a.round)]),
  );
  const lastEpoch = epochs.find((epoch) => epoch.status === "done");
  const status: IndexerStatus = data.status ?? {
    headBlock: lastEpoch?.toBlock ?? null,
    lastEpoch: lastEpoch?.epoch ?? null,
    lastEpochBlock: lastEpoch?.toBlock ?? null,
  };
  const history = <T extends { epoch: number }>(
    points: T[],
    query: { fromEpoch?: number | undefined; toEpoch?: number | undefined; limit: number },
  ) =>
    points
      .filter((point) => (query.fromEpoch ?? -Infinity) <= point.epoch && point.epoch <= (query.toEpoch ?? Infinity))
      .slice(-query.limit);

  return {
    async status() {
      return status;
    },
    async listPools(query) {
      const matching = [...pools.values()].filter((pool) => matchesPoolQuery(pool, query));
      matching.sort(comparePools(query));
      return {
        items: matching.slice(query.offset, query.offset + query.limit).map(summaryOf),
        total: matching.length,
        limit: query.limit,
        offset: query.offset,
      };
    },
    async getPool(pool) {
      return pools.get(key(pool));
    },
    async getPoolHistory(pool, query) {
      if (!pools.has(key(pool))) return undefined;
      return history(poolHistory.get(key(pool)) ?? [], query);
    },
    async getDelegation(pool, delegator) {
      if (!pools.has(key(pool))) return undefined;
      const found = delegators.get(key(delegator))?.delegations.find((d) => key(d.pool) === key(pool));
      return found ?? { pool, stake: "0", rewards: "0", rewardsPaid: "0", autoRedelegation: false };
    },
    async getDelegator(delegator) {
      return (
        delegators.get(key(delegator)) ?? {
          delegator,
          asOfEpoch: status.lastEpoch ?? 0,
          asOfBlock: status.lastEpochBlock ?? 0,
          delegations: [],
          pendingUndelegations: [],
          pendingTransfers: [],
        }
      );
    },
    async getDelegationHistory(delegator, pool, query) {
      const points = delegationHistory.get(`${key(delegator)}/${key(pool)}`);
      return points === undefined ? undefined : history(points, query);
    },
    async listEpochs({ status: wanted, before, limit }) {
      const matching = epochs.filter(
        (epoch) => (wanted === undefined || epoch.status === wanted) && (before === undefined || epoch.epoch < before),
      );
      return { items: matching.slice(0, limit), total: matching.length, limit, offset: 0 };
    },
    async getEpoch(epoch) {
      return epochs.find((candidate) => candidate.epoch === epoch);
    },
    async listFeeds() {
      return [...feeds.values()];
    },
    async getFeed(feed) {
      return feeds.get(key(feed));
    },
    async listFeedRounds(feed, { before, limit }) {
      if (!feeds.has(key(feed))) return undefined;
      const matching = (rounds.get(key(feed)) ?? []).filter((round) => before === undefined || round.round < before);
      return {
        items: matching.slice(0, limit).map(({ submissions: _submissions, ...round }) => round),
        total: matching.length,
        limit,
        offset: 0,
      };
    },
    async getFeedRound(feed, round) {
      return rounds.get(key(feed))?.find((candidate) => candidate.round === round);
    },
  };
}

export function matchesPoolQuery(pool: PoolSummary, query: PoolListQuery): boolean {
  return (
    (query.group === undefined || pool.group === query.group) &&
    (query.state === undefined || pool.state === query.state) &&
    (query.maxCommissionRate === undefined || pool.commissionRate <= query.maxCommissionRate) &&
    (query.minRemainingCapacity === undefined ||
      BigInt(pool.remainingCapacity) >= BigInt(query.minRemainingCapacity)) &&
    (query.minTotalStake === undefined || BigInt(pool.totalStake) >= BigInt(query.minTotalStake)) &&
    (query.minApr === undefined || (pool.apr !== null && pool.apr >= query.minApr)) &&
    (query.minPerformance === undefined || (pool.performance !== null && pool.performance >= query.minPerformance))
  );
}

export function comparePools({ sort, order }: PoolListQuery): (a: PoolSummary, b: PoolSummary) => number {
  const sign = order === "asc" ? 1 : -1;
  const amount = sort === "remainingCapacity" || sort === "totalStake";
  return (a, b) => {
    const x = a[sort];
    const y = b[sort];
    if (x === null || y === null) return x === y ? tieBreak(a, b) : x === null ? 1 : -1;
    const difference = amount ? compareAmounts(x as string, y as string) : Math.sign((x as number) - (y as number));
    return difference === 0 ? tieBreak(a, b) : sign * difference;
  };
}

// a stable order for equal keys, so pages do not overlap or skip
function tieBreak(a: PoolSummary, b: PoolSummary): number {
  return a.registeredAtBlock - b.registeredAtBlock || (key(a.pool) < key(b.pool) ? -1 : 1);
}

function compareAmounts(a: string, b: string): number {
  const x = BigInt(a);
  const y = BigInt(b);
  return x === y ? 0 : x < y ? -1 : 1;
}

export function summaryOf(pool: PoolDetail): PoolSummary {
  return {
    pool: pool.pool,
    operator: pool.operator,
    state: pool.state,
    group: pool.group,
    isPrivate: pool.isPrivate,
    commissionRate: pool.commissionRate,
    totalStake: pool.totalStake,
    pendingStake: pool.pendingStake,
    stakingLimit: pool.stakingLimit,
    remainingCapacity: pool.remainingCapacity,
    selfStake: pool.selfStake,
    delegatorCount: pool.delegatorCount,
    apr: pool.apr,
    performance: pool.performance,
    attractiveness: pool.attractiveness,
    metaDataUrl: pool.metaDataUrl,
    metaDataContentHash: pool.metaDataContentHash,
    registeredAtBlock: pool.registeredAtBlock,
    asOfEpoch: pool.asOfEpoch,
    asOfBlock: pool.asOfBlock,
  };
}
