// Kraken's ticker API: GET /0/public/Ticker?pair=LINKUSD → {"error":[],"result":{"LINKUSD":{"c":["7.12000","1.5"],…}}}.
import { FeedRejectedError, FeedUnavailableError } from "./errors.ts";
import {
  formatPair,
  parseBaseUrl,
  parsePair,
  parseTimeout,
  type Feed,
  type FeedResult,
  type Pair,
  type PriceApiFeedParameters,
} from "./feed.ts";
import { priceAt, requestJson } from "./request.ts";
import { valueAt } from "../internal/json.ts";

export const KRAKEN_URL = "https://api.kraken.com";

// Kraken's own tickers where they differ from everyone else's
const krakenAssets: Record<string, string> = { BTC: "XBT", DOGE: "XDG" };
// the assets Kraken listed first keep their old four-letter names in answers: XETHZUSD for ETHUSD
const legacyCrypto = new Set(["XBT", "ETH", "LTC", "XRP", "XLM", "XMR", "ETC", "ZEC"]);
const legacyFiat = new Set(["USD", "EUR", "GBP", "JPY", "CAD"]);

/** The pair as Kraken takes it in `?pair=`: LINK/USD → "LINKUSD", BTC/USD → "XBTUSD". */
export function krakenPairName({ base, quote }: Pair): string {
  return `${krakenAssets[base] ?? base}${krakenAssets[quote] ?? quote}`;
}

/** The key Kraken files the pair's ticker under in `result`: "LINKUSD", but "XXBTZUSD" for XBTUSD. */
export function krakenResultKey({ base, quote }: Pair): string {
  const krakenBase = krakenAssets[base] ?? base;
  const krakenQuote = krakenAssets[quote] ?? quote;
  return legacyCrypto.has(krakenBase) && legacyFiat.has(krakenQuote)
    ? `X${krakenBase}Z${krakenQuote}`
    : `${krakenBase}${krakenQuote}`;
}

// Kraken's errors that say "not now" (its documented EService and rate-limit errors)
const temporaryError = /^(EService:|EAPI:Rate limit|EGeneral:Temporary lockout)/;

export type KrakenFeedParameters = Omit<PriceApiFeedParameters, "apiKey">;

/** A feed reading Kraken's public `/0/public/Ticker`: the price of the last trade closed, `c[0]`. */
export function createKrakenFeed(parameters: KrakenFeedParameters): Feed {
  const source = "kraken";
  const pair = parsePair(parameters.pair);
  const baseUrl = parseBaseUrl(source, parameters.baseUrl ?? KRAKEN_URL);
  const timeoutMs = parseTimeout(source, parameters.timeoutMs);
  const name = krakenPairName(pair);
  const url = `${baseUrl}/0/public/Ticker?${new URLSearchParams({ pair: name })}`;
  const feed = { source, pair: formatPair(pair) };

  return {
    ...feed,
    async fetchPrice(): Promise<FeedResult> {
      const response = await requestJson({
        ...feed,
        url,
        init: { headers: { accept: "application/json" } },
        timeoutMs,
        apiMessage: (body) => krakenErrors(body),
      });
      if (!response.ok) return { ok: false, ...feed, error: response.error };
      // Kraken reports errors with HTTP 200: {"error":["EQuery:Unknown asset pair"]}
      const apiMessage = krakenErrors(response.body);
      if (apiMessage !== undefined) {
        const options = { ...feed, status: response.status, apiMessage };
        const error = temporaryError.test(apiMessage)
          ? new FeedUnavailableError(options)
          : new FeedRejectedError(options);
        return { ok: false, ...feed, error };
      }
      const result = valueAt(response.body, ["result"]);
      const keys = typeof result === "object" && result !== null ? Object.keys(result) : [];
      // asked for one pair, Kraken answers under its own key for it, which may not be the name asked with
      const key = [name, krakenResultKey(pair)].find((k) => keys.includes(k)) ?? (keys.length === 1 ? keys[0] : name);
      return priceAt(response.body, ["result", key ?? name, "c", 0], feed);
    },
  };
}

function krakenErrors(body: unknown): string | undefined {
  const errors = valueAt(body, ["error"]);
  if (!Array.isArray(errors)) return undefined;
  const messages = errors.filter((e): e is string => typeof e === "string" && e !== "");
  return messages.length === 0 ? undefined : messages.join("; ");
}
