// `npm start`'s oracle network end to end, as real processes over real HTTP: the price source, one oracle node per
// active pool answering both feeds, the keeper collecting their payments into the pools, where delegators' rewards
// grow from oracle work alone (demo rewards off); `poolnet status` reporting it; a node killed and brought back; and
// nothing left running after `up` stops.
import assert from "node:assert/strict";
import { execFile, spawn } from "node:child_process";
import { mkdtempSync, readFileSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { promisify } from "node:util";
import { after, describe, it } from "node:test";
import { fileURLToPath } from "node:url";
import { fluxAggregatorAbi, poolRegistryAbi } from "@poolnet/sdk";
import { createPublicClient, http, type Address } from "viem";
import { hardhat } from "viem/chains";
import type { FeedHealth, ServiceHealth } from "./services/health.ts";
import { isAlive } from "./services/health.ts";
import type { ServicesFile } from "./services/supervisor.ts";

const cliDir = fileURLToPath(new URL("../..", import.meta.url));
const bin = join(cliDir, "src", "bin.ts");
const DELEGATOR = "0x14dC79964da2C08b23698B3D3cc7Ca32193d9955" as Address; // dev account 7, in Atlas and Ember

async function waitUntil<T>(what: string, probe: () => Promise<T | undefined>, timeoutMs: number): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  let last: unknown;
  for (;;) {
    try {
      const value = await probe();
      if (value !== undefined) return value;
    } catch (error) {
      last = error;
    }
    if (Date.now() > deadline) throw new Error(`timed out waiting until ${what}${last ? ` (${String(last)})` : ""}`);
    await new Promise((resolve) => setTimeout(resolve, 500));
  }
}

type Status = { services: ServiceHealth[]; feeds: FeedHealth[] };

