// Coinbase's spot price API: GET /v2/prices/LINK-USD/spot → {"data":{"base":"LINK","currency":"USD","amount":"7.12"}}.
import { FeedMalformedBodyError } from "./errors.ts";
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

export const COINBASE_URL = "https://api.coinbase.com";

export type CoinbaseFeedParameters = Omit<PriceApiFeedParameters, "apiKey">;

/** A feed reading Coinbase's `/v2/prices/:currency_pair/spot`, which needs no API key. */
export function createCoinbaseFeed(parameters: CoinbaseFeedParameters): Feed {
  const source = "coinbase";
  const pair = parsePair(parameters.pair);
  const baseUrl = parseBaseUrl(source, parameters.baseUrl ?? COINBASE_URL);
  const timeoutMs = parseTimeout(source, parameters.timeoutMs);
  const url = `${baseUrl}/v2/prices/${pair.base}-${pair.quote}/spot`;
  const feed = { source, pair: formatPair(pair) };

  return {
    ...feed,
    async fetchPrice(): Promise<FeedResult> {
      const response = await requestJson({
        ...feed,
        url,
        init: { headers: { accept: "application/json" } },
        timeoutMs,
        // {"errors":[{"id":"not_found","message":"Invalid currency"}]}
        apiMessage: (body) => stringAt(body, ["errors", 0, "message"]),
      });
      if (!response.ok) return { ok: false, ...feed, error: response.error };
      // the answer names its pair: a price for another pair is no price for this one
      for (const [field, expected] of [
        ["base", pair.base],
        ["currency", pair.quote],
      ] as const) {
        const named = stringAt(response.body, ["data", field]);
        if (named !== undefined && named.toUpperCase() !== expected) {
          const error = new FeedMalformedBodyError(`data.${field} is "${named}", not ${expected}`, feed);
          return { ok: false, ...feed, error };
        }
      }
      return priceAt(response.body, ["data", "amount"], feed);
    },
  };
}
