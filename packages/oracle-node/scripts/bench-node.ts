// How fast one oracle node answers a price move past its threshold, and how many feeds it keeps polling every second
// without missing a poll, on this machine (`npm run bench:node`). The chain (EDR behind loopback JSON-RPC) and the price
// source run in this process; the node runs alone in a child process (this file with --node), as it would in
// production, and timestamps its own events there.
import { fork, type ChildProcess } from "node:child_process";
import { mkdir, mkdtemp, rm, writeFile } from "node:fs/promises";
import { availableParallelism, tmpdir } from "node:os";
import { join } from "node:path";
import { monitorEventLoopDelay } from "node:perf_hooks";
import { fileURLToPath } from "node:url";
import { devPrivateKeys } from "@poolnet/sdk";
import { parseUnits, toFunctionSelector, type Address, type Hex } from "viem";
import { fluxAggregatorAbi } from "../../sdk/src/generated/contracts.ts";
import { deployFluxFixture, startTestChain, type TestChain } from "../src/internal/testChain.ts";
import { parseJobSpec, type JobSpec } from "../src/jobs/jobSpec.ts";
import { startOracleNode, type OracleNodeEvent } from "../src/node/oracleNode.ts";
import { startPriceSource, type PriceSource } from "../src/priceSource/server.ts";

const POLL_MS = 1_000;
const THRESHOLD_PERCENT = 0.5;
const JUMP_PERCENT = 1; // twice the threshold: every jump crosses it, up and down alike
const JUMPS = 20;
const LATENCY_GOAL_MS = POLL_MS + 2_000; // issue 4: within one poll interval + 2 s
const PAIRS = ["LINK/USD", "ETH/USD", "BTC/USD"];
const FEED_APIS = ["coingecko", "coinbase", "kraken"] as const; // three price APIs per job, all from the price source
const DECIMALS = 8;
const JOB_COUNTS = [10, 25, 50, 100, 150, 200, 300, 400, 800];
const WINDOW_MS = 10_000;
const WARMUP_TIMEOUT_MS = 30_000;
// a poll comes a little over one period after the previous one by design (the period counts from the poll's start,
// after the NewRound log read and the timer's own delay): only more than this much over one period counts as late
const LATE_TOLERANCE_MS = POLL_MS / 10;
const CAPACITY_BUDGET_MS = 4 * 60_000; // no new step starts after this long
const DEPLOY_CONCURRENCY = 8;

type Row = { metric: string; value: number; unit: string; params: Record<string, number | string> };

/** An event as the node process reports it: its type, job and trigger, and when it happened (ms since the epoch). */
type TimedEvent = {
  /** The node's events, and "pollStarted": the node sending a poll's first read of its aggregator (see runNodeProcess). */
  type: OracleNodeEvent["type"] | "pollStarted";
  job: string;
  trigger?: string;
  roundId?: number;
  at: number;
};
type NodeMessage =
  | { type: "event"; event: TimedEvent; message?: string }
  | { type: "usage"; cpuMs: number; loopDelayP99Ms: number; loopDelayMaxMs: number };
type NodeCommand =
  | { type: "start"; rpcUrl: string; privateKey: Hex; jobs: unknown[]; statePath: string }
  | { type: "usage" }
  | { type: "stop" };

type RpcCall = { method: string; params?: [{ to?: string; data?: string }?] };
const ORACLE_ROUND_STATE_SELECTOR = toFunctionSelector("oracleRoundState(address,uint32)");

/** Wall-clock ms with sub-ms precision, comparable between this process and the node's. */
const clock = () => performance.timeOrigin + performance.now();
const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

