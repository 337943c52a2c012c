// The command line of `poolnet-indexer`, validated: each problem is one InvalidInputError sentence.
import { dirname, join } from "node:path";
import { parseArgs } from "node:util";
import { InvalidInputError } from "@poolnet/sdk";

export type IndexerConfig = {
  deploymentPath: string;
  /** PostgreSQL; otherwise the store is PGlite in `dataDir`. */
  databaseUrl: string | undefined;
  dataDir: string | undefined;
  /** Endpoints in fail-over order; empty: the deployment's rpcUrl. */
  rpcUrls: string[];
  epochSize: number;
  finalizationOffset: number;
  intervalMs: number;
  /** Index what is due once, then exit. */
  once: boolean;
  /** Where the service writes its metrics as JSON after each pass, for `poolnet status`; none without it. */
  statusFile: string | undefined;
  help: boolean;
};

export const DEFAULTS = { epochSize: 10, finalizationOffset: 5, intervalSeconds: 5 } as const;

export const USAGE = `usage: poolnet-indexer --deployment FILE [--database-url URL | --data-dir DIR] [options]

Indexes the deployment's pools and feeds epoch by epoch into PostgreSQL (--database-url, or DATABASE_URL) or an
embedded PGlite database (--data-dir; by default the directory "indexer" next to the deployment file).

  --deployment FILE      the deployment file (registry, its block, feeds)
  --database-url URL     a postgres:// URL (DATABASE_URL is read when it is not given)
  --data-dir DIR         PGlite's directory
  --rpc URL              a JSON-RPC endpoint; several fail over in order (default: the deployment's rpcUrl)
  --epoch-size N         blocks per epoch (default ${DEFAULTS.epochSize})
  --offset N             blocks an epoch's end must be below the head (default ${DEFAULTS.finalizationOffset})
  --interval SECONDS     pause between passes (default ${DEFAULTS.intervalSeconds})
  --once                 index what is due, then exit
  --status-file FILE     write the indexer's metrics (epochs by status, reorgs, RPC requests) there as JSON
                         every pass, for poolnet status
  --help                 show this`;

const wholeNumber = (value: string, option: string, minimum: number): number => {
  if (!/^\d+$/.test(value) || !Number.isSafeInteger(Number(value)) || Number(value) < minimum) {
    throw new InvalidInputError(`${option} must be a whole number, at least ${minimum}, not "${value}"`);
  }
  return Number(value);
};

export function parseIndexerArgs(args: readonly string[], env: NodeJS.ProcessEnv = process.env): IndexerConfig {
  let values;
  try {
    ({ values } = parseArgs({
      args: [...args],
      options: {
        deployment: { type: "string" },
        "database-url": { type: "string" },
        "data-dir": { type: "string" },
        rpc: { type: "string", multiple: true },
        "epoch-size": { type: "string" },
        offset: { type: "string" },
        interval: { type: "string" },
        once: { type: "boolean", default: false },
        "status-file": { type: "string" },
        help: { type: "boolean", default: false },
      },
    }));
  } catch (error) {
    throw new InvalidInputError(`${(error as Error).message.split("\n")[0]} (see --help)`);
  }
  const config: IndexerConfig = {
    deploymentPath: values.deployment ?? "",
    databaseUrl: values["database-url"] ?? (env.DATABASE_URL || undefined),
    dataDir: values["data-dir"],
    rpcUrls: values.rpc ?? [],
    epochSize: wholeNumber(values["epoch-size"] ?? String(DEFAULTS.epochSize), "--epoch-size", 1),
    finalizationOffset: wholeNumber(values.offset ?? String(DEFAULTS.finalizationOffset), "--offset", 0),
    intervalMs: 0,
    once: values.once,
    statusFile: values["status-file"],
    help: values.help,
  };
  if (config.help) return config;
  if (values.deployment === undefined) throw new InvalidInputError("--deployment FILE is required (see --help)");
  if (values["database-url"] !== undefined && config.dataDir !== undefined) {
    throw new InvalidInputError("give --database-url or --data-dir, not both");
  }
  if (config.dataDir !== undefined) config.databaseUrl = undefined; // an explicit data directory beats DATABASE_URL
  if (config.databaseUrl === undefined && config.dataDir === undefined) {
    config.dataDir = join(dirname(values.deployment), "indexer");
  }
  if (config.databaseUrl !== undefined && !/^postgres(ql)?:\/\//.test(config.databaseUrl)) {
    throw new InvalidInputError("the database URL must start with postgres:// or postgresql://");
  }
  for (const url of config.rpcUrls) {
    if (!/^https?:\/\/./.test(url)) throw new InvalidInputError(`--rpc must be an http(s) URL, not "${url}"`);
  }
  const interval = values.interval ?? String(DEFAULTS.intervalSeconds);
  if (!/^\d+(\.\d+)?$/.test(interval)) {
    throw new InvalidInputError(`--interval must be a number of seconds, not "${interval}"`);
  }
  config.intervalMs = Math.round(Number(interval) * 1000);
  return config;
}
