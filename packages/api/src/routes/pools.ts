// Pools: the list (grouped, filtered, sorted by attractiveness by default), one pool as the registry's getters
// report it, its time series, and one delegation in it (getStake and getRewards).
import type { FastifyInstance } from "fastify";
import { getAddress, type Address } from "viem";
import { createMicroCache } from "../http/microCache.ts";
import { withTimeout } from "../http/server.ts";
import {
  addressSchema,
  amountSchema,
  delegationPointSchema,
  delegationSchema,
  errorResponses,
  limitSchema,
  pageSchema,
  poolDetailSchema,
  poolHistoryPointSchema,
  poolParamsSchema,
  poolSortKeys,
  poolStates,
  poolSummarySchema,
} from "../http/schemas.ts";
import { poolGroups, type HistoryQuery, type PoolListQuery, type ReadModel } from "../readModel.ts";

export type RouteOptions = { readModel: ReadModel; timeoutMs: number };

/** Addresses arrive in any case; the read model gets them checksummed. */
export const normalize = (address: string): Address => getAddress(address.toLowerCase());

/** How long one pool list answer is served again; a new epoch (the only thing that changes it) takes longer. */
export const LIST_CACHE_MS = 1000;

const notFound = (what: string) => ({ error: "not-found", message: what });

const historyQuerySchema = {
  type: "object",
  additionalProperties: false,
  properties: {
    fromEpoch: { type: "integer", minimum: 0 },
    toEpoch: { type: "integer", minimum: 0 },
    limit: limitSchema(1000, 200),
  },
} as const;

export async function poolRoutes(app: FastifyInstance, { readModel, timeoutMs }: RouteOptions): Promise<void> {
  const listCache = createMicroCache({ ttlMs: LIST_CACHE_MS, maxEntries: 1000 });
  app.get<{ Querystring: PoolListQuery }>(
    "/pools",
    {
      schema: {
        tags: ["pools"],
        summary: "The pool list: filter, sort (attractiveness first by default) and page",
        querystring: {
          type: "object",
          additionalProperties: false,
          properties: {
            group: { type: "string", enum: poolGroups, description: "active, new or retired pools; all if absent" },
            state: { type: "string", enum: poolStates },
            maxCommissionRate: { type: "integer", minimum: 0, maximum: 1_000_000 },
            minRemainingCapacity: amountSchema,
            minTotalStake: amountSchema,
            minApr: { type: "number", minimum: 0, maximum: 1e6 },
            minPerformance: { type: "number", minimum: 0, maximum: 1 },
            sort: { type: "string", enum: poolSortKeys, default: "attractiveness" },
            order: { type: "string", enum: ["asc", "desc"], default: "desc" },
            limit: limitSchema(200, 50),
            offset: { type: "integer", minimum: 0, maximum: 1_000_000, default: 0 },
          },
        },
        response: { 200: pageSchema(poolSummarySchema), ...errorResponses },
      },
    },
    async (request, reply) => {
      // the same list for the same query within a second: built and serialized once (see microCache.ts)
      const body = await listCache.get(request.url, async () =>
        String(reply.serialize(await withTimeout(readModel.listPools(request.query), timeoutMs))),
      );
      return reply.type("application/json; charset=utf-8").send(body);
    },
  );

  app.get<{ Params: { pool: string } }>(
    "/pools/:pool",
    {
      schema: {
        tags: ["pools"],
        summary: "One pool: getPoolInfo and getTotalStake as of the last epoch, its figures and commission history",
        params: poolParamsSchema,
        response: { 200: poolDetailSchema, ...errorResponses },
      },
    },
    async (request, reply) => {
      const pool = await withTimeout(readModel.getPool(normalize(request.params.pool)), timeoutMs);
      return pool ?? reply.code(404).send(notFound(`there is no pool at ${request.params.pool}`));
    },
  );

  app.get<{ Params: { pool: string }; Querystring: HistoryQuery }>(
    "/pools/:pool/history",
    {
      schema: {
        tags: ["pools"],
        summary: "A pool's time series by epoch: stake, rewards, APR, apparent performance, commission",
        params: poolParamsSchema,
        querystring: historyQuerySchema,
        response: { 200: { type: "array", items: poolHistoryPointSchema }, ...errorResponses },
      },
    },
    async (request, reply) => {
      const points = await withTimeout(
        readModel.getPoolHistory(normalize(request.params.pool), request.query),
        timeoutMs,
      );
      return points ?? reply.code(404).send(notFound(`there is no pool at ${request.params.pool}`));
    },
  );

  app.get<{ Params: { pool: string; delegator: string } }>(
    "/pools/:pool/delegators/:delegator",
    {
      schema: {
        tags: ["pools", "delegators"],
        summary: "getStake and getRewards of one delegator in one pool",
        params: {
          type: "object",
          required: ["pool", "delegator"],
          additionalProperties: false,
          properties: { pool: addressSchema, delegator: addressSchema },
        },
        response: { 200: delegationSchema, ...errorResponses },
      },
    },
    async (request, reply) => {
      const { pool, delegator } = request.params;
      const delegation = await withTimeout(readModel.getDelegation(normalize(pool), normalize(delegator)), timeoutMs);
      return delegation ?? reply.code(404).send(notFound(`there is no pool at ${pool}`));
    },
  );

  app.get<{ Params: { delegator: string; pool: string }; Querystring: HistoryQuery }>(
    "/delegators/:delegator/pools/:pool/history",
    {
      schema: {
        tags: ["delegators"],
        summary: "One delegation by epoch: stake, unpaid and paid rewards (earned so far = rewards + rewardsPaid)",
        params: {
          type: "object",
          required: ["pool", "delegator"],
          additionalProperties: false,
          properties: { pool: addressSchema, delegator: addressSchema },
        },
        querystring: historyQuerySchema,
        response: { 200: { type: "array", items: delegationPointSchema }, ...errorResponses },
      },
    },
    async (request, reply) => {
      const { pool, delegator } = request.params;
      const points = await withTimeout(
        readModel.getDelegationHistory(normalize(delegator), normalize(pool), request.query),
        timeoutMs,
      );
      return points ?? reply.code(404).send(notFound(`${delegator} never delegated to pool ${pool}`));
    },
  );
}
