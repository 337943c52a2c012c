// The API over the in-memory read model: every route's answers, 400 and 404, and the hardening (rate limits, CORS,
// body limits, timeouts, no internal detail in errors, metrics, OpenAPI document).
import assert from "node:assert/strict";
import { after, before, describe, test } from "node:test";
import { RetryableError } from "@poolnet/sdk";
import type { FastifyInstance } from "fastify";
import { keccak256, stringToHex } from "viem";
import { createApp } from "./app.ts";
import { address, fixtureData } from "./internal/fixtures.ts";
import { createMemoryReadModel } from "./memoryReadModel.ts";
import { createMetadataProxy } from "./metadata/proxy.ts";
import type { PoolSummary, ReadModel } from "./readModel.ts";

const data = fixtureData({ pools: 100 });
const quiet = { rateLimit: false, defaultMetrics: false } as const;

describe("routes", () => {
  let app: FastifyInstance;
  before(async () => {
    app = await createApp({ readModel: createMemoryReadModel(data), http: quiet });
  });
  after(() => app.close());
  const get = async (url: string) => {
    const response = await app.inject({ url });
    return { status: response.statusCode, body: response.json() };
  };

  test("lists pools by attractiveness, best first, pools without one last", async () => {
    const { status, body } = await get("/pools?limit=200");
    assert.equal(status, 200);
    assert.equal(body.total, 100);
    const scores = (body.items as PoolSummary[]).map((pool) => pool.attractiveness);
    const known = scores.filter((score) => score !== null) as number[];
    assert.deepEqual(
      known,
      [...known].sort((a, b) => b - a),
    );
    assert.ok(known.length > 0 && known.length < scores.length);
    assert.ok(scores.slice(known.length).every((score) => score === null));
  });

  test("filters by group, state, commission, capacity, stake, APR and performance; sorts either way", async () => {
    const retired = (await get("/pools?group=retired&limit=200")).body.items as PoolSummary[];
    assert.equal(retired.length, 10);
    assert.ok(retired.every((pool) => pool.group === "retired" && pool.state === "retired"));
    const cheap = (await get("/pools?maxCommissionRate=50000&sort=commissionRate&order=asc&limit=200")).body
      .items as PoolSummary[];
    assert.ok(cheap.length > 0 && cheap.every((pool) => pool.commissionRate <= 50_000));
    assert.deepEqual(
      cheap.map((p) => p.commissionRate),
      cheap.map((p) => p.commissionRate).sort((a, b) => a - b),
    );
    const big = (await get(`/pools?minTotalStake=${700_000n * 10n ** 18n}&sort=totalStake&limit=200`)).body
      .items as PoolSummary[];
    assert.ok(big.length > 0 && big.every((pool) => BigInt(pool.totalStake) >= 700_000n * 10n ** 18n));
    assert.ok(big.every((pool, i) => i === 0 || BigInt(big[i - 1]!.totalStake) >= BigInt(pool.totalStake)));
    const room = (await get(`/pools?minRemainingCapacity=${1_500_000n * 10n ** 18n}`)).body.items as PoolSummary[];
    assert.ok(room.every((pool) => BigInt(pool.remainingCapacity) >= 1_500_000n * 10n ** 18n));
    const good = (await get("/pools?minApr=0.1&minPerformance=0.9&state=active")).body.items as PoolSummary[];
    assert.ok(good.length > 0 && good.every((p) => p.apr! >= 0.1 && p.performance! >= 0.9 && p.state === "active"));
  });

  test("pages without overlap or gaps", async () => {
    const all = (await get("/pools?limit=200&sort=apr")).body.items.map((pool: PoolSummary) => pool.pool);
    const pages = [];
    for (let offset = 0; offset < 100; offset += 30) {
      pages.push(
        ...(await get(`/pools?limit=30&offset=${offset}&sort=apr`)).body.items.map((pool: PoolSummary) => pool.pool),
      );
    }
    assert.deepEqual(pages, all);
  });

  test("answers 400 with a sentence on bad input", async () => {
    const cases: [string, string][] = [
      ["/pools?limit=0", "querystring/limit must be >= 1"],
      ["/pools?limit=201", "querystring/limit must be <= 200"],
      ["/pools?sort=name", "querystring/sort must be equal to one of the allowed values"],
      ["/pools?minTotalStake=-1", 'querystring/minTotalStake must match pattern "^[0-9]{1,78}$"'],
      ["/pools?admin=1", 'querystring has a parameter the route does not take: "admin"'],
      ["/pools/0xnotanaddress", 'params/pool must match pattern "^0x[0-9a-fA-F]{40}$"'],
      ["/epochs/-1", "params/epoch must be >= 0"],
      ["/epochs/abc", "params/epoch must be integer"],
      // found by the fuzz test: Ajv coerces these to an Infinity that passes `maximum`
      ["/pools?limit=Infinity", "querystring/limit must be a finite number"],
      ["/epochs/1e309", "params/epoch must be a finite number"],
    ];
    for (const [url, message] of cases) {
      assert.deepEqual(await get(url), { status: 400, body: { error: "bad-request", message } }, url);
    }
  });

  test("one pool, its history and one delegation in it; 404 for a pool that does not exist", async () => {
    const pool = data.pools![3]!;
    const { status, body } = await get(`/pools/${pool.pool.toLowerCase()}`);
    assert.equal(status, 200);
    assert.deepEqual(body, pool);
    const history = await get(`/pools/${pool.pool}/history?fromEpoch=5&toEpoch=9`);
    assert.deepEqual(
      history.body.map((point: { epoch: number }) => point.epoch),
      [5, 6, 7, 8, 9],
    );
    assert.equal((await get(`/pools/${pool.pool}/history?limit=3`)).body.length, 3);
    const nobody = address("nobody");
    assert.deepEqual(await get(`/pools/${nobody}`), {
      status: 404,
      body: { error: "not-found", message: `there is no pool at ${nobody}` },
    });
    assert.equal((await get(`/pools/${nobody}/history`)).status, 404);
    assert.equal((await get(`/pools/${nobody}/delegators/${nobody}`)).status, 404);
    assert.deepEqual((await get(`/pools/${pool.pool}/delegators/${nobody}`)).body, {
      pool: pool.pool,
      stake: "0",
      rewards: "0",
      rewardsPaid: "0",
      autoRedelegation: false,
    });
  });

  test("a delegator's view across pools, with pending undelegations and transfers", async () => {
    const view = data.delegators![2]!;
    const { status, body } = await get(`/delegators/${view.delegator}`);
    assert.equal(status, 200);
    assert.deepEqual(body, view);
    const delegation = view.delegations[0]!;
    assert.deepEqual((await get(`/pools/${delegation.pool}/delegators/${view.delegator}`)).body, delegation);
    const history = await get(`/delegators/${view.delegator}/pools/${delegation.pool}/history`);
    assert.equal(history.body.length, 20);
    const stranger = address("stranger");
    assert.deepEqual((await get(`/delegators/${stranger}`)).body.delegations, []);
    assert.equal((await get(`/delegators/${stranger}/pools/${delegation.pool}/history`)).status, 404);
  });

  test("epochs with their status, latest first", async () => {
    const { body } = await get("/epochs?limit=5");
    assert.deepEqual(
      body.items.map((epoch: { epoch: number }) => epoch.epoch),
      [22, 21, 20, 19, 18],
    );
    const failed = await get("/epochs?status=failed");
    assert.ok(
      failed.body.items.every((epoch: { status: string; reason: string }) => epoch.status === "failed" && epoch.reason),
    );
    assert.equal((await get("/epochs?before=3")).body.total, 3);
    assert.equal((await get("/epochs/7")).body.status, "failed");
    assert.equal((await get("/epochs/999")).status, 404);
  });

  test("feeds, their rounds and per-oracle submissions", async () => {
    const feeds = (await get("/feeds")).body;
    assert.equal(feeds.length, 2);
    const feed = feeds[0].feed;
    assert.deepEqual(await get(`/feeds/${feed}`), { status: 200, body: data.feeds![0] });
    const rounds = (await get(`/feeds/${feed}/rounds?limit=3`)).body;
    assert.deepEqual(
      rounds.items.map((round: { round: number }) => round.round),
      [30, 29, 28],
    );
    assert.equal(rounds.items[0].status, "in-progress");
    assert.equal(rounds.items[0].submissions, undefined);
    const round = (await get(`/feeds/${feed}/rounds/29`)).body;
    assert.equal(round.submissions.length, 3);
    assert.equal((await get(`/feeds/${feed}/rounds/31`)).status, 404);
    assert.equal((await get(`/feeds/${address("nofeed")}`)).status, 404);
    assert.equal((await get(`/feeds/${address("nofeed")}/rounds`)).status, 404);
  });

  test("documents every route in /openapi.json and serves browsable docs at /docs", async () => {
    const openapi = (await get("/openapi.json")).body;
    assert.equal(openapi.openapi, "3.0.3");
    assert.deepEqual(Object.keys(openapi.paths).sort(), [
      "/delegators/{delegator}",
      "/delegators/{delegator}/pools/{pool}/history",
      "/epochs",
      "/epochs/{epoch}",
      "/feeds",
      "/feeds/{feed}",
      "/feeds/{feed}/rounds",
      "/feeds/{feed}/rounds/{round}",
      "/health",
      "/pools",
      "/pools/{pool}",
      "/pools/{pool}/delegators/{delegator}",
      "/pools/{pool}/history",
    ]);
    const docs = await app.inject({ url: "/docs" });
    assert.equal(docs.statusCode, 200);
    assert.match(docs.headers["content-type"] as string, /text\/html/);
  });

  test("/health reports the indexer's lag; /metrics counts requests by route pattern", async () => {
    assert.deepEqual(await get("/health"), {
      status: 200,
      body: { status: "ok", checks: { headBlock: 211, lastEpoch: 19, lagBlocks: 12 } },
    });
    await get(`/pools/${data.pools![0]!.pool}`);
    await get("/no/such/route");
    const metrics = (await app.inject({ url: "/metrics" })).body;
    assert.match(metrics, /poolnet_http_requests_total\{method="GET",route="\/pools\/:pool",status_code="200"\} [1-9]/);
    assert.match(metrics, /poolnet_http_requests_total\{method="GET",route="unmatched",status_code="404"\} 1/);
    assert.match(
      metrics,
      /poolnet_http_request_duration_seconds_bucket\{le="0.005",method="GET",route="\/pools",status_code="200"\}/,
    );
    assert.doesNotMatch(metrics, /no\/such\/route/);
  });
});

