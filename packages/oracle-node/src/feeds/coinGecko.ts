// CoinGecko's simple price API: GET /api/v3/simple/price?ids=chainlink&vs_currencies=usd → {"chainlink":{"usd":7.12}}.
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

export const COINGECKO_URL = "https://api.coingecko.com";

// CoinGecko names coins by id, not by ticker; the ids of the assets the network prices
const coinIds: Record<string, string> = {
  BTC: "bitcoin",
  DAI: "dai",
  ETH: "ethereum",
  LINK: "chainlink",
  SOL: "solana",
  USDC: "usd-coin",
  USDT: "tether",
};

/** CoinGecko's id for a ticker: "LINK" → "chainlink"; an unknown ticker, lower-cased, as many of its ids are. */
export function coinGeckoId(symbol: string): string {
  return coinIds[symbol.toUpperCase()] ?? symbol.toLowerCase();
}

export type CoinGeckoFeedParameters = PriceApiFeedParameters & {
  /** CoinGecko's id of the base asset ("chainlink"), where `coinGeckoId` does not know it. */
  coinId?: string | undefined;
};

/**
 * A feed reading CoinGecko's `/api/v3/simple/price`. With an API key, it sends it as CoinGecko documents: the
 * `x-cg-pro-api-key` header to pro-api.coingecko.com, `x-cg-demo-api-key` to any other base URL.
 */
export function createCoinGeckoFeed(parameters: CoinGeckoFeedParameters): Feed {
  const source = "coingecko";
  const pair = parsePair(parameters.pair);
  const baseUrl = parseBaseUrl(source, parameters.baseUrl ?? COINGECKO_URL);
  const timeoutMs = parseTimeout(source, parameters.timeoutMs);
  const id = parameters.coinId ?? coinGeckoId(pair.base);
  const currency = pair.quote.toLowerCase();
  const query = new URLSearchParams({ ids: id, vs_currencies: currency });
  const url = `${baseUrl}/api/v3/simple/price?${query}`;
  const headers: Record<string, string> = { accept: "application/json" };
  if (parameters.apiKey !== undefined) {
    const pro = new URL(baseUrl).hostname === "pro-api.coingecko.com";
    headers[pro ? "x-cg-pro-api-key" : "x-cg-demo-api-key"] = parameters.apiKey;
  }
  const feed = { source, pair: formatPair(pair) };

  return {
    ...feed,
    async fetchPrice(): Promise<FeedResult> {
      const response = await requestJson({
        ...feed,
        url,
        init: { headers },
        timeoutMs,
        // {"status":{"error_code":429,"error_message":"You've exceeded the Rate Limit…"}}, or {"error":"…"}
        apiMessage: (body) => stringAt(body, ["status", "error_message"]) ?? stringAt(body, ["error"]),
      });
      if (!response.ok) return { ok: false, ...feed, error: response.error };
      // an unknown id or currency is no error to CoinGecko: it answers {} without it
      return priceAt(response.body, [id, currency], feed);
    },
  };
}
