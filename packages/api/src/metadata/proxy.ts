// The metadata proxy: a pool's on-chain pointer from the resolver, the document fetched and checked by
// fetchMetadata, answers cached by (url, hash) — positive ones longer than negative ones.
import type { Address } from "viem";
import {
  fetchMetadata,
  type FetchMetadataOptions,
  type MetadataFetchResult,
  type MetadataPointer,
} from "./fetchMetadata.ts";
import type { MergedMetadataAnswer } from "./metadataClient.ts";
import type { ResolvePool } from "./resolver.ts";
import { createTtlCache } from "./ttlCache.ts";

/** What a proxy says about one pool's metadata: the pointer it checked against, and the outcome. */
export type MetadataAnswer = { pool: Address } & MetadataPointer & MetadataFetchResult & { checkedAt: string };

/** Anything that answers for a pool's metadata: a proxy, or a client merging several. undefined: no such pool. */
export type MetadataSource = {
  getMetadata(pool: Address): Promise<MetadataAnswer | MergedMetadataAnswer | undefined>;
};

export type MetadataProxy = { getMetadata(pool: Address): Promise<MetadataAnswer | undefined> };

export type CreateMetadataProxyParameters = {
  resolvePool: ResolvePool;
  /** How long a served document is kept; default 5 minutes. */
  ttlMs?: number;
  /** How long an unavailable outcome is kept before trying again; default 30 s. */
  negativeTtlMs?: number;
  maxEntries?: number;
  fetchOptions?: FetchMetadataOptions;
  now?: () => number;
};

export function createMetadataProxy({
  resolvePool,
  ttlMs = 300_000,
  negativeTtlMs = 30_000,
  maxEntries = 10_000,
  fetchOptions = {},
  now = Date.now,
}: CreateMetadataProxyParameters): MetadataProxy {
  // keyed by the pointer, not the pool: the hash pins the content, so a new pointer on-chain is a new entry at once
  const cache = createTtlCache<MetadataFetchResult & { checkedAt: string }>({ maxEntries, now });
  return {
    async getMetadata(pool) {
      const pointer = await resolvePool(pool);
      if (pointer === undefined) return undefined;
      const key = `${pointer.metaDataContentHash.toLowerCase()} ${pointer.metaDataUrl}`;
      const result = await cache.getOrLoad(key, async () => {
        const value = { ...(await fetchMetadata(pointer, fetchOptions)), checkedAt: new Date(now()).toISOString() };
        return { value, ttlMs: value.status === "available" ? ttlMs : negativeTtlMs };
      });
      return { pool, ...pointer, ...result };
    },
  };
}
