// Job specs: the JSON files that tell a node what to watch and where prices come from, checked field by field.
import { readFile } from "node:fs/promises";
import { InvalidInputError } from "@poolnet/sdk";
import { getAddress, isAddress, stringToHex, type Address, type Hex } from "viem";
import { formatPair, parsePair } from "../feeds/feed.ts";
import { PRICE_DECIMALS, formatDecimal, parseDecimal } from "../internal/decimal.ts";
import { parseDuration } from "./duration.ts";

/** A job spec that cannot run, and the one field that says why, e.g. `initiators[0].params.threshold`. */
export class JobSpecError extends InvalidInputError {
  override name = "JobSpecError";
  readonly field: string;

  constructor(field: string, problem: string, options: { file?: string | undefined } = {}) {
    super(`${options.file === undefined ? "the job spec" : `the job spec ${options.file}`}: ${field} ${problem}`);
    this.field = field;
  }
}

/** The price APIs a feed entry may name, as the adapters in feeds/ read their formats. */
export const FEED_TYPES = ["coingecko", "coinmarketcap", "cryptocompare", "coinbase", "kraken", "external"] as const;
export type FeedType = (typeof FEED_TYPES)[number];

export type FeedSpec =
  | {
      type: Exclude<FeedType, "external">;
      pair: string;
      /** The API's origin; the real API's when not given. */
      baseUrl?: string | undefined;
      timeoutMs?: number | undefined;
      /** The name of the environment variable holding the API key: a key is never written in a job spec. */
      apiKeyEnv?: string | undefined;
    }
  | {
      type: "external";
      pair: string;
      /** The external adapter's (bridge's) URL. */
      url: string;
      /** The bridge's name, shown in errors. */
      name?: string | undefined;
      timeoutMs?: number | undefined;
    };

export type FluxMonitorJobSpec = JobFeedsSpec & {
  name: string;
  initiator: "fluxmonitor";
  /** The FluxAggregator. */
  address: Address;
  /** Relative deviation that triggers a round, in percent, as decimal text: "0.5". */
  threshold: string;
  /** Absolute deviation, in the answer's units (a price, not scaled), that must also be passed; "0" for none. */
  absoluteThreshold: string;
  pollPeriodMs: number;
  /** Force a round when none started for this long; undefined when the idle timer is disabled. */
  idleDurationMs: number | undefined;
};

/** What a job reads its price from: the same fields in fluxmonitor and runlog specs. */
export type JobFeedsSpec = {
  /** What is sent to external adapters as the request's `data` (its `data` member, when it has one). */
  requestData: Record<string, unknown>;
  feeds: FeedSpec[];
  /** The pair every feed prices: "LINK/USD". */
  pair: string;
  /** Decimals of the answered integer: the price times 10^precision. */
  precision: number;
  /** How many feeds must answer for the median to count. */
  minFeedAnswers: number;
};

export type RunLogJobSpec = JobFeedsSpec & {
  name: string;
  initiator: "runlog";
  /** The oracle contract (Chainlink's Operator) whose OracleRequest logs start a run. */
  address: Address;
  /** The job's id as the spec gives it: a UUID, or a 0x-prefixed 32-byte hex. */
  jobId: string;
  /** The bytes32 requests name the job by (OracleRequest's indexed `specId`); see `runLogSpecId`. */
  specId: Hex;
  /** Only requests from these addresses run the job; any requester when empty. */
  requesters: Address[];
  /** The least payment a request must carry, in juels (10^-18 LINK); 0 by default. */
  minPayment: bigint;
  /** Blocks a request log must be buried under before it is answered; 0 (the latest block) by default. */
  minIncomingConfirmations: number;
  /** The least gas limit of a fulfillment: what the consumer's callback may use; 500,000 by default. */
  gasLimit: bigint;
};

export type JobSpec = FluxMonitorJobSpec | RunLogJobSpec;

type Json = Record<string, unknown>;