/** The child: one oracle node, every event sent to the parent with the time it happened here. */
async function runNodeProcess(): Promise<void> {
  const send = (message: NodeMessage) => process.send!(message);
  const loopDelay = monitorEventLoopDelay({ resolution: 10 });
  let cpuAtStart = process.cpuUsage();
  process.once("disconnect", () => process.exit(0));
  const start = await new Promise<Extract<NodeCommand, { type: "start" }>>((resolve) =>
    process.once("message", (command: NodeCommand) => command.type === "start" && resolve(command)),
  );
  // The node has no event at a poll's start, only at its end (whose time moves with the poll's duration). A poll's
  // first read of its own aggregator is oracleRoundState (after a getChainId): seen here, as the node's fetch sends
  // it, it times the poll's start to within one loopback round trip without touching the node's code.
  const jobOf = new Map(
    start.jobs.map((spec) => {
      const { name, initiators } = spec as { name: string; initiators: [{ params: { address: string } }] };
      return [initiators[0].params.address.toLowerCase(), name];
    }),
  );
  const nodeFetch = globalThis.fetch;
  globalThis.fetch = (input, init) => {
    if (typeof init?.body === "string" && init.body.includes(ORACLE_ROUND_STATE_SELECTOR)) {
      const at = clock();
      const body = JSON.parse(init.body) as RpcCall | RpcCall[];
      for (const call of Array.isArray(body) ? body : [body]) {
        const job = call.method === "eth_call" ? jobOf.get(String(call.params?.[0]?.to).toLowerCase()) : undefined;
        if (job !== undefined && call.params?.[0]?.data?.startsWith(ORACLE_ROUND_STATE_SELECTOR)) {
          send({ type: "event", event: { type: "pollStarted", job, at } });
        }
      }
    }
    return nodeFetch(input, init);
  };
  const node = await startOracleNode({
    rpcUrl: start.rpcUrl,
    privateKey: start.privateKey,
    jobs: start.jobs.map((spec) => parseJobSpec(spec) as JobSpec),
    statePath: start.statePath,
    onEvent(event) {
      const at = clock();
      const roundId = "roundId" in event ? event.roundId : undefined;
      const trigger = "trigger" in event ? event.trigger : undefined;
      const message = event.type === "error" ? String((event.error as Error)?.message ?? event.error) : undefined;
      send({ type: "event", event: { type: event.type, job: event.job, trigger, roundId, at }, message });
    },
  });
  process.on("message", (command: NodeCommand) => {
    if (command.type === "usage") {
      // since the previous "usage": the measuring window
      const cpu = process.cpuUsage(cpuAtStart);
      send({
        type: "usage",
        cpuMs: (cpu.user + cpu.system) / 1_000,
        loopDelayP99Ms: loopDelay.percentile(99) / 1e6,
        loopDelayMaxMs: loopDelay.max / 1e6,
      });
      cpuAtStart = process.cpuUsage();
      loopDelay.reset();
    } else if (command.type === "stop") {
      void node.stop().then(() => process.exit(0));
    }
  });
  loopDelay.enable();
}

/** A node process running `jobs`, its events kept in `events`. */
type NodeProcess = {
  events: TimedEvent[];
  errors: string[];
  /** Resolves with the first event from now on that `match` accepts. */
  next(match: (event: TimedEvent) => boolean, timeoutMs: number): Promise<TimedEvent>;
  usage(): Promise<Extract<NodeMessage, { type: "usage" }>>;
  stop(): Promise<void>;
};

