// Service metrics every server of this package exports at /metrics: requests by route and status, and their latency.
// The route is the pattern ("/pools/:pool"), never the raw URL, so a scan of random paths cannot blow up the series.
import type { FastifyInstance } from "fastify";
import { Counter, Histogram, Registry, collectDefaultMetrics } from "prom-client";

export type HttpMetricsOptions = { registry: Registry; defaultMetrics: boolean };

export function instrument(app: FastifyInstance, { registry, defaultMetrics }: HttpMetricsOptions): void {
  if (defaultMetrics) collectDefaultMetrics({ register: registry, prefix: "poolnet_api_" });
  const labelNames = ["method", "route", "status_code"] as const;
  const requests = new Counter({
    name: "poolnet_http_requests_total",
    help: "HTTP requests answered, by method, route pattern and status code.",
    labelNames,
    registers: [registry],
  });
  const duration = new Histogram({
    name: "poolnet_http_request_duration_seconds",
    help: "Time from receiving a request to finishing its answer, by method, route pattern and status code.",
    labelNames,
    buckets: [0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5],
    registers: [registry],
  });
  app.addHook("onResponse", async (request, reply) => {
    const labels = {
      method: request.method,
      route: request.routeOptions.url ?? "unmatched",
      status_code: String(reply.statusCode),
    };
    requests.inc(labels);
    duration.observe(labels, reply.elapsedTime / 1000);
  });
  app.get("/metrics", { schema: { hide: true }, config: { rateLimit: false } }, async (_request, reply) => {
    reply.header("content-type", registry.contentType);
    return registry.metrics();
  });
}
