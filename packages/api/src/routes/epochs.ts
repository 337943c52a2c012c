// The indexer's epochs and their status (queued, building, done, failed).
import type { FastifyInstance } from "fastify";
import { withTimeout } from "../http/server.ts";
import { epochSchema, errorResponses, limitSchema, pageSchema } from "../http/schemas.ts";
import { epochStatuses, type EpochListQuery } from "../readModel.ts";
import type { RouteOptions } from "./pools.ts";

export async function epochRoutes(app: FastifyInstance, { readModel, timeoutMs }: RouteOptions): Promise<void> {
  app.get<{ Querystring: EpochListQuery }>(
    "/epochs",
    {
      schema: {
        tags: ["epochs"],
        summary: "Epochs, latest first",
        querystring: {
          type: "object",
          additionalProperties: false,
          properties: {
            status: { type: "string", enum: epochStatuses },
            before: { type: "integer", minimum: 0, description: "Only epochs numbered below this." },
            limit: limitSchema(500, 50),
          },
        },
        response: { 200: pageSchema(epochSchema), ...errorResponses },
      },
    },
    async (request) => withTimeout(readModel.listEpochs(request.query), timeoutMs),
  );

  app.get<{ Params: { epoch: number } }>(
    "/epochs/:epoch",
    {
      schema: {
        tags: ["epochs"],
        summary: "One epoch",
        params: {
          type: "object",
          required: ["epoch"],
          additionalProperties: false,
          properties: { epoch: { type: "integer", minimum: 0, maximum: Number.MAX_SAFE_INTEGER } },
        },
        response: { 200: epochSchema, ...errorResponses },
      },
    },
    async (request, reply) => {
      const epoch = await withTimeout(readModel.getEpoch(request.params.epoch), timeoutMs);
      return (
        epoch ?? reply.code(404).send({ error: "not-found", message: `there is no epoch ${request.params.epoch}` })
      );
    },
  );
}
