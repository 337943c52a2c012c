// `npm run bench:api`: requests/s and p50/p99 latency of the pool list (100 pools), one pool and one delegator's view,
// with autocannon on loopback against the API over the in-memory read model. The server runs in its own process so
// the load generator does not share its event loop. Prints a table and writes bench/results/api.json.
// Env: BENCH_SECONDS (per run, default 10), BENCH_RUNS (default 3), BENCH_CONNECTIONS (default 10).
import { spawn } from "node:child_process";
import { mkdir, writeFile } from "node:fs/promises";
import { cpus, totalmem } from "node:os";
import { createInterface } from "node:readline";
import autocannon from "autocannon";
import { createApp } from "../src/app.ts";
import { fixtureData } from "../src/internal/fixtures.ts";
import { createMemoryReadModel } from "../src/memoryReadModel.ts";

const POOLS = 100;
/** The uncached pool list's changing query parameter. */
let varied = 0;

if (process.argv.includes("--serve")) {
  const data = fixtureData({ pools: POOLS });
  const app = await createApp({ readModel: createMemoryReadModel(data), http: { rateLimit: false, logger: false } });
  const url = await app.listen({ port: 0, host: "127.0.0.1" });
  const pool = data.pools![0]!.pool;
  const delegator = data.delegators![0]!.delegator;
  process.stdout.write(`${JSON.stringify({ url, pool, delegator })}\n`);
} else {
  await bench();
}

type AutocannonResult = {
  requests: { average: number };
  latency: { p50: number; p99: number };
  non2xx: number;
  errors: number;
};

async function bench() {
  const seconds = Number(process.env.BENCH_SECONDS ?? 10);
  const runs = Number(process.env.BENCH_RUNS ?? 3);
  const connections = Number(process.env.BENCH_CONNECTIONS ?? 10);
  const server = spawn(process.execPath, [new URL(import.meta.url).pathname, "--serve"], {
    stdio: ["ignore", "pipe", "inherit"],
  });
  try {
    const first = await new Promise<string>((resolve, reject) => {
      createInterface({ input: server.stdout! }).once("line", resolve);
      server.once("exit", (code) => reject(new Error(`the API server exited with ${code}`)));
    });
    const { url, pool, delegator } = JSON.parse(first) as { url: string; pool: string; delegator: string };
    const targets: Target[] = [
      { name: "poolList", path: `/pools?limit=${POOLS}` },
      // a new query every request: the list built and serialized each time, past the one-second micro-cache
      { name: "poolListUncached", path: `/pools?limit=${POOLS}`, vary: true },
      { name: "pool", path: `/pools/${pool}` },
      { name: "delegator", path: `/delegators/${delegator}` },
    ];
    // every answer is checked once before it is timed: a fast 4xx would be no figure
    for (const target of targets) {
      const response = await fetch(url + target.path);
      const text = await response.text();
      if (response.status !== 200) throw new Error(`${target.name}: ${response.status} ${text.slice(0, 200)}`);
      target.bytes = Buffer.byteLength(text);
      if (target.name.startsWith("poolList")) {
        const items = (JSON.parse(text) as { items: unknown[] }).items.length;
        if (items !== POOLS) throw new Error(`${target.name}: ${items} pools in the answer, not ${POOLS}`);
      }
    }
    const rows: object[] = [];
    const table: string[][] = [];
    for (const target of targets) {
      await run(url, target, 2, connections); // warm-up: JIT, serializers, connections
      const results: AutocannonResult[] = [];
      for (let i = 0; i < runs; i++) results.push(await run(url, target, seconds, connections));
      const bad = results.reduce((sum, result) => sum + result.non2xx + result.errors, 0);
      if (bad > 0) throw new Error(`${target.name}: ${bad} requests failed or were not 2xx`);
      const figures = {
        requestsPerSecond: median(results.map((result) => result.requests.average)),
        p50: median(results.map((result) => result.latency.p50)),
        p99: median(results.map((result) => result.latency.p99)),
      };
      const params = {
        pools: POOLS,
        connections,
        seconds,
        runs,
        statistic: "median",
        path: target.path.replace(/0x[0-9a-fA-F]{40}/, ":address") + (target.vary ? "&minTotalStake=<n>" : ""),
        answerBytes: target.bytes,
      };
      rows.push(
        {
          metric: `${target.name}.requestsPerSecond`,
          value: Math.round(figures.requestsPerSecond),
          unit: "req/s",
          params,
        },
        { metric: `${target.name}.latency.p50`, value: figures.p50, unit: "ms", params },
        { metric: `${target.name}.latency.p99`, value: figures.p99, unit: "ms", params },
      );
      const goal =
        target.name === "poolList"
          ? figures.requestsPerSecond >= 3000 && figures.p99 <= 25
            ? "met (>= 3,000 req/s, p99 <= 25 ms)"
            : "NOT met (>= 3,000 req/s, p99 <= 25 ms)"
          : "—";
      table.push([
        target.name,
        Math.round(figures.requestsPerSecond).toLocaleString("en-US"),
        `${figures.p50}`,
        `${figures.p99}`,
        goal,
      ]);
    }
    printTable(["route", "req/s", "p50 ms", "p99 ms", "goal"], table);
    console.log(
      `machine: ${cpus().length} cores, ${Math.round(totalmem() / 2 ** 30)} GiB; ${runs} runs of ${seconds} s, ${connections} connections, median`,
    );
    const out = new URL("../../../bench/results/", import.meta.url);
    await mkdir(out, { recursive: true });
    await writeFile(new URL("api.json", out), `${JSON.stringify(rows, null, 2)}\n`);
    console.log(`wrote ${new URL("api.json", out).pathname}`);
  } finally {
    server.kill();
  }
}

type Target = { name: string; path: string; vary?: boolean; bytes?: number };

function run(url: string, target: Target, duration: number, connections: number): Promise<AutocannonResult> {
  // a different (and still valid) minimum stake each request is a different cache key, with the same 100 pools
  const requests = target.vary
    ? [
        {
          setupRequest: (request: { path: string }) => ({
            ...request,
            path: `${target.path}&minTotalStake=${varied++ % 1000}`,
          }),
        },
      ]
    : undefined;
  return new Promise((resolve, reject) => {
    autocannon(
      { url: url + target.path, duration, connections, ...(requests ? { requests } : {}) },
      (error: Error | null, result: AutocannonResult) => (error ? reject(error) : resolve(result)),
    );
  });
}

function median(values: number[]): number {
  const sorted = [...values].sort((a, b) => a - b);
  const middle = Math.floor(sorted.length / 2);
  return sorted.length % 2 === 1 ? sorted[middle]! : (sorted[middle - 1]! + sorted[middle]!) / 2;
}

function printTable(header: string[], rows: string[][]) {
  const widths = header.map((title, i) => Math.max(title.length, ...rows.map((row) => row[i]!.length)));
  const line = (cells: string[]) => `| ${cells.map((cell, i) => cell.padEnd(widths[i]!)).join(" | ")} |`;
  console.log(line(header));
  console.log(`|${widths.map((width) => "-".repeat(width + 2)).join("|")}|`);
  for (const row of rows) console.log(line(row));
}