async function startNodeProcess(chain: TestChain, privateKey: Hex, jobs: unknown[], dir: string): Promise<NodeProcess> {
  const child: ChildProcess = fork(fileURLToPath(import.meta.url), ["--node"], {
    stdio: ["ignore", "inherit", "inherit", "ipc"],
  });
  const events: TimedEvent[] = [];
  const errors: string[] = [];
  const waiters = new Set<{ match: (event: TimedEvent) => boolean; resolve: (event: TimedEvent) => void }>();
  let usageWaiter: ((message: Extract<NodeMessage, { type: "usage" }>) => void) | undefined;
  child.on("message", (message: NodeMessage) => {
    if (message.type === "usage") {
      usageWaiter?.(message);
      return;
    }
    events.push(message.event);
    if (message.message !== undefined) errors.push(`${message.event.job}: ${message.message}`);
    for (const waiter of waiters) {
      if (waiter.match(message.event)) {
        waiters.delete(waiter);
        waiter.resolve(message.event);
      }
    }
  });
  const exited = new Promise<void>((resolve) => child.once("exit", () => resolve()));
  const statePath = join(dir, `node-${jobs.length}-${Date.now()}.jsonl`);
  child.send({ type: "start", rpcUrl: chain.rpcUrl, privateKey, jobs, statePath } satisfies NodeCommand);
  return {
    events,
    errors,
    next(match, timeoutMs) {
      return new Promise((resolve, reject) => {
        const waiter = {
          match,
          resolve: (event: TimedEvent) => {
            clearTimeout(timer);
            resolve(event);
          },
        };
        const timer = setTimeout(() => {
          waiters.delete(waiter);
          reject(new Error(`no such event from the node within ${timeoutMs} ms`));
        }, timeoutMs);
        waiters.add(waiter);
      });
    },
    usage() {
      return new Promise((resolve) => {
        usageWaiter = resolve;
        child.send({ type: "usage" } satisfies NodeCommand);
      });
    },
    async stop() {
      child.send({ type: "stop" } satisfies NodeCommand);
      const killed = setTimeout(() => child.kill("SIGKILL"), 10_000);
      await exited;
      clearTimeout(killed);
    },
  };
}

/** The end of a timer poll: every poll ends in exactly one "skipped" or "submitted" event (the node has no start event). */
const isPollEnd = (event: TimedEvent) =>
  (event.type === "skipped" || event.type === "submitted") && event.trigger !== "newRound";

function jobSpec(name: string, aggregator: Address, pair: string, baseUrl: string): unknown {
  return {
    name,
    initiators: [
      {
        type: "fluxmonitor",
        params: {
          address: aggregator,
          feeds: FEED_APIS.map((type) => ({ type, baseUrl, pair, timeout: "500ms" })),
          threshold: THRESHOLD_PERCENT,
          absoluteThreshold: 0,
          precision: DECIMALS,
          pollTimer: { period: `${POLL_MS}ms` },
          idleTimer: { disabled: true },
          minFeedAnswers: 2,
        },
      },
    ],
  };
}

type Feed = { aggregator: Address; pair: string };

/**
 * `count` funded aggregators with the node's key as their only oracle, each with round 1 already answered at the
 * source's price: the node starts in the steady state (polls within the threshold), not with one submission per feed.
 */
async function deployFeeds(chain: TestChain, source: PriceSource, from: number, count: number): Promise<Feed[]> {
  const feeds: Feed[] = new Array<Feed>(count);
  let next = 0;
  const lane = async () => {
    for (let i = next++; i < count; i = next++) {
      const pair = PAIRS[(from + i) % PAIRS.length]!;
      const fixture = await deployFluxFixture(chain, { oracleIndexes: [1], timeout: 600, decimals: DECIMALS });
      const answer = parseUnits(source.state().prices[pair]!, DECIMALS);
      const hash = await chain.walletOf(fixture.oracles[0]!.address).writeContract({
        address: fixture.aggregator,
        abi: fluxAggregatorAbi,
        functionName: "submit",
        args: [1n, answer],
      });
      await chain.publicClient.waitForTransactionReceipt({ hash });
      feeds[i] = { aggregator: fixture.aggregator, pair };
    }
  };
  await Promise.all(Array.from({ length: DEPLOY_CONCURRENCY }, lane));
  return feeds;
}

/** Nearest-rank percentile. */
function percentile(values: number[], p: number): number {
  const sorted = [...values].sort((a, b) => a - b);
  return sorted[Math.max(0, Math.ceil((p / 100) * sorted.length) - 1)]!;
}

function printTable(header: string[], lines: string[][]) {
  const widths = header.map((h, i) => Math.max(h.length, ...lines.map((l) => l[i]!.length)));
  const fmt = (cells: string[]) => `| ${cells.map((c, i) => c.padEnd(widths[i]!)).join(" | ")} |`;
  console.log(fmt(header));
  console.log(fmt(widths.map((w) => "-".repeat(w))));
  for (const l of lines) console.log(fmt(l));
}

const ms = (value: number) => Math.round(value).toLocaleString("en-US");

