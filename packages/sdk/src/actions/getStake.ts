// Reads one delegator's stake in a pool.
import type { Address } from "viem";
import { readContract } from "viem/actions";
import type { PoolnetErrorType } from "../errors.ts";
import { registryAbi } from "../internal/abi.ts";
import { described, type ReadClient } from "../internal/client.ts";

export type GetStakeParameters = { registry: Address; pool: Address; delegator: Address };
export type GetStakeReturnType = bigint;
export type GetStakeErrorType = PoolnetErrorType;

export async function getStake(
  client: ReadClient,
  { registry, pool, delegator }: GetStakeParameters,
): Promise<GetStakeReturnType> {
  return described(() =>
    readContract(client, { address: registry, abi: registryAbi, functionName: "getStake", args: [pool, delegator] }),
  );
}
