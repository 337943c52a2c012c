// The one HTTP round-trip every feed makes: a timeout, a size limit, and every failure turned into a FeedError.
import { formatDecimal, parseDecimal } from "../internal/decimal.ts";
import { formatPath, parseJson, valueAt } from "../internal/json.ts";
import {
  FeedMalformedBodyError,
  FeedMissingFieldError,
  FeedRejectedError,
  FeedTimeoutError,
  FeedUnavailableError,
  FeedUnreachableError,
  type FeedError,
  type FeedErrorOptions,
} from "./errors.ts";
import type { FeedResult } from "./feed.ts";

/** A price answer is a few hundred bytes; anything past this is not one, and is not read into memory. */
const MAX_BODY_BYTES = 1024 * 1024;

export type JsonRequest = FeedErrorOptions & {
  url: string;
  init?: RequestInit | undefined;
  timeoutMs: number;
  /** The API's own message in an error answer's body, when it has one (`status.error_message`, `errors[0].message`). */
  apiMessage?: ((body: unknown) => string | undefined) | undefined;
};

export type JsonResponse = { ok: true; status: number; body: unknown } | { ok: false; error: FeedError };

/** HTTP statuses that say "not now" rather than "never": a poll later may succeed. */
export function isTemporaryStatus(status: number): boolean {
  return status >= 500 || status === 429 || status === 408;
}

/** Fetches `url` and reads its JSON body within `timeoutMs`. Never rejects. */
export async function requestJson(request: JsonRequest): Promise<JsonResponse> {
  const { url, init, timeoutMs, apiMessage } = request;
  const feed: FeedErrorOptions = { source: request.source, pair: request.pair };
  const signal = AbortSignal.timeout(timeoutMs);
  const failed = (cause: unknown): JsonResponse => ({
    ok: false,
    error: signal.aborted
      ? new FeedTimeoutError(timeoutMs, { ...feed, cause })
      : new FeedUnreachableError(url, { ...feed, cause, details: describeCause(cause) }),
  });

  let response: Response;
  let text: string | undefined;
  try {
    response = await fetch(url, { ...init, signal });
    // the timeout covers the body too: a server may send its headers and then hang
    text = await readText(response, MAX_BODY_BYTES);
  } catch (cause) {
    return failed(cause);
  }
  if (text === undefined) {
    return { ok: false, error: new FeedMalformedBodyError(`the body is larger than ${MAX_BODY_BYTES} bytes`, feed) };
  }

  let body: unknown;
  let isJson = true;
  try {
    body = parseJson(text);
  } catch {
    isJson = false;
  }
  if (response.status < 200 || response.status > 299) {
    const options = { ...feed, status: response.status, apiMessage: isJson ? apiMessage?.(body) : undefined };
    return {
      ok: false,
      error: isTemporaryStatus(response.status) ? new FeedUnavailableError(options) : new FeedRejectedError(options),
    };
  }
  if (!isJson) {
    const start = text.trim().slice(0, 40);
    return {
      ok: false,
      error: new FeedMalformedBodyError(start === "" ? "the body is empty" : `the body is not JSON: ${start}`, feed),
    };
  }
  return { ok: true, status: response.status, body };
}

/** Reads the price documented at `path`: a positive decimal, as a JSON number or a string. */
export function priceAt(body: unknown, path: readonly (string | number)[], feed: FeedErrorOptions): FeedResult {
  const value = valueAt(body, path);
  if (value === undefined || value === null) {
    return { ok: false, ...feed, error: new FeedMissingFieldError(formatPath(path), feed) };
  }
  const scaled = parseDecimal(value);
  if (scaled === undefined || scaled <= 0n) {
    const shown = typeof value === "string" ? `"${value.slice(0, 40)}"` : JSON.stringify(value)?.slice(0, 40);
    return {
      ok: false,
      ...feed,
      error: new FeedMalformedBodyError(`${formatPath(path)} is ${shown}, not a positive decimal price`, feed),
    };
  }
  return { ok: true, ...feed, price: formatDecimal(scaled) };
}

/** A string field of an error body, when it is one: the message an API puts next to its error code. */
export function stringAt(body: unknown, path: readonly (string | number)[]): string | undefined {
  const value = valueAt(body, path);
  return typeof value === "string" && value.trim() !== "" ? value : undefined;
}

async function readText(response: Response, limit: number): Promise<string | undefined> {
  if (!response.body) return "";
  const reader = response.body.getReader();
  const chunks: Uint8Array[] = [];
  let size = 0;
  for (;;) {
    const { done, value } = await reader.read();
    if (done) break;
    size += value.byteLength;
    if (size > limit) {
      await reader.cancel();
      return undefined;
    }
    chunks.push(value);
  }
  return Buffer.concat(chunks).toString("utf8");
}

/** "ECONNREFUSED", "ENOTFOUND api.example": what undici's "fetch failed" hides in its cause. */
function describeCause(cause: unknown): string | undefined {
  const inner = (cause as { cause?: { code?: unknown; message?: unknown } } | undefined)?.cause;
  if (typeof inner?.code === "string") return inner.code;
  if (typeof inner?.message === "string") return inner.message;
  return cause instanceof Error ? cause.message : undefined;
}
