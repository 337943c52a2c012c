// Lists every pool's address in registration order, a page of getPools at a time.
import type { Address } from "viem";
import { readContract } from "viem/actions";
import { InvalidInputError, type PoolnetErrorType } from "../errors.ts";
import { registryAbi } from "../internal/abi.ts";
import { described, type ReadClient } from "../internal/client.ts";

export type ListPoolsParameters = {
  registry: Address;
  /** Pools read per call (default 500): keeps each eth_call small on registries with many pools. */
  pageSize?: number;
};
export type ListPoolsReturnType = Address[];
export type ListPoolsErrorType = PoolnetErrorType;

export async function listPools(
  client: ReadClient,
  { registry, pageSize = 500 }: ListPoolsParameters,
): Promise<ListPoolsReturnType> {
  if (!Number.isSafeInteger(pageSize) || pageSize < 1) {
    throw new InvalidInputError(`pageSize must be a whole number of 1 or more, got ${pageSize}`);
  }
  return described(async () => {
    const count = await readContract(client, { address: registry, abi: registryAbi, functionName: "getPoolCount" });
    const pools: Address[] = [];
    // stop on a short page too: pools registered after getPoolCount are left for the next call
    for (let offset = 0n; offset < count; offset += BigInt(pageSize)) {
      const page = await readContract(client, {
        address: registry,
        abi: registryAbi,
        functionName: "getPools",
        args: [offset, BigInt(pageSize)],
      });
      pools.push(...page);
      if (page.length < pageSize) break;
    }
    return pools.slice(0, Number(count));
  });
}
