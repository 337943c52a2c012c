// A ReadModel over the indexer's store: the tables the indexer's builders write (epochs, pool_snapshots,
// delegator_snapshots, feed_rounds, feed_submissions, feed_oracle_epochs), read as of the last `done` epoch. The
// derived figures are the sdk's formulas, computed here: APR (`rewardRate` over the window's snapshots), apparent
// performance (`apparentPerformance` over the pools' round samples) and attractiveness (`attractiveness`). The pool
// list of one epoch is computed once and kept until another epoch is done (the key is the epoch and its block hash,
// so a reorg that republishes the same number is a new key); filters, order and paging run on that list.
// What the store does not hold (see `storeReadModelGaps`) comes from the optional `chain` reader, else defaults.
import { apparentPerformance, attractiveness, rewardRate, WEEK_OF_BLOCKS, type PoolState } from "@poolnet/sdk";
import type { Sql } from "@poolnet/indexer";
import { getAddress, zeroAddress, zeroHash, type Address, type Hex } from "viem";
import { comparePools, matchesPoolQuery, summaryOf } from "./memoryReadModel.ts";
import type {
  Delegation,
  DelegationPoint,
  Epoch,
  FeedRound,
  FeedRoundDetail,
  FeedSummary,
  PoolDetail,
  PoolGroup,
  PoolHistoryPoint,
  ReadModel,
} from "./readModel.ts";

/** What the store lacks and the chain has, read at the epoch's last block. */
export type StoreReadModelChain = {
  /** getPoolInfo's fields the snapshots do not hold; undefined when the pool is unknown there. */
  poolInfo(
    pool: Address,
    blockNumber: bigint,
  ): Promise<
    | { isPrivate: boolean; index: number; metaDataUrl: string; metaDataContentHash: Hex; selfStakeSatisfied: boolean }
    | undefined
  >;
  /** The registry's protocol fee rate, parts per million. */
  protocolFeeRate(blockNumber: bigint): Promise<bigint>;
  /** A feed's description and decimals. */
  feedInfo?(feed: Address, blockNumber: bigint): Promise<{ description: string; decimals: number }>;
};

export type CreateStoreReadModelParameters = {
  /** The indexer's store (or any Sql over it). */
  store: Sql;
  /** The deployment's feeds: listed even before the indexer wrote a row for them. */
  deployment?: { feeds?: Record<string, Address> | undefined } | undefined;
  chain?: StoreReadModelChain | undefined;
  /** APR and apparent performance look back this many blocks (default: a week of 12-second blocks). */
  windowBlocks?: bigint | undefined;
  /** The delegation attractiveness is computed for, in base units (default 1,000 tokens). */
  referenceAmount?: bigint | undefined;
  /** Used when there is no `chain` (default: estimated from the pools' protocol fees / rewards). */
  protocolFeeRate?: bigint | undefined;
};

/** Fields of the ReadModel the store cannot fill today; answered with defaults unless `chain` supplies them. */
export const storeReadModelGaps = [
  "PoolSummary.isPrivate, index, metaDataUrl, metaDataContentHash, selfStakeSatisfied (not in pool_snapshots)",
  "PoolDetail.commissionHistory (commission change events are not stored): always []",
  "Delegation.autoRedelegation (not in delegator_snapshots): always false",
  "DelegatorView.pendingUndelegations / pendingTransfers per delegator (only per-pool totals are stored): always []",
  "FeedSummary.description / decimals (not stored): from chain.feedInfo, else the deployment's feed name and 0",
] as const;

type EpochRow = {
  epoch_number: bigint;
  from_block: bigint;
  to_block: bigint;
  to_block_hash: string;
  status: Epoch["status"];
  reason: string | null;
  published_at: Date | string;
  updated_at: Date | string;
};

type PoolRow = {
  epoch_number: bigint;
  pool: string;
  operator: string;
  state: string;
  commission_rate: number;
  total_stake: string;
  delegator_count: number;
  rewards_distributed: string;
  protocol_fees: string;
  commission: string;
  pending_undelegations: string;
  pending_stake: string;
  signing_address: string;
  staking_limit: string;
  self_stake: string;
  pending_transfers_out: string;
  registered_at_block: bigint;
  block_timestamp: bigint;
};

