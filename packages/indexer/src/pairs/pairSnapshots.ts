// The Uniswap-v2 pair snapshot builder: one job per tracked pair per epoch. One history folds the logs of all the
// tracked pairs together (prices need every pair's reserves at once); each job takes its pair's part and its two
// tokens' rows, and writes them with the tokens' metadata. Two jobs of one epoch write the same token rows (the
// history says the same to both), and they run one after the other: the distributor locks the epoch row first.
import { decodeFunctionResult, encodeFunctionData, formatUnits, getAddress, type Address } from "viem";
import type { SnapshotBuilder } from "../distribute/distributor.ts";
import { createEpochHistory, type AtEpoch } from "../epochs/epochHistory.ts";
import type { Epoch } from "../epochs/epochStore.ts";
import type { RpcClient } from "../rpc/rpcClient.ts";
import type { Sql } from "../store/store.ts";
import {
  createPairFold,
  PAIR_TOTALS,
  TOKEN_TOTALS,
  type PairAtEpoch,
  type PairsAtEpoch,
  type PairTokens,
  type TokenAtEpoch,
} from "./pairFold.ts";
import { USD, type PricingConfig } from "./prices.ts";
import { createMetadataCache, writeMetadata, type MetadataCache, type TokenMetadata } from "./tokenMetadata.ts";
import { uniswapV2PairAbi } from "./uniswapV2.ts";

export const PAIR_BUILDER = "pairs";

export type PairPricing = {
  weth: Address;
  stablecoins: readonly Address[];
  whitelist?: readonly Address[] | undefined;
  /** In dollars; 1,000 by default. */
  minLiquidityUsd?: number | undefined;
};

export type PairHistoryParameters = {
  store: Sql;
  rpc: RpcClient;
  /** The pairs tracked (Pooler's list of pair contracts). */
  pairs: readonly Address[];
  /** The first block folded (the epochs' start); reserves before it are read at the block before. */
  fromBlock: bigint;
  pricing: PairPricing;
  cacheEpochs?: number | undefined;
};

export type PairHistory = {
  metadata: MetadataCache;
  /** Every tracked pair that has had reserves or trades by the end of `epoch`, with prices and tokens. */
  at(epoch: Pick<Epoch, "epochNumber" | "toBlock" | "toBlockHash">): Promise<AtEpoch<PairsAtEpoch>>;
  rebuilds(): number;
};

export const DEFAULT_MIN_LIQUIDITY_USD = 1_000;

export function pricingConfig(pricing: PairPricing): PricingConfig {
  const dollars = pricing.minLiquidityUsd ?? DEFAULT_MIN_LIQUIDITY_USD;
  return {
    weth: getAddress(pricing.weth),
    stablecoins: pricing.stablecoins.map((token) => getAddress(token)),
    whitelist: pricing.whitelist?.map((token) => getAddress(token)),
    minLiquidityUsd: BigInt(Math.round(dollars * 1e6)) * (USD / 10n ** 6n),
  };
}

export function createPairHistory(parameters: PairHistoryParameters): PairHistory {
  const { store, rpc, fromBlock } = parameters;
  const tracked = [...new Set(parameters.pairs.map((pair) => getAddress(pair)))].sort();
  const metadata = createMetadataCache({ store, rpc });
  const pricing = pricingConfig(parameters.pricing);
  const decimalsOf = (token: Address) => {
    const known = metadata.knownToken(token);
    if (known === undefined) throw new Error(`the decimals of ${token} are not known`);
    return known.decimals;
  };
  const history = createEpochHistory<PairsAtEpoch>({
    store,
    rpc,
    // the history hands the address to getLogs, which takes a list: every tracked pair's logs in one fold
    address: tracked as unknown as Address,
    fromBlock,
    timestamps: true,
    cacheEpochs: parameters.cacheEpochs,
    createFold: async () => {
      const reserves = new Map<Address, readonly [bigint, bigint]>();
      if (fromBlock > 0n) {
        // pairs that existed before the first block (all known by now: they exist at the epoch asked for)
        const known = tracked.filter((pair) => metadata.knownPair(pair) !== undefined);
        const data = encodeFunctionData({ abi: uniswapV2PairAbi, functionName: "getReserves" });
        const results = await Promise.all(known.map((to) => rpc.call({ to, data, blockNumber: fromBlock - 1n })));
        known.forEach((pair, i) => {
          const result = results[i]!;
          if (result === "0x") return; // not deployed yet
          const [reserve0, reserve1] = decodeFunctionResult({
            abi: uniswapV2PairAbi,
            functionName: "getReserves",
            data: result,
          });
          reserves.set(pair, [reserve0, reserve1]);
        });
      }
      return createPairFold({ pricing, pairTokens: (pair) => metadata.knownPair(pair), decimalsOf, reserves });
    },
  });
  return {
    metadata,
    async at(epoch) {
      // every pair with code by the epoch's end, and its tokens, known before its logs are folded
      await Promise.all(tracked.map((pair) => metadata.pair(pair, epoch.toBlock)));
      return history.at(epoch);
    },
    rebuilds: () => history.rebuilds(),
  };
}

export type PairSnapshot = {
  timestamp: bigint;
  pair: PairAtEpoch;
  tokens: TokenAtEpoch[];
  metadata: { pair: PairTokens; tokens: TokenMetadata[] };
};

export type PairSnapshotBuilderParameters = PairHistoryParameters | { history: PairHistory };

