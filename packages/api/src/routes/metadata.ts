// Pool metadata as a proxy (or a client merging several) answers for it, and the rules it is checked against.
import type { FastifyInstance } from "fastify";
import { withTimeout } from "../http/server.ts";
import { errorResponses, metadataAnswerSchema, poolParamsSchema } from "../http/schemas.ts";
import type { MetadataSource } from "../metadata/proxy.ts";
import { metadataSchema } from "../metadata/rules.ts";
import { normalize } from "./pools.ts";

export type MetadataRouteOptions = {
  source: MetadataSource;
  timeoutMs: number;
  /** Where the answer is served: "/metadata/:pool" on a proxy, "/pools/:pool/metadata" in the API. */
  path: string;
};

export async function metadataRoutes(
  app: FastifyInstance,
  { source, timeoutMs, path }: MetadataRouteOptions,
): Promise<void> {
  app.get(
    "/metadata/schema.json",
    {
      schema: {
        tags: ["metadata"],
        summary: "The JSON schema pool metadata must follow to be served",
        response: { 200: { type: "object", additionalProperties: true } },
      },
    },
    async () => metadataSchema,
  );

  app.get<{ Params: { pool: string } }>(
    path,
    {
      schema: {
        tags: ["metadata"],
        summary: "A pool's metadata, checked against its on-chain hash and the rules; or why it is unavailable",
        params: poolParamsSchema,
        response: { 200: metadataAnswerSchema, ...errorResponses },
      },
    },
    async (request, reply) => {
      const answer = await withTimeout(source.getMetadata(normalize(request.params.pool)), timeoutMs);
      if (answer === undefined) {
        return reply.code(404).send({ error: "not-found", message: `there is no pool at ${request.params.pool}` });
      }
      // a document is immutable under its hash; an unavailable answer may change at the next check
      reply.header("cache-control", answer.status === "available" ? "public, max-age=300" : "public, max-age=30");
      return answer;
    },
  );
}
