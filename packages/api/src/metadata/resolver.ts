// How a metadata proxy (or client) learns a pool's on-chain metaDataUrl and metaDataContentHash: any function that
// answers undefined for a pool that does not exist; here, one reading the PoolRegistry's getPoolInfo.
import { ContractRevertError, getPoolInfo, type ReadClient } from "@poolnet/sdk";
import type { Address } from "viem";
import type { MetadataPointer } from "./fetchMetadata.ts";

/** The pool's metadata pointer, or undefined when there is no such pool; throws when the chain cannot be read. */
export type ResolvePool = (pool: Address) => Promise<MetadataPointer | undefined>;

export type CreateRegistryResolverParameters = { client: ReadClient; registry: Address };

export function createRegistryResolver({ client, registry }: CreateRegistryResolverParameters): ResolvePool {
  return async (pool) => {
    try {
      const info = await getPoolInfo(client, { registry, pool });
      return { metaDataUrl: info.metaDataUrl, metaDataContentHash: info.metaDataContentHash };
    } catch (error) {
      if (error instanceof ContractRevertError && error.errorName === "PoolRegistryUnknownPool") return undefined;
      throw error;
    }
  };
}
