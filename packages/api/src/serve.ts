// The API over the indexer's store, ready to listen: the store read model (with the chain filling what the store
// lacks: getPoolInfo's pointer/privacy/index, the protocol fee rate, feed descriptions), and /pools/:pool/metadata
// from a client merging the given proxies, or an in-process proxy when none is given. Used by `poolnet-api`, and by
// any process that already owns the store (PGlite allows one process per directory: the indexer can serve this).
import { fluxAggregatorAbi, poolRegistryAbi, type Deployment } from "@poolnet/sdk";
import type { Sql } from "@poolnet/indexer";
import type { FastifyInstance } from "fastify";
import { createPublicClient, http, type Address, type PublicClient } from "viem";
import { createApp } from "./app.ts";
import type { HttpConfig } from "./http/server.ts";
import { createMetadataClient } from "./metadata/metadataClient.ts";
import { createMetadataProxy, type MetadataSource } from "./metadata/proxy.ts";
import { createRegistryResolver } from "./metadata/resolver.ts";
import { createStoreReadModel, type StoreReadModelChain } from "./storeReadModel.ts";

/** The chain reads the store read model needs, at the epoch's last block. */
export function createChainReader({
  client,
  registry,
}: {
  client: PublicClient;
  registry: Address;
}): StoreReadModelChain {
  return {
    async poolInfo(pool, blockNumber) {
      try {
        const info = await client.readContract({
          address: registry,
          abi: poolRegistryAbi,
          functionName: "getPoolInfo",
          args: [pool],
          blockNumber,
        });
        return {
          isPrivate: info.isPrivate,
          index: Number(info.index),
          metaDataUrl: info.metaDataUrl,
          metaDataContentHash: info.metaDataContentHash,
          selfStakeSatisfied: info.selfStakeSatisfied,
        };
      } catch (error) {
        // a pool the registry does not know at that block (the store is ahead of a reset chain): defaults
        if ((error as { name?: string }).name === "ContractFunctionExecutionError") return undefined;
        throw error;
      }
    },
    async protocolFeeRate(blockNumber) {
      const rate = await client.readContract({
        address: registry,
        abi: poolRegistryAbi,
        functionName: "protocolFeeRate",
        blockNumber,
      });
      return BigInt(rate);
    },
    async feedInfo(feed, blockNumber) {
      const read = { address: feed, abi: fluxAggregatorAbi, blockNumber } as const;
      const [description, decimals] = await Promise.all([
        client.readContract({ ...read, functionName: "description" }),
        client.readContract({ ...read, functionName: "decimals" }),
      ]);
      return { description, decimals: Number(decimals) };
    },
  };
}

export type CreateStoreApiParameters = {
  store: Sql;
  deployment: Deployment;
  /** JSON-RPC endpoint for the chain reads; default: the deployment's rpcUrl. */
  rpcUrl?: string | undefined;
  /** Metadata proxies to merge; none: an in-process proxy fetches and checks the documents itself. */
  metadataProxies?: readonly string[] | undefined;
  http?: Partial<HttpConfig>;
};

export async function createStoreApi({
  store,
  deployment,
  rpcUrl,
  metadataProxies = [],
  http: httpConfig = {},
}: CreateStoreApiParameters): Promise<FastifyInstance> {
  const client = createPublicClient({ transport: http(rpcUrl ?? deployment.rpcUrl, { batch: true }) });
  const chain = createChainReader({ client, registry: deployment.registry });
  const readModel = createStoreReadModel({ store, deployment, chain });
  const resolvePool = createRegistryResolver({ client, registry: deployment.registry });
  const metadata: MetadataSource =
    metadataProxies.length > 0
      ? createMetadataClient({ proxies: metadataProxies, resolvePool })
      : createMetadataProxy({ resolvePool });
  return createApp({ readModel, metadata, http: httpConfig });
}
