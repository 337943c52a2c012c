// End to end: three oracle nodes run the flux monitor against our FluxAggregator on an in-process chain, reading a
// loopback price source over real HTTP.
import assert from "node:assert/strict";
import { mkdtemp, rm } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { after, before, describe, test } from "node:test";
import type { Address } from "viem";
import { fluxAggregatorAbi } from "../../../sdk/src/generated/contracts.ts";
import {
  deployFluxFixture,
  startTestChain,
  waitUntil,
  type FluxFixture,
  type TestChain,
} from "../internal/testChain.ts";
import { parseJobSpec, type FluxMonitorJobSpec } from "../jobs/jobSpec.ts";
import { startOracleNode, type OracleNode, type OracleNodeEvent } from "../node/oracleNode.ts";
import { startPriceSource, type PriceSource } from "../priceSource/server.ts";

const POLL_MS = 200;
const IDLE_MS = 2_500;

let chain: TestChain;
let source: PriceSource;
let fixture: FluxFixture;
let dir: string;
const nodes: OracleNode[] = [];
const events: (OracleNodeEvent & { node: Address; at: number })[] = [];

const read = <T>(functionName: "latestRound" | "latestAnswer") =>
  chain.publicClient.readContract({ address: fixture.aggregator, abi: fluxAggregatorAbi, functionName }) as Promise<T>;

/** The oracles that submitted to `roundId`, by the SubmissionReceived events. */
async function submitters(roundId: number): Promise<Address[]> {
  const logs = await chain.publicClient.getContractEvents({
    address: fixture.aggregator,
    abi: fluxAggregatorAbi,
    eventName: "SubmissionReceived",
    args: { round: roundId },
    fromBlock: 0n,
  });
  return logs.map((log) => log.args.oracle!);
}

before(async () => {
  chain = await startTestChain();
  source = await startPriceSource({ pairs: ["LINK/USD"], startPrices: { "LINK/USD": "15" }, tickMs: 0 });
  fixture = await deployFluxFixture(chain);
  dir = await mkdtemp(join(tmpdir(), "flux-e2e-"));
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
  for (const [i, oracle] of fixture.oracles.entries()) {
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

describe("flux monitor, three nodes", () => {
  test("the first poll starts round 1 and every node answers it", async () => {
    await waitUntil("round 1 is answered", async () => (await read<bigint>("latestRound")) === 1n);
    assert.equal(await read<bigint>("latestAnswer"), 15_00000000n);
    assert.deepEqual(new Set(await submitters(1)), new Set(fixture.oracles.map((oracle) => oracle.address)));
  });

  test("a jump past the threshold: every node submits within one poll period, the answer is the median", async () => {
    const jumpedAt = Date.now();
    source.jump("LINK/USD", "5");
    await waitUntil("round 2 is answered", async () => (await read<bigint>("latestRound")) === 2n, 3_000);
    const submitted = events.filter((event) => event.type === "submitted" && event.roundId === 2);
    assert.equal(submitted.length, 3);
    const slowest = Math.max(...submitted.map((event) => event.at - jumpedAt));
    // one poll period, plus the poll itself (three HTTP feeds and the chain reads on loopback) and a loaded machine
    assert.ok(slowest <= POLL_MS + 600, `the last node submitted ${slowest} ms after the jump`);
    assert.equal(await read<bigint>("latestAnswer"), 15_75000000n);
  });

  test("a lying feed, then a failing one, in a minority: no round, since the median did not move", async () => {
    source.skew({ api: "kraken", percent: 50 });
    await new Promise((resolve) => setTimeout(resolve, 3 * POLL_MS));
    source.skew({ api: "kraken", percent: 0 });
    source.outage({ api: "coinbase", mode: "error" });
    await new Promise((resolve) => setTimeout(resolve, 3 * POLL_MS));
    source.outage({ mode: "none" });
    assert.equal(await read<bigint>("latestRound"), 2n);
    const withinThreshold = events.filter((event) => event.type === "skipped" && event.reason === "withinThreshold");
    assert.ok(withinThreshold.length > 0);
  });

  test("the idle timer forces a round at the unchanged price; a lying feed does not move its answer", async () => {
    source.skew({ api: "kraken", percent: 50 });
    await waitUntil("round 3 is answered", async () => (await read<bigint>("latestRound")) === 3n, IDLE_MS + 2_000);
    assert.equal(await read<bigint>("latestAnswer"), 15_75000000n);
    const round3 = events.filter((event) => event.type === "submitted" && event.roundId === 3);
    assert.equal(round3.length, 3);
    // the node whose idle timer fired first started the round; the others answered its NewRound (or idled too)
    assert.ok(round3.some((event) => event.type === "submitted" && event.trigger === "idle"));
  });

  test("no node submitted twice to a round", () => {
    const seen = new Set<string>();
    for (const event of events) {
      if (event.type !== "submitted") continue;
      const key = `${event.node} ${event.roundId}`;
      assert.ok(!seen.has(key), key);
      seen.add(key);
    }
  });
});
