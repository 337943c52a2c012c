// CoinMarketCap's quotes API: GET /v1/cryptocurrency/quotes/latest?symbol=LINK&convert=USD →
// {"data":{"LINK":{"quote":{"USD":{"price":7.12}}}},"status":{"error_code":0}}.
import { FeedRejectedError } from "./errors.ts";
import {
  formatPair,
  parseBaseUrl,
  parsePair,
  parseTimeout,
  type Feed,
  type FeedResult,
  type PriceApiFeedParameters,
} from "./feed.ts";
import { priceAt, requestJson, stringAt } from "./request.ts";
import { valueAt } from "../internal/json.ts";

export const COINMARKETCAP_URL = "https://pro-api.coinmarketcap.com";

export type CoinMarketCapFeedParameters = PriceApiFeedParameters;

/** A feed reading CoinMarketCap's `/v1/cryptocurrency/quotes/latest`; the API key goes in `X-CMC_PRO_API_KEY`. */
export function createCoinMarketCapFeed(parameters: CoinMarketCapFeedParameters): Feed {
  const source = "coinmarketcap";
  const pair = parsePair(parameters.pair);
  const baseUrl = parseBaseUrl(source, parameters.baseUrl ?? COINMARKETCAP_URL);
  const timeoutMs = parseTimeout(source, parameters.timeoutMs);
  const query = new URLSearchParams({ symbol: pair.base, convert: pair.quote });
  const url = `${baseUrl}/v1/cryptocurrency/quotes/latest?${query}`;
  const headers: Record<string, string> = { accept: "application/json" };
  if (parameters.apiKey !== undefined) headers["X-CMC_PRO_API_KEY"] = parameters.apiKey;
  const feed = { source, pair: formatPair(pair) };

  return {
    ...feed,
    async fetchPrice(): Promise<FeedResult> {
      const response = await requestJson({
        ...feed,
        url,
        init: { headers },
        timeoutMs,
        apiMessage: (body) => stringAt(body, ["status", "error_message"]),
      });
      if (!response.ok) return { ok: false, ...feed, error: response.error };
      const errorCode = valueAt(response.body, ["status", "error_code"]);
      if (errorCode !== undefined && errorCode !== 0 && errorCode !== "0") {
        const apiMessage = stringAt(response.body, ["status", "error_message"]) ?? `error code ${String(errorCode)}`;
        const error = new FeedRejectedError({ ...feed, status: response.status, apiMessage });
        return { ok: false, ...feed, error };
      }
      return priceAt(response.body, ["data", pair.base, "quote", pair.quote, "price"], feed);
    },
  };
}
