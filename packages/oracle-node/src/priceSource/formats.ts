// The public price APIs' response formats, served from the walk: same paths, parameters and bodies as the real ones.
import { coinGeckoId } from "../feeds/coinGecko.ts";
import type { Pair } from "../feeds/feed.ts";
import { krakenPairName, krakenResultKey } from "../feeds/kraken.ts";
import { formatFixed, parseDecimal } from "../internal/decimal.ts";
import { jsonNumber } from "../internal/json.ts";
import { WALK_DECIMALS } from "./randomWalk.ts";

/** The APIs a price source serves, each at its real path: an adapter needs only another base URL. */
export const PRICE_APIS = ["coingecko", "coinmarketcap", "cryptocompare", "coinbase", "kraken"] as const;
export type PriceApi = (typeof PRICE_APIS)[number];

export type Quotes = {
  readonly pairs: readonly Pair[];
  /** What `api` says the pair costs now (a lying API may differ); undefined for a pair the source does not have. */
  price(api: PriceApi, pair: Pair): string | undefined;
  readonly now: Date;
};

export type ApiAnswer = { status: number; body: unknown };

const coinbaseSpot = /^\/v2\/prices\/([^/]+)\/spot$/;

/** Which API a request path belongs to; undefined for a path none of them has. */
export function apiOf(pathname: string): PriceApi | undefined {
  if (pathname === "/api/v3/simple/price") return "coingecko";
  if (pathname === "/v1/cryptocurrency/quotes/latest") return "coinmarketcap";
  if (pathname === "/data/price") return "cryptocompare";
  if (coinbaseSpot.test(pathname)) return "coinbase";
  if (pathname === "/0/public/Ticker") return "kraken";
  return undefined;
}

/** The answer `api` gives to `url`, in its documented format, errors included. */
export function answerApi(api: PriceApi, url: URL, quotes: Quotes): ApiAnswer {
  switch (api) {
    case "coingecko":
      return coinGecko(url, quotes);
    case "coinmarketcap":
      return coinMarketCap(url, quotes);
    case "cryptocompare":
      return cryptoCompare(url, quotes);
    case "coinbase":
      return coinbase(url, quotes);
    case "kraken":
      return kraken(url, quotes);
  }
}

/** "a,b, c" → ["a", "b", "c"]: how every one of these APIs lists several values in one parameter. */
function list(url: URL, name: string): string[] {
  return (url.searchParams.get(name) ?? "")
    .split(",")
    .map((value) => value.trim())
    .filter((value) => value !== "");
}

function pairOf(quotes: Quotes, base: string, quote: string): Pair | undefined {
  return quotes.pairs.find((pair) => pair.base === base && pair.quote === quote);
}

// {"chainlink":{"usd":7.12}}; ids or currencies it does not know are left out, an answer of {} when none is known
function coinGecko(url: URL, quotes: Quotes): ApiAnswer {
  const ids = list(url, "ids").map((id) => id.toLowerCase());
  const currencies = list(url, "vs_currencies").map((currency) => currency.toLowerCase());
  const body: Record<string, Record<string, unknown>> = {};
  for (const id of ids) {
    for (const pair of quotes.pairs) {
      if (coinGeckoId(pair.base) !== id || !currencies.includes(pair.quote.toLowerCase())) continue;
      const price = quotes.price("coingecko", pair);
      if (price !== undefined) (body[id] ??= {})[pair.quote.toLowerCase()] = jsonNumber(price);
    }
  }
  return { status: 200, body };
}

// {"data":{"LINK":{…,"quote":{"USD":{"price":7.12,…}}}},"status":{"error_code":0,…}}; a symbol or currency it does
// not know is HTTP 400 with {"status":{"error_code":400,"error_message":"Invalid value for \"symbol\": \"XYZ\""}}
function coinMarketCap(url: URL, quotes: Quotes): ApiAnswer {
  const timestamp = quotes.now.toISOString();
  const refuse = (message: string): ApiAnswer => ({
    status: 400,
    body: { status: { timestamp, error_code: 400, error_message: message, elapsed: 0, credit_count: 0 } },
  });
  const symbols = list(url, "symbol").map((symbol) => symbol.toUpperCase());
  const converts = (url.searchParams.has("convert") ? list(url, "convert") : ["USD"]).map((c) => c.toUpperCase());
  if (symbols.length === 0) return refuse('"value" must contain at least one of [id, symbol, slug]');
  const bases = [...new Set(quotes.pairs.map((pair) => pair.base))];
  const data: Record<string, unknown> = {};
  for (const symbol of symbols) {
    if (!bases.includes(symbol)) return refuse(`Invalid value for "symbol": "${symbol}"`);
    const quote: Record<string, unknown> = {};
    for (const currency of converts) {
      const pair = pairOf(quotes, symbol, currency);
      const price = pair && quotes.price("coinmarketcap", pair);
      if (price === undefined) return refuse(`Invalid value for "convert": "${currency}"`);
      quote[currency] = { price: jsonNumber(price), last_updated: timestamp };
    }
    data[symbol] = {
      id: bases.indexOf(symbol) + 1,
      name: symbol,
      symbol,
      slug: coinGeckoId(symbol),
      last_updated: timestamp,
      quote,
    };
  }
  const status = { timestamp, error_code: 0, error_message: "", elapsed: 0, credit_count: 1 };
  return { status: 200, body: { data, status } };
}

