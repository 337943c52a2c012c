// Kills a node running a runlog job (a child process) with SIGKILL at random instants while consumers keep making
// requests to Chainlink's Operator, and restarts it on the same state file: every request must be answered exactly
// once, those logged while the node was down included.
import assert from "node:assert/strict";
import { spawn, type ChildProcess } from "node:child_process";
import { mkdtemp, readFile, rm, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { after, before, test } from "node:test";
import { fileURLToPath } from "node:url";
import { decodeFunctionData, isAddressEqual, stringToHex, type Address, type Hash, type Hex } from "viem";
import {
  chainlinkOperatorContracts,
  consumerAnswer,
  deployConsumer,
  deployOperatorFixture,
  loggedRequest,
  type OperatorFixture,
} from "../internal/chainlinkOperator.ts";
import { minedReceipt, startTestChain, waitUntil, type TestChain } from "../internal/testChain.ts";
import { startPriceSource, type PriceSource } from "../priceSource/server.ts";
import { operatorAbi } from "./operatorAbi.ts";

const BIN = fileURLToPath(new URL("../node/bin.ts", import.meta.url));
const KILLS = 5;
const JOB_ID = "0b5c3a52-8b1e-4b0e-a6f4-2f1e6c9d7a10";
const SPEC_ID = stringToHex(JOB_ID.replaceAll("-", ""), { size: 32 });

let chain: TestChain;
let source: PriceSource;
let fixture: OperatorFixture;
let consumer: Address;
let dir: string;

before(async () => {
  chain = await startTestChain();
  source = await startPriceSource({ pairs: ["LINK/USD"], startPrices: { "LINK/USD": "15" }, tickMs: 0 });
  fixture = await deployOperatorFixture(chain, { nodeIndexes: [4] });
  consumer = await deployConsumer(chain, fixture);
  dir = await mkdtemp(join(tmpdir(), "runlog-restart-"));
  // blocks only when the test mines them: a kill often leaves a fulfillment sent but not mined, still pending when
  // the node restarts, which is where a node that forgot it would sign a second one
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
      env: { ...process.env, POOLNET_ORACLE_PRIVATE_KEY: fixture.nodes[0]!.privateKey },
      stdio: ["ignore", "pipe", "pipe"],
    },
  );
}

const exited = (child: ChildProcess) =>
  new Promise<void>((resolve) =>
    child.exitCode !== null || child.signalCode !== null ? resolve() : child.once("exit", () => resolve()),
  );