type WindowPoint = {
  pool: string;
  to_block: bigint;
  block_timestamp: bigint;
  total_stake: string;
  rewards_distributed: string;
  protocol_fees: string;
  commission: string;
};

type Sample = { pool: string; block: bigint; eligible: number; answered: number };

type PoolList = { key: string; epoch: EpochRow; pools: PoolDetail[]; byAddress: Map<string, PoolDetail> };

const YEAR = 31_536_000n;
const TOKEN = 10n ** 18n;
const iso = (value: Date | string) => (value instanceof Date ? value.toISOString() : new Date(value).toISOString());
const checksum = (address: string): Address => getAddress(address.toLowerCase());

export function createStoreReadModel({
  store,
  deployment,
  chain,
  windowBlocks = WEEK_OF_BLOCKS,
  referenceAmount = 1_000n * TOKEN,
  protocolFeeRate,
}: CreateStoreReadModelParameters): ReadModel {
  let cached: Promise<PoolList> | undefined;
  let cachedKey: string | undefined;

  const lastDoneEpoch = async (): Promise<EpochRow | undefined> =>
    (await store.query<EpochRow>("SELECT * FROM epochs WHERE status = 'done' ORDER BY epoch_number DESC LIMIT 1"))[0];

  /** The pool list as of the last done epoch: built once per epoch, shared by concurrent callers. */
  const poolList = async (): Promise<PoolList | undefined> => {
    const epoch = await lastDoneEpoch();
    if (epoch === undefined) return undefined;
    const key = `${epoch.epoch_number}/${epoch.to_block_hash}`;
    if (cached === undefined || cachedKey !== key) {
      cachedKey = key;
      cached = buildPoolList(epoch, key);
      // a failed build is not kept
      cached.catch(() => {
        if (cachedKey === key) cached = cachedKey = undefined;
      });
    }
    return cached;
  };

  const windowPoints = (epoch: bigint, fromBlock: bigint, toBlock: bigint, pool?: string) =>
    store.query<WindowPoint>(
      `SELECT p.pool, e.to_block, p.block_timestamp, p.total_stake, p.rewards_distributed, p.protocol_fees,
         p.commission
       FROM pool_snapshots p JOIN epochs e ON e.epoch_number = p.epoch_number
       WHERE e.status = 'done' AND e.epoch_number <= $1 AND e.to_block >= $2 AND e.to_block <= $3
         ${pool === undefined ? "" : "AND p.pool = $4"}
       ORDER BY p.pool, e.epoch_number`,
      pool === undefined ? [epoch, fromBlock, toBlock] : [epoch, fromBlock, toBlock, pool],
    );

  // poolRoundSamples (indexer) for every pool at once, over done epochs only
  const roundSamples = async (epoch: bigint, afterBlock: bigint, pool?: string): Promise<Sample[]> => {
    const rows = await store.query<{ pool: string; to_block: bigint; eligible: bigint; answered: bigint }>(
      `SELECT f.pool, e.to_block, sum(f.eligible)::int8 AS eligible, sum(f.answered)::int8 AS answered
       FROM feed_oracle_epochs f JOIN epochs e ON e.epoch_number = f.epoch_number
       WHERE f.pool IS NOT NULL AND e.status = 'done' AND e.epoch_number <= $1 AND e.to_block > $2
         ${pool === undefined ? "" : "AND f.pool = $3"}
       GROUP BY f.pool, e.to_block HAVING sum(f.eligible) > 0 ORDER BY f.pool, e.to_block`,
      pool === undefined ? [epoch, afterBlock] : [epoch, afterBlock, pool],
    );
    return rows.map((row) => ({
      pool: row.pool,
      block: row.to_block,
      eligible: Number(row.eligible),
      answered: Number(row.answered),
    }));
  };

  const estimateProtocolFeeRate = async (epoch: bigint): Promise<bigint> => {
    const [row] = await store.query<{ fees: string | null; rewards: string | null }>(
      "SELECT sum(protocol_fees) AS fees, sum(rewards_distributed) AS rewards FROM pool_snapshots WHERE epoch_number = $1",
      [epoch],
    );
    const rewards = BigInt(row?.rewards ?? "0");
    // fees are rounded down per reward: round the estimate to the nearest 0.01%
    return rewards === 0n ? 0n : (((BigInt(row?.fees ?? "0") * 1_000_000n) / rewards + 50n) / 100n) * 100n;
  };

  /** APR, apparent performance and group of one pool at `head`, from the window's points and samples. */
  const figures = (
    row: Pick<PoolRow, "state" | "registered_at_block">,
    points: readonly WindowPoint[],
    samples: readonly Sample[],
    head: bigint,
  ) => {
    const net = safeRate(
      points.map((p) => ({
        timestamp: p.block_timestamp,
        totalStake: BigInt(p.total_stake),
        rewards: BigInt(p.rewards_distributed) - BigInt(p.protocol_fees) - BigInt(p.commission),
      })),
    );
    const gross = safeRate(
      points.map((p) => ({
        timestamp: p.block_timestamp,
        totalStake: BigInt(p.total_stake),
        rewards: BigInt(p.rewards_distributed),
      })),
    );
    const measure = apparentPerformance({
      samples,
      head,
      activeSince: row.registered_at_block,
      windowBlocks,
    });
    const performance = measure.status === "established" ? (measure.performance ?? null) : null;
    const group: PoolGroup = row.state === "retired" ? "retired" : measure.status === "new" ? "new" : "active";
    return { apr: net?.apr ?? null, gross, performance, group };
  };

  async function buildPoolList(epoch: EpochRow, key: string): Promise<PoolList> {
    const head = epoch.to_block;
    const rows = await store.query<PoolRow>("SELECT * FROM pool_snapshots WHERE epoch_number = $1", [
      epoch.epoch_number,
    ]);
    const points = groupBy(await windowPoints(epoch.epoch_number, head - windowBlocks, head), (p) =>
      p.pool.toLowerCase(),
    );
    const samples = groupBy(await roundSamples(epoch.epoch_number, head - windowBlocks), (s) => s.pool.toLowerCase());
    const feeRate =
      chain !== undefined
        ? await chain.protocolFeeRate(head)
        : (protocolFeeRate ?? (await estimateProtocolFeeRate(epoch.epoch_number)));
    const infos = new Map(
      await Promise.all(rows.map(async (row) => [row.pool, await chain?.poolInfo(checksum(row.pool), head)] as const)),
    );
    // registration order as far as the store can tell (pools registered in one block: by address), unless the chain says
    const rank = new Map(
      [...rows]
        .sort(
          (a, b) =>
            Number(a.registered_at_block - b.registered_at_block) ||
            (a.pool.toLowerCase() < b.pool.toLowerCase() ? -1 : 1),
        )
        .map((row, i) => [row.pool, i]),
    );
    const pools = rows.map((row): PoolDetail => {
      const { apr, gross, performance, group } = figures(
        row,
        points.get(row.pool.toLowerCase()) ?? [],
        samples.get(row.pool.toLowerCase()) ?? [],
        head,
      );
      const totalStake = BigInt(row.total_stake);
      const pendingStake = BigInt(row.pending_stake);
      const stakingLimit = BigInt(row.staking_limit);
      const taken = totalStake + pendingStake;
      let attractive: number | null = null;
      if (gross !== undefined) {
        // the window's rewards are R · p: R (full performance) = observed / p; a new pool is taken at p = 1
        const p = performance ?? 1;
        const observedPerYear = (gross.rewards * YEAR) / gross.seconds;
        const pMicro = BigInt(Math.round(p * 1e6));
        const result = attractiveness({
          amount: referenceAmount,
          rewardsPerYear: pMicro === 0n ? 0n : (observedPerYear * 1_000_000n) / pMicro,
          performance: p,
          protocolFeeRate: feeRate,
          commissionRate: row.commission_rate,
          totalStake,
          pendingStake,
          stakingLimit,
          state: row.state as PoolState,
        });
        attractive = result.fits ? result.yield : null;
      }
      const info = infos.get(row.pool);
      return {
        pool: checksum(row.pool),
        operator: checksum(row.operator),
        state: row.state as PoolState,
        group,
        isPrivate: info?.isPrivate ?? false,
        commissionRate: row.commission_rate,
        totalStake: row.total_stake,
        pendingStake: row.pending_stake,
        stakingLimit: row.staking_limit,
        remainingCapacity: (stakingLimit > taken ? stakingLimit - taken : 0n).toString(),
        selfStake: row.self_stake,
        delegatorCount: row.delegator_count,
        apr,
        performance,
        attractiveness: attractive,
        metaDataUrl: info?.metaDataUrl ?? "",
        metaDataContentHash: info?.metaDataContentHash ?? zeroHash,
        registeredAtBlock: Number(row.registered_at_block),
        asOfEpoch: Number(epoch.epoch_number),
        asOfBlock: Number(head),
        signingAddress: row.signing_address === "" ? zeroAddress : checksum(row.signing_address),
        // without the chain: a broken pool is the one whose self-stake fell short
        selfStakeSatisfied: info?.selfStakeSatisfied ?? row.state !== "broken",
        index: info?.index ?? rank.get(row.pool)!,
        rewardsDistributed: row.rewards_distributed,
        commissionEarned: row.commission,
        protocolFees: row.protocol_fees,
        pendingUndelegations: row.pending_undelegations,
        pendingTransfersOut: row.pending_transfers_out,
        commissionHistory: [],
      };
    });
    return { key, epoch, pools, byAddress: new Map(pools.map((pool) => [pool.pool, pool])) };
  }

  const toEpoch = (row: EpochRow): Epoch => ({
    epoch: Number(row.epoch_number),
    fromBlock: Number(row.from_block),
    toBlock: Number(row.to_block),
    status: row.status,
    reason: row.reason,
    publishedAt: iso(row.published_at),
    updatedAt: iso(row.updated_at),
  });

  const feedAddresses = async (epoch: bigint | undefined): Promise<Address[]> => {
    const known = new Map<string, Address>();
    for (const feed of Object.values(deployment?.feeds ?? {})) known.set(feed.toLowerCase(), checksum(feed));
    if (epoch !== undefined) {
      const rows = await store.query<{ feed: string }>(
        "SELECT DISTINCT feed FROM feed_oracle_epochs WHERE epoch_number <= $1",
        [epoch],
      );
      for (const { feed } of rows) known.set(feed.toLowerCase(), checksum(feed));
    }
    return [...known.values()];
  };

  const feedName = (feed: Address) =>
    Object.entries(deployment?.feeds ?? {}).find(([, address]) => address.toLowerCase() === feed.toLowerCase())?.[0] ??
    "";

  type RoundRow = {
    round_id: bigint;
    started_at: bigint;
    answer: string | null;
    updated_at: bigint;
    submission_count: number;
    closed: boolean;
  };
  // the last row of each round up to the epoch is its state then
  const lastRounds = `SELECT DISTINCT ON (round_id) round_id, epoch_number, started_at, answer, updated_at, submission_count, closed
    FROM feed_rounds r
    WHERE feed = $1 AND epoch_number <= $2
      AND EXISTS (SELECT 1 FROM epochs e WHERE e.epoch_number = r.epoch_number AND e.status = 'done')`;
  const toRound = (row: RoundRow): FeedRound => ({
    round: Number(row.round_id),
    status: row.closed ? "completed" : "in-progress",
    answer: row.answer,
    startedAt: Number(row.started_at),
    updatedAt: row.updated_at === 0n ? null : Number(row.updated_at),
    submissionCount: row.submission_count,
  });

  const summarizeFeed = async (address: Address, epoch: EpochRow | undefined): Promise<FeedSummary> => {
    const last = epoch?.epoch_number ?? -1n;
    const feed = await storedAddress(store, "feed_rounds", "feed", address);
    const [oracles] = await store.query<{ count: bigint }>(
      "SELECT count(*)::int8 AS count FROM feed_oracle_epochs WHERE feed = $1 AND epoch_number = $2 AND enabled",
      [feed, last],
    );
    const [latest] = await store.query<RoundRow>(`${lastRounds} ORDER BY round_id DESC, epoch_number DESC LIMIT 1`, [
      feed,
      last,
    ]);
    const [answered] = await store.query<RoundRow>(
      `SELECT * FROM (${lastRounds} ORDER BY round_id DESC, epoch_number DESC) rounds
       WHERE answer IS NOT NULL ORDER BY round_id DESC LIMIT 1`,
      [feed, last],
    );
    const info = epoch === undefined ? undefined : await chain?.feedInfo?.(address, epoch.to_block);
    return {
      feed: address,
      description: info?.description ?? feedName(address),
      decimals: info?.decimals ?? 0,
      oracleCount: Number(oracles?.count ?? 0n),
      latestRound: latest === undefined ? null : Number(latest.round_id),
      latestAnswer: answered?.answer ?? null,
      updatedAt: answered === undefined ? null : Number(answered.updated_at),
    };
  };

  const knownFeed = async (feed: Address, epoch: EpochRow | undefined) =>
    (await feedAddresses(epoch?.epoch_number)).some((known) => known === feed);

  return {
    async status() {
      const [head] = await store.query<{ head: bigint | null }>("SELECT max(block_number) AS head FROM tracked_blocks");
      const epoch = await lastDoneEpoch();
      return {
        headBlock: head === undefined || head.head === null ? null : Number(head.head),
        lastEpoch: epoch === undefined ? null : Number(epoch.epoch_number),
        lastEpochBlock: epoch === undefined ? null : Number(epoch.to_block),
      };
    },

    async listPools(query) {
      const list = await poolList();
      const matching = (list?.pools ?? []).filter((pool) => matchesPoolQuery(pool, query));
      matching.sort(comparePools(query));
      return {
        items: matching.slice(query.offset, query.offset + query.limit).map(summaryOf),
        total: matching.length,
        limit: query.limit,
        offset: query.offset,
      };
    },

    async getPool(pool) {
      return (await poolList())?.byAddress.get(checksum(pool));
    },

    async getPoolHistory(pool, query) {
      const list = await poolList();
      const detail = list?.byAddress.get(checksum(pool));
      if (list === undefined || detail === undefined) return undefined;
      const stored = await storedAddress(store, "pool_snapshots", "pool", detail.pool);
      const last = list.epoch.epoch_number;
      const rows = (
        await store.query<PoolRow & { to_block: bigint }>(
          `SELECT p.*, e.to_block FROM pool_snapshots p JOIN epochs e ON e.epoch_number = p.epoch_number
           WHERE p.pool = $1 AND e.status = 'done' AND p.epoch_number <= $2
             AND p.epoch_number >= $3 AND p.epoch_number <= $4
           ORDER BY p.epoch_number DESC LIMIT $5`,
          [stored, last, query.fromEpoch ?? 0, query.toEpoch ?? Number(last), query.limit],
        )
      ).reverse();
      const first = rows[0];
      if (first === undefined) return [];
      const from = first.to_block - windowBlocks;
      const points = await windowPoints(last, from, rows.at(-1)!.to_block, stored);
      const samples = await roundSamples(last, from, stored);
      return rows.map((row): PoolHistoryPoint => {
        const head = row.to_block;
        const inWindow = points.filter((p) => p.to_block >= head - windowBlocks && p.to_block <= head);
        const { apr, performance } = figures(row, inWindow, samples, head);
        return {
          epoch: Number(row.epoch_number),
          block: Number(head),
          timestamp: Number(row.block_timestamp),
          totalStake: row.total_stake,
          rewardsDistributed: row.rewards_distributed,
          commissionRate: row.commission_rate,
          delegatorCount: row.delegator_count,
          apr,
          performance,
        };
      });
    },

    async getDelegation(pool, delegator) {
      const list = await poolList();
      const detail = list?.byAddress.get(checksum(pool));
      if (list === undefined || detail === undefined) return undefined;
      const [row] = await store.query<{ stake: string; rewards: string; rewards_paid: string }>(
        `SELECT stake, rewards, rewards_paid FROM delegator_snapshots
         WHERE epoch_number = $1 AND lower(pool) = lower($2) AND lower(delegator) = lower($3)`,
        [list.epoch.epoch_number, pool, delegator],
      );
      return {
        pool: detail.pool,
        stake: row?.stake ?? "0",
        rewards: row?.rewards ?? "0",
        rewardsPaid: row?.rewards_paid ?? "0",
        autoRedelegation: false,
      };
    },

    async getDelegator(delegator) {
      const epoch = await lastDoneEpoch();
      const view = {
        delegator: checksum(delegator),
        asOfEpoch: epoch === undefined ? 0 : Number(epoch.epoch_number),
        asOfBlock: epoch === undefined ? 0 : Number(epoch.to_block),
        delegations: [] as Delegation[],
        pendingUndelegations: [],
        pendingTransfers: [],
      };
      if (epoch === undefined) return view;
      const rows = await store.query<{ pool: string; stake: string; rewards: string; rewards_paid: string }>(
        `SELECT pool, stake, rewards, rewards_paid FROM delegator_snapshots
         WHERE epoch_number = $1 AND delegator IN ($2, $3) AND (stake > 0 OR rewards > 0)
         ORDER BY pool`,
        [epoch.epoch_number, checksum(delegator), delegator.toLowerCase()],
      );
      view.delegations = rows.map((row) => ({
        pool: checksum(row.pool),
        stake: row.stake,
        rewards: row.rewards,
        rewardsPaid: row.rewards_paid,
        autoRedelegation: false,
      }));
      return view;
    },

    async getDelegationHistory(delegator, pool, query) {
      const epoch = await lastDoneEpoch();
      if (epoch === undefined) return undefined;
      const rows = await store.query<{
        epoch_number: bigint;
        to_block: bigint;
        block_timestamp: bigint | null;
        stake: string;
        rewards: string;
        rewards_paid: string;
      }>(
        `SELECT d.epoch_number, e.to_block, p.block_timestamp, d.stake, d.rewards, d.rewards_paid
         FROM delegator_snapshots d
           JOIN epochs e ON e.epoch_number = d.epoch_number
           LEFT JOIN pool_snapshots p ON p.epoch_number = d.epoch_number AND p.pool = d.pool
         WHERE d.delegator IN ($1, $2) AND lower(d.pool) = lower($3) AND e.status = 'done' AND d.epoch_number <= $4
           AND d.epoch_number >= $5 AND d.epoch_number <= $6
         ORDER BY d.epoch_number DESC LIMIT $7`,
        [
          checksum(delegator),
          delegator.toLowerCase(),
          pool,
          epoch.epoch_number,
          query.fromEpoch ?? 0,
          query.toEpoch ?? Number(epoch.epoch_number),
          query.limit,
        ],
      );
      if (rows.length === 0) {
        // never delegated there, or only outside the asked range
        const [any] = await store.query(
          `SELECT 1 FROM delegator_snapshots WHERE delegator IN ($1, $2) AND lower(pool) = lower($3)
             AND epoch_number <= $4 LIMIT 1`,
          [checksum(delegator), delegator.toLowerCase(), pool, epoch.epoch_number],
        );
        return any === undefined ? undefined : [];
      }
      return rows.reverse().map((row): DelegationPoint => ({
        epoch: Number(row.epoch_number),
        block: Number(row.to_block),
        timestamp: Number(row.block_timestamp ?? 0n),
        stake: row.stake,
        rewards: row.rewards,
        rewardsPaid: row.rewards_paid,
      }));
    },

    async listEpochs({ status, before, limit }) {
      const where = "WHERE ($1::text IS NULL OR status = $1) AND ($2::int8 IS NULL OR epoch_number < $2)";
      const params = [status ?? null, before ?? null];
      const rows = await store.query<EpochRow>(`SELECT * FROM epochs ${where} ORDER BY epoch_number DESC LIMIT $3`, [
        ...params,
        limit,
      ]);
      const [count] = await store.query<{ total: bigint }>(
        `SELECT count(*)::int8 AS total FROM epochs ${where}`,
        params,
      );
      return { items: rows.map(toEpoch), total: Number(count?.total ?? 0n), limit, offset: 0 };
    },

    async getEpoch(epoch) {
      const [row] = await store.query<EpochRow>("SELECT * FROM epochs WHERE epoch_number = $1", [epoch]);
      return row === undefined ? undefined : toEpoch(row);
    },

    async listFeeds() {
      const epoch = await lastDoneEpoch();
      const feeds = await feedAddresses(epoch?.epoch_number);
      return Promise.all(feeds.map((feed) => summarizeFeed(feed, epoch)));
    },

    async getFeed(feed) {
      const epoch = await lastDoneEpoch();
      const address = checksum(feed);
      return (await knownFeed(address, epoch)) ? summarizeFeed(address, epoch) : undefined;
    },

    async listFeedRounds(feed, { before, limit }) {
      const epoch = await lastDoneEpoch();
      const address = checksum(feed);
      if (!(await knownFeed(address, epoch))) return undefined;
      const last = epoch?.epoch_number ?? -1n;
      const stored = await storedAddress(store, "feed_rounds", "feed", address);
      const rounds = `SELECT * FROM (${lastRounds} ORDER BY round_id, epoch_number DESC) rounds
        WHERE ($3::int8 IS NULL OR round_id < $3)`;
      const rows = await store.query<RoundRow>(`${rounds} ORDER BY round_id DESC LIMIT $4`, [
        stored,
        last,
        before ?? null,
        limit,
      ]);
      const [count] = await store.query<{ total: bigint }>(`SELECT count(*)::int8 AS total FROM (${rounds}) counted`, [
        stored,
        last,
        before ?? null,
      ]);
      return { items: rows.map(toRound), total: Number(count?.total ?? 0n), limit, offset: 0 };
    },

    async getFeedRound(feed, round): Promise<FeedRoundDetail | undefined> {
      const epoch = await lastDoneEpoch();
      if (epoch === undefined) return undefined;
      const stored = await storedAddress(store, "feed_rounds", "feed", checksum(feed));
      const [row] = await store.query<RoundRow>(
        `SELECT * FROM (${lastRounds} ORDER BY round_id, epoch_number DESC) rounds WHERE round_id = $3`,
        [stored, epoch.epoch_number, round],
      );
      if (row === undefined) return undefined;
      const submissions = await store.query<{
        oracle: string;
        pool: string | null;
        value: string;
        block_number: bigint;
      }>(
        `SELECT s.oracle, o.pool, s.value, s.block_number
         FROM feed_submissions s
           JOIN epochs e ON e.epoch_number = s.epoch_number
           LEFT JOIN feed_oracle_epochs o
             ON o.epoch_number = s.epoch_number AND o.feed = s.feed AND o.oracle = s.oracle
         WHERE s.feed = $1 AND s.round_id = $2 AND e.status = 'done' AND s.epoch_number <= $3
         ORDER BY s.block_number, s.log_index`,
        [stored, round, epoch.epoch_number],
      );
      return {
        ...toRound(row),
        submissions: submissions.map((s) => ({
          oracle: checksum(s.oracle),
          pool: s.pool === null ? null : checksum(s.pool),
          answer: s.value,
          block: Number(s.block_number),
        })),
      };
    },
  };
}

/** How `address` is spelt in `table.column` (the indexer writes checksummed addresses; any case is found). */
async function storedAddress(sql: Sql, table: string, column: string, address: Address): Promise<string> {
  const [row] = await sql.query<{ spelt: string }>(
    `SELECT ${column} AS spelt FROM ${table} WHERE ${column} IN ($1, $2) LIMIT 1`,
    [address, address.toLowerCase()],
  );
  return row?.spelt ?? address;
}

function safeRate(points: Parameters<typeof rewardRate>[0]) {
  try {
    return rewardRate(points);
  } catch {
    // counters out of order (a store written by something else): no figure rather than no answer
    return undefined;
  }
}

function groupBy<T>(items: readonly T[], keyOf: (item: T) => string): Map<string, T[]> {
  const groups = new Map<string, T[]>();
  for (const item of items) {
    const key = keyOf(item);
    const group = groups.get(key);
    if (group === undefined) groups.set(key, [item]);
    else group.push(item);
  }
  return groups;
}
