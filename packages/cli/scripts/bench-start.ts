// Time from `poolnet up` to its ready line, fresh and resuming its data directory (`npm run bench:start`).
import { spawn } from "node:child_process";
import { mkdir, mkdtemp, rm, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";

const RUNS = 5;
const GOAL_SECONDS = 30;
const bin = new URL("../src/bin.ts", import.meta.url).pathname;

/** Starts `poolnet up`, waits for its ready line, stops it with SIGINT; returns seconds from spawn to ready. */
function timeToReady(dataDir: string, extra: string[]): Promise<number> {
  return new Promise((resolve, reject) => {
    const started = performance.now();
    const child = spawn(process.execPath, [bin, "up", "--port", "0", "--data-dir", dataDir, ...extra], {
      stdio: ["ignore", "pipe", "pipe"],
    });
    let output = "";
    let ready: number | undefined;
    child.stdout.on("data", (chunk: Buffer) => {
      output += chunk.toString();
      if (ready === undefined && output.includes("poolnet is up at")) {
        ready = (performance.now() - started) / 1000;
        child.kill("SIGINT");
      }
    });
    child.stderr.on("data", (chunk: Buffer) => (output += chunk.toString()));
    child.on("exit", (code) => {
      if (ready !== undefined && code === 0) resolve(ready);
      else reject(new Error(`poolnet up exited with ${code} before it was ready:\n${output}`));
    });
  });
}

const median = (values: number[]) => [...values].sort((a, b) => a - b)[Math.floor(values.length / 2)]!;

const root = await mkdtemp(join(tmpdir(), "poolnet-bench-start-"));
const fresh: number[] = [];
const resume: number[] = [];
try {
  for (let run = 0; run < RUNS; run++) {
    const dataDir = join(root, `run-${run}`);
    fresh.push(await timeToReady(dataDir, ["--fresh"]));
    resume.push(await timeToReady(dataDir, []));
    process.stderr.write(
      `run ${run + 1}/${RUNS}: fresh ${fresh.at(-1)!.toFixed(2)} s, resume ${resume.at(-1)!.toFixed(2)} s\n`,
    );
  }
} finally {
  await rm(root, { recursive: true, force: true });
}

const rows = [
  { metric: "up.ready.fresh.seconds", value: Number(median(fresh).toFixed(2)), unit: "s", params: { runs: RUNS } },
  { metric: "up.ready.resume.seconds", value: Number(median(resume).toFixed(2)), unit: "s", params: { runs: RUNS } },
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
