// What `poolnet up` runs beside the chain: the price source (the price APIs' formats on loopback), one oracle node per
// active demo pool answering every demo feed, and the keeper. Job specs, state and key material live under the data
// directory, so a restarted node or keeper resumes its own state.
import { mkdirSync, writeFileSync } from "node:fs";
import { createServer } from "node:net";
import { dirname, join } from "node:path";
import { fileURLToPath } from "node:url";
import { devPrivateKeys, type Deployment } from "@poolnet/sdk";
import type { Address } from "viem";
import { DEMO_FEEDS } from "../feeds.ts";
import type { OraclePool } from "../feeds.ts";
import type { ServiceSpec } from "./supervisor.ts";

// each package's entry is its src/index.ts; the bins sit beside it
const sourceDirOf = (name: string) => dirname(fileURLToPath(import.meta.resolve(name)));
const oracleNodeSrc = sourceDirOf("@poolnet/oracle-node");
const keeperSrc = sourceDirOf("@poolnet/keeper");

/** How the demo's nodes run: a price move of 0.5% starts a round, two quiet minutes do too. */
export const DEMO_JOB = {
  threshold: "0.5",
  pollPeriod: "2s",
  idleSeconds: 120,
  feedTimeout: "1s",
  /** Each node asks three APIs; each API is asked by three nodes. */
  apis: ["coingecko", "coinbase", "kraken", "cryptocompare"] as const,
} as const;

export const KEEPER_INTERVAL_SECONDS = 15;

/** The local chain mines a block per transaction and never reorganizes: small epochs, a short offset. */
export const DEMO_INDEXER = { epochSize: 10, finalizationOffset: 2, intervalSeconds: 2 } as const;

export type DemoServicesOptions = {
  dataDir: string;
  deploymentPath: string;
  deployment: Deployment;
  rpcUrl: string;
  oracles: readonly OraclePool[];
  keeper: { address: Address; index: number };
  decimals: number;
};

/** A free loopback port now; the service is given it explicitly, so a restart keeps its URL. */
export function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = createServer();
    server.once("error", reject);
    server.listen(0, "127.0.0.1", () => {
      const { port } = server.address() as { port: number };
      server.close(() => resolve(port));
    });
  });
}

function slug(text: string): string {
  return text
    .toLowerCase()
    .replace(/[^a-z0-9]+/g, "-")
    .replace(/^-|-$/g, "");
}

