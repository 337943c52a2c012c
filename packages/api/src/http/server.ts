// The hardened Fastify base every server of this package starts from: input validation answering 400 with a
// sentence, 404 for unknown routes, rate limits (429 with Retry-After), CORS, body and parameter size limits,
// timeouts, answers that never carry a stack or an internal message, /health, /metrics and the OpenAPI document.
import cors from "@fastify/cors";
import rateLimit from "@fastify/rate-limit";
import swagger from "@fastify/swagger";
import swaggerUi from "@fastify/swagger-ui";
import { InvalidInputError, RetryableError } from "@poolnet/sdk";
import Fastify, { type FastifyError, type FastifyInstance } from "fastify";
import { Registry } from "prom-client";
import { instrument } from "./metrics.ts";

export type HttpConfig = {
  /** Origins allowed to read answers from a browser: "*" (any; no credentials are ever accepted) or a list. */
  corsOrigins: "*" | string[];
  /** Requests per client address per window; false turns the limit off (tests, benchmarks). */
  rateLimit: { max: number; windowMs: number } | false;
  /** The largest request body accepted, in bytes; larger is 413. */
  bodyLimit: number;
  /** The longest path parameter; longer matches no route (404). */
  maxParamLength: number;
  /** The whole request (headers and body) must arrive within this (a slow client is cut off). */
  requestTimeoutMs: number;
  /** An idle keep-alive connection is closed after this. */
  keepAliveTimeoutMs: number;
  /** A route's work (a store read, a metadata fetch) must finish within this, or the answer is 503. */
  handlerTimeoutMs: number;
  /** Behind a reverse proxy: trust its X-Forwarded-For for the client address (rate limits). */
  trustProxy: boolean;
  logger: boolean;
  /** Node's process metrics (memory, event loop, GC) besides the request metrics. */
  defaultMetrics: boolean;
};

export const defaultHttpConfig: HttpConfig = {
  corsOrigins: "*",
  rateLimit: { max: 600, windowMs: 60_000 },
  bodyLimit: 16_384,
  maxParamLength: 100,
  requestTimeoutMs: 10_000,
  keepAliveTimeoutMs: 5_000,
  handlerTimeoutMs: 5_000,
  trustProxy: false,
  logger: false,
  defaultMetrics: true,
};

export type CreateServerParameters = {
  title: string;
  description: string;
  http?: Partial<HttpConfig>;
  /** Where /metrics reads from; pass one to add the domain's own metrics. Default: a new registry. */
  metricsRegistry?: Registry;
  /** Answers /health's `checks`; a throw makes /health answer 503. */
  health?: () => Promise<Record<string, unknown>>;
};

/** A route's work did not finish within handlerTimeoutMs. */
export class HandlerTimeoutError extends RetryableError {
  override name = "HandlerTimeoutError";
}

