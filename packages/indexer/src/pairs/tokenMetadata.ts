// The token metadata cache: each pair's two tokens and each token's symbol, name and decimals, read from the chain once
// and kept in memory and in the store (`pair_metadata`, `token_metadata`, written by the snapshot jobs). A v2 pair's
// address is the CREATE2 image of its two tokens, so what it holds is a fact about the address and survives reorgs.
import { decodeFunctionResult, encodeFunctionData, getAddress, hexToString, numberToHex, type Address } from "viem";
import type { RpcClient } from "../rpc/rpcClient.ts";
import { RpcResponseError } from "../rpc/rpcErrors.ts";
import type { Sql } from "../store/store.ts";
import type { PairTokens } from "./pairFold.ts";
import { erc20Bytes32MetadataAbi, erc20MetadataAbi, uniswapV2PairAbi } from "./uniswapV2.ts";

export type TokenMetadata = { token: Address; symbol: string; name: string; decimals: number };

export type MetadataCache = {
  /**
   * The pair's tokens (and their metadata, cached alongside), from memory, the store or the chain at `blockNumber`;
   * undefined while the pair has no code at that block.
   */
  pair(pair: Address, blockNumber: bigint): Promise<PairTokens | undefined>;
  token(token: Address, blockNumber: bigint): Promise<TokenMetadata>;
  /** What is already cached, without reading anything. */
  knownPair(pair: Address): PairTokens | undefined;
  knownToken(token: Address): TokenMetadata | undefined;
};

export function createMetadataCache({ store, rpc }: { store: Sql; rpc: RpcClient }): MetadataCache {
  const pairs = new Map<Address, PairTokens>();
  const tokens = new Map<Address, TokenMetadata>();
  const loading = new Map<string, Promise<unknown>>();

  /** One read at a time per key: jobs of one epoch ask for the same pairs at once. */
  const once = <T>(key: string, load: () => Promise<T>): Promise<T> => {
    let promise = loading.get(key) as Promise<T> | undefined;
    if (promise === undefined) {
      promise = load().finally(() => loading.delete(key));
      loading.set(key, promise);
    }
    return promise;
  };

  const call = (to: Address, data: `0x${string}`, blockNumber: bigint) => rpc.call({ to, data, blockNumber });

  async function readString(token: Address, functionName: "symbol" | "name", blockNumber: bigint): Promise<string> {
    let result: `0x${string}`;
    try {
      result = await call(token, encodeFunctionData({ abi: erc20MetadataAbi, functionName }), blockNumber);
    } catch (error) {
      // a token without the optional getter reverts; anything else (the endpoint failing) is not an answer
      if (error instanceof RpcResponseError) return "";
      throw error;
    }
    try {
      return decodeFunctionResult({ abi: erc20MetadataAbi, functionName, data: result });
    } catch {
      try {
        const raw = decodeFunctionResult({ abi: erc20Bytes32MetadataAbi, functionName, data: result });
        return hexToString(raw).replace(/\0+$/, "");
      } catch {
        return "";
      }
    }
  }

  const cache: MetadataCache = {
    knownPair: (pair) => pairs.get(getAddress(pair)),
    knownToken: (token) => tokens.get(getAddress(token)),

    async token(address, blockNumber) {
      const token = getAddress(address);
      const known = tokens.get(token);
      if (known !== undefined) return known;
      return once(`token ${token}`, async () => {
        const rows = await store.query<{ symbol: string; name: string; decimals: number }>(
          "SELECT symbol, name, decimals FROM token_metadata WHERE token = $1",
          [token],
        );
        let metadata: TokenMetadata;
        if (rows[0] !== undefined) metadata = { token, ...rows[0] };
        else {
          const [symbol, name, decimals] = await Promise.all([
            readString(token, "symbol", blockNumber),
            readString(token, "name", blockNumber),
            call(token, encodeFunctionData({ abi: erc20MetadataAbi, functionName: "decimals" }), blockNumber),
          ]);
          metadata = {
            token,
            symbol,
            name,
            decimals: decodeFunctionResult({ abi: erc20MetadataAbi, functionName: "decimals", data: decimals }),
          };
        }
        tokens.set(token, metadata);
        return metadata;
      });
    },

    async pair(address, blockNumber) {
      const pair = getAddress(address);
      const known = pairs.get(pair);
      if (known !== undefined) return known;
      // keyed by block too: "no contract there yet" at one block is no answer for a later one (found by bench:indexer)
      const found = await once(`pair ${pair} ${blockNumber}`, async (): Promise<PairTokens | undefined> => {
        const rows = await store.query<{ token0: Address; token1: Address }>(
          "SELECT token0, token1 FROM pair_metadata WHERE pair = $1",
          [pair],
        );
        if (rows[0] !== undefined) return { pair, ...rows[0] };
        const code = await rpc.request<string>("eth_getCode", [pair, numberToHex(blockNumber)]);
        if (code === "0x" || code === "") return undefined;
        const read = { address: pair, abi: uniswapV2PairAbi, blockNumber } as const;
        const [token0, token1] = await Promise.all([
          rpc.readContract({ ...read, functionName: "token0" }),
          rpc.readContract({ ...read, functionName: "token1" }),
        ]);
        return { pair, token0: getAddress(token0), token1: getAddress(token1) };
      });
      if (found === undefined) return undefined;
      // tokens first: a pair is known only with both tokens' metadata
      await Promise.all([cache.token(found.token0, blockNumber), cache.token(found.token1, blockNumber)]);
      pairs.set(pair, found);
      return found;
    },
  };
  return cache;
}

/** Records the metadata in the store; what is there already stays. */
export async function writeMetadata(sql: Sql, pair: PairTokens, tokens: readonly TokenMetadata[]): Promise<void> {
  await sql.query(
    "INSERT INTO pair_metadata (pair, token0, token1) VALUES ($1, $2, $3) ON CONFLICT (pair) DO NOTHING",
    [pair.pair, pair.token0, pair.token1],
  );
  for (const token of [...tokens].sort((a, b) => (a.token < b.token ? -1 : 1))) {
    await sql.query(
      `INSERT INTO token_metadata (token, symbol, name, decimals) VALUES ($1, $2, $3, $4)
       ON CONFLICT (token) DO NOTHING`,
      [token.token, token.symbol, token.name, token.decimals],
    );
  }
}
