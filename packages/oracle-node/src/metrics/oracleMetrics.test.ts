// A running node's /metrics: its submissions, their latency and gas, its balance and earnings, then a round it missed
// while its feeds were down.
import assert from "node:assert/strict";
import { mkdtemp, rm } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { after, before, test } from "node:test";
import { getAddress } from "viem";
import { fluxAggregatorAbi } from "../../../sdk/src/generated/contracts.ts";
import {
  deployFluxFixture,
  startTestChain,
  waitUntil,
  type FluxFixture,
  type TestChain,
} from "../internal/testChain.ts";
import { parseJobSpec, type FluxMonitorJobSpec } from "../jobs/jobSpec.ts";
import { startOracleNode, type OracleNode } from "../node/oracleNode.ts";
import { startPriceSource, type PriceSource } from "../priceSource/server.ts";

let chain: TestChain;
let source: PriceSource;
let fixture: FluxFixture;
let dir: string;
let node: OracleNode;

before(async () => {
  chain = await startTestChain();
  source = await startPriceSource({ pairs: ["LINK/USD"], startPrices: { "LINK/USD": "15" }, tickMs: 0 });
  // two oracles, one answer each round: the second (not a node here) can start rounds by itself
  fixture = await deployFluxFixture(chain, { oracleIndexes: [8, 9], minSubmissions: 1, maxSubmissions: 2 });
  dir = await mkdtemp(join(tmpdir(), "flux-metrics-"));
  const job = parseJobSpec({
    name: "LINK/USD",
    initiators: [
      {
        type: "fluxmonitor",
        params: {
          address: fixture.aggregator,
          feeds: ["coingecko", "coinbase", "kraken"].map((type) => ({
            type,
            baseUrl: source.url,
            pair: "LINK/USD",
            timeout: "300ms",
          })),
          threshold: 1,
          absoluteThreshold: 0,
          precision: 8,
          pollTimer: { period: "200ms" },
          idleTimer: { duration: "1h" },
          minFeedAnswers: 2,
        },
      },
    ],
  }) as FluxMonitorJobSpec;
  node = await startOracleNode({
    rpcUrl: [chain.rpcUrl],
    privateKey: fixture.oracles[0]!.privateKey,
    jobs: [job],
    statePath: join(dir, "node.jsonl"),
    pollingIntervalMs: 50,
    metricsPort: 0,
  });
});

after(async () => {
  await node?.stop();
  await source?.close();
  await chain?.close();
  if (dir !== undefined) await rm(dir, { recursive: true });
});

async function scrape(): Promise<string> {
  return (await fetch(node.metricsUrl!)).text();
}

function sample(text: string, series: string): number | undefined {
  const line = text.split("\n").find((candidate) => candidate.startsWith(`${series} `));
  return line === undefined ? undefined : Number(line.slice(series.length + 1));
}

test(
  "a running node's /metrics shows its submission, latency, gas, balance and earnings",
  { timeout: 20_000 },
  async () => {
    let text = "";
    await waitUntil(
      "the node's first submission is mined and counted",
      async () => {
        text = await scrape();
        return (sample(text, "poolnet_oracle_gas_spent_wei_total") ?? 0) > 0;
      },
      10_000,
    );
    assert.equal(sample(text, 'poolnet_oracle_rounds_submitted_total{job="LINK/USD"}'), 1);
    assert.equal(sample(text, 'poolnet_oracle_submission_latency_seconds_count{job="LINK/USD"}'), 1);
    assert.equal(sample(text, 'poolnet_oracle_submission_latency_seconds_bucket{job="LINK/USD",le="+Inf"}'), 1);
    assert.match(text, /^# TYPE poolnet_oracle_submission_latency_seconds histogram$/m);
    assert.ok(sample(text, "poolnet_oracle_eth_balance_wei")! > 0);
    const earned = `poolnet_oracle_link_withdrawable_wei{job="LINK/USD",aggregator="${getAddress(fixture.aggregator)}"}`;
    assert.equal(sample(text, earned), 1e15);
  },
);

test(
  "a round the node could not answer, closed by the next: missed, and the feed errors counted",
  { timeout: 20_000 },
  async () => {
    source.outage({ mode: "error" });
    const other = chain.walletOf(fixture.oracles[1]!.address);
    const submit = async (roundId: bigint) =>
      chain.publicClient.waitForTransactionReceipt({
        hash: await other.writeContract({
          address: fixture.aggregator,
          abi: fluxAggregatorAbi,
          functionName: "submit",
          args: [roundId, 15_00000000n],
        }),
      });
    await submit(2n);
    await waitUntil(
      "the node tried to answer round 2",
      async () => (sample(await scrape(), 'poolnet_oracle_feed_errors_total{job="LINK/USD",source="kraken"}') ?? 0) > 0,
      5_000,
    );
    await submit(3n);
    await waitUntil(
      "round 2 is counted missed",
      async () => sample(await scrape(), 'poolnet_oracle_rounds_missed_total{job="LINK/USD"}') === 1,
      5_000,
    );
    source.outage({ mode: "none" });
  },
);