describe("hardening", () => {
  test("rate limits a client with 429 and Retry-After", async () => {
    const app = await createApp({
      readModel: createMemoryReadModel(data),
      http: { rateLimit: { max: 3, windowMs: 60_000 }, defaultMetrics: false },
    });
    try {
      const statuses = [];
      for (let i = 0; i < 4; i++) statuses.push((await app.inject({ url: "/feeds" })).statusCode);
      assert.deepEqual(statuses, [200, 200, 200, 429]);
      const limited = await app.inject({ url: "/nope" });
      assert.equal(limited.statusCode, 429);
      assert.equal(limited.headers["retry-after"], "60");
      assert.equal(limited.json().error, "rate-limited");
      assert.equal((await app.inject({ url: "/health" })).statusCode, 200);
    } finally {
      await app.close();
    }
  });

  test("allows only the configured origins, only to read, never with credentials", async () => {
    const app = await createApp({
      readModel: createMemoryReadModel(data),
      http: { ...quiet, corsOrigins: ["https://dashboard.example"] },
    });
    try {
      const allowed = await app.inject({ url: "/feeds", headers: { origin: "https://dashboard.example" } });
      assert.equal(allowed.headers["access-control-allow-origin"], "https://dashboard.example");
      assert.equal(allowed.headers["access-control-allow-credentials"], undefined);
      const other = await app.inject({ url: "/feeds", headers: { origin: "https://evil.example" } });
      assert.equal(other.headers["access-control-allow-origin"], undefined);
      const preflight = await app.inject({
        method: "OPTIONS",
        url: "/feeds",
        headers: { origin: "https://dashboard.example", "access-control-request-method": "GET" },
      });
      assert.equal(preflight.headers["access-control-allow-methods"], "GET, HEAD");
    } finally {
      await app.close();
    }
  });

  test("refuses bodies over the limit with 413", async () => {
    const app = await createApp({ readModel: createMemoryReadModel(data), http: { ...quiet, bodyLimit: 1024 } });
    try {
      const response = await app.inject({
        method: "POST",
        url: "/pools",
        headers: { "content-type": "application/json" },
        payload: JSON.stringify({ filler: "x".repeat(2048) }),
      });
      assert.equal(response.statusCode, 413);
    } finally {
      await app.close();
    }
  });

  test("an unexpected failure is a bare 500, a store out of reach 503, a slow store 503 in time", async () => {
    const failing = (error: unknown): ReadModel => ({
      ...createMemoryReadModel(data),
      listFeeds: () => Promise.reject(error),
      listEpochs: () => new Promise(() => undefined),
      status: () => Promise.reject(error),
    });
    const secret = new Error("connect ECONNREFUSED postgres://indexer:hunter2@10.0.0.5:5432/poolnet");
    const app = await createApp({ readModel: failing(secret), http: { ...quiet, handlerTimeoutMs: 200 } });
    const retryable = await createApp({
      readModel: failing(new RetryableError("the store is out of reach")),
      http: quiet,
    });
    try {
      const crashed = await app.inject({ url: "/feeds" });
      assert.equal(crashed.statusCode, 500);
      assert.deepEqual(crashed.json(), { error: "internal", message: "the server failed to answer this request" });
      assert.doesNotMatch(crashed.body, /hunter2|postgres|10\.0\.0\.5|stack/);
      const slow = await app.inject({ url: "/epochs" });
      assert.deepEqual(
        [slow.statusCode, slow.json()],
        [503, { error: "unavailable", message: "the answer took longer than 200 ms" }],
      );
      const health = await app.inject({ url: "/health" });
      assert.equal(health.statusCode, 503);
      assert.doesNotMatch(health.body, /hunter2/);
      const unreachable = await retryable.inject({ url: "/feeds" });
      assert.deepEqual([unreachable.statusCode, unreachable.json().message], [503, "the store is out of reach"]);
    } finally {
      await app.close();
      await retryable.close();
    }
  });

  test("serves a pool's metadata from the configured source", async () => {
    const json = JSON.stringify({ name: "Atlas" });
    const pool = data.pools![1]!;
    const proxy = createMetadataProxy({
      resolvePool: async (asked) =>
        asked === pool.pool
          ? {
              metaDataUrl: `data:application/json,${encodeURIComponent(json)}`,
              metaDataContentHash: keccak256(stringToHex(json)),
            }
          : undefined,
    });
    const app = await createApp({ readModel: createMemoryReadModel(data), metadata: proxy, http: quiet });
    try {
      const answer = await app.inject({ url: `/pools/${pool.pool}/metadata` });
      assert.deepEqual(answer.json().metadata, { name: "Atlas" });
      assert.equal((await app.inject({ url: `/pools/${address("x")}/metadata` })).statusCode, 404);
      assert.equal((await app.inject({ url: "/metadata/schema.json" })).json().title, "Pool metadata");
    } finally {
      await app.close();
    }
  });
});