export async function demoServices(options: DemoServicesOptions): Promise<ServiceSpec[]> {
  const { dataDir, deployment, oracles } = options;
  const feeds = deployment.feeds ?? {};
  const servicesDir = join(dataDir, "services");
  const priceSourcePort = await freePort();
  const priceSourceUrl = `http://127.0.0.1:${priceSourcePort}`;
  const pairs = DEMO_FEEDS.filter((feed) => feeds[feed.pair] !== undefined);

  const specs: ServiceSpec[] = [
    {
      name: "price-source",
      kind: "price-source",
      description: `price APIs on loopback (${pairs.map((feed) => feed.pair).join(", ")})`,
      script: join(oracleNodeSrc, "priceSource", "bin.ts"),
      args: [
        "--port",
        String(priceSourcePort),
        "--pairs",
        pairs.map((feed) => `${feed.pair}=${feed.startPrice}`).join(","),
        // a new walk each start: the chain keeps the answers, not the prices
        "--seed",
        String(Date.now() % 1_000_000),
      ],
      health: { url: `${priceSourceUrl}/admin/state` },
    },
  ];

  const keys = devPrivateKeys(oracles.map((oracle) => oracle.signerIndex));
  for (const [i, oracle] of oracles.entries()) {
    const name = `node-${slug(oracle.name ?? oracle.pool.slice(2, 10))}`;
    const dir = join(servicesDir, name);
    mkdirSync(dir, { recursive: true });
    // three of the four APIs, a different three per node: one API down costs no node its median
    const apis = DEMO_JOB.apis.filter((_, api) => api !== i % DEMO_JOB.apis.length);
    const jobFiles = pairs.map(({ pair }) => {
      const file = join(dir, `${slug(pair)}.job.json`);
      const spec = {
        name: pair,
        initiators: [
          {
            type: "fluxmonitor",
            params: {
              address: feeds[pair],
              feeds: apis.map((type) => ({ type, baseUrl: priceSourceUrl, pair, timeout: DEMO_JOB.feedTimeout })),
              threshold: DEMO_JOB.threshold,
              absoluteThreshold: "0",
              precision: options.decimals,
              pollTimer: { period: DEMO_JOB.pollPeriod },
              idleTimer: { duration: `${DEMO_JOB.idleSeconds}s` },
              minFeedAnswers: 2,
            },
          },
        ],
      };
      writeFileSync(file, `${JSON.stringify(spec, null, 2)}\n`);
      return file;
    });
    const metricsPort = await freePort();
    specs.push({
      name,
      kind: "oracle-node",
      description: `oracle node of pool ${oracle.name ?? oracle.pool} (${oracle.pool})`,
      script: join(oracleNodeSrc, "node", "bin.ts"),
      args: [
        "--rpc",
        options.rpcUrl,
        "--state",
        join(dir, "state.jsonl"),
        ...jobFiles.flatMap((file) => ["--job", file]),
        "--metrics-port",
        String(metricsPort),
        // a poll that decided nothing is not worth a log line every two seconds
        "--quiet",
      ],
      // the dev account's key, a public test key: the demo's nodes sign like real ones
      env: { POOLNET_ORACLE_PRIVATE_KEY: keys[i]! },
      health: { url: `http://127.0.0.1:${metricsPort}/metrics` },
      address: oracle.signer,
    });
  }

  const keeperDirectory = join(servicesDir, "keeper");
  mkdirSync(keeperDirectory, { recursive: true });
  const keeperState = join(keeperDirectory, "state.jsonl");
  specs.push({
    name: "keeper",
    kind: "keeper",
    description: "collects oracle payments into pools, finalizes, auto-redelegates, keeps nodes in gas",
    script: join(keeperSrc, "bin.ts"),
    args: [
      "--deployment",
      options.deploymentPath,
      "--rpc",
      options.rpcUrl,
      "--state",
      keeperState,
      ...Object.values(feeds).flatMap((aggregator) => ["--aggregator", aggregator]),
      ...oracles.flatMap((oracle) => ["--node", oracle.signer]),
      "--interval",
      String(KEEPER_INTERVAL_SECONDS),
      // four submissions' worth at a time: fewer, fuller collections keep the chain's journal short
      "--min-payment",
      "20",
      // the demo's stake token is worth 0.001 ETH: bounties worth more than their gas get redelegated
      "--token-price-eth",
      "0.001",
    ],
    env: { POOLNET_KEEPER_PRIVATE_KEY: devPrivateKeys([options.keeper.index])[0]! },
    health: { statusFile: `${keeperState}.status.json` },
    address: options.keeper.address,
  });
  const indexerStatus = join(servicesDir, "indexer", "status.json");
  mkdirSync(dirname(indexerStatus), { recursive: true });
  const apiPort = await freePort();
  specs.push({
    name: "indexer",
    kind: "indexer",
    description: `snapshots pools and feeds by finalized epoch into PGlite; serves the API at http://127.0.0.1:${apiPort}`,
    // PGlite allows one process per directory: the API runs in the indexer's process (indexerApi.ts)
    script: fileURLToPath(new URL("./indexerApi.ts", import.meta.url)),
    args: [
      "--api-port",
      String(apiPort),
      "--deployment",
      options.deploymentPath,
      "--rpc",
      options.rpcUrl,
      "--data-dir",
      join(dataDir, "indexer"),
      "--epoch-size",
      String(DEMO_INDEXER.epochSize),
      "--offset",
      String(DEMO_INDEXER.finalizationOffset),
      "--interval",
      String(DEMO_INDEXER.intervalSeconds),
      "--status-file",
      indexerStatus,
    ],
    health: { statusFile: indexerStatus },
  });
  return specs;
}
