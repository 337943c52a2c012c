// `poolnet up` end to end, as a real process over real HTTP: the demo network, a delegation surviving a restart,
// a corrupt journal, a taken port.
import assert from "node:assert/strict";
import { spawn, spawnSync, type ChildProcess } from "node:child_process";
import { existsSync, mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { createServer } from "node:net";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { after, before, describe, it } from "node:test";
import { fileURLToPath } from "node:url";
import { poolOwnersAbi, poolRegistryAbi, stakingTokenAbi } from "@poolnet/sdk";
import {
  createPublicClient,
  createWalletClient,
  getContract,
  http,
  keccak256,
  parseEther,
  type Address,
  type PublicClient,
} from "viem";
import { privateKeyToAccount } from "viem/accounts";
import { hardhat } from "viem/chains";
import { isLoopback } from "./network.ts";

const cliDir = fileURLToPath(new URL("../..", import.meta.url));
// through the CLI's own entry, as `npm start` runs it
const command = [join(cliDir, "src", "bin.ts"), "up"];

const FREE_ACCOUNT = "0x71bE63f3384f5fb98995898A86B02Fb2426c5788" as Address; // dev account 11, unlocked
const FREE_ACCOUNT_KEY = "0xa267530f49f8280200edf313ee7af6b827f2a8bce2897751d06a843f644967b1"; // dev account 12
const ALLOWED_DELEGATOR = "0xBcd4042DE499D14e55001CcbB24a551F3b954096" as Address; // dev account 10

type Up = {
  process: ChildProcess;
  output: () => string;
  waitFor(pattern: RegExp, timeoutMs?: number): Promise<RegExpMatchArray>;
  exited: Promise<number | null>;
};

function startUp(dataDir: string, ...args: string[]): Up {
  const child = spawn(process.execPath, [...command, "--data-dir", dataDir, ...args], {
    cwd: cliDir,
    env: Object.fromEntries(Object.entries(process.env).filter(([name]) => name !== "POOLNET_DATA_DIR")),
    stdio: ["ignore", "pipe", "pipe"],
  });
  let text = "";
  const listeners = new Set<() => void>();
  const collect = (chunk: Buffer) => {
    text += chunk.toString("utf8");
    for (const listener of listeners) listener();
  };
  child.stdout.on("data", collect);
  child.stderr.on("data", collect);
  const exited = new Promise<number | null>((resolve) => child.on("exit", (code) => resolve(code)));
  return {
    process: child,
    output: () => text,
    exited,
    waitFor(pattern, timeoutMs = 30_000) {
      return new Promise((resolve, reject) => {
        const check = () => {
          const match = pattern.exec(text);
          if (!match) return;
          cleanup();
          resolve(match);
        };
        const timer = setTimeout(() => {
          cleanup();
          reject(new Error(`no ${pattern} within ${timeoutMs} ms; output:\n${text}`));
        }, timeoutMs);
        const onExit = () => {
          cleanup();
          reject(new Error(`exited before ${pattern}; output:\n${text}`));
        };
        const cleanup = () => {
          clearTimeout(timer);
          listeners.delete(check);
          child.off("exit", onExit);
        };
        listeners.add(check);
        child.once("exit", onExit);
        check();
      });
    },
  };
}

const READY = /poolnet is up at (http:\/\/\S+) \(ready in/;

async function ready(up: Up): Promise<{ url: string; seconds: number }> {
  const started = performance.now();
  const [, url] = await up.waitFor(READY);
  return { url: url!, seconds: (performance.now() - started) / 1000 };
}

async function stop(up: Up): Promise<number | null> {
  up.process.kill("SIGINT");
  return up.exited;
}

function registryOf(url: string, dataDir: string) {
  const deployment = JSON.parse(readFileSync(join(dataDir, "deployment.json"), "utf8")) as {
    registry: Address;
    token: Address;
    chainId: number;
    contracts: { poolOwners: Address };
  };
  const client = createPublicClient({ chain: hardhat, transport: http(url), pollingInterval: 50 }) as PublicClient;
  const registry = getContract({ address: deployment.registry, abi: poolRegistryAbi, client });
  const token = getContract({ address: deployment.token, abi: stakingTokenAbi, client });
  const owners = getContract({ address: deployment.contracts.poolOwners, abi: poolOwnersAbi, client });
  return { deployment, client, registry, token, owners };
}

describe("poolnet up", { timeout: 90_000 }, () => {
  let root: string;
  let dataDir: string;
  let firstPool: Address;
  let balanceBeforeRestart: bigint;
  before(() => {
    root = mkdtempSync(join(tmpdir(), "poolnet-up-"));
    dataDir = join(root, "data");
  });
  after(() => rmSync(root, { recursive: true, force: true }));

  it("starts the demo network, takes a delegation over RPC and stops on SIGINT", async (t) => {
    const up = startUp(dataDir, "--port", "0", "--reward-interval", "1", "--no-services");
    try {
      const { url, seconds } = await ready(up);
      t.diagnostic(`time to ready (fresh network): ${seconds.toFixed(2)} s`);
      const { deployment, client, registry, token, owners } = registryOf(url, dataDir);
      assert.equal(deployment.chainId, 31337);
      assert.equal(await client.getChainId(), 31337);
      // the protocol fees go to PoolOwners, which distributes the stake token; two delegators bought shares
      assert.equal(await registry.read.feeRecipient(), deployment.contracts.poolOwners);
      assert.deepEqual(await owners.read.tokens(), [deployment.token]);
      assert.equal(await owners.read.totalContributed(), parseEther("53.6"));
      assert.equal(await owners.read.creatorSharesGranted(), parseEther("3000"));

      const pools = await registry.read.getPools([0n, 100n]);
      assert.equal(pools.length, 5);
      const infos = await Promise.all(pools.map((pool) => registry.read.getPoolInfo([pool])));
      const states = infos.map((info) => info.state);
      assert.deepEqual(states.filter((state) => state === 1).length, 1, "one pool is Broken");
      assert.ok(new Set(infos.map((info) => info.commissionRate)).size >= 4, "commissions differ");
      assert.ok(new Set(infos.map((info) => info.stakingLimit)).size >= 4, "staking limits differ");
      // metadata as data: URLs; one pool's content breaks the rules (markup), another's does not match its hash
      const documents = infos.map((info) => {
        const bytes = Buffer.from(info.metaDataUrl.replace("data:application/json;base64,", ""), "base64");
        const matches = keccak256(bytes) === info.metaDataContentHash;
        return { name: (JSON.parse(bytes.toString("utf8")) as { name: string }).name, matches, text: bytes.toString() };
      });
      assert.deepEqual(
        documents.filter((document) => !document.matches).map((document) => document.name),
        ["Cypress"],
      );
      assert.deepEqual(
        documents.filter((document) => document.text.includes("<")).map((document) => document.name),
        ["Drift"],
      );
      const privatePools = pools.filter((_, i) => infos[i]!.isPrivate);
      assert.equal(privatePools.length, 1, "one pool is private");
      assert.equal(await registry.read.isDelegatorAllowed([privatePools[0]!, ALLOWED_DELEGATOR]), true);
      assert.equal(await registry.read.isDelegatorAllowed([privatePools[0]!, FREE_ACCOUNT]), false);
      firstPool = pools[0]!;
      assert.match(up.output(), /PUBLIC TEST KEYS/);
      assert.match(
        up.output(),
        /#0 +0xf39Fd6e51aad88F6F4ce6aB8827279cffFb92266 +0xac0974bec39a17e36ba4a6b4d238ff944bacb478cbed5efcae784d7bf4f2ff80/,
      );

      // an unlocked dev account (signed by the node) and a locally signed raw transaction, both straight over RPC
      const wallet = createWalletClient({ chain: hardhat, transport: http(url), account: FREE_ACCOUNT });
      const amount = parseEther("1234");
      await client.waitForTransactionReceipt({
        hash: await wallet.writeContract({
          address: deployment.token,
          abi: stakingTokenAbi,
          functionName: "approve",
          args: [deployment.registry, amount],
        }),
      });
      const delegation = await wallet.writeContract({
        address: deployment.registry,
        abi: poolRegistryAbi,
        functionName: "delegate",
        args: [firstPool, amount],
      });
      assert.equal((await client.waitForTransactionReceipt({ hash: delegation })).status, "success");
      const signer = createWalletClient({
        chain: hardhat,
        transport: http(url),
        account: privateKeyToAccount(FREE_ACCOUNT_KEY),
      });
      const transfer = await signer.writeContract({
        address: deployment.token,
        abi: stakingTokenAbi,
        functionName: "transfer",
        args: [FREE_ACCOUNT, parseEther("5")],
      });
      assert.equal((await client.waitForTransactionReceipt({ hash: transfer })).status, "success");
      assert.equal(await registry.read.getStake([firstPool, FREE_ACCOUNT]), amount);

      // the demo rewards arrive on their own
      await new Promise((resolve) => setTimeout(resolve, 2_500));
      const distributed = await client.getContractEvents({
        address: deployment.registry,
        abi: poolRegistryAbi,
        eventName: "RewardsDistributed",
        fromBlock: 0n,
      });
      assert.ok(distributed.length > 0, "demo rewards were distributed");
      assert.ok((await token.read.balanceOf([deployment.contracts.poolOwners])) > 0n, "their fees reached the owners");
      balanceBeforeRestart = await token.read.balanceOf([FREE_ACCOUNT]);
    } finally {
      assert.equal(await stop(up), 0);
    }
    assert.match(up.output(), /poolnet stopped: \d+ blocks journaled/);
  });

  it("resumes the same network from its data directory", async (t) => {
    const up = startUp(dataDir, "--port", "0", "--reward-interval", "0", "--no-services");
    try {
      const { url, seconds } = await ready(up);
      t.diagnostic(`time to ready (resumed): ${seconds.toFixed(2)} s`);
      assert.match(up.output(), /replayed \d+ blocks in [\d.]+ s: head block \d+ 0x[0-9a-f]+… as journaled/);
      const { registry, token, owners } = registryOf(url, dataDir);
      assert.equal(await registry.read.getPoolCount(), 5n);
      assert.equal(await registry.read.getStake([firstPool, FREE_ACCOUNT]), parseEther("1234"));
      // no services: no node answers the feeds, which `status --check` reports with exit code 1
      const check = spawnSync(process.execPath, [join(cliDir, "src", "bin.ts"), "status", "--check"], {
        env: { ...process.env, POOLNET_DATA_DIR: dataDir },
        encoding: "utf8",
      });
      assert.equal(check.status, 1, check.stderr);
      assert.match(check.stdout, /LINK\/USD .*○ down +no answer yet/);
      assert.equal(await owners.read.totalContributed(), parseEther("53.6"));
      assert.equal(await token.read.balanceOf([FREE_ACCOUNT]), balanceBeforeRestart);
    } finally {
      assert.equal(await stop(up), 0);
    }
  });

  it("gives a network made before the demo had price feeds its feeds when it resumes", async () => {
    const path = join(dataDir, "deployment.json");
    const { feeds: _feeds, ...older } = JSON.parse(readFileSync(path, "utf8")) as Record<string, unknown>;
    writeFileSync(path, JSON.stringify(older));
    const up = startUp(dataDir, "--port", "0", "--reward-interval", "0", "--no-services");
    try {
      const { url } = await ready(up);
      // the oracle keys are already bound to their pools: the set-up keeps them so and deploys the aggregators
      assert.match(up.output(), /feed LINK\/USD: FluxAggregator 0x[0-9a-fA-F]{40}, 4 oracles/);
      const feeds = (JSON.parse(readFileSync(path, "utf8")) as { feeds: Record<string, Address> }).feeds;
      assert.deepEqual(Object.keys(feeds), ["LINK/USD", "ETH/USD"]);
      const { client } = registryOf(url, dataDir);
      for (const aggregator of Object.values(feeds))
        assert.notEqual(await client.getCode({ address: aggregator }), undefined);
    } finally {
      assert.equal(await stop(up), 0);
    }
  });

  it("tells loopback hosts from others", () => {
    for (const host of ["127.0.0.1", "127.0.0.2", "localhost", "::1"]) assert.equal(isLoopback(host), true, host);
    for (const host of ["0.0.0.0", "::", "192.168.1.10", "example.org", "127.0.0.1.nip.io"]) {
      assert.equal(isLoopback(host), false, host);
    }
  });

  it("refuses a port in use with one line and exit code 1", async () => {
    const blocker = createServer();
    await new Promise<void>((resolve) => blocker.listen(0, "127.0.0.1", resolve));
    const { port } = blocker.address() as { port: number };
    try {
      const up = startUp(join(root, "elsewhere"), "--port", String(port));
      assert.equal(await up.exited, 1);
      const lines = up.output().trim().split("\n");
      assert.match(lines.at(-1)!, new RegExp(`^error: port ${port} on 127.0.0.1 is already in use`));
      assert.ok(!existsSync(join(root, "elsewhere")), "nothing is written");
    } finally {
      blocker.close();
    }
  });

  it("starts fresh, keeping the old data aside, when the journal is corrupt", async () => {
    const journalPath = join(dataDir, "chain", "journal.jsonl");
    const lines = readFileSync(journalPath, "utf8").split("\n");
    lines[3] = "{ this is not json";
    writeFileSync(journalPath, lines.join("\n"));

    const up = startUp(dataDir, "--port", "0", "--reward-interval", "0", "--no-services");
    try {
      const [, aside] = await up.waitFor(
        /chain journal .* cannot be replayed \(line 4 is not JSON\): starting fresh \(the old data directory is now (\S+)\)/,
      );
      const { url } = await ready(up);
      assert.ok(existsSync(join(aside!, "chain", "journal.jsonl")), "the old journal is kept");
      assert.ok(readdirSync(root).some((name) => name.startsWith("data.old-")));
      const { registry } = registryOf(url, dataDir);
      assert.equal(await registry.read.getPoolCount(), 5n);
      const pools = await registry.read.getPools([0n, 1n]);
      assert.equal(await registry.read.getStake([pools[0]!, FREE_ACCOUNT]), 0n, "a new network");
    } finally {
      assert.equal(await stop(up), 0);
    }
  });
});