/**
 * Latency from a jump past the threshold at the source to the node's "submitted" event, which the node emits once
 * eth_sendRawTransaction has returned (the chain holds the transaction): each jump at a random offset in the period.
 */
async function measureLatency(chain: TestChain, source: PriceSource, privateKey: Hex, dir: string): Promise<number[]> {
  const [feed] = await deployFeeds(chain, source, 0, 1);
  const node = await startNodeProcess(
    chain,
    privateKey,
    [jobSpec("latency", feed!.aggregator, feed!.pair, source.url)],
    dir,
  );
  const latencies: number[] = [];
  try {
    for (let jump = 0; jump < JUMPS; jump++) {
      await node.next(isPollEnd, 10_000);
      await sleep(Math.random() * POLL_MS);
      const jumpedAt = clock();
      source.jump(feed!.pair, jump % 2 === 0 ? JUMP_PERCENT : -JUMP_PERCENT);
      const sent = await node.next((event) => event.type === "submitted", LATENCY_GOAL_MS + 10_000);
      latencies.push(sent.at - jumpedAt);
      process.stderr.write(`jump ${jump + 1}/${JUMPS}: sent after ${ms(latencies.at(-1)!)} ms\n`);
    }
  } finally {
    await node.stop();
  }
  if (node.errors.length > 0) process.stderr.write(`node errors: ${node.errors.slice(0, 5).join("; ")}\n`);
  return latencies;
}

type CapacityStep = {
  jobs: number;
  polls: number;
  late: number;
  missed: number;
  lateness: { p50: number; p99: number; max: number };
  pollsPerJobPerSecond: number;
  /** Polls that ended without a price (the feeds timed out or failed): made, yet of no use. */
  failed: number;
  nodeCpuPercent: number;
  /** The chain and the price source: this process, on the same two cores. */
  benchCpuPercent: number;
  loopDelayP99Ms: number;
  errors: number;
  warmedUp: boolean;
};

/**
 * One node with `feeds.length` jobs: after every job has polled twice, the gaps between each job's consecutive poll
 * starts in a window of WINDOW_MS. A gap over one period plus LATE_TOLERANCE_MS is a late poll; every whole period in a gap
 * past the first is a missed poll (a job with no poll at the window's end counts the periods since its last).
 */
async function measureCapacity(feeds: Feed[], chain: TestChain, source: PriceSource, privateKey: Hex, dir: string) {
  const jobs = feeds.map((feed, i) => jobSpec(`feed-${i}`, feed.aggregator, feed.pair, source.url));
  const node = await startNodeProcess(chain, privateKey, jobs, dir);
  const pollsOf = (job: string) => node.events.filter((event) => event.job === job && event.type === "pollStarted");
  const names = feeds.map((_, i) => `feed-${i}`);
  let warmedUp = true;
  const warmupDeadline = Date.now() + WARMUP_TIMEOUT_MS;
  while (names.some((job) => pollsOf(job).length < 2)) {
    if (Date.now() > warmupDeadline) {
      warmedUp = false;
      break;
    }
    await sleep(100);
  }
  const errorsBefore = node.errors.length;
  await node.usage(); // resets the node's CPU and event-loop counters
  const benchCpuAtStart = process.cpuUsage();
  const windowStart = clock();
  await sleep(WINDOW_MS);
  const windowEnd = clock();
  const benchCpu = process.cpuUsage(benchCpuAtStart);
  const usage = await node.usage();
  await node.stop();

  const gaps: number[] = [];
  let polls = 0;
  let missed = 0;
  for (const job of names) {
    const times = pollsOf(job).map((event) => event.at);
    let previous = times.findLast((at) => at < windowStart);
    for (const at of times.filter((t) => t >= windowStart && t <= windowEnd)) {
      polls++;
      if (previous !== undefined) gaps.push(at - previous);
      previous = at;
    }
    const sinceLast = windowEnd - (previous ?? windowStart);
    if (sinceLast >= 2 * POLL_MS) gaps.push(sinceLast);
  }
  for (const gap of gaps) missed += Math.max(0, Math.floor(gap / POLL_MS) - 1);
  const lateness = gaps.map((gap) => gap - POLL_MS);
  const step: CapacityStep = {
    jobs: feeds.length,
    polls,
    late: lateness.filter((late) => late > LATE_TOLERANCE_MS).length,
    missed,
    lateness: {
      p50: percentile(lateness, 50),
      p99: percentile(lateness, 99),
      max: Math.max(...lateness),
    },
    pollsPerJobPerSecond: polls / feeds.length / ((windowEnd - windowStart) / 1_000),
    failed: node.events.filter(
      (event) =>
        event.type === "error" &&
        event.trigger !== undefined &&
        event.trigger !== "newRound" &&
        event.at >= windowStart &&
        event.at <= windowEnd,
    ).length,
    nodeCpuPercent: (usage.cpuMs / (windowEnd - windowStart)) * 100,
    benchCpuPercent: ((benchCpu.user + benchCpu.system) / 1_000 / (windowEnd - windowStart)) * 100,
    loopDelayP99Ms: usage.loopDelayP99Ms,
    errors: node.errors.length - errorsBefore,
    warmedUp,
  };
  if (step.errors > 0)
    process.stderr.write(`  errors, e.g. ${node.errors.slice(errorsBefore, errorsBefore + 3).join("; ")}\n`);
  return step;
}

