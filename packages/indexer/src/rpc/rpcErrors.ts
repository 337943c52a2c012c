// How the RPC client reads a provider's refusal: retry it, shrink the log range, or give up.
import { NonRetryableError, RetryableError, type PoolnetErrorOptions } from "@poolnet/sdk";

/** A JSON-RPC error object as a node returns it. */
export type JsonRpcErrorObject = { code: number; message: string; data?: unknown };

/** The node answered the call with an error that retrying will not change (a revert, bad parameters). */
export class RpcResponseError extends NonRetryableError {
  override name = "RpcResponseError";
  readonly code: number;
  readonly data: unknown;

  constructor(method: string, error: JsonRpcErrorObject, options: PoolnetErrorOptions = {}) {
    super(`the RPC endpoint refused ${method}: ${error.message}`, options);
    this.code = error.code;
    this.data = error.data;
  }
}

/** The node refused an eth_getLogs range as too large or too many results; `suggestedSpan` if it named one. */
export class LogRangeTooLargeError extends RetryableError {
  override name = "LogRangeTooLargeError";
  readonly suggestedSpan: bigint | undefined;

  constructor(error: JsonRpcErrorObject, suggestedSpan: bigint | undefined) {
    super(`the RPC endpoint refused the log range: ${error.message}`);
    this.suggestedSpan = suggestedSpan;
  }
}

/** The node is busy, rate-limiting or behind: the same call may succeed later or elsewhere. */
export class RpcBusyError extends RetryableError {
  override name = "RpcBusyError";
}

// the wordings of geth, Erigon, Alchemy, Infura, QuickNode, Ankr and BlastAPI for a range they will not serve
const rangeRefusal =
  /block range|range (is )?too (large|wide|big)|range.*(exceed|limit)|more than \d+ (results|logs)|too many (results|logs)|response size|returned more than|query timeout exceeded|max(imum)? (block )?range/i;
const busy =
  /rate limit|too many requests|capacity|exceeded.*(quota|limit)|header not found|unknown block|timeout|timed out|busy|try again/i;

/** Sorts a JSON-RPC error object into the error the client acts on. */
export function classifyRpcError(method: string, error: JsonRpcErrorObject): RetryableError | NonRetryableError {
  if (method === "eth_getLogs" && rangeRefusal.test(error.message)) {
    return new LogRangeTooLargeError(error, suggestedSpan(error.message));
  }
  if (error.code === 429 || error.code === -32005 || error.code === -32603 || busy.test(error.message)) {
    return new RpcBusyError(`the RPC endpoint could not serve ${method} now: ${error.message}`);
  }
  return new RpcResponseError(method, error);
}

// Alchemy: "this block range should work: [0x1, 0x2a]"; Infura: "try with this block range [0x1, 0x2a]"
function suggestedSpan(message: string): bigint | undefined {
  const match = /\[(0x[0-9a-f]+),\s*(0x[0-9a-f]+)\]/i.exec(message);
  if (match === null) return undefined;
  const span = BigInt(match[2]!) - BigInt(match[1]!) + 1n;
  return span > 0n ? span : undefined;
}
