#!/usr/bin/env node
// poolnet-indexer --deployment FILE [--database-url URL | --data-dir DIR] [--rpc URL…] [--epoch-size N] [--offset N]
//   [--interval SECONDS] [--once] [--status-file FILE]
// Progress is a line on stdout per pass that did something; each error is one line on stderr. SIGINT and SIGTERM stop
// after the pass under way.
import { readDeployment } from "@poolnet/sdk";
import { parseIndexerArgs, USAGE } from "./service/config.ts";
import { openIndexer, startIndexerService } from "./service/run.ts";

const messageOf = (error: unknown) =>
  ((error as { shortMessage?: string }).shortMessage ?? (error as Error).message ?? String(error)).split("\n")[0];

async function main(): Promise<void> {
  const config = parseIndexerArgs(process.argv.slice(2));
  if (config.help) {
    console.log(USAGE);
    return;
  }
  const deployment = await readDeployment(config.deploymentPath);
  const log = (line: string) => (line.startsWith("error: ") ? console.error(line) : console.log(line));
  if (config.once) {
    const { store, indexer } = await openIndexer(config, deployment, log);
    try {
      // catching up from far behind publishes at most 1,000 epochs a pass
      while ((await indexer.syncOnce()).published.length > 0);
      const { epochs, rpcRequestsPerEpoch } = await indexer.metrics();
      const perEpoch = rpcRequestsPerEpoch === undefined ? "" : `, ${rpcRequestsPerEpoch.toFixed(1)} RPC requests each`;
      console.log(`indexed: ${epochs.done} epochs done, ${epochs.failed} failed${perEpoch}`);
    } finally {
      await indexer.stop();
      await store.close();
    }
    return;
  }
  const service = await startIndexerService(config, deployment, log);
  const shutdown = () => void service.stop().then(() => process.exit(0));
  process.once("SIGINT", shutdown);
  process.once("SIGTERM", shutdown);
}

try {
  await main();
} catch (error) {
  console.error(messageOf(error));
  process.exit(1);
}
