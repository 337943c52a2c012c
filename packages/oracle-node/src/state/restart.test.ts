// Kills a node (a child process) with SIGKILL at random instants and restarts it on the same state file: every round
// must get at most one submission transaction from it, mined or not, reverted or not.
import assert from "node:assert/strict";
import { spawn, type ChildProcess } from "node:child_process";
import { mkdtemp, readFile, rm, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { after, before, test } from "node:test";
import { fileURLToPath } from "node:url";
import { decodeFunctionData, isAddressEqual } from "viem";
import { fluxAggregatorAbi } from "../../../sdk/src/generated/contracts.ts";
import {
  deployFluxFixture,
  startTestChain,
  waitUntil,
  type FluxFixture,
  type TestChain,
} from "../internal/testChain.ts";
import { startPriceSource, type PriceSource } from "../priceSource/server.ts";

const BIN = fileURLToPath(new URL("../node/bin.ts", import.meta.url));
const KILLS = 5;

let chain: TestChain;
let source: PriceSource;
let fixture: FluxFixture;
let dir: string;

before(async () => {
  chain = await startTestChain();
  // prices move every 50 ms by up to 1%, past the 0.1% threshold: the node submits often, so kills land mid-work
  source = await startPriceSource({ pairs: ["LINK/USD"], tickMs: 50, volatility: "0.01", seed: 7 });
  // one oracle answers a round alone, so every submission starts and completes one
  fixture = await deployFluxFixture(chain, { oracleIndexes: [4], minSubmissions: 1, maxSubmissions: 1 });
  dir = await mkdtemp(join(tmpdir(), "flux-restart-"));
  // blocks only when the test mines them: a kill often leaves a submission sent but not mined, still pending when the
  // node restarts, which is where a node that forgot it would sign a second one
  await chain.rpc("evm_setAutomine", [false]);
});

after(async () => {
  await source?.close();
  await chain?.close();
  if (dir !== undefined) await rm(dir, { recursive: true });
});

function startNode(job: string, state: string): ChildProcess {
  return spawn(
    process.execPath,
    [BIN, "--rpc", chain.rpcUrl, "--state", state, "--job", job, "--polling-interval", "50"],
    {
      env: { ...process.env, POOLNET_ORACLE_PRIVATE_KEY: fixture.oracles[0]!.privateKey },
      stdio: ["ignore", "pipe", "pipe"],
    },
  );
}

const exited = (child: ChildProcess) =>
  new Promise<void>((resolve) =>
    child.exitCode !== null || child.signalCode !== null ? resolve() : child.once("exit", () => resolve()),
  );

test(`a node killed ${KILLS} times at random never submits twice to a round`, { timeout: 50_000 }, async () => {
  const job = join(dir, "job.json");
  const state = join(dir, "state.jsonl");
  await writeFile(
    job,
    JSON.stringify({
      name: "LINK/USD",
      initiators: [
        {
          type: "fluxmonitor",
          params: {
            address: fixture.aggregator,
            feeds: [
              { type: "coingecko", baseUrl: source.url, pair: "LINK/USD" },
              { type: "coinbase", baseUrl: source.url, pair: "LINK/USD" },
              { type: "kraken", baseUrl: source.url, pair: "LINK/USD" },
            ],
            threshold: 0.1,
            precision: 8,
            pollTimer: { period: "50ms" },
            idleTimer: { duration: "300ms" },
          },
        },
      ],
    }),
  );

  const killedAfter: number[] = [];
  let output = "";
  for (let run = 0; run <= KILLS; run++) {
    const child = startNode(job, state);
    child.stdout!.on("data", (chunk: Buffer) => (output += chunk.toString()));
    child.stderr!.on("data", (chunk: Buffer) => (output += chunk.toString()));
    let mining: NodeJS.Timeout | undefined;
    const startMining = () => (mining = setInterval(() => void chain.rpc("evm_mine").catch(() => undefined), 250));
    if (run < KILLS) {
      // loading the node takes a second or two: the random instant counts from when it runs (recovery done)
      const starts = output.split('"started"').length;
      await waitUntil("the node starts", () => output.split('"started"').length > starts, 15_000);
      startMining();
      const delay = Math.floor(Math.random() * 1_500);
      killedAfter.push(delay);
      await new Promise((resolve) => setTimeout(resolve, delay));
      clearInterval(mining);
      child.kill("SIGKILL");
    } else {
      startMining();
      const before = output.split('"submitted"').length;
      await waitUntil("the last run submits", () => output.split('"submitted"').length > before + 2, 10_000);
      child.kill("SIGTERM");
      clearInterval(mining);
    }
    await exited(child);
  }
  // whatever the last run left in the pool is mined now
  await chain.rpc("evm_mine");

  const oracle = fixture.oracles[0]!.address;
  const head = await chain.publicClient.getBlockNumber();
  const submissions = new Map<number, number>();
  for (let number = 0n; number <= head; number++) {
    const block = await chain.publicClient.getBlock({ blockNumber: number, includeTransactions: true });
    for (const transaction of block.transactions) {
      if (!isAddressEqual(transaction.from, oracle)) continue;
      const { functionName, args } = decodeFunctionData({ abi: fluxAggregatorAbi, data: transaction.input });
      assert.equal(functionName, "submit");
      const roundId = Number((args as readonly [bigint, bigint])[0]);
      submissions.set(roundId, (submissions.get(roundId) ?? 0) + 1);
    }
  }
  const twice = [...submissions].filter(([, count]) => count > 1);
  assert.deepEqual(twice, [], `kills after ${killedAfter.join(", ")} ms; rounds submitted to more than once`);
  assert.ok(submissions.size >= 5, `only ${submissions.size} rounds were submitted to:\n${output.slice(0, 3000)}`);

  // the state file holds every round the chain saw a submission for
  const recorded = new Set(
    (await readFile(state, "utf8"))
      .trim()
      .split("\n")
      .map((line) => JSON.parse(line) as { type: string; roundId?: number })
      .filter((record) => record.type === "submission")
      .map((record) => record.roundId),
  );
  for (const roundId of submissions.keys()) assert.ok(recorded.has(roundId), `round ${roundId} is not in the state`);
  const latestRound = await chain.publicClient.readContract({
    address: fixture.aggregator,
    abi: fluxAggregatorAbi,
    functionName: "latestRound",
  });
  assert.ok(latestRound >= 5n);
});