describe("poolnet up: the oracle network", { timeout: 150_000 }, () => {
  const root = mkdtempSync(join(tmpdir(), "poolnet-services-"));
  const dataDir = join(root, "data");
  after(() => rmSync(root, { recursive: true, force: true }));

  const env = Object.fromEntries(Object.entries(process.env).filter(([name]) => name !== "POOLNET_DATA_DIR"));
  const status = async (...args: string[]) => {
    const { stdout } = await promisify(execFile)(process.execPath, [bin, ...args], {
      env: { ...env, POOLNET_DATA_DIR: dataDir },
    });
    return stdout;
  };
  const statusJson = async (): Promise<Status> => JSON.parse(await status("status", "--json")) as Status;

  it("answers both feeds from every active pool's node, pays the pools, and reports it in poolnet status", async (t) => {
    const up = spawn(process.execPath, [bin, "up", "--data-dir", dataDir, "--port", "0", "--reward-interval", "0"], {
      env,
      stdio: ["ignore", "pipe", "pipe"],
    });
    let output = "";
    up.stdout.on("data", (chunk: Buffer) => (output += chunk.toString()));
    up.stderr.on("data", (chunk: Buffer) => (output += chunk.toString()));
    const exited = new Promise<number | null>((resolve) => up.on("exit", resolve));
    const servicePids: number[] = [];
    try {
      const url = await waitUntil("up is ready", async () => /poolnet is up at (\S+) /.exec(output)?.[1], 60_000);
      assert.match(output, /services \(logs in .*`poolnet status` shows their health\)/);
      for (const name of [
        "price-source",
        "node-atlas",
        "node-borealis",
        "node-cypress",
        "node-ember",
        "keeper",
        "indexer",
      ]) {
        assert.match(output, new RegExp(`\\n +${name} +\\d+ `), `${name} is started`);
      }
      // the broken pool runs no node
      assert.doesNotMatch(output, /node-drift/);

      const deployment = JSON.parse(readFileSync(join(dataDir, "deployment.json"), "utf8")) as {
        registry: Address;
        feeds: Record<string, Address>;
      };
      assert.deepEqual(Object.keys(deployment.feeds), ["LINK/USD", "ETH/USD"]);
      const client = createPublicClient({ chain: hardhat, transport: http(url) });
      const pools = await client.readContract({
        address: deployment.registry,
        abi: poolRegistryAbi,
        functionName: "getPools",
        args: [0n, 10n],
      });
      const atlas = pools[0]!;
      for (const [pair, aggregator] of Object.entries(deployment.feeds)) {
        const oracles = await client.readContract({
          address: aggregator,
          abi: fluxAggregatorAbi,
          functionName: "getOracles",
        });
        assert.equal(oracles.length, 4, `${pair} has one oracle per active pool`);
        for (const oracle of oracles) {
          // the registry is every oracle's admin, and each oracle is bound to its pool
          const admin = await client.readContract({
            address: aggregator,
            abi: fluxAggregatorAbi,
            functionName: "getAdmin",
            args: [oracle],
          });
          assert.equal(admin, deployment.registry);
          const pool = await client.readContract({
            address: deployment.registry,
            abi: poolRegistryAbi,
            functionName: "getOraclePool",
            args: [oracle],
          });
          assert.ok(pools.includes(pool), `${oracle} is bound to a pool`);
        }
      }

      // every service answers and both feeds have answers
      const healthy = await waitUntil(
        "every service and feed is ok, and the indexer has built an epoch",
        async () => {
          const now = await statusJson();
          const ok = [...now.services, ...now.feeds].every((entry) => entry.health === "ok");
          const indexed = now.services.some((service) => service.name === "indexer" && /^[1-9]/.test(service.detail));
          return ok && indexed && now.services.length === 7 && now.feeds.length === 2 ? now : undefined;
        },
        45_000,
      );
      servicePids.push(...healthy.services.map((service) => service.pid!));
      // the API runs in the indexer's process, over the same PGlite store
      const servicesFile = JSON.parse(readFileSync(join(dataDir, "services.json"), "utf8")) as ServicesFile;
      const indexerRecord = servicesFile.services.find((service) => service.name === "indexer")!;
      const api = /serves the API at (http:\/\/\S+)/.exec(indexerRecord.description)![1]!;
      const listed = await waitUntil(
        "the API lists the pools of a done epoch",
        async () => {
          const response = await fetch(`${api}/pools?limit=10`);
          const page = (await response.json()) as { items: { pool: string }[] };
          return response.status === 200 && page.items.length === 5 ? page : undefined;
        },
        30_000,
      );
      assert.deepEqual(listed.items.map((item) => item.pool).sort(), [...pools].sort());
      assert.equal((await fetch(`${api}/openapi.json`)).status, 200);
      // everything healthy: `status --check` exits 0 (execFile rejects on any other code)
      await status("status", "--check");
      const text = await status("status");
      // the indexer has published and built epochs of the demo chain
      const indexer = healthy.services.find((service) => service.name === "indexer")!;
      assert.match(indexer.detail, /^[1-9]\d* epochs done, \d+ in progress, 0 failed, 0 reorgs/);
      assert.match(text, /\nservices\nname +kind +pid +uptime/);
      assert.match(text, /node-atlas +oracle-node +\d+ +\d+s +0 +\d+ MB +● ok +\d+ submitted, 0 missed/);
      assert.match(text, /LINK\/USD +0x[0-9a-fA-F]{40} +[\d.]+ +\d+ +\d+s ago +4 +● ok/);

      // prices move at the source: each move past the 0.5% threshold is a round every node answers and is paid for
      const rewardsBefore = await client.readContract({
        address: deployment.registry,
        abi: poolRegistryAbi,
        functionName: "getRewards",
        args: [atlas, DELEGATOR],
      });
      const file = JSON.parse(readFileSync(join(dataDir, "services.json"), "utf8")) as ServicesFile;
      const priceSource = new URL(file.services.find((service) => service.kind === "price-source")!.health.url!);
      const linkUsd = deployment.feeds["LINK/USD"]!;
      const latestRound = () =>
        client.readContract({ address: linkUsd, abi: fluxAggregatorAbi, functionName: "latestRound" });
      for (const percent of [3, -3, 3, -3]) {
        const before = await latestRound();
        const response = await fetch(new URL("/admin/jump", priceSource), {
          method: "POST",
          body: JSON.stringify({ pair: "LINK/USD", percent }),
        });
        assert.equal(response.status, 200);
        await waitUntil(
          "a new LINK/USD round",
          async () => ((await latestRound()) > before ? true : undefined),
          20_000,
        );
      }
      const collected = await waitUntil(
        "the keeper collected oracle payments into the pools",
        async () => {
          const events = await client.getContractEvents({
            address: deployment.registry,
            abi: poolRegistryAbi,
            eventName: "OraclePaymentCollected",
            fromBlock: 0n,
          });
          return events.some((event) => event.args.pool === atlas) ? events : undefined;
        },
        45_000,
      );
      t.diagnostic(`${collected.length} oracle payments collected`);
      // demo rewards are off: what the delegator gained came from oracle work
      const rewardsAfter = await client.readContract({
        address: deployment.registry,
        abi: poolRegistryAbi,
        functionName: "getRewards",
        args: [atlas, DELEGATOR],
      });
      assert.ok(rewardsAfter > rewardsBefore, `rewards grew: ${rewardsBefore} → ${rewardsAfter}`);

      // the nodes run --quiet: their logs hold what they did, not every poll that decided nothing
      const nodeLog = readFileSync(join(dataDir, "logs", "node-atlas.log"), "utf8");
      assert.match(nodeLog, /"type":"submitted","job":"LINK\/USD"/);
      assert.doesNotMatch(nodeLog, /"type":"skipped"/);

      // a node killed without warning is restarted and is healthy again
      const atlasNode = healthy.services.find((service) => service.name === "node-atlas")!;
      process.kill(atlasNode.pid!, "SIGKILL");
      const restarted = await waitUntil(
        "node-atlas is back",
        async () => {
          const node = (await statusJson()).services.find((service) => service.name === "node-atlas")!;
          return node.restarts === 1 && node.health === "ok" ? node : undefined;
        },
        30_000,
      );
      assert.notEqual(restarted.pid, atlasNode.pid);
      servicePids.push(restarted.pid!);
    } finally {
      up.kill("SIGINT");
      assert.equal(await exited, 0, output);
    }
    // nothing is left running, and status says so
    for (const pid of servicePids) assert.equal(isAlive(pid), false, `service pid ${pid} stopped`);
  });
});