// {"USD":7.12}; errors come with HTTP 200: {"Response":"Error","Message":"… does not exist for this coin pair (…)"}
function cryptoCompare(url: URL, quotes: Quotes): ApiAnswer {
  const fsym = (url.searchParams.get("fsym") ?? "").trim().toUpperCase();
  const tsyms = list(url, "tsyms").map((symbol) => symbol.toUpperCase());
  const refuse = (message: string, param: string): ApiAnswer => ({
    status: 200,
    body: {
      Response: "Error",
      Message: message,
      HasWarning: false,
      Type: 2,
      RateLimit: {},
      Data: {},
      ParamWithError: param,
    },
  });
  if (fsym === "") return refuse("fsym is a required param.", "fsym");
  if (tsyms.length === 0) return refuse("tsyms is a required param.", "tsyms");
  const body: Record<string, unknown> = {};
  for (const tsym of tsyms) {
    const pair = pairOf(quotes, fsym, tsym);
    const price = pair && quotes.price("cryptocompare", pair);
    if (price !== undefined) body[tsym] = jsonNumber(price);
  }
  if (Object.keys(body).length === 0) {
    return refuse(`cccagg_or_exchange market does not exist for this coin pair (${fsym}-${tsyms[0]})`, "fsym");
  }
  return { status: 200, body };
}

// {"data":{"base":"LINK","currency":"USD","amount":"7.12"}}; an unknown pair is HTTP 404 with
// {"errors":[{"id":"not_found","message":"Invalid currency"}]}
function coinbase(url: URL, quotes: Quotes): ApiAnswer {
  const [base = "", currency = ""] = (coinbaseSpot.exec(url.pathname)?.[1] ?? "").toUpperCase().split("-");
  const pair = pairOf(quotes, base, currency);
  const amount = pair && quotes.price("coinbase", pair);
  if (amount === undefined) {
    return { status: 404, body: { errors: [{ id: "not_found", message: "Invalid currency" }] } };
  }
  return { status: 200, body: { data: { base, currency, amount } } };
}

// {"error":[],"result":{"LINKUSD":{"a":[…],"b":[…],"c":["7.12000000","1.00000000"],…}}}; errors come with HTTP 200:
// {"error":["EQuery:Unknown asset pair"]}. No trades are simulated: bid, ask, last, low, high and open are the price.
function kraken(url: URL, quotes: Quotes): ApiAnswer {
  const names = list(url, "pair").map((name) => name.toUpperCase());
  const result: Record<string, unknown> = {};
  for (const name of names) {
    const pair = quotes.pairs.find((p) => krakenPairName(p) === name || krakenResultKey(p) === name);
    const price = pair && quotes.price("kraken", pair);
    if (pair === undefined || price === undefined)
      return { status: 200, body: { error: ["EQuery:Unknown asset pair"] } };
    const p = formatFixed(parseDecimal(price, WALK_DECIMALS)!, WALK_DECIMALS);
    const zero = formatFixed(0n, WALK_DECIMALS);
    result[krakenResultKey(pair)] = {
      a: [p, "1", "1.000"],
      b: [p, "1", "1.000"],
      c: [p, formatFixed(10n ** BigInt(WALK_DECIMALS), WALK_DECIMALS)],
      v: [zero, zero],
      p: [p, p],
      t: [0, 0],
      l: [p, p],
      h: [p, p],
      o: p,
    };
  }
  if (names.length === 0) return { status: 200, body: { error: ["EGeneral:Invalid arguments"] } };
  return { status: 200, body: { error: [], result } };
}
