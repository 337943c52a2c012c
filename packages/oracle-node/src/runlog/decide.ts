// The pure part of a runlog job: whether a request is answered, the integer it is answered with, and the Operator
// call that answers it. No I/O: the monitor (monitor.ts) reads the chain and the feeds and acts on these.
import {
  encodeAbiParameters,
  encodeFunctionData,
  isAddressEqual,
  numberToHex,
  type Address,
  type Hash,
  type Hex,
} from "viem";
import { PRICE_DECIMALS, parseDecimal } from "../internal/decimal.ts";
import type { RunLogJobSpec } from "../jobs/jobSpec.ts";
import { operatorAbi } from "./operatorAbi.ts";
import { RequestParametersError, decodeRequestParameters, requestTimes } from "./requestParameters.ts";

/** An OracleRequest log of the Operator, decoded. */
export type OracleRequest = {
  specId: Hex;
  requester: Address;
  requestId: Hash;
  /** In juels (10^-18 LINK). */
  payment: bigint;
  callbackAddr: Address;
  callbackFunctionId: Hex;
  /** When the requester may cancel, in seconds since the epoch (block time). */
  cancelExpiration: bigint;
  /** 1: `oracleRequest`, answered by `fulfillOracleRequest`; 2: `operatorRequest`, by `fulfillOracleRequest2`. */
  dataVersion: bigint;
  /** The request's parameters, CBOR map entries (requestParameters.ts). */
  data: Hex;
  blockNumber: bigint;
};

/** Why a request is left unanswered for good. */
export type RequestSkipReason =
  /** The job's `requesters` do not list the requester. */
  | "requesterNotAllowed"
  /** It pays less than the job's `minPayment`. */
  | "paymentTooLow"
  /** Neither 1 nor 2: no fulfillment of the Operator takes it. */
  | "unsupportedDataVersion"
  /** Its parameters are not CBOR the node reads, its `times` is not a positive whole number, or the answer overflows. */
  | "invalidParameters"
  /** Its cancel expiration has passed (by the latest block's time): the requester may cancel it at any moment. */
  | "expired"
  /** The Operator logged its cancellation. */
  | "cancelled"
  /** The Operator logged a response to it: another of its authorized senders answered. */
  | "answered"
  /** This node's state holds a fulfillment of it already: a second one is never signed. */
  | "alreadyFulfilled"
  /** The Operator holds no such request any more (the simulation of the fulfillment says so). */
  | "notPending";

/** Request logs the Operator closed: cancelled, or answered. */
export type ClosedRequest = "cancelled" | "answered";

export type RequestCheckInput = {
  job: Pick<RunLogJobSpec, "requesters" | "minPayment" | "precision">;
  request: OracleRequest;
  /** The latest block's timestamp, in seconds. */
  now: bigint;
  /** Whether this node's state holds a fulfillment of the request. */
  fulfilled: boolean;
  /** Whether the Operator logged the request's cancellation or a response to it. */
  closed?: ClosedRequest | undefined;
};

export type RequestCheck =
  | {
      ok: true;
      /** What the median is multiplied by: the request's `times`, or 10^precision. */
      multiplier: bigint;
      /** Parameters the request gave that the node does not honour (`get`, `path`, …), in order. */
      ignored: string[];
    }
  | { ok: false; reason: RequestSkipReason; detail?: string | undefined };

/** Parameters of Chainlink's core adapters that the node reads; any other is ignored (listed in `ignored`). */
const HONOURED_PARAMETERS = new Set(["times"]);

/** Checks a request before any feed is asked, the cheapest reasons first. */
export function checkRequest({ job, request, now, fulfilled, closed }: RequestCheckInput): RequestCheck {
  if (fulfilled) return { ok: false, reason: "alreadyFulfilled" };
  if (closed !== undefined) return { ok: false, reason: closed };
  if (job.requesters.length > 0 && !job.requesters.some((allowed) => isAddressEqual(allowed, request.requester))) {
    return { ok: false, reason: "requesterNotAllowed", detail: request.requester };
  }
  if (request.payment < job.minPayment) {
    return { ok: false, reason: "paymentTooLow", detail: `${request.payment} < ${job.minPayment} juels` };
  }
  if (request.dataVersion !== 1n && request.dataVersion !== 2n) {
    return { ok: false, reason: "unsupportedDataVersion", detail: `data version ${request.dataVersion}` };
  }
  let multiplier: bigint;
  let ignored: string[];
  try {
    const parameters = decodeRequestParameters(request.data);
    multiplier = requestTimes(parameters) ?? 10n ** BigInt(job.precision);
    ignored = [...parameters.keys()].filter((key) => !HONOURED_PARAMETERS.has(key));
  } catch (error) {
    if (!(error instanceof RequestParametersError)) throw error;
    return { ok: false, reason: "invalidParameters", detail: error.shortMessage };
  }
  if (request.cancelExpiration <= now) return { ok: false, reason: "expired" };
  return { ok: true, multiplier, ignored };
}

const INT256_MAX = 2n ** 255n - 1n;

/**
 * The answer: the median price times `multiplier`, rounded half away from zero, exactly (the median is decimal text
 * of at most PRICE_DECIMALS + 1 decimals). Undefined when it does not fit an int256.
 */
export function scaleAnswer(price: string, multiplier: bigint): bigint | undefined {
  const decimals = PRICE_DECIMALS + 1;
  const scaled = parseDecimal(price, decimals);
  if (scaled === undefined) return undefined;
  const product = scaled * multiplier;
  const divisor = 10n ** BigInt(decimals);
  const half = divisor / 2n;
  const answer = product < 0n ? -((-product + half) / divisor) : (product + half) / divisor;
  return answer > INT256_MAX || answer < -INT256_MAX - 1n ? undefined : answer;
}

/**
 * The Operator call answering a request with `answer`: `fulfillOracleRequest(…, bytes32(answer))` for data version 1,
 * `fulfillOracleRequest2(…, abi.encode(requestId, answer))` for version 2. Either way the consumer's callback is
 * called as `callback(requestId, answer)`: an int256 (two's complement), which a bytes32 or uint256 parameter reads
 * too.
 */
export function fulfillmentData(request: OracleRequest, answer: bigint): Hex {
  const common = [
    request.requestId,
    request.payment,
    request.callbackAddr,
    request.callbackFunctionId,
    request.cancelExpiration,
  ] as const;
  if (request.dataVersion === 2n) {
    const data = encodeAbiParameters([{ type: "bytes32" }, { type: "int256" }], [request.requestId, answer]);
    return encodeFunctionData({ abi: operatorAbi, functionName: "fulfillOracleRequest2", args: [...common, data] });
  }
  const word = numberToHex(BigInt.asUintN(256, answer), { size: 32 });
  return encodeFunctionData({ abi: operatorAbi, functionName: "fulfillOracleRequest", args: [...common, word] });
}
