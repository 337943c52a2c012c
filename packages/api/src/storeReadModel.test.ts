// The store-backed read model over a real indexer store (in-memory PGlite, or a schema of its own in the PostgreSQL
// database named by POOLNET_TEST_DATABASE_URL), filled through the indexer's own write functions
// (writePoolSnapshot, writeFeedSnapshot): the mapping of every field, the derived figures against hand-computed
// values, only `done` epochs counted, the per-epoch cache, and the HTTP app over it.
import assert from "node:assert/strict";
import { randomBytes } from "node:crypto";
import { after, before, describe, it } from "node:test";
import {
  openStore,
  writeFeedSnapshot,
  writePoolSnapshot,
  type FeedSnapshot,
  type PoolSnapshot,
  type Store,
} from "@poolnet/indexer";
import { getAddress, keccak256, stringToHex, zeroAddress, type Address } from "viem";
import { createApp } from "./app.ts";
import type { PoolListQuery, ReadModel } from "./readModel.ts";
import { createStoreReadModel } from "./storeReadModel.ts";

const address = (label: string): Address => getAddress(keccak256(stringToHex(label)).slice(0, 42));
const T = 10n ** 18n;
const tokens = (n: number) => BigInt(n) * T;

const A = address("pool A");
const B = address("pool B");
const C = address("pool C");
const D = address("delegator D");
const FEED = address("feed");
const O1 = address("oracle 1");
const O2 = address("oracle 2");

const toBlock = (n: number) => BigInt((n + 1) * 10 - 1);
const timestamp = (n: number) => BigInt(1_000 + n * 100);
const WINDOW = 25n;

async function openTestStore(): Promise<Store> {
  const url = process.env.POOLNET_TEST_DATABASE_URL || undefined;
  if (url === undefined) return openStore();
  const schema = `api_test_${process.pid}_${randomBytes(4).toString("hex")}`;
  const store = await openStore({ databaseUrl: url, schema });
  return {
    ...store,
    async close() {
      await store.exec(`DROP SCHEMA IF EXISTS "${schema}" CASCADE`);
      await store.close();
    },
  };
}

function pool(
  address: Address,
  n: number,
  overrides: Partial<PoolSnapshot> = {},
  delegators: PoolSnapshot["delegators"] = [],
): PoolSnapshot {
  return {
    pool: address,
    operator: getAddress(keccak256(stringToHex(`operator ${address}`)).slice(0, 42)),
    signingAddress: getAddress(keccak256(stringToHex(`signer ${address}`)).slice(0, 42)),
    state: "active",
    commissionRate: 100_000,
    stakingLimit: tokens(10_000),
    totalStake: tokens(1_000),
    pendingStake: 0n,
    selfStake: tokens(100),
    delegatorCount: delegators.length,
    rewardsDistributed: tokens(100 * n),
    protocolFees: tokens(10 * n),
    commission: tokens(9 * n),
    pendingUndelegations: { count: 1, amount: tokens(5) },
    pendingTransfersOut: { count: 0, amount: 0n },
    registeredAtBlock: 0n,
    timestamp: timestamp(n),
    delegators,
    ...overrides,
  };
}

const round = (roundId: bigint, overrides: Partial<FeedSnapshot["rounds"][number]> = {}) => ({
  roundId,
  startedAt: 1_150n,
  startedBy: O1,
  startedAtBlock: 15n,
  answer: undefined,
  answeredInRound: 0n,
  updatedAt: 0n,
  deviationPpm: undefined,
  submissionCount: 0,
  eligibleCount: 2,
  timedOut: false,
  closed: false,
  ...overrides,
});

const oracle = (address: Address, pool: Address | undefined, eligible: number, answered: number) => ({
  oracle: address,
  pool,
  enabled: true,
  eligible,
  answered,
  missed: eligible - answered,
  submissions: answered,
});

const listQuery = (query: Partial<PoolListQuery> = {}): PoolListQuery => ({
  sort: "attractiveness",
  order: "desc",
  limit: 50,
  offset: 0,
  ...query,
});