/** The least gas limit of a fulfillment: Chainlink's Operator refuses one that leaves its consumer less than 400,000. */
export const RUNLOG_MIN_GAS_LIMIT = 400_000n;
export const RUNLOG_DEFAULT_GAS_LIMIT = 500_000n;
const RUNLOG_MAX_GAS_LIMIT = 30_000_000n;
const MAX_CONFIRMATIONS = 10_000;

const UUID = /^[0-9a-f]{8}-?[0-9a-f]{4}-?[0-9a-f]{4}-?[0-9a-f]{4}-?[0-9a-f]{12}$/i;
const BYTES32 = /^0x[0-9a-f]{64}$/i;

/**
 * The bytes32 that requests for a runlog job carry as their `specId`, from the job's id: a 0x-prefixed 32-byte hex is
 * taken as it is; a UUID (dashes optional) is its 32 hex digits, lower-cased, as ASCII bytes, as Chainlink's node
 * encodes a job's external id and consumers write it (`bytes32 jobId = "7d80a6386ef543a9b6a4fbd8a7e4e2b5"`).
 * Undefined for anything else.
 */
export function runLogSpecId(jobId: string): Hex | undefined {
  const id = jobId.trim();
  if (BYTES32.test(id)) return id.toLowerCase() as Hex;
  if (UUID.test(id)) return stringToHex(id.replaceAll("-", "").toLowerCase(), { size: 32 });
  return undefined;
}

/** Checks a parsed job spec and returns it normalized. Throws a JobSpecError naming the first bad field. */
export function parseJobSpec(value: unknown, options: { file?: string | undefined } = {}): JobSpec {
  const fail = (field: string, problem: string): never => {
    throw new JobSpecError(field, problem, options);
  };
  const root = object(value, "the top level", fail);
  const name = root.name === undefined ? (options.file ?? "job") : text(root.name, "name", fail);
  const initiators = root.initiators;
  if (!Array.isArray(initiators)) return fail("initiators", "must be a list with one initiator");
  if (initiators.length !== 1) return fail("initiators", `must hold exactly one initiator, not ${initiators.length}`);
  const initiator = object(initiators[0], "initiators[0]", fail);
  const params = object(initiator.params, "initiators[0].params", fail);
  const at = (key: string) => `initiators[0].params.${key}`;
  const address = parseAddressField(params.address, at("address"), fail);

  if (initiator.type === "runlog") {
    const jobId = params.jobId;
    const specId = typeof jobId === "string" ? runLogSpecId(jobId) : undefined;
    if (specId === undefined) {
      return fail(
        at("jobId"),
        `must be a UUID such as "7d80a638-6ef5-43a9-b6a4-fbd8a7e4e2b5" or a 0x-prefixed 32-byte hex, not ${show(jobId)}`,
      );
    }
    const requesters = params.requesters ?? [];
    if (!Array.isArray(requesters)) return fail(at("requesters"), "must be a list of addresses");
    return {
      name,
      initiator: "runlog",
      address,
      jobId: (jobId as string).trim(),
      specId,
      requesters: requesters.map((requester, i) => parseAddressField(requester, at(`requesters[${i}]`), fail)),
      minPayment: wholeNumber(params.minPayment, at("minPayment"), { min: 0n, fallback: 0n, unit: "juels" }, fail),
      minIncomingConfirmations: Number(
        wholeNumber(
          params.minIncomingConfirmations,
          at("minIncomingConfirmations"),
          { min: 0n, max: BigInt(MAX_CONFIRMATIONS), fallback: 0n, unit: "blocks" },
          fail,
        ),
      ),
      gasLimit: wholeNumber(
        params.gasLimit,
        at("gasLimit"),
        { min: RUNLOG_MIN_GAS_LIMIT, max: RUNLOG_MAX_GAS_LIMIT, fallback: RUNLOG_DEFAULT_GAS_LIMIT, unit: "gas" },
        fail,
      ),
      ...parseJobFeeds(params, at, fail),
    };
  }
  if (initiator.type !== "fluxmonitor") {
    return fail("initiators[0].type", `must be "fluxmonitor" or "runlog", not ${show(initiator.type)}`);
  }

  const jobFeeds = parseJobFeeds(params, at, fail);
  const threshold = decimalField(params.threshold, at("threshold"), fail);
  const absoluteThreshold =
    params.absoluteThreshold === undefined
      ? "0"
      : decimalField(params.absoluteThreshold, at("absoluteThreshold"), fail);

  const pollTimer = object(params.pollTimer, at("pollTimer"), fail);
  const pollPeriodMs = parseDuration(pollTimer.period);
  if (pollPeriodMs === undefined || pollPeriodMs <= 0) {
    return fail(at("pollTimer.period"), `must be a positive duration such as "15s", not ${show(pollTimer.period)}`);
  }
  let idleDurationMs: number | undefined;
  if (params.idleTimer !== undefined) {
    const idleTimer = object(params.idleTimer, at("idleTimer"), fail);
    if (idleTimer.disabled !== undefined && typeof idleTimer.disabled !== "boolean") {
      return fail(at("idleTimer.disabled"), `must be true or false, not ${show(idleTimer.disabled)}`);
    }
    if (idleTimer.disabled !== true) {
      idleDurationMs = parseDuration(idleTimer.duration);
      if (idleDurationMs === undefined || idleDurationMs <= 0) {
        return fail(
          at("idleTimer.duration"),
          `must be a positive duration such as "1h" (or set idleTimer.disabled), not ${show(idleTimer.duration)}`,
        );
      }
    }
  }

  return {
    name,
    initiator: "fluxmonitor",
    address,
    ...jobFeeds,
    threshold,
    absoluteThreshold,
    pollPeriodMs,
    idleDurationMs,
  };
}