export async function createServer({
  title,
  description,
  http = {},
  metricsRegistry = new Registry(),
  health = async () => ({}),
}: CreateServerParameters): Promise<FastifyInstance> {
  const config = { ...defaultHttpConfig, ...http };
  const app = Fastify({
    logger: config.logger,
    bodyLimit: config.bodyLimit,
    routerOptions: { maxParamLength: config.maxParamLength },
    requestTimeout: config.requestTimeoutMs,
    connectionTimeout: config.requestTimeoutMs,
    keepAliveTimeout: config.keepAliveTimeoutMs,
    trustProxy: config.trustProxy,
    return503OnClosing: true,
    // unknown query parameters are an error, not silently dropped; strings are coerced to the documented types
    ajv: { customOptions: { removeAdditional: false, coerceTypes: true, allErrors: false } },
  });

  app.setErrorHandler((error: FastifyError, request, reply) => {
    if (error.validation !== undefined) {
      const first = error.validation[0];
      const unknown = first?.keyword === "additionalProperties" ? first.params.additionalProperty : undefined;
      const message =
        typeof unknown === "string"
          ? `${error.validationContext ?? "the request"} has a parameter the route does not take: ${JSON.stringify(unknown.slice(0, 60))}`
          : error.message;
      return reply.code(400).send({ error: "bad-request", message });
    }
    if (error instanceof InvalidInputError) {
      return reply.code(400).send({ error: "bad-request", message: error.message });
    }
    if (error instanceof RetryableError) {
      request.log.warn({ err: error }, "a dependency did not answer");
      return reply.code(503).send({ error: "unavailable", message: error.message });
    }
    const status = error.statusCode ?? 500;
    if (status >= 400 && status < 500) {
      // Fastify's own client errors (body too large, bad JSON, rate limited) carry safe sentences
      return reply.code(status).send({ error: clientErrorName(status), message: error.message });
    }
    // never the message or stack of an unexpected error: it may name tables, files or hosts
    request.log.error({ err: error }, "request failed");
    return reply.code(500).send({ error: "internal", message: "the server failed to answer this request" });
  });

  // Ajv coerces "Infinity" and "1e309" to an integer that passes `maximum`; no route means either
  app.addHook("preHandler", async (request, reply) => {
    for (const [part, values] of [
      ["querystring", request.query],
      ["params", request.params],
    ] as const) {
      for (const [name, value] of Object.entries((values ?? {}) as Record<string, unknown>)) {
        if (typeof value === "number" && !Number.isFinite(value)) {
          return reply.code(400).send({ error: "bad-request", message: `${part}/${name} must be a finite number` });
        }
      }
    }
  });

  await app.register(cors, {
    origin: config.corsOrigins === "*" ? "*" : config.corsOrigins,
    methods: ["GET", "HEAD"],
    credentials: false,
    maxAge: 600,
  });
  if (config.rateLimit !== false) {
    await app.register(rateLimit, {
      global: true,
      max: config.rateLimit.max,
      timeWindow: config.rateLimit.windowMs,
      errorResponseBuilder: (_request, context) => ({
        statusCode: 429,
        error: "rate-limited",
        message: `too many requests: at most ${context.max} per ${context.after}; try again in ${Math.ceil(context.ttl / 1000)} s`,
      }),
    });
  }
  await app.register(swagger, {
    openapi: {
      openapi: "3.0.3",
      info: { title, description, version: "0.1.0" },
    },
  });
  await app.register(swaggerUi, { routePrefix: "/docs", staticCSP: true });

  app.setNotFoundHandler(config.rateLimit === false ? {} : { preHandler: app.rateLimit() }, (request, reply) => {
    const path = request.url.split("?")[0]!.slice(0, 120);
    return reply.code(404).send({ error: "not-found", message: `there is no route ${request.method} ${path}` });
  });

  instrument(app, { registry: metricsRegistry, defaultMetrics: config.defaultMetrics });

  app.get("/openapi.json", { schema: { hide: true } }, async () => app.swagger());

  app.get(
    "/health",
    {
      config: { rateLimit: false },
      schema: {
        summary: "Whether the service and what it reads are up",
        response: {
          200: {
            type: "object",
            properties: { status: { type: "string" }, checks: { type: "object", additionalProperties: true } },
          },
          503: { type: "object", properties: { status: { type: "string" }, message: { type: "string" } } },
        },
      },
    },
    async (_request, reply) => {
      try {
        return { status: "ok", checks: await withTimeout(health(), config.handlerTimeoutMs) };
      } catch {
        return reply.code(503).send({ status: "unavailable", message: "a dependency of the service is out of reach" });
      }
    },
  );

  return app;
}

/** A route's work, bounded by handlerTimeoutMs: past it the answer is 503 and the work's result is dropped. */
export function withTimeout<T>(work: Promise<T>, ms: number): Promise<T> {
  let timer: NodeJS.Timeout | undefined;
  const timeout = new Promise<never>((_, reject) => {
    timer = setTimeout(() => reject(new HandlerTimeoutError(`the answer took longer than ${ms} ms`)), ms);
  });
  return Promise.race([work, timeout]).finally(() => clearTimeout(timer));
}

function clientErrorName(status: number): string {
  if (status === 404) return "not-found";
  if (status === 413) return "too-large";
  if (status === 415) return "unsupported-media-type";
  if (status === 429) return "rate-limited";
  return "bad-request";
}
