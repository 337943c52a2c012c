// Every tracked Uniswap-v2 pair as its logs describe it, epoch by epoch: reserves from Sync, trades from Swap, liquidity
// from Mint and Burn, grouped by transaction (one row per pair, transaction and kind), valued in USD at the prices at
// the end of their block (Pooler's per-block prices: one block's trades share one price), and summed per pair and per
// token over the epoch and over the 24 hours and 7 days up to the epoch's last block (by block timestamps: a trade
// counts in the window ending at T when its block's timestamp is in (T − window, T]). All amounts are exact integers,
// so the rolling sums never drift. The fold reads nothing: prices come from the reserves the Sync logs carry, across
// all the tracked pairs at once.
import { decodeEventLog, getAddress, type Address, type Hash, type Log } from "viem";
import {
  computePrices,
  sideValue,
  type PriceSource,
  type Prices,
  type PricingConfig,
  type TokenPrice,
} from "./prices.ts";
import { FEE_DENOMINATOR, FEE_NUMERATOR, uniswapV2PairAbi } from "./uniswapV2.ts";

export const DAY = 86_400n;
export const WEEK = 7n * DAY;

export type PairTokens = { pair: Address; token0: Address; token1: Address };

export type TradeKind = "swap" | "mint" | "burn";

/**
 * One transaction's events of one kind on one pair. Amounts in and out are what the pair received and paid: a swap's
 * amounts, a mint's deposit (in), a burn's withdrawal (out).
 */
export type PairTransaction = {
  txHash: Hash;
  kind: TradeKind;
  blockNumber: bigint;
  timestamp: bigint;
  /** The first of its logs. */
  logIndex: number;
  logCount: number;
  amount0In: bigint;
  amount1In: bigint;
  amount0Out: bigint;
  amount1Out: bigint;
  /** A swap's volume (the mean of its two sides' values), or the liquidity a mint or burn moved. */
  valueUsd: bigint;
  /** 0.3% of a swap's input, per token, rounded down; 0 for mints and burns. */
  fees0: bigint;
  fees1: bigint;
  feesUsd: bigint;
};

export type PairTotals = {
  volume0: bigint;
  volume1: bigint;
  volumeUsd: bigint;
  fees0: bigint;
  fees1: bigint;
  feesUsd: bigint;
  swaps: bigint;
  mints: bigint;
  burns: bigint;
};

export type TokenTotals = { volume: bigint; volumeUsd: bigint; fees: bigint; feesUsd: bigint; swaps: bigint };

export const PAIR_TOTALS = ["volume0", "volume1", "volumeUsd", "fees0", "fees1", "feesUsd", "swaps", "mints", "burns"];
export const TOKEN_TOTALS = ["volume", "volumeUsd", "fees", "feesUsd", "swaps"];

export type PairAtEpoch = PairTokens & {
  reserve0: bigint;
  reserve1: bigint;
  price0Usd: bigint | undefined;
  price1Usd: bigint | undefined;
  /** Both sides' value (see `sideValue`); 0 when neither is priced. */
  tvlUsd: bigint;
  epoch: PairTotals;
  day: PairTotals;
  week: PairTotals;
  transactions: PairTransaction[];
};

export type TokenAtEpoch = {
  token: Address;
  priceUsd: bigint | undefined;
  priceSource: PriceSource | undefined;
  /** How many pairs the price was taken from. */
  pricePairs: number;
  /** Held by the tracked pairs. */
  reserve: bigint;
  tvlUsd: bigint;
  epoch: TokenTotals;
  day: TokenTotals;
  week: TokenTotals;
};

export type PairsAtEpoch = {
  timestamp: bigint;
  prices: Prices;
  pairs: ReadonlyMap<Address, PairAtEpoch>;
  tokens: ReadonlyMap<Address, TokenAtEpoch>;
};

