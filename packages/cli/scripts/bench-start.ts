// Time from `poolnet up` to its ready line, fresh and resuming its data directory (`npm run bench:start`).
import { spawn } from "node:child_process";
import { mkdir, mkdtemp, rm, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { readDeployment } from "@poolnet/sdk";
import { createPublicClient, http } from "viem";
import { inspectFeeds, inspectServices, readServicesFile } from "../src/up/services/health.ts";
import { SERVICES_FILE } from "../src/up/services/supervisor.ts";

const RUNS = 5;
const GOAL_SECONDS = 30;
const bin = new URL("../src/bin.ts", import.meta.url).pathname;

type Timing = { ready: number; healthy: number | undefined };

/** Every service answers and both feeds have an answer younger than a minute. */
async function allHealthy(dataDir: string, rpcUrl: string): Promise<boolean> {
  const file = readServicesFile(join(dataDir, SERVICES_FILE));
  if (file === undefined || file.services.length === 0) return false;
  const services = await inspectServices(file, { timeoutMs: 500 });
  if (!services.every((service) => service.health === "ok")) return false;
  const deployment = await readDeployment(join(dataDir, "deployment.json"));
  const client = createPublicClient({ transport: http(rpcUrl, { retryCount: 0 }) });
  const feeds = await inspectFeeds(client, deployment, { staleSeconds: 60 });
  return feeds.length > 0 && feeds.every((feed) => feed.health === "ok");
}

/**
 * Starts `poolnet up` and stops it with SIGINT once it printed its ready line (or, with `untilHealthy`, once its
 * services and feeds are healthy too); returns seconds from spawn to each.
 */
function timeUp(dataDir: string, extra: string[], untilHealthy: boolean): Promise<Timing> {
  return new Promise((resolve, reject) => {
    const started = performance.now();
    const child = spawn(process.execPath, [bin, "up", "--port", "0", "--data-dir", dataDir, ...extra], {
      stdio: ["ignore", "pipe", "pipe"],
    });
    let output = "";
    let ready: number | undefined;
    let healthy: number | undefined;
    const watch = async (rpcUrl: string) => {
      for (let tries = 0; tries < 1200 && child.exitCode === null; tries++) {
        if (await allHealthy(dataDir, rpcUrl).catch(() => false)) {
          healthy = (performance.now() - started) / 1000;
          break;
        }
        await new Promise((wait) => setTimeout(wait, 100));
      }
      child.kill("SIGINT");
    };
    child.stdout.on("data", (chunk: Buffer) => {
      output += chunk.toString();
      const match = /poolnet is up at (\S+)/.exec(output);
      if (ready === undefined && match) {
        ready = (performance.now() - started) / 1000;
        if (untilHealthy) void watch(match[1]!);
        else child.kill("SIGINT");
      }
    });
    child.stderr.on("data", (chunk: Buffer) => (output += chunk.toString()));
    child.on("exit", (code) => {
      if (ready !== undefined && code === 0 && (!untilHealthy || healthy !== undefined)) resolve({ ready, healthy });
      else reject(new Error(`poolnet up exited with ${code} before it was ready:\n${output}`));
    });
  });
}

const median = (values: number[]) => [...values].sort((a, b) => a - b)[Math.floor(values.length / 2)]!;

const root = await mkdtemp(join(tmpdir(), "poolnet-bench-start-"));
const fresh: number[] = [];
const resume: number[] = [];
const healthy: number[] = [];
try {
  for (let run = 0; run < RUNS; run++) {
    const dataDir = join(root, `run-${run}`);
    // the ready line alone, with no services to start beside it
    fresh.push((await timeUp(dataDir, ["--fresh", "--no-services"], false)).ready);
    resume.push((await timeUp(dataDir, ["--no-services"], false)).ready);
    // the whole network: a fresh start until every service answers and both feeds have an answer
    healthy.push((await timeUp(dataDir, ["--fresh"], true)).healthy!);
    process.stderr.write(
      `run ${run + 1}/${RUNS}: fresh ${fresh.at(-1)!.toFixed(2)} s, resume ${resume.at(-1)!.toFixed(2)} s, ` +
        `services healthy ${healthy.at(-1)!.toFixed(2)} s\n`,
    );
  }
} finally {
  await rm(root, { recursive: true, force: true });
}

const rows = [
  { metric: "up.ready.fresh.seconds", value: Number(median(fresh).toFixed(2)), unit: "s", params: { runs: RUNS } },
  { metric: "up.ready.resume.seconds", value: Number(median(resume).toFixed(2)), unit: "s", params: { runs: RUNS } },
  {
    metric: "up.services.healthy.seconds",
    value: Number(median(healthy).toFixed(2)),
    unit: "s",
    params: { runs: RUNS, services: "price source, 4 oracle nodes, keeper; 2 feeds answered" },
  },
];
console.log(`| start                        | median of ${RUNS} | goal      |`);
console.log(`| ---------------------------- | ----------- | --------- |`);
for (const row of rows) {
  const verdict = row.value < GOAL_SECONDS ? "met" : "MISSED";
  console.log(
    `| ${row.metric.padEnd(28)} | ${`${row.value.toFixed(2)} s`.padEnd(11)} | < ${GOAL_SECONDS} s ${verdict} |`,
  );
}
const out = new URL("../../../bench/results/start.json", import.meta.url);
await mkdir(new URL(".", out), { recursive: true });
await writeFile(out, `${JSON.stringify(rows, null, 2)}\n`);
console.log(`\nwrote ${out.pathname}`);
