// Reads the pool an oracle node is bound to, or undefined when it is bound to none.
import { zeroAddress, type Address } from "viem";
import { readContract } from "viem/actions";
import type { PoolnetErrorType } from "../errors.ts";
import { registryAbi } from "../internal/abi.ts";
import { described, type ReadClient } from "../internal/client.ts";

export type GetOraclePoolParameters = { registry: Address; oracle: Address };
export type GetOraclePoolReturnType = Address | undefined;
export type GetOraclePoolErrorType = PoolnetErrorType;

export async function getOraclePool(
  client: ReadClient,
  { registry, oracle }: GetOraclePoolParameters,
): Promise<GetOraclePoolReturnType> {
  return described(async () => {
    const pool = await readContract(client, {
      address: registry,
      abi: registryAbi,
      functionName: "getOraclePool",
      args: [oracle],
    });
    return pool === zeroAddress ? undefined : pool;
  });
}