export type PairFoldParameters = {
  pricing: PricingConfig;
  /** The tokens of a tracked pair (known for every pair whose logs are folded). */
  pairTokens(pair: Address): PairTokens | undefined;
  decimalsOf(token: Address): number;
  /** Reserves before the fold's first block, of the pairs that existed then. */
  reserves: ReadonlyMap<Address, readonly [bigint, bigint]>;
};

export type PairFold = {
  apply(logs: readonly Log[], timestamps: ReadonlyMap<bigint, bigint>): void;
  snapshot(epoch: { timestamp: bigint }): PairsAtEpoch;
};

/** Sums of a fixed list of amounts over the last day and week, bucketed by block. */
class Rolling {
  private buckets: { timestamp: bigint; values: bigint[] }[] = [];
  private dayStart = 0;
  private weekStart = 0;
  readonly day: bigint[];
  readonly week: bigint[];

  constructor(size: number) {
    this.day = new Array<bigint>(size).fill(0n);
    this.week = new Array<bigint>(size).fill(0n);
  }

  add(timestamp: bigint, values: readonly bigint[]) {
    this.buckets.push({ timestamp, values: [...values] });
    values.forEach((value, i) => {
      this.day[i]! += value;
      this.week[i]! += value;
    });
  }

  /** Drops what is older than the windows ending at `timestamp`. */
  advance(timestamp: bigint) {
    const expire = (start: number, sums: bigint[], window: bigint) => {
      while (start < this.buckets.length && this.buckets[start]!.timestamp <= timestamp - window) {
        this.buckets[start]!.values.forEach((value, i) => (sums[i]! -= value));
        start++;
      }
      return start;
    };
    this.dayStart = expire(this.dayStart, this.day, DAY);
    this.weekStart = expire(this.weekStart, this.week, WEEK);
    if (this.weekStart > 1_024 && this.weekStart * 2 > this.buckets.length) {
      this.buckets = this.buckets.slice(this.weekStart);
      this.dayStart -= this.weekStart;
      this.weekStart = 0;
    }
  }
}

type PairState = PairTokens & {
  reserve0: bigint;
  reserve1: bigint;
  epoch: bigint[];
  rolling: Rolling;
  transactions: Map<string, PairTransaction>;
};

type TokenState = { epoch: bigint[]; rolling: Rolling };

type Pending = { pair: Address; txHash: Hash; kind: TradeKind; logIndex: number; amounts: readonly bigint[] };

const named = <T>(names: readonly string[], values: readonly bigint[]) =>
  Object.fromEntries(names.map((name, i) => [name, values[i]!])) as T;

const fee = (amountIn: bigint) => (amountIn * FEE_NUMERATOR) / FEE_DENOMINATOR;

