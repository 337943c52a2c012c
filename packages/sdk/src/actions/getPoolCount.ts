// Reads how many pools the registry holds.
import type { Address } from "viem";
import { readContract } from "viem/actions";
import type { PoolnetErrorType } from "../errors.ts";
import { registryAbi } from "../internal/abi.ts";
import { described, type ReadClient } from "../internal/client.ts";

export type GetPoolCountParameters = { registry: Address };
export type GetPoolCountReturnType = number;
export type GetPoolCountErrorType = PoolnetErrorType;

export async function getPoolCount(
  client: ReadClient,
  { registry }: GetPoolCountParameters,
): Promise<GetPoolCountReturnType> {
  const count = await described(() =>
    readContract(client, { address: registry, abi: registryAbi, functionName: "getPoolCount" }),
  );
  return Number(count);
}
