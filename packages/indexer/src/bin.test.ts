// poolnet-indexer as a child process against a local chain with a deployed registry and a feed, on PGlite in a temp
// directory: it indexes every epoch; SIGKILLed at several points and restarted, its store ends identical (a content
// hash of the epoch and snapshot tables) to a fresh index of the same chain; SIGTERM stops it cleanly; bad settings
// are one line on stderr.
import assert from "node:assert/strict";
import { spawn, type ChildProcess } from "node:child_process";
import { createHash } from "node:crypto";
import { mkdtemp, rm } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { after, before, describe, it } from "node:test";
import { fileURLToPath } from "node:url";
import {
  deployPoolnet,
  fluxAggregatorAbi,
  poolRegistryAbi,
  registerPool,
  stakingTokenAbi,
  writeDeployment,
} from "@poolnet/sdk";
import { getAddress, parseEther, type Address, type Hash } from "viem";
import {
  deployFluxFixture,
  minedReceipt,
  startTestChain,
  type TestChain,
} from "../../oracle-node/src/internal/testChain.ts";
import { openStore } from "./store/store.ts";

const BIN = fileURLToPath(new URL("./bin.ts", import.meta.url));
const EPOCH_SIZE = 2;

/** The tables a re-index must reproduce, without times or attempt counts, in key order. */
const TABLES: Record<string, string> = {
  epochs: "SELECT epoch_number, from_block, to_block, to_block_hash, status, reason, jobs_total FROM epochs ORDER BY 1",
  snapshot_jobs: "SELECT epoch_number, builder, entity, status, error FROM snapshot_jobs ORDER BY 1, 2, 3",
  pool_snapshots: "SELECT * FROM pool_snapshots ORDER BY epoch_number, pool",
  delegator_snapshots: "SELECT * FROM delegator_snapshots ORDER BY epoch_number, pool, delegator",
  feed_rounds: "SELECT * FROM feed_rounds ORDER BY epoch_number, feed, round_id",
  feed_submissions: "SELECT * FROM feed_submissions ORDER BY epoch_number, feed, round_id, oracle",
  feed_oracle_epochs: "SELECT * FROM feed_oracle_epochs ORDER BY epoch_number, feed, oracle",
};

async function contentOf(dataDir: string) {
  const store = await openStore({ dataDir });
  try {
    const counts: Record<string, number> = {};
    const hash = createHash("sha256");
    for (const [table, query] of Object.entries(TABLES)) {
      const rows = await store.query(query);
      counts[table] = rows.length;
      hash.update(
        `${table}\n${JSON.stringify(rows, (_key, value: unknown) => (typeof value === "bigint" ? `${value}n` : value))}\n`,
      );
    }
    return { counts, hash: hash.digest("hex") };
  } finally {
    await store.close();
  }
}

type Run = { child: ChildProcess; stdout: string[]; stderr: string[]; exited: Promise<number | null> };

const children = new Set<ChildProcess>();

function run(args: string[]): Run {
  const child = spawn(process.execPath, [BIN, ...args], { stdio: ["ignore", "pipe", "pipe"] });
  children.add(child);
  child.once("exit", () => children.delete(child));
  const stdout: string[] = [];
  const stderr: string[] = [];
  child.stdout!.on("data", (chunk: Buffer) => stdout.push(...chunk.toString().split("\n").filter(Boolean)));
  child.stderr!.on("data", (chunk: Buffer) => stderr.push(...chunk.toString().split("\n").filter(Boolean)));
  const exited = new Promise<number | null>((resolve) => child.once("exit", (code) => resolve(code)));
  return { child, stdout, stderr, exited };
}

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