async function runBench(): Promise<void> {
  const chain = await startTestChain();
  // no random walk: prices move only by the bench's jumps, so every capacity poll is a plain poll within the threshold
  const source = await startPriceSource({ pairs: PAIRS, tickMs: 0 });
  const dir = await mkdtemp(join(tmpdir(), "poolnet-bench-node-"));
  // dev account 1, the only oracle of every aggregator deployFeeds makes
  const [privateKey] = devPrivateKeys([1]) as [Hex];
  const rows: Row[] = [];
  try {
    process.stderr.write(`latency: ${JUMPS} jumps of ±${JUMP_PERCENT}% past a ${THRESHOLD_PERCENT}% threshold…\n`);
    const latencies = await measureLatency(chain, source, privateKey, dir);
    const latencyParams = { pollMs: POLL_MS, thresholdPercent: THRESHOLD_PERCENT, jumps: JUMPS };
    const statistics = [
      ["median", percentile(latencies, 50)],
      ["p90", percentile(latencies, 90)],
      ["max", Math.max(...latencies)],
    ] as const;
    for (const [statistic, value] of statistics) {
      rows.push({
        metric: "latency.thresholdToSent.ms",
        value: Math.round(value),
        unit: "ms",
        params: { statistic, ...latencyParams },
      });
    }

    const steps: CapacityStep[] = [];
    const feeds: Feed[] = [];
    const capacityStart = Date.now();
    for (const jobs of JOB_COUNTS) {
      if (Date.now() - capacityStart > CAPACITY_BUDGET_MS) {
        process.stderr.write(`capacity: time budget spent, ${jobs} jobs not tried\n`);
        break;
      }
      process.stderr.write(`capacity: deploying ${jobs - feeds.length} more aggregators…\n`);
      feeds.push(...(await deployFeeds(chain, source, feeds.length, jobs - feeds.length)));
      process.stderr.write(`capacity: ${jobs} jobs at a ${POLL_MS} ms poll for ${WINDOW_MS / 1_000} s…\n`);
      const step = await measureCapacity(feeds.slice(0, jobs), chain, source, privateKey, dir);
      steps.push(step);
      if (step.missed > 0 || !step.warmedUp) break;
    }
    const largest = (ok: (step: CapacityStep) => boolean) =>
      Math.max(0, ...steps.filter((step) => step.warmedUp && ok(step)).map((step) => step.jobs));
    const capacityParams = { pollMs: POLL_MS, feedsPerJob: FEED_APIS.length, windowMs: WINDOW_MS };
    const capacityTried = { ...capacityParams, cores: availableParallelism(), triedUpTo: steps.at(-1)?.jobs ?? 0 };
    const noMissed = largest((step) => step.missed === 0);
    const noFailed = largest((step) => step.missed === 0 && step.failed === 0);
    rows.push(
      { metric: "capacity.jobs.noMissedPolls", value: noMissed, unit: "jobs", params: capacityTried },
      { metric: "capacity.jobs.noMissedOrFailedPolls", value: noFailed, unit: "jobs", params: capacityTried },
    );
    for (const step of steps) {
      const params = { jobs: step.jobs, ...capacityParams };
      rows.push(
        { metric: "capacity.polls.missed", value: step.missed, unit: "polls", params },
        { metric: "capacity.polls.late", value: step.late, unit: "polls", params: { ...params, polls: step.polls } },
        {
          metric: "capacity.pollLateness.ms",
          value: Math.round(step.lateness.p50),
          unit: "ms",
          params: { statistic: "median", ...params },
        },
        {
          metric: "capacity.pollLateness.ms",
          value: Math.round(step.lateness.p99),
          unit: "ms",
          params: { statistic: "p99", ...params },
        },
        {
          metric: "capacity.pollLateness.ms",
          value: Math.round(step.lateness.max),
          unit: "ms",
          params: { statistic: "max", ...params },
        },
        { metric: "capacity.polls.failed", value: step.failed, unit: "polls", params },
        { metric: "capacity.nodeCpu.percent", value: Math.round(step.nodeCpuPercent), unit: "%", params },
        { metric: "capacity.chainAndSourceCpu.percent", value: Math.round(step.benchCpuPercent), unit: "%", params },
      );
    }

    console.log(`\nThreshold to submission sent, one node, ${POLL_MS} ms poll, ${THRESHOLD_PERCENT}% threshold:\n`);
    printTable(
      ["latency", "median", "p90", "max", `goal <= ${ms(LATENCY_GOAL_MS)} ms`],
      [
        [
          `thresholdToSent (${JUMPS} jumps)`,
          ...statistics.map(([, value]) => `${ms(value)} ms`),
          Math.max(...latencies) <= LATENCY_GOAL_MS ? "met" : "MISSED",
        ],
      ],
    );
    console.log(
      `\nFeeds one node polls every ${POLL_MS} ms, ${FEED_APIS.length} price APIs each, ${availableParallelism()} cores ` +
        `(late: over ${ms(POLL_MS + LATE_TOLERANCE_MS)} ms since the job's previous poll):\n`,
    );
    printTable(
      [
        "jobs",
        "polls",
        "polls/job/s",
        "late",
        "missed",
        "lateness median",
        "p99",
        "max",
        "failed",
        "node CPU",
        "node loop delay p99",
        "chain+source CPU",
      ],
      steps.map((step) => [
        String(step.jobs),
        step.polls.toLocaleString("en-US"),
        step.pollsPerJobPerSecond.toFixed(2),
        String(step.late),
        step.warmedUp ? String(step.missed) : `${step.missed} (no warm-up)`,
        `${ms(step.lateness.p50)} ms`,
        `${ms(step.lateness.p99)} ms`,
        `${ms(step.lateness.max)} ms`,
        String(step.failed),
        `${Math.round(step.nodeCpuPercent)}%`,
        `${step.loopDelayP99Ms.toFixed(1)} ms`,
        `${Math.round(step.benchCpuPercent)}%`,
      ]),
    );
    console.log(
      `\nlate: a job's poll over ${ms(POLL_MS + LATE_TOLERANCE_MS)} ms after its previous one; missed: each further ` +
        `whole period without a poll; failed: a poll that ended without a price (feeds timed out or failed)`,
    );
    console.log(`largest job count with no missed poll: ${noMissed}; with no missed or failed poll: ${noFailed}`);
  } finally {
    await source.close();
    await chain.close();
    await rm(dir, { recursive: true, force: true });
  }

  const out = new URL("../../../bench/results/node.json", import.meta.url);
  await mkdir(new URL(".", out), { recursive: true });
  await writeFile(out, `${JSON.stringify(rows, null, 2)}\n`);
  console.log(`\nwrote ${out.pathname}`);
}

// last: the constants and functions above are initialized by now
if (process.argv[2] === "--node") await runNodeProcess();
else await runBench();
