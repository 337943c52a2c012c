// A standalone metadata proxy server: GET /metadata/:pool for one pool's checked metadata, GET
// /metadata/schema.json for the rules, with the same hardening, /health, /metrics and /openapi.json as the API.
import type { FastifyInstance } from "fastify";
import type { Registry } from "prom-client";
import { createServer, defaultHttpConfig, type HttpConfig } from "../http/server.ts";
import { metadataRoutes } from "../routes/metadata.ts";
import type { MetadataSource } from "./proxy.ts";

export type CreateMetadataProxyServerParameters = {
  proxy: MetadataSource;
  http?: Partial<HttpConfig>;
  metricsRegistry?: Registry;
};

export async function createMetadataProxyServer({
  proxy,
  http = {},
  metricsRegistry,
}: CreateMetadataProxyServerParameters): Promise<FastifyInstance> {
  const app = await createServer({
    title: "poolnet metadata proxy",
    description: "Pool metadata fetched from each pool's metaDataUrl, checked against its on-chain hash and the rules.",
    http,
    ...(metricsRegistry === undefined ? {} : { metricsRegistry }),
  });
  await app.register(metadataRoutes, {
    source: proxy,
    timeoutMs: http.handlerTimeoutMs ?? defaultHttpConfig.handlerTimeoutMs,
    path: "/metadata/:pool",
  });
  return app;
}
