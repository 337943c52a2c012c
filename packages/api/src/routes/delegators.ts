// A delegator's view: every delegation across pools, and pending undelegations and transfers with when they become
// final.
import type { FastifyInstance } from "fastify";
import { withTimeout } from "../http/server.ts";
import { addressSchema, delegatorViewSchema, errorResponses } from "../http/schemas.ts";
import { normalize, type RouteOptions } from "./pools.ts";

export async function delegatorRoutes(app: FastifyInstance, { readModel, timeoutMs }: RouteOptions): Promise<void> {
  app.get<{ Params: { delegator: string } }>(
    "/delegators/:delegator",
    {
      schema: {
        tags: ["delegators"],
        summary: "Every delegation of an address, with pending undelegations and transfers",
        params: {
          type: "object",
          required: ["delegator"],
          additionalProperties: false,
          properties: { delegator: addressSchema },
        },
        response: { 200: delegatorViewSchema, ...errorResponses },
      },
    },
    async (request) => withTimeout(readModel.getDelegator(normalize(request.params.delegator)), timeoutMs),
  );
}
