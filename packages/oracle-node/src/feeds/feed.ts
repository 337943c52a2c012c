// What every feed adapter is: a source and a pair, and a fetch that answers a decimal price or a typed error.
import { InvalidInputError } from "@poolnet/sdk";
import type { FeedError } from "./errors.ts";

/** A price the source gave: plain decimal text ("7.12"), exact, with no exponent and no trailing zeros. */
export type FeedAnswer = { ok: true; source: string; pair: string; price: string };
export type FeedFailure = { ok: false; source: string; pair: string; error: FeedError };
/** What `fetchPrice` resolves to; it never rejects. */
export type FeedResult = FeedAnswer | FeedFailure;

export type Feed = {
  /** Who answers: "coingecko", "kraken", an external adapter's name. */
  readonly source: string;
  /** "LINK/USD": base asset, then the currency it is priced in. */
  readonly pair: string;
  /** Asks the source once. Never rejects: every failure is a `FeedFailure` with a typed error. */
  fetchPrice(): Promise<FeedResult>;
};

/** What every built-in price API adapter takes. */
export type PriceApiFeedParameters = {
  /** "LINK/USD". */
  pair: string;
  /** The API's origin, e.g. "https://api.coingecko.com", or a price source on loopback; the real API's by default. */
  baseUrl?: string | undefined;
  /** Give up on an answer after this long; 5 s by default. */
  timeoutMs?: number | undefined;
  /** Sent the way the API documents it, when given; read it from the environment, never from a file in the repo. */
  apiKey?: string | undefined;
};

export const DEFAULT_FEED_TIMEOUT_MS = 5_000;

export type Pair = { base: string; quote: string };

const SYMBOL = /^[A-Z0-9]{1,16}$/;

/** "LINK/USD" → { base: "LINK", quote: "USD" }; symbols are upper-cased. Throws InvalidInputError otherwise. */
export function parsePair(text: string): Pair {
  const parts = text.trim().toUpperCase().split("/");
  const [base = "", quote = ""] = parts;
  if (parts.length !== 2 || !SYMBOL.test(base) || !SYMBOL.test(quote)) {
    throw new InvalidInputError(`"${text}" is not a pair: write it BASE/QUOTE, e.g. LINK/USD`);
  }
  return { base, quote };
}

/** The pair as every message and result spells it: "LINK/USD". */
export function formatPair({ base, quote }: Pair): string {
  return `${base}/${quote}`;
}

/** Checks a URL at construction, so that a typo is an error when the feed is made, not at every poll. */
export function parseHttpUrl(source: string, text: string, what = "URL"): string {
  let url: URL;
  try {
    url = new URL(text);
  } catch {
    throw new InvalidInputError(`the ${what} of ${source}, "${text}", is not a URL`);
  }
  if (url.protocol !== "http:" && url.protocol !== "https:") {
    throw new InvalidInputError(`the ${what} of ${source}, "${text}", must be http or https`);
  }
  return text;
}

/** A base URL that the API's paths are appended to; a path prefix (a proxy's) is kept, a trailing slash is not. */
export function parseBaseUrl(source: string, baseUrl: string): string {
  return parseHttpUrl(source, baseUrl, "base URL").replace(/\/+$/, "");
}

/** Checks a timeout at construction: a positive whole number of milliseconds. */
export function parseTimeout(source: string, timeoutMs: number | undefined): number {
  const value = timeoutMs ?? DEFAULT_FEED_TIMEOUT_MS;
  if (!Number.isSafeInteger(value) || value <= 0) {
    throw new InvalidInputError(`the timeout of ${source} must be a positive number of milliseconds, not ${value}`);
  }
  return value;
}
