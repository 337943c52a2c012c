#!/usr/bin/env node
// poolnet-api --deployment FILE [--database-url URL | --data-dir DIR] [--port N] [--host H] [--metadata-proxy URL…]
// Serves the API over the indexer's store. Each error is one line on stderr (exit 1); SIGINT/SIGTERM close the
// server and the store, exit 0.
import { openStore } from "@poolnet/indexer";
import { readDeployment } from "@poolnet/sdk";
import { parseApiArgs, USAGE } from "./apiConfig.ts";
import { createStoreApi } from "./serve.ts";

const messageOf = (error: unknown) =>
  ((error as { shortMessage?: string }).shortMessage ?? (error as Error).message ?? String(error)).split("\n")[0];

async function main(): Promise<void> {
  const config = parseApiArgs(process.argv.slice(2));
  if (config.help) {
    console.log(USAGE);
    return;
  }
  const deployment = await readDeployment(config.deploymentPath);
  const store = await openStore({ databaseUrl: config.databaseUrl, dataDir: config.dataDir });
  try {
    const app = await createStoreApi({
      store,
      deployment,
      rpcUrl: config.rpcUrl,
      metadataProxies: config.metadataProxies,
      http: { logger: false },
    });
    const address = await app.listen({ port: config.port, host: config.host });
    const where = config.databaseUrl === undefined ? `PGlite in ${config.dataDir}` : "PostgreSQL";
    console.log(`poolnet API on ${address} over ${where}`);
    let stopping = false;
    const shutdown = () => {
      if (stopping) return;
      stopping = true;
      void app
        .close()
        .then(() => store.close())
        .then(() => process.exit(0));
    };
    process.once("SIGINT", shutdown);
    process.once("SIGTERM", shutdown);
  } catch (error) {
    await store.close();
    throw error;
  }
}

try {
  await main();
} catch (error) {
  console.error(messageOf(error));
  process.exit(1);
}
