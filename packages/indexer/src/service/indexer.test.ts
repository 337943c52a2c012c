// The service loop without a chain to talk to: every tick fails, each failure is logged as one line and counted, the
// loop keeps going and stops when asked; and the command line's settings, validated.
import assert from "node:assert/strict";
import { test } from "node:test";
import { parseDeployment } from "@poolnet/sdk";
import { openTestStore } from "../internal/testStore.ts";
import { createRpcClient } from "../rpc/rpcClient.ts";
import { parseIndexerArgs } from "./config.ts";
import { createIndexer } from "./indexer.ts";

const deployment = parseDeployment({
  chainId: 31337,
  rpcUrl: "http://127.0.0.1:1",
  token: "0x5FbDB2315678afecb367f032d93F642f64180aa3",
  registry: "0xe7f1725E7734CE288F8367e1Bb143E90bb3F0512",
  deployedAtBlock: "1",
});

test("a failing tick is logged and retried on the next one; stop ends the loop", async () => {
  const store = await openTestStore();
  try {
    const lines: string[] = [];
    const rpc = createRpcClient({ endpoints: ["http://127.0.0.1:1"], attempts: 1, timeoutMs: 200 });
    const indexer = createIndexer({
      store,
      rpc,
      deployment,
      epochSize: 5,
      finalizationOffset: 2,
      intervalMs: 10,
      log: (line) => lines.push(line),
    });
    indexer.start();
    for (let i = 0; i < 200 && lines.length < 3; i++) await new Promise((resolve) => setTimeout(resolve, 10));
    await indexer.stop();
    assert.ok(lines.length >= 3, lines.join("\n"));
    for (const line of lines) assert.match(line, /^error: .+ \(trying again in 10 ms\)$/);
    const metrics = await indexer.metrics();
    assert.equal(metrics.failedTicks, lines.length);
    assert.equal(metrics.ticks, 0);
    assert.deepEqual(metrics.epochs, { queued: 0, building: 0, done: 0, failed: 0 });
    assert.deepEqual(metrics.reorgs, { total: 0, seen: 0 });
    assert.equal(metrics.rpcRequestsPerEpoch, undefined);
    assert.ok(metrics.rpc.httpRequests >= 3);
    const after = lines.length;
    await new Promise((resolve) => setTimeout(resolve, 50));
    assert.equal(lines.length, after, "no tick after stop");
  } finally {
    await store.close();
  }
});

test("the command line: defaults, DATABASE_URL, and refusals", () => {
  const config = parseIndexerArgs(["--deployment", "/x/deployment.json"], {});
  assert.deepEqual(config, {
    deploymentPath: "/x/deployment.json",
    databaseUrl: undefined,
    dataDir: "/x/indexer",
    rpcUrls: [],
    epochSize: 10,
    finalizationOffset: 5,
    intervalMs: 5000,
    once: false,
    statusFile: undefined,
    help: false,
  });
  assert.equal(
    parseIndexerArgs(["--deployment", "d.json", "--status-file", "/x/status.json"], {}).statusFile,
    "/x/status.json",
  );
  const env = { DATABASE_URL: "postgres://db/indexer" };
  assert.equal(parseIndexerArgs(["--deployment", "d.json"], env).databaseUrl, "postgres://db/indexer");
  assert.equal(parseIndexerArgs(["--deployment", "d.json"], env).dataDir, undefined);
  // an explicit data directory wins over the environment
  assert.equal(parseIndexerArgs(["--deployment", "d.json", "--data-dir", "data"], env).databaseUrl, undefined);
  const full = parseIndexerArgs(
    [
      "--deployment",
      "d.json",
      "--rpc",
      "http://a",
      "--rpc",
      "https://b",
      "--epoch-size",
      "3",
      "--offset",
      "0",
      "--interval",
      "0.25",
      "--once",
    ],
    {},
  );
  assert.deepEqual(
    [full.rpcUrls, full.epochSize, full.finalizationOffset, full.intervalMs, full.once],
    [["http://a", "https://b"], 3, 0, 250, true],
  );
  for (const [args, message] of [
    [["--deployment", "d.json", "--offset=-1"], /--offset must be a whole number, at least 0, not "-1"/],
    [["--deployment", "d.json", "--interval", "soon"], /--interval must be a number of seconds, not "soon"/],
    [["--deployment", "d.json", "--rpc", "ftp://x"], /--rpc must be an http\(s\) URL, not "ftp:\/\/x"/],
    [["--deployment", "d.json", "--database-url", "mysql://x"], /must start with postgres:\/\//],
  ] as const) {
    assert.throws(() => parseIndexerArgs([...args], {}), message);
  }
});
