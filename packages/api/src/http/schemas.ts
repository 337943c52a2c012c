// The JSON schemas the routes validate input against and serialize answers with; @fastify/swagger turns them into
// the OpenAPI document, so what is documented is what is enforced.
import { metadataUnavailableReasons } from "../metadata/fetchMetadata.ts";
import { epochStatuses, poolGroups, poolSortKeys } from "../readModel.ts";

export const poolStates = ["active", "broken", "disabled", "retired"] as const;

export const addressSchema = {
  type: "string",
  pattern: "^0x[0-9a-fA-F]{40}$",
  description: "An address, 0x and 40 hex digits (any case).",
} as const;
export const amountSchema = {
  type: "string",
  pattern: "^[0-9]{1,78}$",
  description: "A token amount in base units (10^-18 token), as a decimal string.",
} as const;
const hashSchema = { type: "string", pattern: "^0x[0-9a-fA-F]{64}$" } as const;
const integer = { type: "integer", minimum: 0 } as const;
const nullableNumber = { type: ["number", "null"] } as const;
const nullableInteger = { type: ["integer", "null"] } as const;

/** Every error answer: a machine-readable code and one sentence. */
export const errorSchema = {
  type: "object",
  required: ["error", "message"],
  properties: { error: { type: "string" }, message: { type: "string" } },
} as const;

export const errorResponses = {
  400: { description: "The input breaks the route's schema.", ...errorSchema },
  404: { description: "No such thing.", ...errorSchema },
  429: { description: "Too many requests: wait for Retry-After seconds.", ...errorSchema },
  503: { description: "The store or the chain is out of reach, or did not answer in time.", ...errorSchema },
} as const;

export const limitSchema = (max: number, fallback: number) =>
  ({ type: "integer", minimum: 1, maximum: max, default: fallback }) as const;

const poolSummaryProperties = {
  pool: addressSchema,
  operator: addressSchema,
  state: { type: "string", enum: poolStates },
  group: { type: "string", enum: poolGroups },
  isPrivate: { type: "boolean" },
  commissionRate: { ...integer, description: "Parts per million." },
  totalStake: amountSchema,
  pendingStake: amountSchema,
  stakingLimit: amountSchema,
  remainingCapacity: amountSchema,
  selfStake: amountSchema,
  delegatorCount: integer,
  apr: nullableNumber,
  performance: nullableNumber,
  attractiveness: nullableNumber,
  metaDataUrl: { type: "string" },
  metaDataContentHash: hashSchema,
  registeredAtBlock: integer,
  asOfEpoch: integer,
  asOfBlock: integer,
} as const;

export const poolSummarySchema = {
  type: "object",
  required: Object.keys(poolSummaryProperties),
  properties: poolSummaryProperties,
} as const;

const commissionChangeSchema = {
  type: "object",
  properties: {
    block: integer,
    fromRate: integer,
    toRate: integer,
    status: { type: "string", enum: ["announced", "finalized"] },
    effectiveAt: integer,
  },
} as const;

export const poolDetailSchema = {
  type: "object",
  required: Object.keys(poolSummaryProperties),
  properties: {
    ...poolSummaryProperties,
    signingAddress: addressSchema,
    selfStakeSatisfied: { type: "boolean" },
    index: integer,
    rewardsDistributed: amountSchema,
    commissionEarned: amountSchema,
    protocolFees: amountSchema,
    pendingUndelegations: amountSchema,
    pendingTransfersOut: amountSchema,
    commissionHistory: { type: "array", items: commissionChangeSchema },
  },
} as const;

export const poolHistoryPointSchema = {
  type: "object",
  properties: {
    epoch: integer,
    block: integer,
    timestamp: integer,
    totalStake: amountSchema,
    rewardsDistributed: amountSchema,
    commissionRate: integer,
    delegatorCount: integer,
    apr: nullableNumber,
    performance: nullableNumber,
  },
} as const;

export const delegationSchema = {
  type: "object",
  properties: {
    pool: addressSchema,
    stake: amountSchema,
    rewards: amountSchema,
    rewardsPaid: amountSchema,
    autoRedelegation: { type: "boolean" },
  },
} as const;

