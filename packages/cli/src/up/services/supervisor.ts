// The services `poolnet up` runs beside the chain (price source, oracle nodes, keeper), each its own Node process:
// started in order, restarted with back-off when it dies, its output kept in a log file, and what is running written
// to services.json for `poolnet status`. A child outlives nothing: it stops when `up` stops, and on its own when `up`
// is killed (parentWatch.ts).
import { spawn, type ChildProcess } from "node:child_process";
import { createWriteStream, mkdirSync, renameSync, writeFileSync, type WriteStream } from "node:fs";
import { join } from "node:path";
import { fileURLToPath } from "node:url";

export type ServiceKind = "price-source" | "oracle-node" | "keeper" | "indexer";

export type ServiceSpec = {
  /** Unique, used in file names: "node-atlas". */
  name: string;
  kind: ServiceKind;
  /** One line for `poolnet status`: "oracle node of pool Atlas (0x…)". */
  description: string;
  /** The Node script to run (a .ts entry of a workspace package). */
  script: string;
  args: readonly string[];
  /** Added to this process's environment. */
  env?: Readonly<Record<string, string>>;
  /** Where `poolnet status` asks after its health: an HTTP URL that answers 200, or a status file. */
  health: { url?: string; statusFile?: string };
  /** The signing address, for services that send transactions. */
  address?: string;
};

export type ServiceState = "starting" | "online" | "restarting" | "stopped";

export type ServiceRecord = Omit<ServiceSpec, "script" | "args" | "env"> & {
  state: ServiceState;
  pid: number | undefined;
  /** When the current process started (ISO time). */
  startedAt: string | undefined;
  restarts: number;
  lastExit: { code: number | null; signal: string | null; at: string; lastError: string | undefined } | undefined;
  logFile: string;
};

/** services.json: written by `up` on every change, read by `poolnet status`. */
export type ServicesFile = { supervisorPid: number; updatedAt: string; services: ServiceRecord[] };

export const SERVICES_FILE = "services.json";

export type Supervisor = {
  records(): readonly ServiceRecord[];
  /** SIGTERM to every child, SIGKILL to any still alive after `graceMs`; then services.json says stopped. */
  stop(graceMs?: number): Promise<void>;
};

export type SupervisorOptions = {
  dataDir: string;
  services: readonly ServiceSpec[];
  /** One line per start, exit and restart. */
  log: (line: string) => void;
  /** First restart delay; doubles per quick failure up to `maxBackoffMs`. */
  backoffMs?: number;
  maxBackoffMs?: number;
  /** A process that stayed up this long resets its back-off. */
  stableMs?: number;
};

const PARENT_WATCH = fileURLToPath(new URL("./parentWatch.ts", import.meta.url));

export function startSupervisor(options: SupervisorOptions): Supervisor {
  const { dataDir, log } = options;
  const backoffMs = options.backoffMs ?? 1_000;
  const maxBackoffMs = options.maxBackoffMs ?? 30_000;
  const stableMs = options.stableMs ?? 30_000;
  const logDir = join(dataDir, "logs");
  mkdirSync(logDir, { recursive: true });
  const filePath = join(dataDir, SERVICES_FILE);
  let stopping = false;

  type Running = {
    spec: ServiceSpec;
    record: ServiceRecord;
    child: ChildProcess | undefined;
    logStream: WriteStream;
    failures: number;
    restartTimer: NodeJS.Timeout | undefined;
    exited: Promise<void>;
  };

  const running: Running[] = options.services.map((spec) => {
    const { script: _script, args: _args, env: _env, ...shown } = spec;
    const logFile = join(logDir, `${spec.name}.log`);
    return {
      spec,
      record: {
        ...shown,
        state: "starting",
        pid: undefined,
        startedAt: undefined,
        restarts: 0,
        lastExit: undefined,
        logFile,
      },
      child: undefined,
      logStream: createWriteStream(logFile, { flags: "a" }),
      failures: 0,
      restartTimer: undefined,
      exited: Promise.resolve(),
    };
  });

  function save(): void {
    const file: ServicesFile = {
      supervisorPid: process.pid,
      updatedAt: new Date().toISOString(),
      services: running.map((entry) => entry.record),
    };
    // atomic: status never reads half a file
    const temporary = `${filePath}.${process.pid}.tmp`;
    writeFileSync(temporary, `${JSON.stringify(file, null, 2)}\n`);
    renameSync(temporary, filePath);
  }

  function launch(entry: Running): void {
    const { spec, record } = entry;
    const child = spawn(process.execPath, ["--import", PARENT_WATCH, spec.script, ...spec.args], {
      env: { ...process.env, ...spec.env, POOLNET_PARENT_PID: String(process.pid) },
      stdio: ["ignore", "pipe", "pipe"],
    });
    entry.child = child;
    const startedAt = Date.now();
    record.state = "online";
    record.pid = child.pid;
    record.startedAt = new Date(startedAt).toISOString();
    let lastError: string | undefined;
    entry.logStream.write(`--- ${record.startedAt} started (pid ${child.pid}) ---\n`);
    child.stdout!.pipe(entry.logStream, { end: false });
    child.stderr!.on("data", (chunk: Buffer) => {
      entry.logStream.write(chunk);
      const lines = chunk.toString("utf8").trim().split("\n");
      const last = lines.at(-1)?.trim();
      if (last) lastError = last.slice(0, 300);
    });
    entry.exited = new Promise((resolve) => {
      child.once("error", (error) => {
        lastError = error.message;
      });
      child.once("close", (code, signal) => {
        entry.child = undefined;
        const at = new Date().toISOString();
        record.pid = undefined;
        record.lastExit = { code, signal, at, lastError };
        entry.logStream.write(`--- ${at} exited (code ${code}, signal ${signal}) ---\n`);
        if (stopping) {
          record.state = "stopped";
        } else {
          entry.failures = Date.now() - startedAt >= stableMs ? 1 : entry.failures + 1;
          const delay = Math.min(maxBackoffMs, backoffMs * 2 ** (entry.failures - 1));
          record.state = "restarting";
          log(
            `warning: ${spec.name} exited (${signal ?? `code ${code}`}${lastError ? `: ${lastError}` : ""}); ` +
              `restarting in ${(delay / 1000).toFixed(0)} s`,
          );
          entry.restartTimer = setTimeout(() => {
            entry.restartTimer = undefined;
            if (stopping) return;
            record.restarts++;
            launch(entry);
          }, delay);
        }
        save();
        resolve();
      });
    });
    save();
  }

  for (const entry of running) launch(entry);

  let stopped: Promise<void> | undefined;
  async function stopAll(graceMs: number): Promise<void> {
    stopping = true;
    for (const entry of running) {
      clearTimeout(entry.restartTimer);
      if (entry.child === undefined) entry.record.state = "stopped";
      entry.child?.kill("SIGTERM");
    }
    const killer = setTimeout(() => {
      for (const entry of running) entry.child?.kill("SIGKILL");
    }, graceMs);
    await Promise.all(running.map((entry) => entry.exited));
    clearTimeout(killer);
    await Promise.all(running.map((entry) => new Promise<void>((resolve) => entry.logStream.end(() => resolve()))));
    save();
  }

  return {
    records: () => running.map((entry) => entry.record),
    // twice is once: the second caller waits for the first stop
    stop: (graceMs = 5_000) => (stopped ??= stopAll(graceMs)),
  };
}
