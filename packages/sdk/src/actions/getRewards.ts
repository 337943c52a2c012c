// Reads the rewards a delegator could withdraw from a pool now (an operator's include the pool's commission).
import type { Address } from "viem";
import { readContract } from "viem/actions";
import type { PoolnetErrorType } from "../errors.ts";
import { registryAbi } from "../internal/abi.ts";
import { described, type ReadClient } from "../internal/client.ts";

export type GetRewardsParameters = { registry: Address; pool: Address; delegator: Address };
export type GetRewardsReturnType = bigint;
export type GetRewardsErrorType = PoolnetErrorType;

export async function getRewards(
  client: ReadClient,
  { registry, pool, delegator }: GetRewardsParameters,
): Promise<GetRewardsReturnType> {
  return described(() =>
    readContract(client, { address: registry, abi: registryAbi, functionName: "getRewards", args: [pool, delegator] }),
  );
}