export function createPairSnapshotBuilder(parameters: PairSnapshotBuilderParameters): SnapshotBuilder<PairSnapshot> {
  const history = "history" in parameters ? parameters.history : createPairHistory(parameters);
  return {
    name: PAIR_BUILDER,
    async entities(epoch) {
      return [...(await history.at(epoch)).value.pairs.keys()];
    },
    async build(epoch, entity) {
      const state = await history.at(epoch);
      const pair = state.value.pairs.get(getAddress(entity));
      if (pair === undefined) {
        throw new Error(`the pair ${entity} has no reserves or trades by epoch ${epoch.epochNumber}`);
      }
      const tokens = [pair.token0, pair.token1].map((token) => state.value.tokens.get(token)!);
      const metadata = [pair.token0, pair.token1].map((token) => history.metadata.knownToken(token)!);
      return {
        timestamp: state.timestamp,
        pair,
        tokens,
        metadata: { pair: { pair: pair.pair, token0: pair.token0, token1: pair.token1 }, tokens: metadata },
      };
    },
    write: writePairSnapshot,
  };
}

const snake = (name: string) => name.replace(/[A-Z]/g, (letter) => `_${letter.toLowerCase()}`);
const WINDOWS = [
  ["epoch", ""],
  ["day", "_24h"],
  ["week", "_7d"],
] as const;
/** A USD amount (18 decimals) as the numeric(78,18) it is stored as. */
const usd = (amount: bigint | undefined) => (amount === undefined ? null : formatUnits(amount, 18));
const stored = (name: string, amount: bigint) => (name.endsWith("Usd") ? usd(amount) : amount.toString());

/** Upserts `columns` into `table` keyed by (epoch_number, `key`): writing the same values again changes nothing. */
async function upsert(sql: Sql, table: string, key: string, columns: Record<string, unknown>) {
  const names = Object.keys(columns);
  const updates = names.filter((name) => name !== "epoch_number" && name !== key);
  await sql.query(
    `INSERT INTO ${table} (${names.join(", ")}) VALUES (${names.map((_, i) => `$${i + 1}`).join(", ")})
     ON CONFLICT (epoch_number, ${key}) DO UPDATE SET ${updates.map((name) => `${name} = EXCLUDED.${name}`).join(", ")}`,
    Object.values(columns),
  );
}

/** Upserts one pair's rows for one epoch, its transactions (replaced) and its two tokens' rows. */
export async function writePairSnapshot(
  sql: Sql,
  epoch: { epochNumber: bigint },
  entity: string,
  snapshot: PairSnapshot,
): Promise<void> {
  const { pair } = snapshot;
  if (getAddress(entity) !== pair.pair) throw new Error(`a snapshot of ${pair.pair} cannot be written for ${entity}`);
  await writeMetadata(sql, snapshot.metadata.pair, snapshot.metadata.tokens);
  const pairColumns: Record<string, unknown> = {
    epoch_number: epoch.epochNumber,
    pair: pair.pair,
    token0: pair.token0,
    token1: pair.token1,
    block_timestamp: snapshot.timestamp,
    reserve0: pair.reserve0.toString(),
    reserve1: pair.reserve1.toString(),
    price0_usd: usd(pair.price0Usd),
    price1_usd: usd(pair.price1Usd),
    tvl_usd: usd(pair.tvlUsd),
  };
  for (const [window, suffix] of WINDOWS) {
    const totals = pair[window] as Record<string, bigint>;
    for (const name of PAIR_TOTALS) pairColumns[`${snake(name)}${suffix}`] = stored(name, totals[name]!);
  }
  await upsert(sql, "pair_snapshots", "pair", pairColumns);

  await sql.query("DELETE FROM pair_transactions WHERE epoch_number = $1 AND pair = $2", [
    epoch.epochNumber,
    pair.pair,
  ]);
  // 14 parameters a row: chunks of 1,000 rows stay well under PostgreSQL's 65,535 parameters a statement
  for (let start = 0; start < pair.transactions.length; start += 1_000) {
    const params: unknown[] = [epoch.epochNumber, pair.pair];
    const values = pair.transactions.slice(start, start + 1_000).map((t) => {
      const first = params.length + 1;
      params.push(
        t.txHash,
        t.kind,
        t.blockNumber,
        t.timestamp,
        t.logIndex,
        t.logCount,
        t.amount0In.toString(),
        t.amount1In.toString(),
        t.amount0Out.toString(),
        t.amount1Out.toString(),
        usd(t.valueUsd),
        t.fees0.toString(),
        t.fees1.toString(),
        usd(t.feesUsd),
      );
      return `($1, $2, ${Array.from({ length: 14 }, (_, i) => `$${first + i}`).join(", ")})`;
    });
    await sql.query(
      `INSERT INTO pair_transactions (epoch_number, pair, tx_hash, kind, block_number, block_timestamp, log_index,
         log_count, amount0_in, amount1_in, amount0_out, amount1_out, value_usd, fees0, fees1, fees_usd)
       VALUES ${values.join(", ")}`,
      params,
    );
  }

  for (const token of [...snapshot.tokens].sort((a, b) => (a.token < b.token ? -1 : 1))) {
    const tokenColumns: Record<string, unknown> = {
      epoch_number: epoch.epochNumber,
      token: token.token,
      block_timestamp: snapshot.timestamp,
      price_usd: usd(token.priceUsd),
      price_source: token.priceSource ?? null,
      price_pairs: token.pricePairs,
      reserve: token.reserve.toString(),
      tvl_usd: usd(token.tvlUsd),
    };
    for (const [window, suffix] of WINDOWS) {
      const totals = token[window] as Record<string, bigint>;
      for (const name of TOKEN_TOTALS) tokenColumns[`${snake(name)}${suffix}`] = stored(name, totals[name]!);
    }
    await upsert(sql, "token_snapshots", "token", tokenColumns);
  }
}