export function createPairFold(parameters: PairFoldParameters): PairFold {
  const { pricing, decimalsOf } = parameters;
  const pairs = new Map<Address, PairState>();
  const tokens = new Map<Address, TokenState>();
  let pending: Pending[] = [];
  let pendingBlock: bigint | undefined;
  let pricesCache: Map<Address, TokenPrice> | undefined;

  const tokenState = (token: Address) => {
    let state = tokens.get(token);
    if (state === undefined) {
      state = { epoch: new Array<bigint>(TOKEN_TOTALS.length).fill(0n), rolling: new Rolling(TOKEN_TOTALS.length) };
      tokens.set(token, state);
    }
    return state;
  };
  const pairState = (address: Address) => {
    let state = pairs.get(address);
    if (state === undefined) {
      const known = parameters.pairTokens(address);
      if (known === undefined) throw new Error(`the pair ${address} has logs but its tokens are not known`);
      state = {
        ...known,
        reserve0: 0n,
        reserve1: 0n,
        epoch: new Array<bigint>(PAIR_TOTALS.length).fill(0n),
        rolling: new Rolling(PAIR_TOTALS.length),
        transactions: new Map(),
      };
      pairs.set(address, state);
      tokenState(known.token0);
      tokenState(known.token1);
    }
    return state;
  };
  for (const [address, [reserve0, reserve1]] of parameters.reserves) {
    Object.assign(pairState(address), { reserve0, reserve1 });
  }

  const prices = () => {
    pricesCache ??= computePrices([...pairs.values()], decimalsOf, pricing);
    return pricesCache;
  };

  /** Values the block's trades at the prices its end leaves, and books them. */
  const flush = (timestamps: ReadonlyMap<bigint, bigint>) => {
    if (pendingBlock === undefined || pending.length === 0) return;
    const timestamp = timestamps.get(pendingBlock);
    if (timestamp === undefined) throw new Error(`no timestamp for block ${pendingBlock}`);
    const blockPrices = prices();
    const groups = new Map<string, PairTransaction & { pair: Address }>();
    for (const event of pending) {
      const key = `${event.pair}\n${event.txHash}\n${event.kind}`;
      let group = groups.get(key);
      if (group === undefined) {
        group = {
          pair: event.pair,
          txHash: event.txHash,
          kind: event.kind,
          blockNumber: pendingBlock,
          timestamp,
          logIndex: event.logIndex,
          logCount: 0,
          amount0In: 0n,
          amount1In: 0n,
          amount0Out: 0n,
          amount1Out: 0n,
          valueUsd: 0n,
          fees0: 0n,
          fees1: 0n,
          feesUsd: 0n,
        };
        groups.set(key, group);
      }
      group.logCount += 1;
      group.amount0In += event.amounts[0]!;
      group.amount1In += event.amounts[1]!;
      group.amount0Out += event.amounts[2]!;
      group.amount1Out += event.amounts[3]!;
    }
    for (const { pair: address, ...transaction } of groups.values()) {
      const pair = pairs.get(address)!;
      const value = (side: 0 | 1, amount: bigint) => sideValue(pair, side, amount, blockPrices, decimalsOf) ?? 0n;
      const volume0 = transaction.amount0In + transaction.amount0Out;
      const volume1 = transaction.amount1In + transaction.amount1Out;
      const value0 = value(0, volume0);
      const value1 = value(1, volume1);
      let pairTotals: bigint[];
      let tokenTotals: [bigint[], bigint[]] | undefined;
      if (transaction.kind === "swap") {
        const inValue0 = value(0, transaction.amount0In);
        const inValue1 = value(1, transaction.amount1In);
        transaction.fees0 = fee(transaction.amount0In);
        transaction.fees1 = fee(transaction.amount1In);
        transaction.valueUsd = (value0 + value1) / 2n;
        transaction.feesUsd = fee(inValue0 + inValue1);
        const { valueUsd, fees0, fees1, feesUsd } = transaction;
        pairTotals = [volume0, volume1, valueUsd, fees0, fees1, feesUsd, 1n, 0n, 0n];
        tokenTotals = [
          [volume0, value0, fees0, fee(inValue0), 1n],
          [volume1, value1, fees1, fee(inValue1), 1n],
        ];
      } else {
        transaction.valueUsd = value0 + value1;
        const [mints, burns] = transaction.kind === "mint" ? [1n, 0n] : [0n, 1n];
        pairTotals = [0n, 0n, 0n, 0n, 0n, 0n, 0n, mints, burns];
      }
      pair.transactions.set(`${transaction.txHash}\n${transaction.kind}`, transaction);
      pairTotals.forEach((amount, i) => (pair.epoch[i]! += amount));
      pair.rolling.add(timestamp, pairTotals);
      if (tokenTotals === undefined) continue;
      for (const side of [0, 1] as const) {
        const token = tokenState(side === 0 ? pair.token0 : pair.token1);
        tokenTotals[side].forEach((amount, i) => (token.epoch[i]! += amount));
        token.rolling.add(timestamp, tokenTotals[side]);
      }
    }
    pending = [];
  };

  return {
    apply(logs, timestamps) {
      for (const state of pairs.values()) {
        state.epoch.fill(0n);
        state.transactions = new Map();
      }
      for (const state of tokens.values()) state.epoch.fill(0n);
      for (const log of logs) {
        if (log.blockNumber !== pendingBlock) {
          flush(timestamps);
          pendingBlock = log.blockNumber!;
        }
        let event;
        try {
          event = decodeEventLog({ abi: uniswapV2PairAbi, data: log.data, topics: log.topics });
        } catch {
          continue; // Transfer, Approval: the pair as an ERC-20
        }
        const address = getAddress(log.address);
        const pair = pairState(address);
        const base = { pair: address, txHash: log.transactionHash!, logIndex: log.logIndex! };
        switch (event.eventName) {
          case "Sync":
            pair.reserve0 = event.args.reserve0;
            pair.reserve1 = event.args.reserve1;
            pricesCache = undefined;
            break;
          case "Swap": {
            const { amount0In, amount1In, amount0Out, amount1Out } = event.args;
            pending.push({ ...base, kind: "swap", amounts: [amount0In, amount1In, amount0Out, amount1Out] });
            break;
          }
          case "Mint":
            pending.push({ ...base, kind: "mint", amounts: [event.args.amount0, event.args.amount1, 0n, 0n] });
            break;
          case "Burn":
            pending.push({ ...base, kind: "burn", amounts: [0n, 0n, event.args.amount0, event.args.amount1] });
            break;
        }
      }
      // an epoch ends with a whole block
      flush(timestamps);
      pendingBlock = undefined;
    },

    snapshot({ timestamp }) {
      const endPrices = new Map(prices());
      const pairRows = new Map<Address, PairAtEpoch>();
      const tokenRows = new Map<Address, TokenAtEpoch>();
      const tokenReserves = new Map<Address, { reserve: bigint; tvlUsd: bigint }>();
      for (const [address, pair] of [...pairs].sort(([a], [b]) => (a < b ? -1 : 1))) {
        pair.rolling.advance(timestamp);
        const value0 = sideValue(pair, 0, pair.reserve0, endPrices, decimalsOf) ?? 0n;
        const value1 = sideValue(pair, 1, pair.reserve1, endPrices, decimalsOf) ?? 0n;
        pairRows.set(address, {
          pair: address,
          token0: pair.token0,
          token1: pair.token1,
          reserve0: pair.reserve0,
          reserve1: pair.reserve1,
          price0Usd: endPrices.get(pair.token0)?.priceUsd,
          price1Usd: endPrices.get(pair.token1)?.priceUsd,
          tvlUsd: value0 + value1,
          epoch: named(PAIR_TOTALS, pair.epoch),
          day: named(PAIR_TOTALS, pair.rolling.day),
          week: named(PAIR_TOTALS, pair.rolling.week),
          transactions: [...pair.transactions.values()],
        });
        for (const [token, reserve, value] of [
          [pair.token0, pair.reserve0, value0],
          [pair.token1, pair.reserve1, value1],
        ] as const) {
          const sums = tokenReserves.get(token) ?? { reserve: 0n, tvlUsd: 0n };
          tokenReserves.set(token, { reserve: sums.reserve + reserve, tvlUsd: sums.tvlUsd + value });
        }
      }
      for (const [token, state] of tokens) {
        state.rolling.advance(timestamp);
        const price = endPrices.get(token);
        tokenRows.set(token, {
          token,
          priceUsd: price?.priceUsd,
          priceSource: price?.source,
          pricePairs: price?.pairs.length ?? 0,
          reserve: tokenReserves.get(token)?.reserve ?? 0n,
          tvlUsd: tokenReserves.get(token)?.tvlUsd ?? 0n,
          epoch: named(TOKEN_TOTALS, state.epoch),
          day: named(TOKEN_TOTALS, state.rolling.day),
          week: named(TOKEN_TOTALS, state.rolling.week),
        });
      }
      return { timestamp, prices: endPrices, pairs: pairRows, tokens: tokenRows };
    },
  };
}
