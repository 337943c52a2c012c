// Why a feed gave no price: one class per cause, on the sdk's retryable / non-retryable split.
import { NonRetryableError, RetryableError, type PoolnetErrorOptions } from "@poolnet/sdk";

/** Which feed failed: its source ("coingecko", an external adapter's name) and the pair asked for. */
export type FeedErrorOptions = PoolnetErrorOptions & { source: string; pair: string };

/** The source did not answer in time: it may be slow or hanging; the next poll may get through. */
export class FeedTimeoutError extends RetryableError {
  override name = "FeedTimeoutError";
  readonly source: string;
  readonly pair: string;
  readonly timeoutMs: number;

  constructor(timeoutMs: number, options: FeedErrorOptions) {
    super(`${options.source} gave no price for ${options.pair} within ${timeoutMs} ms`, options);
    this.source = options.source;
    this.pair = options.pair;
    this.timeoutMs = timeoutMs;
  }
}

/** Nothing listens at the source's address (refused, unknown host, reset before an answer). */
export class FeedUnreachableError extends RetryableError {
  override name = "FeedUnreachableError";
  readonly source: string;
  readonly pair: string;
  readonly url: string;

  constructor(url: string, options: FeedErrorOptions) {
    super(`cannot reach ${options.source} at ${url} for ${options.pair}`, options);
    this.source = options.source;
    this.pair = options.pair;
    this.url = url;
  }
}

/** How the source said no: the HTTP status and, when its body carries one, its own message. */
export type FeedStatusOptions = FeedErrorOptions & { status: number; apiMessage?: string | undefined };

function statusText(status: number, apiMessage: string | undefined): string {
  const http = status >= 200 && status < 300 ? "" : `HTTP ${status}`;
  const message = apiMessage?.trim().replace(/\s+/g, " ").slice(0, 200) ?? "";
  return [http, message].filter((part) => part !== "").join(": ") || `HTTP ${status}`;
}

/** The source is down or overloaded for now: HTTP 5xx, 429 or 408, or an error it marks as temporary. */
export class FeedUnavailableError extends RetryableError {
  override name = "FeedUnavailableError";
  readonly source: string;
  readonly pair: string;
  readonly status: number;
  readonly apiMessage: string | undefined;

  constructor(options: FeedStatusOptions) {
    super(
      `${options.source} is unavailable for ${options.pair}: ${statusText(options.status, options.apiMessage)}`,
      options,
    );
    this.source = options.source;
    this.pair = options.pair;
    this.status = options.status;
    this.apiMessage = options.apiMessage;
  }
}

/**
 * The source refused the request and will refuse it again: an unknown pair, a missing or bad API key (HTTP 4xx,
 * or an error in a 200 body as CryptoCompare and Kraken send them).
 */
export class FeedRejectedError extends NonRetryableError {
  override name = "FeedRejectedError";
  readonly source: string;
  readonly pair: string;
  readonly status: number;
  readonly apiMessage: string | undefined;

  constructor(options: FeedStatusOptions) {
    super(
      `${options.source} refused the request for ${options.pair}: ${statusText(options.status, options.apiMessage)}`,
      options,
    );
    this.source = options.source;
    this.pair = options.pair;
    this.status = options.status;
    this.apiMessage = options.apiMessage;
  }
}

/** The answer is not what the API documents: not JSON, too large, or a price that is not a positive decimal. */
export class FeedMalformedBodyError extends NonRetryableError {
  override name = "FeedMalformedBodyError";
  readonly source: string;
  readonly pair: string;

  constructor(problem: string, options: FeedErrorOptions) {
    super(`${options.source} sent a malformed answer for ${options.pair}: ${problem}`, options);
    this.source = options.source;
    this.pair = options.pair;
  }
}

/** The answer is JSON but lacks the field the price is documented at, e.g. `data.LINK.quote.USD.price`. */
export class FeedMissingFieldError extends NonRetryableError {
  override name = "FeedMissingFieldError";
  readonly source: string;
  readonly pair: string;
  readonly field: string;

  constructor(field: string, options: FeedErrorOptions) {
    super(`${options.source}'s answer for ${options.pair} has no ${field}`, options);
    this.source = options.source;
    this.pair = options.pair;
    this.field = field;
  }
}

/** Every reason a feed can give for having no price; narrow with `instanceof` (RetryableError decides a retry). */
export type FeedError =
  | FeedTimeoutError
  | FeedUnreachableError
  | FeedUnavailableError
  | FeedRejectedError
  | FeedMalformedBodyError
  | FeedMissingFieldError;