test(`a node killed ${KILLS} times at random answers every request exactly once`, { timeout: 60_000 }, async () => {
  const job = join(dir, "job.json");
  const state = join(dir, "state.jsonl");
  await writeFile(
    job,
    JSON.stringify({
      name: "LINK/USD requests",
      initiators: [
        {
          type: "runlog",
          params: {
            address: fixture.operator,
            jobId: JOB_ID,
            requesters: [consumer],
            feeds: ["coingecko", "coinbase", "kraken"].map((type) => ({ type, baseUrl: source.url, pair: "LINK/USD" })),
            precision: 8,
          },
        },
      ],
    }),
  );

  // requests every 100 ms and a block every 250 ms, whether the node runs or not
  const { RunLogConsumer } = chainlinkOperatorContracts();
  const requester = chain.walletOf(fixture.owner);
  const requestHashes: Hash[] = [];
  let requesting = true;
  const makeRequests = async () => {
    for (let i = 0; requesting; i++) {
      requestHashes.push(
        await requester.writeContract({
          address: consumer,
          abi: RunLogConsumer.abi,
          functionName: "request",
          // every third one a version 2 request
          args: [SPEC_ID, 10n ** 17n, i % 3 === 2, 0n, ""],
          gas: 500_000n,
        }),
      );
      await new Promise((resolve) => setTimeout(resolve, 100));
    }
  };
  let requests: Promise<void> = Promise.resolve();
  const mining = setInterval(() => void chain.rpc("evm_mine").catch(() => undefined), 250);

  const killedAfter: number[] = [];
  let output = "";
  let child: ChildProcess | undefined;
  try {
    for (let run = 0; run <= KILLS; run++) {
      child = startNode(job, state);
      child.stdout!.on("data", (chunk: Buffer) => (output += chunk.toString()));
      child.stderr!.on("data", (chunk: Buffer) => (output += chunk.toString()));
      const starts = output.split('"started"').length;
      await waitUntil("the node starts", () => output.split('"started"').length > starts, 15_000);
      if (run === 0) {
        // the job's first run answers requests from its first scan on: the consumer starts once it has begun
        await waitUntil("the first scan", async () => (await readFile(state, "utf8")).includes('"scan"'), 5_000);
        requests = makeRequests();
      }
      if (run < KILLS) {
        const delay = Math.floor(Math.random() * 1_500);
        killedAfter.push(delay);
        await new Promise((resolve) => setTimeout(resolve, delay));
        child.kill("SIGKILL");
      } else {
        requesting = false;
        await requests;
        // the last requests are mined, then every request is answered by the last run
        await chain.rpc("evm_mine");
        const receipts = await Promise.all(requestHashes.map((hash) => minedReceipt(chain, hash)));
        const requestIds = receipts.map((receipt) => loggedRequest(receipt).requestId);
        await waitUntil(
          "every request is answered",
          async () => {
            const answers = await Promise.all(requestIds.map((id) => consumerAnswer(chain, consumer, id)));
            return answers.every((answer) => answer !== undefined);
          },
          20_000,
        ).catch(async (error: unknown) => {
          const missing: string[] = [];
          for (const id of requestIds) {
            if ((await consumerAnswer(chain, consumer, id)) === undefined) missing.push(id);
          }
          const lines = output
            .split("\n")
            .filter(
              (line) => missing.some((id) => line.includes(id)) || line.includes("scan") || !line.startsWith("{"),
            );
          throw new Error(
            `${(error as Error).message}\nmissing ${missing.join(" ")}\n${lines.join("\n").slice(-6000)}`,
          );
        });
        child.kill("SIGTERM");
      }
      await exited(child);
    }
  } finally {
    requesting = false;
    clearInterval(mining);
    // a failure above leaves the node running: it must not outlive the test
    if (child !== undefined && child.exitCode === null && child.signalCode === null) {
      child.kill("SIGKILL");
      await exited(child);
    }
  }
  await chain.rpc("evm_mine");

  const receipts = await Promise.all(requestHashes.map((hash) => minedReceipt(chain, hash)));
  const requestIds = receipts.map((receipt) => loggedRequest(receipt).requestId);
  assert.ok(requestIds.length >= 30, `only ${requestIds.length} requests`);
  for (const requestId of requestIds) {
    assert.equal(await consumerAnswer(chain, consumer, requestId), 15_00000000n, requestId);
  }

  const node = fixture.nodes[0]!.address;
  const head = await chain.publicClient.getBlockNumber();
  const fulfillments = new Map<Hex, number>();
  for (let number = 0n; number <= head; number++) {
    const block = await chain.publicClient.getBlock({ blockNumber: number, includeTransactions: true });
    for (const transaction of block.transactions) {
      if (!isAddressEqual(transaction.from, node)) continue;
      const { functionName, args } = decodeFunctionData({ abi: operatorAbi, data: transaction.input });
      assert.match(functionName, /^fulfillOracleRequest2?$/);
      const requestId = (args as readonly unknown[])[0] as Hex;
      fulfillments.set(requestId, (fulfillments.get(requestId) ?? 0) + 1);
    }
  }
  const twice = [...fulfillments].filter(([, count]) => count > 1);
  assert.deepEqual(twice, [], `kills after ${killedAfter.join(", ")} ms; requests fulfilled more than once`);
  assert.deepEqual(new Set(fulfillments.keys()), new Set(requestIds));

  // the state file holds every request the chain saw a fulfillment of
  const recorded = new Set(
    (await readFile(state, "utf8"))
      .trim()
      .split("\n")
      .map((line) => JSON.parse(line) as { type: string; requestId?: Hex })
      .filter((record) => record.type === "fulfillment")
      .map((record) => record.requestId),
  );
  for (const requestId of fulfillments.keys()) assert.ok(recorded.has(requestId), `${requestId} is not in the state`);
});
