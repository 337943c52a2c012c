// The supervisor with real child processes: restarts with back-off, services.json as it changes, logs, stop, and a
// child that stops on its own when its parent is killed.
import assert from "node:assert/strict";
import { spawn } from "node:child_process";
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { after, describe, test } from "node:test";
import { fileURLToPath } from "node:url";
import { isAlive, readServicesFile } from "./health.ts";
import { SERVICES_FILE, startSupervisor, type ServiceSpec } from "./supervisor.ts";

const root = mkdtempSync(join(tmpdir(), "poolnet-supervisor-"));
after(() => rmSync(root, { recursive: true, force: true }));

function script(name: string, source: string): string {
  const path = join(root, `${name}.mjs`);
  writeFileSync(path, source);
  return path;
}

const longRunning = script(
  "long-running",
  `console.log("ready " + process.argv.slice(2).join(" ")); setInterval(() => {}, 1000);`,
);
const crashing = script("crashing", `console.error("cannot start: the port is taken"); process.exit(3);`);

function spec(name: string, path: string, args: string[] = []): ServiceSpec {
  return { name, kind: "keeper", description: name, script: path, args, health: {} };
}

/** The log so far; empty until the supervisor's stream has opened the file. */
function logOf(path: string): string {
  try {
    return readFileSync(path, "utf8");
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === "ENOENT") return "";
    throw error;
  }
}

async function waitUntil(what: string, condition: () => boolean, timeoutMs = 10_000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!condition()) {
    if (Date.now() > deadline) throw new Error(`timed out waiting until ${what}`);
    await new Promise((resolve) => setTimeout(resolve, 25));
  }
}

describe("startSupervisor", () => {
  test("runs each service with its arguments and environment, logs its output, and stops it", async (t) => {
    const dataDir = mkdtempSync(join(root, "run-"));
    const envEcho = script(
      "env-echo",
      `console.log("key=" + process.env.SECRET_FOR_TEST); setInterval(() => {}, 1000);`,
    );
    const supervisor = startSupervisor({
      dataDir,
      services: [
        spec("one", longRunning, ["--flag", "value"]),
        { ...spec("two", envEcho), env: { SECRET_FOR_TEST: "x1" } },
      ],
      log: () => undefined,
    });
    t.after(() => supervisor.stop(100));
    const [one, two] = supervisor.records();
    assert.equal(one!.state, "online");
    assert.ok(isAlive(one!.pid));
    const file = readServicesFile(join(dataDir, SERVICES_FILE))!;
    assert.equal(file.supervisorPid, process.pid);
    assert.deepEqual(
      file.services.map((service) => [service.name, service.state, service.pid]),
      [
        ["one", "online", one!.pid],
        ["two", "online", two!.pid],
      ],
    );
    // the environment is the child's, never written to services.json
    assert.equal(JSON.stringify(file).includes("x1"), false);
    await waitUntil(
      "both wrote their first line",
      () => logOf(one!.logFile).includes("ready --flag value") && logOf(two!.logFile).includes("key=x1"),
    );
    const pids = [one!.pid, two!.pid];
    await supervisor.stop();
    for (const pid of pids) assert.equal(isAlive(pid), false);
    assert.deepEqual(
      readServicesFile(join(dataDir, SERVICES_FILE))!.services.map((service) => service.state),
      ["stopped", "stopped"],
    );
  });

  test("restarts a service that dies, with a back-off that doubles while it keeps failing", async (t) => {
    const dataDir = mkdtempSync(join(root, "run-"));
    const lines: string[] = [];
    const supervisor = startSupervisor({
      dataDir,
      services: [spec("crashing", crashing)],
      log: (line) => lines.push(line),
      backoffMs: 100,
      maxBackoffMs: 400,
    });
    t.after(() => supervisor.stop(100));
    const started = Date.now();
    await waitUntil("three restarts", () => supervisor.records()[0]!.restarts >= 3);
    // 100 + 200 + 400 ms of back-off at least
    assert.ok(Date.now() - started >= 700, `restarted after ${Date.now() - started} ms`);
    const record = supervisor.records()[0]!;
    assert.equal(record.lastExit?.code, 3);
    assert.equal(record.lastExit?.lastError, "cannot start: the port is taken");
    assert.match(
      lines[0]!,
      /^warning: crashing exited \(code 3: cannot start: the port is taken\); restarting in 0 s$/,
    );
    await supervisor.stop();
    assert.equal(supervisor.records()[0]!.state, "stopped");
  });

  test("a killed service comes back with a new pid and one more restart", async (t) => {
    const dataDir = mkdtempSync(join(root, "run-"));
    const supervisor = startSupervisor({
      dataDir,
      services: [spec("node", longRunning)],
      log: () => undefined,
      backoffMs: 50,
    });
    t.after(() => supervisor.stop(100));
    const first = supervisor.records()[0]!.pid!;
    process.kill(first, "SIGKILL");
    await waitUntil(
      "it is back",
      () => supervisor.records()[0]!.restarts === 1 && supervisor.records()[0]!.state === "online",
    );
    const record = supervisor.records()[0]!;
    assert.notEqual(record.pid, first);
    assert.equal(record.lastExit?.signal, "SIGKILL");
    assert.ok(isAlive(record.pid));
    await supervisor.stop();
  });

  test("a service that ignores SIGTERM is killed after the grace period", async (t) => {
    const dataDir = mkdtempSync(join(root, "run-"));
    const stubborn = script(
      "stubborn",
      `process.on("SIGTERM", () => {}); setInterval(() => {}, 1000); console.log("up");`,
    );
    const supervisor = startSupervisor({ dataDir, services: [spec("stubborn", stubborn)], log: () => undefined });
    t.after(() => supervisor.stop(100));
    const { pid, logFile } = supervisor.records()[0]!;
    await waitUntil("it handles SIGTERM", () => /^up$/m.test(logOf(logFile)));
    const started = Date.now();
    await supervisor.stop(300);
    assert.ok(Date.now() - started >= 300);
    assert.equal(isAlive(pid), false);
    assert.equal(supervisor.records()[0]!.lastExit?.signal, "SIGKILL");
  });

  test("a service stops on its own when its parent is killed with SIGKILL", async (t) => {
    const dataDir = mkdtempSync(join(root, "run-"));
    const supervisorModule = fileURLToPath(new URL("./supervisor.ts", import.meta.url));
    // a parent process that supervises one service and prints its pid, then is killed without a chance to stop it
    const parent = spawn(
      process.execPath,
      [
        "--input-type=module",
        "-e",
        `const { startSupervisor } = await import(${JSON.stringify(supervisorModule)});
         const supervisor = startSupervisor({ dataDir: ${JSON.stringify(dataDir)}, log: () => {},
           services: [{ name: "orphan", kind: "keeper", description: "", script: ${JSON.stringify(longRunning)}, args: [], health: {} }] });
         console.log("child " + supervisor.records()[0].pid);`,
      ],
      { stdio: ["ignore", "pipe", "inherit"] },
    );
    t.after(() => {
      parent.kill("SIGKILL");
      const pid = /child (\d+)/.exec(output)?.[1];
      if (pid !== undefined && isAlive(Number(pid))) process.kill(Number(pid), "SIGKILL");
    });
    let output = "";
    parent.stdout.on("data", (chunk: Buffer) => (output += chunk.toString()));
    await waitUntil("the parent started its service", () => /child \d+/.test(output));
    const child = Number(/child (\d+)/.exec(output)![1]);
    assert.ok(isAlive(child));
    parent.kill("SIGKILL");
    await waitUntil("the orphan stopped", () => !isAlive(child), 5_000);
  });
});