/** Reads and checks a job spec file; its name is in every error. */
export async function readJobSpec(file: string): Promise<JobSpec> {
  let text: string;
  try {
    text = await readFile(file, "utf8");
  } catch (cause) {
    throw new InvalidInputError(`cannot read the job spec ${file}`, { cause });
  }
  let value: unknown;
  try {
    value = JSON.parse(text);
  } catch (cause) {
    throw new InvalidInputError(`the job spec ${file} is not JSON: ${(cause as Error).message}`, { cause });
  }
  return parseJobSpec(value, { file });
}

type Fail = (field: string, problem: string) => never;

/** The feeds, their request data, precision and quorum: the same fields in every initiator's params. */
function parseJobFeeds(params: Json, at: (key: string) => string, fail: Fail): JobFeedsSpec {
  const requestData = params.requestData === undefined ? {} : object(params.requestData, at("requestData"), fail);
  if (!Array.isArray(params.feeds) || params.feeds.length === 0) {
    return fail(at("feeds"), "must be a list of at least one feed");
  }
  const feeds = params.feeds.map((feed, i) => parseFeed(feed, at(`feeds[${i}]`), fail));
  const pair = feeds[0]!.pair;
  const other = feeds.findIndex((feed) => feed.pair !== pair);
  if (other !== -1) return fail(at(`feeds[${other}].pair`), `must be ${pair}, as every feed of the job prices it`);
  const precision = params.precision;
  if (typeof precision !== "number" || !Number.isInteger(precision) || precision < 0 || precision > PRICE_DECIMALS) {
    return fail(
      at("precision"),
      `must be a whole number of decimals from 0 to ${PRICE_DECIMALS}, not ${show(precision)}`,
    );
  }
  const majority = Math.floor(feeds.length / 2) + 1;
  const minFeedAnswers = params.minFeedAnswers ?? majority;
  if (
    typeof minFeedAnswers !== "number" ||
    !Number.isInteger(minFeedAnswers) ||
    minFeedAnswers < 1 ||
    minFeedAnswers > feeds.length
  ) {
    return fail(
      at("minFeedAnswers"),
      `must be a whole number from 1 to the ${feeds.length} feeds, not ${show(minFeedAnswers)}`,
    );
  }
  return { requestData, feeds, pair, precision, minFeedAnswers };
}

