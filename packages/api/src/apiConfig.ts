// The command line of `poolnet-api`, validated: each problem is one InvalidInputError sentence.
import { dirname, join } from "node:path";
import { parseArgs } from "node:util";
import { InvalidInputError } from "@poolnet/sdk";

export const USAGE = `usage: poolnet-api --deployment FILE [--database-url URL | --data-dir DIR] [options]

Serves the poolnet API (pools, delegators, epochs, feeds, pool metadata; /docs, /openapi.json, /metrics) over the
indexer's store: PostgreSQL (--database-url, or DATABASE_URL), or an embedded PGlite directory (--data-dir; by
default "indexer" next to the deployment file). PGlite allows one process per directory: use --data-dir only while
no indexer has it open (with a running indexer, use PostgreSQL, or serve the API from the indexer's process).

  --deployment FILE        the deployment file (registry, rpcUrl, feeds)
  --database-url URL       a postgres:// URL
  --data-dir DIR           PGlite's directory (not while an indexer uses it)
  --rpc URL                JSON-RPC endpoint for chain reads (default: the deployment's rpcUrl)
  --port N                 default 8787
  --host H                 default 127.0.0.1
  --metadata-proxy URL     a metadata proxy to merge (repeat for several); none: fetch and check in-process
  --help                   show this`;

export type ApiConfig = {
  deploymentPath: string;
  databaseUrl: string | undefined;
  dataDir: string | undefined;
  rpcUrl: string | undefined;
  port: number;
  host: string;
  metadataProxies: string[];
  help: boolean;
};

export function parseApiArgs(args: readonly string[], env: NodeJS.ProcessEnv = process.env): ApiConfig {
  let values;
  try {
    ({ values } = parseArgs({
      args: [...args],
      options: {
        deployment: { type: "string" },
        "database-url": { type: "string" },
        "data-dir": { type: "string" },
        rpc: { type: "string" },
        port: { type: "string" },
        host: { type: "string" },
        "metadata-proxy": { type: "string", multiple: true },
        help: { type: "boolean", default: false },
      },
    }));
  } catch (error) {
    throw new InvalidInputError(`${(error as Error).message.split("\n")[0]} (see --help)`);
  }
  const port = values.port ?? "8787";
  const config: ApiConfig = {
    deploymentPath: values.deployment ?? "",
    databaseUrl: values["database-url"] ?? (env.DATABASE_URL || undefined),
    dataDir: values["data-dir"],
    rpcUrl: values.rpc,
    port: Number(port),
    host: values.host ?? "127.0.0.1",
    metadataProxies: values["metadata-proxy"] ?? [],
    help: values.help,
  };
  if (config.help) return config;
  if (values.deployment === undefined) throw new InvalidInputError("--deployment FILE is required (see --help)");
  if (values["database-url"] !== undefined && config.dataDir !== undefined) {
    throw new InvalidInputError("give --database-url or --data-dir, not both");
  }
  if (config.dataDir !== undefined) config.databaseUrl = undefined;
  if (config.databaseUrl === undefined && config.dataDir === undefined) {
    config.dataDir = join(dirname(values.deployment), "indexer");
  }
  if (config.databaseUrl !== undefined && !/^postgres(ql)?:\/\//.test(config.databaseUrl)) {
    throw new InvalidInputError("the database URL must start with postgres:// or postgresql://");
  }
  if (!/^\d+$/.test(port) || config.port > 65_535) {
    throw new InvalidInputError(`--port must be a whole number from 0 to 65535, not "${port}"`);
  }
  for (const url of [...config.metadataProxies, ...(config.rpcUrl === undefined ? [] : [config.rpcUrl])]) {
    if (!/^https?:\/\/./.test(url)) throw new InvalidInputError(`not an http(s) URL: "${url}"`);
  }
  return config;
}
