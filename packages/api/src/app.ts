// The poolnet API: pools, delegators, epochs, feeds and (given a metadata source) pool metadata over HTTP, on the
// hardened base of http/server.ts, reading only through a ReadModel.
import type { FastifyInstance } from "fastify";
import type { Registry } from "prom-client";
import { createServer, defaultHttpConfig, type HttpConfig } from "./http/server.ts";
import type { MetadataSource } from "./metadata/proxy.ts";
import type { ReadModel } from "./readModel.ts";
import { delegatorRoutes } from "./routes/delegators.ts";
import { epochRoutes } from "./routes/epochs.ts";
import { feedRoutes } from "./routes/feeds.ts";
import { metadataRoutes } from "./routes/metadata.ts";
import { poolRoutes } from "./routes/pools.ts";

export type CreateAppParameters = {
  readModel: ReadModel;
  /** Serves /pools/:pool/metadata: a metadata client over the configured proxies (or one proxy in-process). */
  metadata?: MetadataSource | undefined;
  http?: Partial<HttpConfig>;
  metricsRegistry?: Registry;
};

/** Builds the API (not listening yet): `await app.listen({ port, host })`, or `app.inject` in tests. */
export async function createApp({
  readModel,
  metadata,
  http = {},
  metricsRegistry,
}: CreateAppParameters): Promise<FastifyInstance> {
  const timeoutMs = http.handlerTimeoutMs ?? defaultHttpConfig.handlerTimeoutMs;
  const app = await createServer({
    title: "poolnet API",
    description: "Pools, delegations, epochs, feeds and pool metadata, as of the indexer's last finalized epoch.",
    http,
    ...(metricsRegistry === undefined ? {} : { metricsRegistry }),
    health: async () => {
      const status = await readModel.status();
      return {
        headBlock: status.headBlock,
        lastEpoch: status.lastEpoch,
        lagBlocks:
          status.headBlock === null || status.lastEpochBlock === null ? null : status.headBlock - status.lastEpochBlock,
      };
    },
  });
  const options = { readModel, timeoutMs };
  await app.register(poolRoutes, options);
  await app.register(delegatorRoutes, options);
  await app.register(epochRoutes, options);
  await app.register(feedRoutes, options);
  if (metadata !== undefined)
    await app.register(metadataRoutes, { source: metadata, timeoutMs, path: "/pools/:pool/metadata" });
  return app;
}
