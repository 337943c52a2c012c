// The indexer as a long-running service: the store opened, the loop started, its metrics written to a status file
// after each interval. `poolnet-indexer` runs it; so does any process that also serves the store (PGlite allows one
// process per directory, so the local network's API runs in the indexer's process).
import { rename, writeFile } from "node:fs/promises";
import type { Deployment } from "@poolnet/sdk";
import { createRpcClient } from "../rpc/rpcClient.ts";
import { openStore, type Store } from "../store/store.ts";
import type { IndexerConfig } from "./config.ts";
import { createIndexer, type Indexer } from "./indexer.ts";

export type IndexerService = {
  store: Store;
  indexer: Indexer;
  /** Stops the loop after the pass under way, then closes the store. */
  stop(): Promise<void>;
};

/** The store opened and an indexer on it, as the configuration says; not started. */
export async function openIndexer(
  config: IndexerConfig,
  deployment: Deployment,
  log: (line: string) => void,
): Promise<{ store: Store; indexer: Indexer }> {
  const rpc = createRpcClient({ endpoints: config.rpcUrls.length > 0 ? config.rpcUrls : [deployment.rpcUrl] });
  const store = await openStore({ databaseUrl: config.databaseUrl, dataDir: config.dataDir });
  const indexer = createIndexer({
    store,
    rpc,
    deployment,
    epochSize: config.epochSize,
    finalizationOffset: config.finalizationOffset,
    intervalMs: config.intervalMs,
    log,
  });
  return { store, indexer };
}

export async function startIndexerService(
  config: IndexerConfig,
  deployment: Deployment,
  log: (line: string) => void,
): Promise<IndexerService> {
  const { store, indexer } = await openIndexer(config, deployment, log);
  const where = config.databaseUrl === undefined ? `PGlite in ${config.dataDir}` : "PostgreSQL";
  log(`indexing ${deployment.registry} from block ${deployment.deployedAtBlock} into ${where}`);
  indexer.start();
  const statusFile = config.statusFile;
  const writeStatus = async () => {
    if (statusFile === undefined) return;
    const metrics = await indexer.metrics();
    const json = JSON.stringify(
      { updatedAt: new Date().toISOString(), intervalMs: config.intervalMs, ...metrics },
      (_key, value: unknown) => (typeof value === "bigint" ? String(value) : value),
    );
    // atomic: a reader never sees half a file
    await writeFile(`${statusFile}.tmp`, `${json}\n`);
    await rename(`${statusFile}.tmp`, statusFile);
  };
  const statusTimer = setInterval(
    () => void writeStatus().catch((error: unknown) => log(`error: status file: ${(error as Error).message}`)),
    Math.max(config.intervalMs, 1000),
  );
  let stopped: Promise<void> | undefined;
  return {
    store,
    indexer,
    stop: () =>
      (stopped ??= (async () => {
        clearInterval(statusTimer);
        await indexer.stop();
        await store.close();
      })()),
  };
}
