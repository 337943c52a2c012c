// For tests only: response bodies in the formats the real APIs document, with the values of published examples
// where there are some (CoinMarketCap's documentation, the fixtures of Chainlink's external-adapters-js).

/** CoinGecko, GET /api/v3/simple/price?ids=chainlink&vs_currencies=usd (docs.coingecko.com, "Coin Price by IDs"). */
export const coinGeckoPrice = '{"chainlink":{"usd":7.12}}';
/** CoinGecko's rate limit answer, HTTP 429. */
export const coinGeckoRateLimited =
  '{"status":{"error_code":429,"error_message":"You\'ve exceeded the Rate Limit. Please visit https://www.coingecko.com/en/api/pricing to subscribe to our API plans for higher rate limits."}}';

/**
 * CoinMarketCap, GET /v1/cryptocurrency/quotes/latest?symbol=BTC&convert=USD (pro.coinmarketcap.com/api/v1,
 * "Quotes Latest"): its documentation's example, keyed by the symbol asked for, as external-adapters-js replays it.
 */
export const coinMarketCapQuotes = `{
  "data": {
    "BTC": {
      "id": 1,
      "name": "Bitcoin",
      "symbol": "BTC",
      "slug": "bitcoin",
      "is_active": 1,
      "is_fiat": 0,
      "circulating_supply": 17199862,
      "total_supply": 17199862,
      "max_supply": 21000000,
      "date_added": "2013-04-28T00:00:00.000Z",
      "num_market_pairs": 331,
      "cmc_rank": 1,
      "last_updated": "2018-08-09T21:56:28.000Z",
      "tags": ["mineable"],
      "platform": null,
      "quote": {
        "USD": {
          "price": 6602.60701122,
          "volume_24h": 4314444687.5194,
          "percent_change_1h": 0.988615,
          "percent_change_24h": 4.37185,
          "percent_change_7d": -12.1352,
          "percent_change_30d": -12.1352,
          "market_cap": 113563929433.21645,
          "last_updated": "2018-08-09T21:56:28.000Z"
        }
      }
    }
  },
  "status": {
    "timestamp": "2021-07-23T14:39:23.626Z",
    "error_code": 0,
    "error_message": "",
    "elapsed": 10,
    "credit_count": 1
  }
}`;
/** CoinMarketCap's rate limit answer, HTTP 429. */
export const coinMarketCapRateLimited =
  '{"status":{"timestamp":"2018-06-02T22:51:28.209Z","error_code":1008,"error_message":"You\'ve exceeded your API Key\'s HTTP request rate limit. Rate limits reset every minute.","elapsed":10,"credit_count":0}}';

/** CryptoCompare, GET /data/price?fsym=LINK&tsyms=USD (min-api.cryptocompare.com, "Single Symbol Price"). */
export const cryptoComparePrice = '{"USD":7.12}';
/** CryptoCompare's error for a pair it does not have: HTTP 200. */
export const cryptoCompareNoPair =
  '{"Response":"Error","Message":"cccagg_or_exchange market does not exist for this coin pair (LINK-XYZ)","HasWarning":false,"Type":2,"RateLimit":{},"Data":{},"ParamWithError":"tsyms"}';

/** Coinbase, GET /v2/prices/BTC-USD/spot (docs.cdp.coinbase.com, "Get Spot Price"). */
export const coinbaseSpot = '{"data":{"base":"BTC","currency":"USD","amount":"57854.29"}}';
/** Coinbase's answer for a pair it does not have: HTTP 404. */
export const coinbaseNotFound = '{"errors":[{"id":"not_found","message":"Invalid currency"}]}';

/**
 * Kraken, GET /0/public/Ticker?pair=XBTUSD (docs.kraken.com, "Get Ticker Information"): asked for XBTUSD, Kraken
 * answers under its own name for the pair, XXBTZUSD.
 */
export const krakenTicker = `{"error":[],"result":{"XXBTZUSD":{
  "a":["1126.51000","3","3.000"],
  "b":["1126.01000","18","18.000"],
  "c":["1126.61000","0.20000000"],
  "v":["2099.03943032","4795.37028747"],
  "p":["1131.27468","1115.05646"],
  "t":[3061,6716],
  "l":["1107.22100","1081.00000"],
  "h":["1145.50000","1145.50000"],
  "o":"1107.45900"}}}`;
/** Kraken's answer for a pair it does not have: HTTP 200. */
export const krakenUnknownPair = '{"error":["EQuery:Unknown asset pair"]}';

/** A Chainlink external adapter's answer (the external adapter framework's output, with the result twice). */
export const externalAdapterResult = '{"jobRunID":"1","data":{"result":30363.12},"result":30363.12,"statusCode":200}';
/** A Chainlink external adapter's failure: its upstream failed. */
export const externalAdapterErrored =
  '{"jobRunID":"1","status":"errored","statusCode":500,"error":{"name":"AdapterError","message":"Request failed with status code 503"}}';
