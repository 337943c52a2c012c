// CryptoCompare's single price API: GET /data/price?fsym=LINK&tsyms=USD → {"USD":7.12}.
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

export const CRYPTOCOMPARE_URL = "https://min-api.cryptocompare.com";

export type CryptoCompareFeedParameters = PriceApiFeedParameters;

/** A feed reading CryptoCompare's `/data/price`; the API key goes in `authorization: Apikey <key>`. */
export function createCryptoCompareFeed(parameters: CryptoCompareFeedParameters): Feed {
  const source = "cryptocompare";
  const pair = parsePair(parameters.pair);
  const baseUrl = parseBaseUrl(source, parameters.baseUrl ?? CRYPTOCOMPARE_URL);
  const timeoutMs = parseTimeout(source, parameters.timeoutMs);
  const query = new URLSearchParams({ fsym: pair.base, tsyms: pair.quote });
  const url = `${baseUrl}/data/price?${query}`;
  const headers: Record<string, string> = { accept: "application/json" };
  if (parameters.apiKey !== undefined) headers.authorization = `Apikey ${parameters.apiKey}`;
  const feed = { source, pair: formatPair(pair) };

  return {
    ...feed,
    async fetchPrice(): Promise<FeedResult> {
      const response = await requestJson({
        ...feed,
        url,
        init: { headers },
        timeoutMs,
        apiMessage: (body) => stringAt(body, ["Message"]),
      });
      if (!response.ok) return { ok: false, ...feed, error: response.error };
      // CryptoCompare reports errors with HTTP 200: {"Response":"Error","Message":"… does not exist for this coin pair"}
      if (stringAt(response.body, ["Response"]) === "Error") {
        const apiMessage = stringAt(response.body, ["Message"]) ?? "an error without a message";
        const error = new FeedRejectedError({ ...feed, status: response.status, apiMessage });
        return { ok: false, ...feed, error };
      }
      return priceAt(response.body, [pair.quote], feed);
    },
  };
}