/** A whole number written as a JSON number (a safe integer) or as decimal digits (for amounts past 2^53). */
function wholeNumber(
  value: unknown,
  field: string,
  { min, max, fallback, unit }: { min: bigint; max?: bigint; fallback: bigint; unit: string },
  fail: Fail,
): bigint {
  if (value === undefined) return fallback;
  let parsed: bigint | undefined;
  if (typeof value === "number" && Number.isSafeInteger(value)) parsed = BigInt(value);
  if (typeof value === "string" && /^\d{1,78}$/.test(value.trim())) parsed = BigInt(value.trim());
  if (parsed === undefined || parsed < min || (max !== undefined && parsed > max)) {
    const range = max === undefined ? `of ${min} or more` : `from ${min} to ${max}`;
    return fail(
      field,
      `must be a whole number of ${unit} ${range} (a JSON number or decimal digits), not ${show(value)}`,
    );
  }
  return parsed;
}

function parseFeed(value: unknown, field: string, fail: Fail): FeedSpec {
  const feed = object(value, field, fail);
  const type = feed.type;
  if (typeof type !== "string" || !(FEED_TYPES as readonly string[]).includes(type)) {
    return fail(`${field}.type`, `must be one of ${FEED_TYPES.join(", ")}, not ${show(type)}`);
  }
  let pair: string;
  try {
    pair = formatPair(parsePair(text(feed.pair, `${field}.pair`, fail)));
  } catch {
    return fail(`${field}.pair`, `must be a pair written BASE/QUOTE such as "LINK/USD", not ${show(feed.pair)}`);
  }
  let timeoutMs: number | undefined;
  if (feed.timeout !== undefined) {
    timeoutMs = parseDuration(feed.timeout);
    if (timeoutMs === undefined || timeoutMs <= 0) {
      return fail(`${field}.timeout`, `must be a positive duration such as "5s", not ${show(feed.timeout)}`);
    }
  }
  if (type === "external") {
    return {
      type,
      pair,
      url: httpUrl(feed.url, `${field}.url`, fail),
      name: feed.name === undefined ? undefined : text(feed.name, `${field}.name`, fail),
      timeoutMs,
    };
  }
  return {
    type: type as Exclude<FeedType, "external">,
    pair,
    baseUrl: feed.baseUrl === undefined ? undefined : httpUrl(feed.baseUrl, `${field}.baseUrl`, fail),
    timeoutMs,
    apiKeyEnv: feed.apiKeyEnv === undefined ? undefined : text(feed.apiKeyEnv, `${field}.apiKeyEnv`, fail),
  };
}

function object(value: unknown, field: string, fail: Fail): Json {
  if (typeof value !== "object" || value === null || Array.isArray(value)) {
    return fail(field, `must be an object, not ${show(value)}`);
  }
  return value as Json;
}

function text(value: unknown, field: string, fail: Fail): string {
  if (typeof value !== "string" || value.trim() === "")
    return fail(field, `must be a non-empty string, not ${show(value)}`);
  return value;
}

function parseAddressField(value: unknown, field: string, fail: Fail): Address {
  if (typeof value !== "string" || !isAddress(value, { strict: false })) {
    return fail(field, `must be a 0x-prefixed 20-byte address, not ${show(value)}`);
  }
  return getAddress(value);
}

function decimalField(value: unknown, field: string, fail: Fail): string {
  const scaled = typeof value === "number" || typeof value === "string" ? parseDecimal(value) : undefined;
  if (scaled === undefined || scaled < 0n) return fail(field, `must be a number of 0 or more, not ${show(value)}`);
  return formatDecimal(scaled);
}

function httpUrl(value: unknown, field: string, fail: Fail): string {
  const url = text(value, field, fail);
  let parsed: URL;
  try {
    parsed = new URL(url);
  } catch {
    return fail(field, `must be an http or https URL, not ${show(value)}`);
  }
  if (parsed.protocol !== "http:" && parsed.protocol !== "https:") {
    return fail(field, `must be an http or https URL, not ${show(value)}`);
  }
  return url;
}

function show(value: unknown): string {
  if (value === undefined) return "missing";
  const shown = JSON.stringify(value) ?? String(value);
  return shown.length > 60 ? `${shown.slice(0, 57)}...` : shown;
}
