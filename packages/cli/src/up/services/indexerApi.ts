#!/usr/bin/env node
// The local network's indexer and API in one process: PGlite allows one process per data directory, so the process
// that indexes into it also serves the API over it. Arguments: the indexer's (see `poolnet-indexer --help`) and
// `--api-port N`; it prints `api at http://…` once listening. SIGINT and SIGTERM stop both.
import { createStoreApi } from "@poolnet/api";
import { parseIndexerArgs, startIndexerService } from "@poolnet/indexer";
import { readDeployment } from "@poolnet/sdk";

const API_PORT = "--api-port";

function splitApiPort(args: readonly string[]): { apiPort: number; rest: string[] } {
  const at = args.indexOf(API_PORT);
  const text = at === -1 ? undefined : args[at + 1];
  const apiPort = Number(text);
  if (text === undefined || !/^\d+$/.test(text) || apiPort > 65_535) {
    throw new Error(`${API_PORT} N is required: the port the API listens on (0 for any free one)`);
  }
  return { apiPort, rest: args.filter((_, i) => i !== at && i !== at + 1) };
}

try {
  const { apiPort, rest } = splitApiPort(process.argv.slice(2));
  const config = parseIndexerArgs(rest);
  const deployment = await readDeployment(config.deploymentPath);
  const log = (line: string) => (line.startsWith("error: ") ? console.error(line) : console.log(line));
  const service = await startIndexerService(config, deployment, log);
  const api = await createStoreApi({ store: service.store, deployment, rpcUrl: config.rpcUrls[0] });
  const url = await api.listen({ port: apiPort, host: "127.0.0.1" });
  console.log(`api at ${url} (OpenAPI at ${url}/openapi.json, docs at ${url}/docs)`);
  const shutdown = () =>
    void api
      .close()
      .then(() => service.stop())
      .then(() => process.exit(0));
  process.once("SIGINT", shutdown);
  process.once("SIGTERM", shutdown);
} catch (error) {
  console.error(((error as { shortMessage?: string }).shortMessage ?? (error as Error).message).split("\n")[0]);
  process.exit(1);
}