export const delegatorViewSchema = {
  type: "object",
  properties: {
    delegator: addressSchema,
    asOfEpoch: integer,
    asOfBlock: integer,
    delegations: { type: "array", items: delegationSchema },
    pendingUndelegations: {
      type: "array",
      items: {
        type: "object",
        properties: {
          id: { type: "string" },
          pool: addressSchema,
          amount: amountSchema,
          fee: amountSchema,
          releaseAt: integer,
        },
      },
    },
    pendingTransfers: {
      type: "array",
      items: {
        type: "object",
        properties: {
          id: { type: "string" },
          fromPool: addressSchema,
          toPool: addressSchema,
          amount: amountSchema,
          fee: amountSchema,
          releaseAt: integer,
        },
      },
    },
  },
} as const;

export const delegationPointSchema = {
  type: "object",
  properties: {
    epoch: integer,
    block: integer,
    timestamp: integer,
    stake: amountSchema,
    rewards: amountSchema,
    rewardsPaid: amountSchema,
  },
} as const;

export const epochSchema = {
  type: "object",
  properties: {
    epoch: integer,
    fromBlock: integer,
    toBlock: integer,
    status: { type: "string", enum: epochStatuses },
    reason: { type: ["string", "null"] },
    publishedAt: { type: "string" },
    updatedAt: { type: "string" },
  },
} as const;

export const feedSummarySchema = {
  type: "object",
  properties: {
    feed: addressSchema,
    description: { type: "string" },
    decimals: integer,
    oracleCount: integer,
    latestRound: nullableInteger,
    latestAnswer: { type: ["string", "null"] },
    updatedAt: nullableInteger,
  },
} as const;

const feedRoundProperties = {
  round: integer,
  status: { type: "string", enum: ["in-progress", "completed"] },
  answer: { type: ["string", "null"] },
  startedAt: integer,
  updatedAt: nullableInteger,
  submissionCount: integer,
} as const;

export const feedRoundSchema = { type: "object", properties: feedRoundProperties } as const;

export const feedRoundDetailSchema = {
  type: "object",
  properties: {
    ...feedRoundProperties,
    submissions: {
      type: "array",
      items: {
        type: "object",
        properties: {
          oracle: addressSchema,
          pool: { type: ["string", "null"] },
          answer: { type: "string" },
          block: integer,
        },
      },
    },
  },
} as const;

export const pageSchema = (items: object) =>
  ({
    type: "object",
    properties: { items: { type: "array", items }, total: integer, limit: integer, offset: integer },
  }) as const;

export const metadataAnswerSchema = {
  type: "object",
  required: ["pool", "metaDataUrl", "metaDataContentHash", "status", "checkedAt"],
  properties: {
    pool: addressSchema,
    metaDataUrl: { type: "string" },
    metaDataContentHash: { type: "string" },
    status: { type: "string", enum: ["available", "unavailable"] },
    checkedAt: { type: "string" },
    metadata: {
      type: "object",
      description: "Only when available.",
      properties: {
        name: { type: "string" },
        description: { type: "string" },
        website: { type: "string" },
        logo: { type: "string" },
        contact: { type: "string" },
      },
    },
    content: { type: "string", description: "Only when available: the exact document, to hash again." },
    reason: {
      type: "string",
      description: "Only when unavailable.",
      enum: [...metadataUnavailableReasons, "unknown-pool", "no-proxy-answered", "no-verifiable-answer"],
    },
    message: { type: "string", description: "Only when unavailable: why, in one sentence." },
    proxies: {
      type: "array",
      description: "Only from a client merging several proxies: how each one's answer fared.",
      items: {
        type: "object",
        properties: {
          proxy: { type: "string" },
          outcome: { type: "string", enum: ["verified", "unavailable", "forged", "stale", "failed"] },
          reason: { type: "string" },
          message: { type: "string" },
        },
      },
    },
  },
} as const;

export const poolParamsSchema = {
  type: "object",
  required: ["pool"],
  additionalProperties: false,
  properties: { pool: addressSchema },
} as const;

export { poolSortKeys };
