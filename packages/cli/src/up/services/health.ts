// The health of what `poolnet up` runs, as `poolnet status` shows it: each service from services.json (is its process
// alive, does it answer, what has it done) and each price feed from the chain (how old is its answer).
import { existsSync, readFileSync } from "node:fs";
import { fluxAggregatorAbi, type Deployment, type ReadClient } from "@poolnet/sdk";
import { formatUnits, type Address } from "viem";
import { readContract } from "viem/actions";
import type { ServiceRecord, ServicesFile } from "./supervisor.ts";

export type Health = "ok" | "degraded" | "down" | "stopped";

export type ServiceHealth = {
  name: string;
  kind: ServiceRecord["kind"];
  state: ServiceRecord["state"];
  pid: number | undefined;
  uptimeSeconds: number | undefined;
  restarts: number;
  /** Resident memory in bytes (Linux), when the process is alive. */
  memoryBytes: number | undefined;
  health: Health;
  /** Why it is not ok, or what it has done: one line. */
  detail: string;
  logFile: string;
};

export type FeedHealth = {
  pair: string;
  aggregator: Address;
  answer: string | undefined;
  roundId: bigint | undefined;
  ageSeconds: number | undefined;
  oracles: number;
  health: Health;
  detail: string;
};

/** What services.json says is running, or undefined when `poolnet up` never ran services here. */
export function readServicesFile(path: string): ServicesFile | undefined {
  if (!existsSync(path)) return undefined;
  try {
    const file = JSON.parse(readFileSync(path, "utf8")) as ServicesFile;
    if (!Array.isArray(file.services) || typeof file.supervisorPid !== "number") return undefined;
    return file;
  } catch {
    return undefined;
  }
}

export function isAlive(pid: number | undefined): boolean {
  if (pid === undefined) return false;
  try {
    process.kill(pid, 0);
    return true;
  } catch (error) {
    return (error as NodeJS.ErrnoException).code === "EPERM";
  }
}

function memoryOf(pid: number): number | undefined {
  try {
    const match = /VmRSS:\s+(\d+) kB/.exec(readFileSync(`/proc/${pid}/status`, "utf8"));
    return match ? Number(match[1]) * 1024 : undefined;
  } catch {
    return undefined;
  }
}

async function fetchText(url: string, timeoutMs: number): Promise<string> {
  const response = await fetch(url, { signal: AbortSignal.timeout(timeoutMs) });
  if (!response.ok) throw new Error(`${url} answered ${response.status}`);
  return response.text();
}

/** Sums the samples of a Prometheus metric (all label sets) in exposition text; undefined when it is absent. */
export function metricSum(exposition: string, name: string): number | undefined {
  let sum: number | undefined;
  for (const line of exposition.split("\n")) {
    if (!line.startsWith(name)) continue;
    const rest = line.slice(name.length);
    if (rest[0] !== " " && rest[0] !== "{") continue;
    const value = Number(line.trim().split(/\s+/).at(-1));
    if (Number.isFinite(value)) sum = (sum ?? 0) + value;
  }
  return sum;
}

type Probe = { health: Health; detail: string };

async function probePriceSource(record: ServiceRecord, timeoutMs: number): Promise<Probe> {
  const state = JSON.parse(await fetchText(record.health.url!, timeoutMs)) as { prices?: Record<string, string> };
  const prices = Object.entries(state.prices ?? {}).map(([pair, price]) => `${pair} ${price}`);
  return { health: "ok", detail: prices.join(", ") || "no pairs" };
}

