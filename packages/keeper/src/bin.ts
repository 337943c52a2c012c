#!/usr/bin/env node
// poolnet-keeper: runs the keeper's jobs on an interval against one deployment until SIGINT or SIGTERM.
import { readFile } from "node:fs/promises";
import { parseArgs } from "node:util";
import { InvalidInputError, parseAddress, parseTokenAmount, readDeployment } from "@poolnet/sdk";
import { createPublicClient, createWalletClient, defineChain, http, parseEther, type Hex } from "viem";
import { privateKeyToAccount } from "viem/accounts";
import { resolveKeeperConfig } from "./config.ts";
import { createKeeper } from "./keeper.ts";

const usage = `usage: poolnet-keeper --deployment FILE --state FILE [options]

  --deployment FILE        the deployment file (registry, deployedAtBlock, chainId, rpcUrl)
  --state FILE             the keeper's state file (JSON lines); its status goes to FILE.status.json
  --rpc URL                the chain's JSON-RPC endpoint (default: the deployment's rpcUrl)
  --key-file FILE          a file holding the keeper's 0x-prefixed private key (or set POOLNET_KEEPER_PRIVATE_KEY)
  --aggregator ADDRESS     a FluxAggregator to collect pool-bound oracles' payments from (repeatable)
  --node ADDRESS           an oracle node to keep in ETH (repeatable)
  --interval SECONDS       time between runs (default 15)
  --top-up-floor ETH       top a node up when it holds less than this (default 0.1)
  --top-up-target ETH      to this (default 0.5)
  --min-payment TOKENS     the least oracle payment worth collecting (default: any)
  --batch-size N           the most finalizations in one transaction (default 50)
  --token-price-eth ETH    the value of one stake token in ETH, to weigh auto-redelegation bounties against gas
                           (without it, auto-redelegation is skipped)
  --margin X               a bounty must be worth more than its gas times this (default 1.5)
  --once                   run once and exit
  --help                   show this`;

function fail(message: string): never {
  console.error(message);
  process.exit(2);
}

let values;
try {
  ({ values } = parseArgs({
    options: {
      rpc: { type: "string" },
      deployment: { type: "string" },
      "key-file": { type: "string" },
      aggregator: { type: "string", multiple: true, default: [] },
      node: { type: "string", multiple: true, default: [] },
      interval: { type: "string", default: "15" },
      state: { type: "string" },
      "top-up-floor": { type: "string" },
      "top-up-target": { type: "string" },
      "min-payment": { type: "string" },
      "batch-size": { type: "string" },
      "token-price-eth": { type: "string" },
      margin: { type: "string" },
      once: { type: "boolean", default: false },
      help: { type: "boolean", default: false },
    },
    strict: true,
    allowPositionals: false,
  }));
} catch (error) {
  fail(`${(error as Error).message.split("\n")[0]} (see --help)`);
}
if (values.help) {
  console.log(usage);
  process.exit(0);
}
if (values.deployment === undefined) fail("--deployment FILE is required (see --help)");
if (values.state === undefined) fail("--state FILE is required (see --help)");

try {
  const privateKey = await readPrivateKey(values["key-file"]);
  const deployment = await readDeployment(values.deployment);
  const rpcUrl = values.rpc ?? deployment.rpcUrl;
  const seconds = Number(values.interval);
  if (!(seconds > 0) || !Number.isFinite(seconds))
    throw new InvalidInputError(`--interval must be a number of seconds above 0, got '${values.interval}'`);
  const ether = (text: string | undefined, flag: string) =>
    text === undefined ? undefined : parseTokenAmount(text, 18, flag);
  const margin = values.margin === undefined ? undefined : Number(values.margin);
  if (margin !== undefined && !(margin >= 0))
    throw new InvalidInputError(`--margin must be a number, got '${values.margin}'`);
  const batchSize = values["batch-size"] === undefined ? undefined : Number(values["batch-size"]);
  const config = resolveKeeperConfig({
    registry: deployment.registry,
    deployedAtBlock: deployment.deployedAtBlock,
    aggregators: values.aggregator.map((text) => parseAddress(text, "--aggregator")),
    nodes: values.node.map((text) => parseAddress(text, "--node")),
    intervalMs: Math.round(seconds * 1000),
    topUpFloor: ether(values["top-up-floor"], "--top-up-floor") ?? undefined,
    topUpTarget: ether(values["top-up-target"], "--top-up-target") ?? undefined,
    minOraclePayment: ether(values["min-payment"], "--min-payment"),
    finalizeBatchSize: batchSize,
    tokenPriceInWei: values["token-price-eth"] === undefined ? undefined : parseEther(values["token-price-eth"]),
    bountyMarginPpm: margin === undefined ? undefined : BigInt(Math.round(margin * 1_000_000)),
  });
  const chain = defineChain({
    id: deployment.chainId,
    name: `poolnet ${deployment.chainId}`,
    nativeCurrency: { name: "Ether", symbol: "ETH", decimals: 18 },
    rpcUrls: { default: { http: [rpcUrl] } },
  });
  const transport = http(rpcUrl, { retryCount: 1 });
  const publicClient = createPublicClient({ chain, transport, cacheTime: 0 });
  const walletClient = createWalletClient({ chain, transport, account: privateKeyToAccount(privateKey) });
  const keeper = await createKeeper({
    publicClient,
    walletClient,
    config,
    statePath: values.state,
    statusPath: `${values.state}.status.json`,
    log: (line) => console.log(`${new Date().toISOString()} ${line}`),
  });
  console.log(`${new Date().toISOString()} keeper ${keeper.address} on ${rpcUrl}, registry ${config.registry}`);
  if (values.once) {
    const report = await keeper.runOnce();
    await keeper.stop();
    process.exit(report.errors === 0 ? 0 : 1);
  }
  keeper.start();
  const shutdown = (signal: string) => {
    console.log(`${new Date().toISOString()} ${signal}: finishing the current run, then stopping`);
    void keeper.stop().then(() => process.exit(0));
  };
  process.once("SIGINT", () => shutdown("SIGINT"));
  process.once("SIGTERM", () => shutdown("SIGTERM"));
} catch (error) {
  const { shortMessage, message } = error as { shortMessage?: string; message?: string };
  fail(shortMessage ?? message ?? String(error));
}

async function readPrivateKey(path: string | undefined): Promise<Hex> {
  // an empty variable is as good as unset
  let text = process.env.POOLNET_KEEPER_PRIVATE_KEY || undefined;
  let source = "POOLNET_KEEPER_PRIVATE_KEY";
  if (path !== undefined) {
    source = `the key file ${path}`;
    try {
      text = await readFile(path, "utf8");
    } catch (error) {
      throw new InvalidInputError(`cannot read ${source}: ${(error as NodeJS.ErrnoException).code ?? String(error)}`);
    }
  }
  if (text === undefined)
    throw new InvalidInputError("give the keeper's key with --key-file FILE or POOLNET_KEEPER_PRIVATE_KEY");
  const key = text.trim();
  // the key itself is never echoed: only where it came from
  if (!/^0x[0-9a-fA-F]{64}$/.test(key))
    throw new InvalidInputError(`${source} does not hold a 0x-prefixed 32-byte private key`);
  return key as Hex;
}
