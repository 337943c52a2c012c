// Feeds: each FluxAggregator's latest answer, its rounds (in progress and completed) and per-oracle submissions.
import type { FastifyInstance } from "fastify";
import { withTimeout } from "../http/server.ts";
import {
  addressSchema,
  errorResponses,
  feedRoundDetailSchema,
  feedRoundSchema,
  feedSummarySchema,
  limitSchema,
  pageSchema,
} from "../http/schemas.ts";
import type { RoundListQuery } from "../readModel.ts";
import { normalize, type RouteOptions } from "./pools.ts";

const feedParams = {
  type: "object",
  required: ["feed"],
  additionalProperties: false,
  properties: { feed: addressSchema },
} as const;

export async function feedRoutes(app: FastifyInstance, { readModel, timeoutMs }: RouteOptions): Promise<void> {
  const noFeed = (feed: string) => ({ error: "not-found", message: `there is no feed at ${feed}` });

  app.get(
    "/feeds",
    {
      schema: {
        tags: ["feeds"],
        summary: "Every feed with its latest answer",
        response: { 200: { type: "array", items: feedSummarySchema }, ...errorResponses },
      },
    },
    async () => withTimeout(readModel.listFeeds(), timeoutMs),
  );

  app.get<{ Params: { feed: string } }>(
    "/feeds/:feed",
    {
      schema: {
        tags: ["feeds"],
        summary: "One feed",
        params: feedParams,
        response: { 200: feedSummarySchema, ...errorResponses },
      },
    },
    async (request, reply) => {
      const feed = await withTimeout(readModel.getFeed(normalize(request.params.feed)), timeoutMs);
      return feed ?? reply.code(404).send(noFeed(request.params.feed));
    },
  );

  app.get<{ Params: { feed: string }; Querystring: RoundListQuery }>(
    "/feeds/:feed/rounds",
    {
      schema: {
        tags: ["feeds"],
        summary: "A feed's rounds, latest first",
        params: feedParams,
        querystring: {
          type: "object",
          additionalProperties: false,
          properties: {
            before: { type: "integer", minimum: 0, description: "Only rounds numbered below this." },
            limit: limitSchema(500, 50),
          },
        },
        response: { 200: pageSchema(feedRoundSchema), ...errorResponses },
      },
    },
    async (request, reply) => {
      const rounds = await withTimeout(
        readModel.listFeedRounds(normalize(request.params.feed), request.query),
        timeoutMs,
      );
      return rounds ?? reply.code(404).send(noFeed(request.params.feed));
    },
  );

  app.get<{ Params: { feed: string; round: number } }>(
    "/feeds/:feed/rounds/:round",
    {
      schema: {
        tags: ["feeds"],
        summary: "One round with every oracle's submission",
        params: {
          type: "object",
          required: ["feed", "round"],
          additionalProperties: false,
          properties: { feed: addressSchema, round: { type: "integer", minimum: 0, maximum: 2 ** 32 - 1 } },
        },
        response: { 200: feedRoundDetailSchema, ...errorResponses },
      },
    },
    async (request, reply) => {
      const { feed, round } = request.params;
      const found = await withTimeout(readModel.getFeedRound(normalize(feed), round), timeoutMs);
      return found ?? reply.code(404).send({ error: "not-found", message: `feed ${feed} has no round ${round}` });
    },
  );
}
