// Reads a pool's total stake.
import type { Address } from "viem";
import { readContract } from "viem/actions";
import type { PoolnetErrorType } from "../errors.ts";
import { registryAbi } from "../internal/abi.ts";
import { described, type ReadClient } from "../internal/client.ts";

export type GetTotalStakeParameters = { registry: Address; pool: Address };
export type GetTotalStakeReturnType = {
  total: bigint;
  /** Stake transferred to the pool and not landed yet (amounts less fees): it earns nothing until then, and counts
   * against the staking limit. */
  pending: bigint;
};
export type GetTotalStakeErrorType = PoolnetErrorType;

export async function getTotalStake(
  client: ReadClient,
  { registry, pool }: GetTotalStakeParameters,
): Promise<GetTotalStakeReturnType> {
  const [total, pending] = await described(() =>
    readContract(client, { address: registry, abi: registryAbi, functionName: "getTotalStake", args: [pool] }),
  );
  return { total, pending };
}