async function probeOracleNode(record: ServiceRecord, timeoutMs: number): Promise<Probe> {
  const text = await fetchText(record.health.url!, timeoutMs);
  const submitted = metricSum(text, "poolnet_oracle_rounds_submitted_total") ?? 0;
  const missed = metricSum(text, "poolnet_oracle_rounds_missed_total") ?? 0;
  const feedErrors = metricSum(text, "poolnet_oracle_feed_errors_total") ?? 0;
  const balance = metricSum(text, "poolnet_oracle_eth_balance_wei");
  const parts = [
    `${submitted} submitted`,
    `${missed} missed`,
    `${feedErrors} feed errors`,
    ...(balance === undefined ? [] : [`${Number(formatUnits(BigInt(Math.round(balance)), 18)).toFixed(2)} ETH`]),
  ];
  return { health: missed > submitted && missed > 0 ? "degraded" : "ok", detail: parts.join(", ") };
}

type KeeperStatusFile = {
  runs: number;
  lastRunAt?: string;
  jobs?: Record<string, { done: number; errors: number }>;
  errors?: { at: string; job: string; message: string }[];
};

function probeKeeper(record: ServiceRecord, now: number, keeperIntervalSeconds: number): Probe {
  const path = record.health.statusFile!;
  if (!existsSync(path)) return { health: "degraded", detail: "has not written its status yet" };
  const status = JSON.parse(readFileSync(path, "utf8")) as KeeperStatusFile;
  if (status.lastRunAt === undefined) return { health: "degraded", detail: "has not run yet" };
  const age = Math.round((now - Date.parse(status.lastRunAt)) / 1000);
  const collected = status.jobs?.collectOraclePayments?.done ?? 0;
  const finalized = (status.jobs?.finalizeUndelegations?.done ?? 0) + (status.jobs?.finalizeTransfers?.done ?? 0);
  const errors = Object.values(status.jobs ?? {}).reduce((sum, job) => sum + job.errors, 0);
  const detail =
    `last run ${age} s ago, ${status.runs} runs, ${collected} payments collected, ${finalized} finalized, ` +
    `${errors} errors`;
  // three missed runs: the keeper is stuck, whatever its process says
  if (age > keeperIntervalSeconds * 3 + 10) return { health: "degraded", detail: `${detail} (late)` };
  const lastError = status.errors?.at(-1);
  if (lastError !== undefined && now - Date.parse(lastError.at) < keeperIntervalSeconds * 2000) {
    return { health: "degraded", detail: `${detail}; latest: ${lastError.job}: ${lastError.message}` };
  }
  return { health: "ok", detail };
}

type IndexerStatusFile = {
  updatedAt: string;
  intervalMs: number;
  epochs: Record<string, number>;
  reorgs: { total: number };
  failedTicks: number;
  lastError?: string;
  rpcRequestsPerEpoch?: number;
};

function probeIndexer(record: ServiceRecord, now: number): Probe {
  const path = record.health.statusFile!;
  if (!existsSync(path)) return { health: "degraded", detail: "starting: has not written its status yet" };
  const status = JSON.parse(readFileSync(path, "utf8")) as IndexerStatusFile;
  const age = Math.round((now - Date.parse(status.updatedAt)) / 1000);
  const { done = 0, failed = 0, queued = 0, building = 0 } = status.epochs;
  const perEpoch =
    status.rpcRequestsPerEpoch === undefined ? "" : `, ${status.rpcRequestsPerEpoch.toFixed(1)} RPC requests/epoch`;
  const detail =
    `${done} epochs done, ${queued + building} in progress, ${failed} failed, ${status.reorgs.total} reorgs` + perEpoch;
  if (age > (status.intervalMs / 1000) * 3 + 10)
    return { health: "degraded", detail: `${detail} (status ${age} s old)` };
  if (failed > 0) return { health: "degraded", detail };
  return { health: "ok", detail };
}

export type InspectOptions = { now?: number; timeoutMs?: number; keeperIntervalSeconds?: number };