describe("poolnet-indexer", () => {
  let chain: TestChain;
  let dir: string;
  let deploymentPath: string;
  let reference: Awaited<ReturnType<typeof contentOf>>;
  let referenceMs: number;

  before(async () => {
    chain = await startTestChain();
    dir = await mkdtemp(join(tmpdir(), "poolnet-indexer-bin-"));
    const [deployer, , operator, alice, feeRecipient] = chain.accounts as Address[];
    const deployed = await deployPoolnet(chain.walletOf(deployer!), chain.publicClient, {
      token: { name: "Stake", symbol: "STK", holder: deployer!, supply: parseEther("1000000") },
      thawingPeriod: 600n,
      transferLockoutPeriod: 120n,
      minSelfStake: 0n,
      protocolFeeRate: 50_000n,
      feeRecipient: feeRecipient!,
      governor: deployer!,
    });
    const { registry, token } = deployed;
    const send = async (from: Address, address: Address, abi: unknown, functionName: string, args: unknown[]) =>
      minedReceipt(
        chain,
        (await chain.walletOf(from).writeContract({ address, abi, functionName, args } as never)) as Hash,
      );
    const { pool } = await registerPool(chain.walletOf(operator!), {
      registry,
      signingAddress: operator!,
      commissionRate: 100_000,
    });
    for (const account of [operator!, alice!]) {
      await send(deployer!, token, stakingTokenAbi, "transfer", [account, parseEther("1000")]);
      await send(account, token, stakingTokenAbi, "approve", [registry, parseEther("1000")]);
      await send(account, registry, poolRegistryAbi, "delegate", [pool, parseEther("500")]);
    }
    const fixture = await deployFluxFixture(chain, { oracleIndexes: [1, 2, 3], minSubmissions: 2, maxSubmissions: 3 });
    const oracles = fixture.oracles.map((oracle) => oracle.address);
    for (let round = 1n; round <= 4n; round++) {
      for (const oracle of oracles.slice(0, round === 3n ? 2 : 3)) {
        await send(oracle, fixture.aggregator, fluxAggregatorAbi, "submit", [round, 1000n + round]);
      }
      await send(deployer!, token, stakingTokenAbi, "transfer", [pool, parseEther("1")]); // a reward
      await send(alice!, registry, poolRegistryAbi, "distributeRewards", [pool]);
    }
    for (let i = 0; i < 10; i++) await chain.rpc("evm_mine");
    deploymentPath = join(dir, "deployment.json");
    await writeDeployment(deploymentPath, {
      chainId: chain.publicClient.chain!.id,
      rpcUrl: chain.rpcUrl,
      token,
      registry,
      deployedAtBlock: deployed.deployedAtBlock,
      feeds: { "LINK/USD": getAddress(fixture.aggregator) },
    });
    const fresh = run([
      "--deployment",
      deploymentPath,
      "--data-dir",
      join(dir, "reference"),
      "--epoch-size",
      String(EPOCH_SIZE),
      "--offset",
      "0",
      "--once",
    ]);
    const started = Date.now();
    assert.equal(await fresh.exited, 0, fresh.stderr.join("\n"));
    referenceMs = Date.now() - started;
    reference = await contentOf(join(dir, "reference"));
  });

  after(async () => {
    for (const child of children) child.kill("SIGKILL");
    await chain?.close();
    if (dir !== undefined) await rm(dir, { recursive: true, force: true });
  });

  it("indexes every epoch with pools and the feed, and says so", async () => {
    const head = await chain.publicClient.getBlockNumber();
    const store = await openStore({ dataDir: join(dir, "reference") });
    try {
      const rows = await store.query<{ status: string; n: bigint }>(
        "SELECT status, count(*)::int8 AS n FROM epochs GROUP BY status",
      );
      const [first] = await store.query<{ from_block: bigint }>("SELECT from_block FROM epochs WHERE epoch_number = 0");
      const expected = (head - first!.from_block + 1n) / BigInt(EPOCH_SIZE);
      assert.deepEqual(rows, [{ status: "done", n: expected }]);
    } finally {
      await store.close();
    }
    assert.ok(reference.counts.pool_snapshots! > 0 && reference.counts.delegator_snapshots! > 0);
    assert.ok(reference.counts.feed_rounds! > 0 && reference.counts.feed_submissions! > 0);
    assert.ok(reference.counts.feed_oracle_epochs! > 0);
  });

  it("SIGKILLed at several points, stopped by SIGTERM, restarted: ends identical to a fresh index", async () => {
    const dataDir = join(dir, "killed");
    const args = [
      "--deployment",
      deploymentPath,
      "--data-dir",
      dataDir,
      "--epoch-size",
      String(EPOCH_SIZE),
      "--offset",
      "0",
    ];
    // kill points spread over a whole run: creating the database, migrating, publishing, building
    for (const fraction of [0.2, 0.5, 0.75, 0.9]) {
      const killed = run([...args, "--interval", "0.05"]);
      await sleep(referenceMs * fraction);
      killed.child.kill("SIGKILL");
      await killed.exited;
    }
    // a clean stop in the middle of a pass: it finishes the pass, then exits
    const running = run([...args, "--interval", "0.05"]);
    for (let i = 0; i < 400 && !running.stdout.some((line) => line.startsWith("indexing")); i++) await sleep(25);
    await sleep(200);
    running.child.kill("SIGTERM");
    const stopped = await Promise.race([running.exited, sleep(15_000).then(() => "still running")]);
    assert.equal(stopped, 0, [...running.stdout, ...running.stderr].join("\n"));
    assert.deepEqual(running.stderr, []);

    const last = run([...args, "--once"]);
    assert.equal(await last.exited, 0, last.stderr.join("\n"));
    assert.match(last.stdout.at(-1)!, /^indexed: \d+ epochs done, 0 failed/);
    const content = await contentOf(dataDir);
    assert.deepEqual(content.counts, reference.counts);
    assert.equal(content.hash, reference.hash);
  });

  it("prints --help, and each bad setting as one line", async () => {
    const help = run(["--help"]);
    assert.equal(await help.exited, 0);
    assert.match(help.stdout[0]!, /^usage: poolnet-indexer --deployment FILE/);
    const runs: [Run, string][] = [];
    for (const [args, message] of [
      [[], "--deployment FILE is required (see --help)"],
      [["--deployment", "x.json", "--epoch-size", "0"], '--epoch-size must be a whole number, at least 1, not "0"'],
      [
        ["--deployment", join(dir, "none.json")],
        `cannot read the deployment file ${join(dir, "none.json")}: there is no such file`,
      ],
      [
        ["--deployment", "x.json", "--data-dir", "d", "--database-url", "postgres://x/y"],
        "give --database-url or --data-dir, not both",
      ],
      [["--deployment", "x.json", "--bogus"], "Unknown option '--bogus' (see --help)"],
    ] as const) {
      runs.push([run([...args]), message]);
    }
    for (const [bad, message] of runs) {
      assert.equal(await bad.exited, 1);
      assert.deepEqual(bad.stderr, [message]);
    }
  });
});
