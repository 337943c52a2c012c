// USD prices from Uniswap-v2 reserves, as Pooler and the v2 subgraph take them. Stablecoins are worth $1. WETH's price
// is the reserve-weighted mix of its stablecoin pairs: Σ stablecoin reserves / Σ WETH reserves over the stablecoin/WETH
// pairs whose stablecoin side holds at least the threshold (each pair's price weighted by its WETH reserve). Any other
// token is priced the same way through its pairs with a priced whitelisted token (WETH, a stablecoin, or a token the
// configuration adds to the whitelist, itself priced through WETH or a stablecoin first): Σ USD value of the
// whitelisted sides / Σ the token's reserves, over the pairs whose whitelisted side is worth at least the threshold, so
// a thin pair cannot set a price. All amounts are exact integers: USD values carry 18 decimals, prices are USD per whole
// token (10^decimals units) with 18 decimals, each division rounded down.
import type { Address } from "viem";

/** $1 with 18 decimals: the unit of every USD amount here. */
export const USD = 10n ** 18n;

export type PricingConfig = {
  weth: Address;
  /** Tokens taken at $1. */
  stablecoins: readonly Address[];
  /** Further tokens other tokens may be priced through (WETH and the stablecoins always are). */
  whitelist?: readonly Address[] | undefined;
  /** The least USD value (18 decimals) the whitelisted side of a pair must hold for the pair to set a price. */
  minLiquidityUsd: bigint;
};

export type PairReserves = {
  pair: Address;
  token0: Address;
  token1: Address;
  reserve0: bigint;
  reserve1: bigint;
};

export type PriceSource = "stablecoin" | "stablecoin pairs" | "whitelisted pairs";

export type TokenPrice = {
  /** USD per whole token, 18 decimals. */
  priceUsd: bigint;
  source: PriceSource;
  /** The pairs the price was taken from (none for a stablecoin). */
  pairs: Address[];
};

export type Prices = ReadonlyMap<Address, TokenPrice>;

/** The USD value (18 decimals) of `amount` units of a token worth `priceUsd` per whole token. */
export function valueOf(amount: bigint, priceUsd: bigint, decimals: number): bigint {
  return (amount * priceUsd) / 10n ** BigInt(decimals);
}

/** Every price the reserves of `pairs` give, by token. */
export function computePrices(
  pairs: readonly PairReserves[],
  decimalsOf: (token: Address) => number,
  config: PricingConfig,
): Map<Address, TokenPrice> {
  const prices = new Map<Address, TokenPrice>();
  for (const stablecoin of config.stablecoins)
    prices.set(stablecoin, { priceUsd: USD, source: "stablecoin", pairs: [] });

  /** Prices `token` through its pairs with a priced token of `anchors`; leaves it unpriced when none qualifies. */
  const priceThrough = (token: Address, anchors: ReadonlySet<Address>, source: PriceSource) => {
    let value = 0n;
    let amount = 0n;
    const used: Address[] = [];
    for (const pair of pairs) {
      let own: bigint, other: Address, otherReserve: bigint;
      if (pair.token0 === token) [own, other, otherReserve] = [pair.reserve0, pair.token1, pair.reserve1];
      else if (pair.token1 === token) [own, other, otherReserve] = [pair.reserve1, pair.token0, pair.reserve0];
      else continue;
      const anchor = anchors.has(other) ? prices.get(other) : undefined;
      if (anchor === undefined || own === 0n) continue;
      const otherValue = valueOf(otherReserve, anchor.priceUsd, decimalsOf(other));
      if (otherValue < config.minLiquidityUsd || otherValue === 0n) continue;
      value += otherValue;
      amount += own;
      used.push(pair.pair);
    }
    if (amount === 0n) return;
    prices.set(token, { priceUsd: (value * 10n ** BigInt(decimalsOf(token))) / amount, source, pairs: used.sort() });
  };

  const stable = new Set(config.stablecoins);
  if (!stable.has(config.weth)) priceThrough(config.weth, stable, "stablecoin pairs");
  const core = new Set([...config.stablecoins, config.weth]);
  const extras = (config.whitelist ?? []).filter((token) => !core.has(token));
  for (const token of extras) priceThrough(token, core, "whitelisted pairs");
  const whitelisted = new Set([...core, ...extras]);
  const others = new Set<Address>();
  for (const pair of pairs) {
    for (const token of [pair.token0, pair.token1]) if (!whitelisted.has(token)) others.add(token);
  }
  for (const token of [...others].sort()) priceThrough(token, whitelisted, "whitelisted pairs");
  return prices;
}

/**
 * The USD value of `amount` of one side of a pair: at that token's price, or, when it has none, at the pair's own
 * rate against the other side's price (so a pool of a priced and an unpriced token is worth twice its priced side, as
 * the pool itself values both sides equally). Undefined when neither side is priced.
 */
export function sideValue(
  pair: PairReserves,
  side: 0 | 1,
  amount: bigint,
  prices: Prices,
  decimalsOf: (token: Address) => number,
): bigint | undefined {
  const [token, other] = side === 0 ? [pair.token0, pair.token1] : [pair.token1, pair.token0];
  const [reserve, otherReserve] = side === 0 ? [pair.reserve0, pair.reserve1] : [pair.reserve1, pair.reserve0];
  const own = prices.get(token);
  if (own !== undefined) return valueOf(amount, own.priceUsd, decimalsOf(token));
  const through = prices.get(other);
  if (through === undefined || reserve === 0n) return undefined;
  return (amount * otherReserve * through.priceUsd) / (reserve * 10n ** BigInt(decimalsOf(other)));
}
