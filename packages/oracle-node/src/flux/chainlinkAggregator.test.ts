// End to end against Chainlink's own FluxAggregator (v0.6, compiled from its npm package): three oracle nodes and a
// fourth oracle driven by the test, on an in-process chain, the nodes reading a loopback price source over real HTTP.
import assert from "node:assert/strict";
import { mkdtemp, rm } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { after, before, describe, test } from "node:test";
import { parseAbi, type AbiEvent, type AbiFunction, type Address } from "viem";
import { chainlinkFluxAggregator, deployChainlinkFluxFixture } from "../internal/chainlinkAggregator.ts";
import { startTestChain, waitUntil, type FluxFixture, type TestChain } from "../internal/testChain.ts";
import { parseJobSpec, type FluxMonitorJobSpec } from "../jobs/jobSpec.ts";
import { startOracleNode, type OracleNode, type OracleNodeEvent } from "../node/oracleNode.ts";
import { startPriceSource, type PriceSource } from "../priceSource/server.ts";
import { fluxMonitorAbi } from "./aggregatorAbi.ts";

const POLL_MS = 200;
const IDLE_MS = 2_500;
// one poll period, plus the poll itself (three HTTP feeds and the chain reads on loopback) and a loaded machine
const SUBMIT_WITHIN_MS = POLL_MS + 600;

const submissionReceivedAbi = parseAbi([
  "event SubmissionReceived(int256 indexed submission, uint32 indexed round, address indexed oracle)",
]);

let chain: TestChain;
let source: PriceSource;
let fixture: FluxFixture;
let dir: string;
/** The three oracles that run a node; the fourth is the test's. */
let nodeOracles: FluxFixture["oracles"];
let testOracle: FluxFixture["oracles"][number];
const nodes: OracleNode[] = [];
const events: (OracleNodeEvent & { node: Address; at: number })[] = [];

const read = (functionName: "latestRound" | "latestAnswer") =>
  chain.publicClient.readContract({ address: fixture.aggregator, abi: fluxMonitorAbi, functionName });

/** The submissions to `roundId`, by Chainlink's SubmissionReceived events. */
async function submissions(roundId: number): Promise<{ oracle: Address; submission: bigint }[]> {
  const logs = await chain.publicClient.getContractEvents({
    address: fixture.aggregator,
    abi: submissionReceivedAbi,
    eventName: "SubmissionReceived",
    args: { round: roundId },
    fromBlock: 0n,
    strict: true,
  });
  return logs.map((log) => ({ oracle: log.args.oracle, submission: log.args.submission }));
}

const submitted = (roundId: number) =>
  events.filter(
    (event): event is Extract<typeof event, { type: "submitted" }> =>
      event.type === "submitted" && event.roundId === roundId,
  );

/** Until every node's submission to `roundId` is mined (`onChain` in all) and each node has reported it sent. */
const everyNodeAnswered = (roundId: number, onChain: number, timeoutMs?: number) =>
  waitUntil(
    `every node answered round ${roundId}`,
    async () => submitted(roundId).length === 3 && (await submissions(roundId)).length === onChain,
    timeoutMs,
  );

before(async () => {
  chain = await startTestChain();
  source = await startPriceSource({ pairs: ["LINK/USD"], startPrices: { "LINK/USD": "15" }, tickMs: 0 });
  // three different prices: a node's answer is their median, the honest 15
  source.skew({ api: "coinbase", percent: -10 });
  source.skew({ api: "kraken", percent: 20 });
  // four oracles, three answers make a round: the test's oracle need not answer the nodes' rounds
  fixture = await deployChainlinkFluxFixture(chain, { oracleIndexes: [1, 2, 3, 4], minSubmissions: 3 });
  nodeOracles = fixture.oracles.slice(0, 3);
  testOracle = fixture.oracles[3]!;
  dir = await mkdtemp(join(tmpdir(), "flux-chainlink-e2e-"));
  const job = parseJobSpec({
    name: "LINK/USD",
    initiators: [
      {
        type: "fluxmonitor",
        params: {
          address: fixture.aggregator,
          feeds: [
            { type: "coingecko", baseUrl: source.url, pair: "LINK/USD", timeout: "500ms" },
            { type: "coinbase", baseUrl: source.url, pair: "LINK/USD", timeout: "500ms" },
            { type: "kraken", baseUrl: source.url, pair: "LINK/USD", timeout: "500ms" },
          ],
          threshold: 1,
          absoluteThreshold: 0,
          precision: 8,
          pollTimer: { period: `${POLL_MS}ms` },
          idleTimer: { duration: `${IDLE_MS}ms` },
          minFeedAnswers: 2,
        },
      },
    ],
  }) as FluxMonitorJobSpec;
  for (const [i, oracle] of nodeOracles.entries()) {
    nodes.push(
      await startOracleNode({
        rpcUrl: chain.rpcUrl,
        privateKey: oracle.privateKey,
        jobs: [job],
        statePath: join(dir, `node${i}.jsonl`),
        pollingIntervalMs: 50,
        onEvent: (event) => events.push({ ...event, node: oracle.address, at: Date.now() }),
      }),
    );
  }
});