/** Each service's health; a service whose `up` is gone is "stopped", whatever its file said last. */
export async function inspectServices(file: ServicesFile, options: InspectOptions = {}): Promise<ServiceHealth[]> {
  const now = options.now ?? Date.now();
  const timeoutMs = options.timeoutMs ?? 1_500;
  const supervisorAlive = isAlive(file.supervisorPid);
  return Promise.all(
    file.services.map(async (record): Promise<ServiceHealth> => {
      const alive = supervisorAlive && record.state === "online" && isAlive(record.pid);
      const base = {
        name: record.name,
        kind: record.kind,
        state: supervisorAlive ? record.state : ("stopped" as const),
        pid: alive ? record.pid : undefined,
        uptimeSeconds: alive && record.startedAt ? Math.round((now - Date.parse(record.startedAt)) / 1000) : undefined,
        restarts: record.restarts,
        memoryBytes: alive ? memoryOf(record.pid!) : undefined,
        logFile: record.logFile,
      };
      if (!supervisorAlive) return { ...base, health: "stopped", detail: "poolnet up is not running" };
      if (!alive) {
        const exit = record.lastExit;
        const why = exit
          ? `exited (${exit.signal ?? `code ${exit.code}`})${exit.lastError ? `: ${exit.lastError}` : ""}`
          : "";
        return { ...base, health: "down", detail: `${record.state}${why ? `; ${why}` : ""}` };
      }
      try {
        const probe =
          record.kind === "price-source"
            ? await probePriceSource(record, timeoutMs)
            : record.kind === "oracle-node"
              ? await probeOracleNode(record, timeoutMs)
              : record.kind === "indexer"
                ? probeIndexer(record, now)
                : probeKeeper(record, now, options.keeperIntervalSeconds ?? 15);
        return { ...base, ...probe };
      } catch (error) {
        // up a short while: still starting its server, not broken
        const starting = base.uptimeSeconds !== undefined && base.uptimeSeconds < 10;
        return {
          ...base,
          health: starting ? "degraded" : "down",
          detail: `${starting ? "starting: " : ""}does not answer (${(error as Error).message})`,
        };
      }
    }),
  );
}

/**
 * Each deployed feed's latest answer and its age. A feed is ok while its answer is younger than `staleSeconds` (the
 * nodes' idle timer plus the round timeout: a round is forced at least that often), degraded when older, down when it
 * never answered.
 */
export async function inspectFeeds(
  client: ReadClient,
  deployment: Deployment,
  options: { now?: number; staleSeconds: number },
): Promise<FeedHealth[]> {
  const nowSeconds = Math.floor((options.now ?? Date.now()) / 1000);
  return Promise.all(
    Object.entries(deployment.feeds ?? {}).map(async ([pair, aggregator]): Promise<FeedHealth> => {
      const read = <T>(functionName: string) =>
        readContract(client, { address: aggregator, abi: fluxAggregatorAbi, functionName } as never) as Promise<T>;
      try {
        const [latest, decimals, oracles] = await Promise.all([
          read<bigint>("latestRound"),
          read<number>("decimals"),
          read<readonly Address[]>("getOracles"),
        ]);
        const base = { pair, aggregator, oracles: oracles.length };
        // latestRoundData reverts before the first answer, as Chainlink's does
        if (latest === 0n) {
          return {
            ...base,
            answer: undefined,
            roundId: 0n,
            ageSeconds: undefined,
            health: "down",
            detail: "no answer yet",
          };
        }
        const [roundId, answer, , updatedAt] =
          await read<readonly [bigint, bigint, bigint, bigint, bigint]>("latestRoundData");
        const ageSeconds = Math.max(0, nowSeconds - Number(updatedAt));
        const stale = ageSeconds > options.staleSeconds;
        return {
          ...base,
          answer: formatUnits(answer, decimals),
          roundId,
          ageSeconds,
          health: stale ? "degraded" : "ok",
          detail: stale ? `no answer for ${ageSeconds} s (expected within ${options.staleSeconds} s)` : "answering",
        };
      } catch (error) {
        return {
          pair,
          aggregator,
          answer: undefined,
          roundId: undefined,
          ageSeconds: undefined,
          oracles: 0,
          health: "down",
          detail: `cannot be read (${(error as { shortMessage?: string }).shortMessage ?? (error as Error).message})`,
        };
      }
    }),
  );
}