describe("store read model", () => {
  let store: Store;
  let model: ReadModel;

  before(async () => {
    store = await openTestStore();
    for (let n = 0; n <= 4; n++) {
      await store.query(
        `INSERT INTO epochs (epoch_number, from_block, to_block, to_block_hash, status) VALUES ($1, $2, $3, $4, $5)`,
        [n, n * 10, toBlock(n), `0x${n}`, n === 4 ? "building" : "done"],
      );
    }
    await store.query("INSERT INTO tracked_blocks VALUES (55, '0x55', '0x54')");
    for (let n = 0; n <= 4; n++) {
      const epoch = { epochNumber: BigInt(n) };
      const delegation = {
        delegator: D,
        stake: tokens(n >= 1 ? 500 : 0),
        rewards: tokens(n),
        rewardsPaid: tokens(1),
      };
      await writePoolSnapshot(store, epoch, A, pool(A, n, {}, n >= 1 ? [delegation] : []));
      if (n >= 3) {
        // B: registered at block 30, so younger than the window; D left it in epoch 3
        await writePoolSnapshot(
          store,
          epoch,
          B,
          pool(B, n - 3, { registeredAtBlock: 30n, commissionRate: 50_000, totalStake: tokens(9_500) }, [
            { delegator: D, stake: 0n, rewards: 0n, rewardsPaid: tokens(2) },
          ]),
        );
      }
      await writePoolSnapshot(store, epoch, C, pool(C, n, { state: n >= 2 ? "retired" : "active" }));
    }
    // the feed: round 1 starts in epoch 1 and is answered and closed in epoch 2; round 2 starts in epoch 3
    const feed = (n: number, snapshot: FeedSnapshot) =>
      writeFeedSnapshot(store, { epochNumber: BigInt(n) }, FEED, snapshot);
    await feed(0, { rounds: [], submissions: [], oracles: [oracle(O1, A, 10, 0), oracle(O2, undefined, 0, 0)] });
    await feed(1, {
      rounds: [round(1n, { submissionCount: 1 })],
      submissions: [
        { roundId: 1n, oracle: O1, value: 1_234n, blockNumber: 15n, logIndex: 0, timestamp: 1_150n, latency: 0n },
      ],
      oracles: [oracle(O1, A, 4, 3), oracle(O2, undefined, 0, 0)],
    });
    await feed(2, {
      rounds: [round(1n, { answer: 1_236n, answeredInRound: 1n, updatedAt: 1_220n, submissionCount: 2, closed: true })],
      submissions: [
        { roundId: 1n, oracle: O2, value: 1_238n, blockNumber: 22n, logIndex: 3, timestamp: 1_220n, latency: 70n },
      ],
      oracles: [oracle(O1, A, 0, 0), oracle(O2, undefined, 0, 0)],
    });
    await feed(3, {
      rounds: [round(2n, { startedAt: 1_310n, startedAtBlock: 31n })],
      submissions: [],
      oracles: [oracle(O1, A, 4, 4), oracle(O2, undefined, 0, 0)],
    });
    // epoch 4 is still building: none of this may show
    await feed(4, {
      rounds: [round(2n, { answer: 9n, answeredInRound: 2n, updatedAt: 1_400n, closed: true }), round(3n)],
      submissions: [],
      oracles: [oracle(O1, A, 100, 0)],
    });
    model = createStoreReadModel({
      store,
      deployment: { feeds: { "ETH/USD": FEED } },
      windowBlocks: WINDOW,
      protocolFeeRate: 100_000n,
    });
  });

  after(async () => {
    await store?.close();
  });

  it("reports the last done epoch and the head", async () => {
    assert.deepEqual(await model.status(), { headBlock: 55, lastEpoch: 3, lastEpochBlock: 39 });
  });

  it("lists pools with their groups, figures and fields as of the last done epoch", async () => {
    const page = await model.listPools(listQuery());
    assert.equal(page.total, 3);
    const [a, b, c] = [A, B, C].map((p) => page.items.find((item) => item.pool === p)!);
    assert.equal(a!.group, "active");
    assert.equal(b!.group, "new");
    assert.equal(c!.group, "retired");
    assert.equal(a!.asOfEpoch, 3);
    assert.equal(a!.asOfBlock, 39);
    assert.equal(a!.totalStake, tokens(1_000).toString());
    assert.equal(a!.remainingCapacity, tokens(9_000).toString());
    assert.equal(b!.remainingCapacity, tokens(500).toString());
    assert.equal(a!.delegatorCount, 1);
    // APR: epochs 1–3 are in the window (blocks ≥ 39 − 25); delegators keep 81 tokens per epoch of 100 s on 1,000
    assert.ok(Math.abs(a!.apr! - (0.162 * 31_536_000) / 200) < 1e-6, `apr ${a!.apr}`);
    // performance: epochs 1 and 3 in the window (epoch 0 is out, epoch 4 not done): 7 of 8
    assert.equal(a!.performance, 7 / 8);
    assert.equal(b!.performance, null);
    // attractiveness: 200 tokens gross over 200 s, less 10% fee and 10% commission, half of it to 1,000 of 2,000
    assert.ok(Math.abs(a!.attractiveness! - (31_536_000 * 0.81 * 0.5) / 1_000) < 1e-6, `attr ${a!.attractiveness}`);
    assert.equal(c!.attractiveness, null, "a retired pool takes no delegation");
    // B has one point (epoch 3): no APR, so no attractiveness
    assert.equal(b!.apr, null);
    assert.equal(b!.attractiveness, null);
    assert.deepEqual(
      page.items.map((item) => item.pool),
      [A, C, B],
      "attractiveness desc, nulls last, then registration block",
    );
  });

  it("filters, sorts and pages", async () => {
    assert.deepEqual(
      (await model.listPools(listQuery({ group: "active" }))).items.map((item) => item.pool),
      [A],
    );
    assert.deepEqual(
      (await model.listPools(listQuery({ sort: "totalStake", order: "desc", limit: 1, offset: 0 }))).items.map(
        (item) => item.pool,
      ),
      [B],
    );
    const page = await model.listPools(
      listQuery({ minRemainingCapacity: tokens(1_000).toString(), limit: 1, offset: 1 }),
    );
    assert.equal(page.total, 2);
    assert.deepEqual(
      page.items.map((item) => item.pool),
      [C],
    );
  });

  it("answers one pool, its history and unknown pools", async () => {
    const a = await model.getPool(A);
    assert.ok(a);
    assert.equal(a.index, 1, "registered in C's block, after it by address");
    assert.equal(a.rewardsDistributed, tokens(300).toString());
    assert.equal(a.protocolFees, tokens(30).toString());
    assert.equal(a.commissionEarned, tokens(27).toString());
    assert.equal(a.pendingUndelegations, tokens(5).toString());
    assert.equal(a.selfStakeSatisfied, true);
    assert.deepEqual(a.commissionHistory, []);
    assert.equal((await model.getPool(B))?.index, 2, "registered last");
    assert.equal(await model.getPool(address("nobody")), undefined);
    assert.equal(await model.getPool(A.toLowerCase() as Address).then((p) => p?.pool), A);

    const history = await model.getPoolHistory(A, { limit: 50 });
    assert.deepEqual(
      history?.map((point) => [point.epoch, point.block, point.timestamp, point.rewardsDistributed]),
      [0, 1, 2, 3].map((n) => [n, Number(toBlock(n)), Number(timestamp(n)), tokens(100 * n).toString()]),
    );
    assert.equal(history![0]!.apr, null, "one point: no rate");
    assert.equal(history![3]!.apr, (await model.getPool(A))!.apr);
    assert.equal(history![1]!.performance, null, "at block 19 the pool is younger than the window");
    assert.equal(history![3]!.performance, 7 / 8);
    assert.deepEqual(
      (await model.getPoolHistory(A, { fromEpoch: 1, toEpoch: 2, limit: 50 }))?.map((p) => p.epoch),
      [1, 2],
    );
    assert.deepEqual(
      (await model.getPoolHistory(A, { limit: 2 }))?.map((p) => p.epoch),
      [2, 3],
    );
    assert.equal(await model.getPoolHistory(address("nobody"), { limit: 5 }), undefined);
  });

  it("answers delegations from delegator_snapshots", async () => {
    const view = await model.getDelegator(D);
    assert.equal(view.asOfEpoch, 3);
    assert.deepEqual(view.delegations, [
      {
        pool: A,
        stake: tokens(500).toString(),
        rewards: tokens(3).toString(),
        rewardsPaid: T.toString(),
        autoRedelegation: false,
      },
    ]);
    assert.deepEqual(await model.getDelegation(B, D), {
      pool: B,
      stake: "0",
      rewards: "0",
      rewardsPaid: tokens(2).toString(),
      autoRedelegation: false,
    });
    assert.equal((await model.getDelegation(C, D))?.stake, "0");
    assert.equal(await model.getDelegation(address("nobody"), D), undefined);
    const history = await model.getDelegationHistory(D, A, { limit: 10 });
    assert.deepEqual(
      history?.map((point) => [point.epoch, point.block, point.timestamp, point.stake, point.rewards]),
      [1, 2, 3].map((n) => [n, Number(toBlock(n)), Number(timestamp(n)), tokens(500).toString(), tokens(n).toString()]),
    );
    assert.equal(await model.getDelegationHistory(D, C, { limit: 10 }), undefined);
    assert.deepEqual((await model.getDelegator(address("stranger"))).delegations, []);
  });

  it("lists epochs", async () => {
    const all = await model.listEpochs({ limit: 10 });
    assert.equal(all.total, 5);
    assert.deepEqual(
      all.items.map((epoch) => [epoch.epoch, epoch.status]),
      [
        [4, "building"],
        [3, "done"],
        [2, "done"],
        [1, "done"],
        [0, "done"],
      ],
    );
    assert.deepEqual(
      (await model.listEpochs({ status: "done", before: 3, limit: 1 })).items.map((epoch) => epoch.epoch),
      [2],
    );
    const epoch = await model.getEpoch(1);
    assert.deepEqual([epoch?.fromBlock, epoch?.toBlock, epoch?.reason], [10, 19, null]);
    assert.ok(!Number.isNaN(Date.parse(epoch!.publishedAt)));
    assert.equal(await model.getEpoch(99), undefined);
  });

  it("answers feeds, rounds and submissions from done epochs", async () => {
    assert.deepEqual(await model.listFeeds(), [
      {
        feed: FEED,
        description: "ETH/USD",
        decimals: 0,
        oracleCount: 2,
        latestRound: 2,
        latestAnswer: "1236",
        updatedAt: 1_220,
      },
    ]);
    const rounds = await model.listFeedRounds(FEED, { limit: 10 });
    assert.deepEqual(rounds, {
      items: [
        { round: 2, status: "in-progress", answer: null, startedAt: 1_310, updatedAt: null, submissionCount: 0 },
        { round: 1, status: "completed", answer: "1236", startedAt: 1_150, updatedAt: 1_220, submissionCount: 2 },
      ],
      total: 2,
      limit: 10,
      offset: 0,
    });
    assert.deepEqual(
      (await model.listFeedRounds(FEED, { before: 2, limit: 10 }))?.items.map((r) => r.round),
      [1],
    );
    assert.deepEqual((await model.getFeedRound(FEED, 1))?.submissions, [
      { oracle: O1, pool: A, answer: "1234", block: 15 },
      { oracle: O2, pool: null, answer: "1238", block: 22 },
    ]);
    assert.equal(await model.getFeedRound(FEED, 3), undefined, "round 3 only in a building epoch");
    assert.equal(await model.getFeed(address("no feed")), undefined);
    assert.equal(await model.listFeedRounds(address("no feed"), { limit: 1 }), undefined);
  });

  it("keeps the pool list per epoch and rebuilds it when an epoch is done", async () => {
    const before = await model.getPool(A);
    assert.equal(await model.getPool(A), before, "the same object: computed once per epoch");
    await store.query("UPDATE epochs SET status = 'done' WHERE epoch_number = 4");
    try {
      const now = await model.getPool(A);
      assert.equal(now?.asOfEpoch, 4);
      assert.equal(now?.rewardsDistributed, tokens(400).toString());
    } finally {
      await store.query("UPDATE epochs SET status = 'building' WHERE epoch_number = 4");
    }
    assert.equal((await model.getPool(A))?.asOfEpoch, 3);
  });

  it("serves the HTTP routes over it", async () => {
    const app = await createApp({ readModel: model });
    try {
      const list = await app.inject({ method: "GET", url: "/pools?sort=apr&order=desc" });
      assert.equal(list.statusCode, 200, list.body);
      assert.equal((list.json() as { total: number }).total, 3);
      for (const url of [
        `/pools/${A}`,
        `/pools/${A}/history`,
        `/pools/${A}/delegators/${D}`,
        `/delegators/${D}`,
        `/delegators/${D}/pools/${A}/history`,
        "/epochs",
        "/epochs/2",
        "/feeds",
        `/feeds/${FEED}`,
        `/feeds/${FEED}/rounds`,
        `/feeds/${FEED}/rounds/1`,
        "/health",
      ]) {
        const response = await app.inject({ method: "GET", url });
        assert.equal(response.statusCode, 200, `${url}: ${response.body}`);
      }
      assert.equal((await app.inject({ method: "GET", url: `/pools/${zeroAddress}` })).statusCode, 404);
    } finally {
      await app.close();
    }
  });
});
