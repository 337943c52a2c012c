// Health as `poolnet status` judges it, against real HTTP servers, real status files and real processes.
import assert from "node:assert/strict";
import { spawn } from "node:child_process";
import { mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { createServer, type Server } from "node:http";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { after, before, describe, test } from "node:test";
import { inspectServices, metricSum } from "./health.ts";
import type { ServiceRecord, ServicesFile } from "./supervisor.ts";

const METRICS = `# HELP poolnet_oracle_rounds_submitted_total Rounds submitted.
# TYPE poolnet_oracle_rounds_submitted_total counter
poolnet_oracle_rounds_submitted_total{job="LINK/USD"} 7
poolnet_oracle_rounds_submitted_total{job="ETH/USD"} 5
poolnet_oracle_rounds_submitted_total_extra 100
poolnet_oracle_rounds_missed_total{job="LINK/USD"} 1
poolnet_oracle_eth_balance_wei 2500000000000000000
`;

describe("metricSum", () => {
  test("sums every label set of one metric and nothing that only starts with its name", () => {
    assert.equal(metricSum(METRICS, "poolnet_oracle_rounds_submitted_total"), 12);
    assert.equal(metricSum(METRICS, "poolnet_oracle_rounds_missed_total"), 1);
    assert.equal(metricSum(METRICS, "poolnet_oracle_eth_balance_wei"), 2.5e18);
    assert.equal(metricSum(METRICS, "poolnet_oracle_feed_errors_total"), undefined);
  });
});

describe("inspectServices", () => {
  const root = mkdtempSync(join(tmpdir(), "poolnet-health-"));
  let server: Server;
  let url: string;
  let metrics = METRICS;
  before(async () => {
    server = createServer((request, response) => {
      if (request.url === "/metrics") return response.end(metrics);
      if (request.url === "/admin/state") return response.end(JSON.stringify({ prices: { "LINK/USD": "15.2" } }));
      response.statusCode = 404;
      response.end();
    });
    await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
    url = `http://127.0.0.1:${(server.address() as { port: number }).port}`;
  });
  after(() => {
    server.close();
    rmSync(root, { recursive: true, force: true });
  });

  const now = Date.parse("2026-11-22T12:00:00Z");
  function record(overrides: Partial<ServiceRecord>): ServiceRecord {
    return {
      name: "node-atlas",
      kind: "oracle-node",
      description: "",
      health: {},
      state: "online",
      pid: process.pid,
      startedAt: new Date(now - 90_000).toISOString(),
      restarts: 0,
      lastExit: undefined,
      logFile: "/dev/null",
      ...overrides,
    };
  }
  function file(services: ServiceRecord[], supervisorPid = process.pid): ServicesFile {
    return { supervisorPid, updatedAt: new Date(now).toISOString(), services };
  }

  test("a node, the price source and the keeper that answer are ok, with what they did", async () => {
    const statusFile = join(root, "keeper.status.json");
    writeFileSync(
      statusFile,
      JSON.stringify({
        runs: 9,
        lastRunAt: new Date(now - 4_000).toISOString(),
        jobs: { collectOraclePayments: { done: 3, errors: 0 }, finalizeTransfers: { done: 1, errors: 0 } },
        errors: [],
      }),
    );
    const [node, source, keeper] = await inspectServices(
      file([
        record({ health: { url: `${url}/metrics` } }),
        record({ name: "price-source", kind: "price-source", health: { url: `${url}/admin/state` } }),
        record({ name: "keeper", kind: "keeper", health: { statusFile } }),
      ]),
      { now },
    );
    assert.equal(node!.health, "ok");
    assert.equal(node!.detail, "12 submitted, 1 missed, 0 feed errors, 2.50 ETH");
    assert.equal(node!.uptimeSeconds, 90);
    assert.ok(node!.memoryBytes! > 1_000_000);
    assert.deepEqual([source!.health, source!.detail], ["ok", "LINK/USD 15.2"]);
    assert.equal(keeper!.health, "ok");
    assert.equal(keeper!.detail, "last run 4 s ago, 9 runs, 3 payments collected, 1 finalized, 0 errors");
  });

  test("a node missing more rounds than it submits is degraded; a late or failing keeper too", async () => {
    metrics = 'poolnet_oracle_rounds_submitted_total{job="a"} 1\npoolnet_oracle_rounds_missed_total{job="a"} 4\n';
    const late = join(root, "late.status.json");
    writeFileSync(late, JSON.stringify({ runs: 2, lastRunAt: new Date(now - 120_000).toISOString(), jobs: {} }));
    const failing = join(root, "failing.status.json");
    writeFileSync(
      failing,
      JSON.stringify({
        runs: 2,
        lastRunAt: new Date(now - 1_000).toISOString(),
        jobs: {},
        errors: [{ at: new Date(now - 2_000).toISOString(), job: "topUpNodes", message: "insufficient funds" }],
      }),
    );
    const [node, lateKeeper, failingKeeper] = await inspectServices(
      file([
        record({ health: { url: `${url}/metrics` } }),
        record({ name: "keeper", kind: "keeper", health: { statusFile: late } }),
        record({ name: "keeper", kind: "keeper", health: { statusFile: failing } }),
      ]),
      { now, keeperIntervalSeconds: 15 },
    );
    metrics = METRICS;
    assert.equal(node!.health, "degraded");
    assert.equal(lateKeeper!.health, "degraded");
    assert.match(lateKeeper!.detail, /last run 120 s ago.*\(late\)$/);
    assert.equal(failingKeeper!.health, "degraded");
    assert.match(failingKeeper!.detail, /latest: topUpNodes: insufficient funds$/);
  });

  test("a dead process is down with how it exited; a server that does not answer is down", async () => {
    const child = spawn(process.execPath, ["-e", "process.exit(0)"]);
    await new Promise((resolve) => child.on("exit", resolve));
    const [dead, silent] = await inspectServices(
      file([
        record({
          pid: child.pid,
          state: "restarting",
          lastExit: { code: 2, signal: null, at: new Date(now).toISOString(), lastError: "bad job spec" },
        }),
        record({ health: { url: `${url}/nothing-here` } }),
      ]),
      { now },
    );
    assert.equal(dead!.health, "down");
    assert.equal(dead!.pid, undefined);
    assert.equal(dead!.detail, "restarting; exited (code 2): bad job spec");
    assert.equal(silent!.health, "down");
    assert.match(silent!.detail, /does not answer .*answered 404/);
  });

  test("everything is stopped when the `poolnet up` that wrote the file is gone", async () => {
    const child = spawn(process.execPath, ["-e", "process.exit(0)"]);
    await new Promise((resolve) => child.on("exit", resolve));
    const [service] = await inspectServices(file([record({ health: { url: `${url}/metrics` } })], child.pid), {
      now,
    });
    assert.deepEqual([service!.health, service!.state, service!.pid], ["stopped", "stopped", undefined]);
    assert.equal(service!.detail, "poolnet up is not running");
  });
});