after(async () => {
  await Promise.all(nodes.map((node) => node.stop()));
  await source?.close();
  await chain?.close();
  if (dir !== undefined) await rm(dir, { recursive: true });
});

describe("flux monitor, three nodes against Chainlink's FluxAggregator", () => {
  // the node reads and writes Chainlink's contract with its own ABI: each item must be Chainlink's, to the types
  test("every ABI item the monitor uses is in Chainlink's compiled ABI", () => {
    const signature = (item: { type: string; name?: string; inputs?: readonly { type: string }[] }) =>
      `${item.type} ${item.name}(${(item.inputs ?? []).map((input) => input.type).join(",")})`;
    const { abi } = chainlinkFluxAggregator();
    for (const item of [...fluxMonitorAbi, ...submissionReceivedAbi]) {
      const theirs = abi.find((candidate) => signature(candidate) === signature(item));
      assert.ok(theirs, `${signature(item)} is not in Chainlink's ABI`);
      if (item.type === "function") {
        const { stateMutability, outputs } = theirs as AbiFunction;
        assert.equal(item.stateMutability, stateMutability, signature(item));
        assert.deepEqual(
          item.outputs.map((output) => output.type),
          outputs.map((output) => output.type),
        );
      } else {
        assert.deepEqual(
          (item as AbiEvent).inputs.map((input) => input.indexed ?? false),
          (theirs as AbiEvent).inputs.map((input) => input.indexed ?? false),
          signature(item),
        );
      }
    }
  });

  test("the first poll starts round 1, every node answers it with the median of its feeds", async () => {
    await everyNodeAnswered(1, 3);
    assert.equal(await read("latestRound"), 1n);
    assert.equal(await read("latestAnswer"), 15_00000000n);
    assert.deepEqual(
      new Set((await submissions(1)).map(({ oracle, submission }) => `${oracle} ${submission}`)),
      new Set(nodeOracles.map((oracle) => `${oracle.address} 1500000000`)),
    );
  });

  test("a jump past the threshold: every node submits within one poll period, the answer is the median", async () => {
    const jumpedAt = Date.now();
    source.jump("LINK/USD", "5");
    await everyNodeAnswered(2, 3, 3_000);
    const round2 = submitted(2);
    assert.deepEqual(new Set(round2.map((event) => event.node)), new Set(nodeOracles.map((oracle) => oracle.address)));
    const slowest = Math.max(...round2.map((event) => event.at - jumpedAt));
    assert.ok(slowest <= SUBMIT_WITHIN_MS, `the last node submitted ${slowest} ms after the jump`);
    // the feeds say 15.75, 14.175 and 18.9
    assert.equal(await read("latestRound"), 2n);
    assert.equal(await read("latestAnswer"), 15_75000000n);
  });

  test("another oracle's NewRound is answered at once, though the price did not move", async () => {
    const wallet = chain.walletOf(testOracle.address);
    const startedAt = Date.now();
    const hash = await wallet.writeContract({
      address: fixture.aggregator,
      abi: fluxMonitorAbi,
      functionName: "submit",
      // an outlier: Chainlink's median of the round leaves it out
      args: [3n, 99_00000000n],
    });
    assert.equal((await chain.publicClient.waitForTransactionReceipt({ hash })).status, "success");
    await everyNodeAnswered(3, 4, 3_000);
    const round3 = submitted(3);
    assert.equal(round3.length, 3);
    assert.ok(
      round3.every((event) => event.trigger === "newRound"),
      round3.map((event) => event.trigger).join(),
    );
    const slowest = Math.max(...round3.map((event) => event.at - startedAt));
    assert.ok(slowest <= SUBMIT_WITHIN_MS, `the last node submitted ${slowest} ms after the NewRound`);
    const seen = events.filter((event) => event.type === "newRound" && event.roundId === 3);
    assert.ok(seen.every((event) => event.type === "newRound" && event.startedBy === testOracle.address));
    assert.equal(new Set(seen.map((event) => event.node)).size, 3);
    assert.equal(await read("latestRound"), 3n);
    assert.equal(await read("latestAnswer"), 15_75000000n);
  });

  test("the idle timer forces a round at the unchanged price", async () => {
    await everyNodeAnswered(4, 3, IDLE_MS + 2_000);
    const round4 = submitted(4);
    assert.equal(round4.length, 3);
    // the node whose idle timer fired first started the round; the others answered its NewRound (or idled too)
    assert.ok(round4.some((event) => event.trigger === "idle"));
    assert.equal(await read("latestAnswer"), 15_75000000n);
  });

  test("no node submitted twice to a round, on the chain or by its own account", async () => {
    const seen = new Set<string>();
    for (const event of events) {
      if (event.type !== "submitted") continue;
      const key = `${event.node} ${event.roundId}`;
      assert.ok(!seen.has(key), key);
      seen.add(key);
    }
    for (const roundId of [1, 2, 3, 4]) {
      const oracles = (await submissions(roundId)).map(({ oracle }) => oracle);
      assert.equal(new Set(oracles).size, oracles.length, `round ${roundId}: ${oracles.join()}`);
    }
    // nothing the aggregator refused: the node relied on no revert string or event shape of ours
    assert.deepEqual(
      events.filter((event) => event.type === "error"),
      [],
    );
  });
});
