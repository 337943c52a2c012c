// Reads a pending undelegation by id.
import type { Address } from "viem";
import { readContract } from "viem/actions";
import type { PoolnetErrorType } from "../errors.ts";
import { registryAbi } from "../internal/abi.ts";
import { described, type ReadClient } from "../internal/client.ts";

export type GetUndelegationParameters = { registry: Address; id: bigint };
export type Undelegation = {
  id: bigint;
  pool: Address;
  delegator: Address;
  amount: bigint;
  /** Paid out of `amount` to whoever finalizes it. */
  fee: bigint;
  /** Unix time in seconds from which it can be finalized. */
  releaseAt: bigint;
};
export type GetUndelegationReturnType = Undelegation;
export type GetUndelegationErrorType = PoolnetErrorType;

export async function getUndelegation(
  client: ReadClient,
  { registry, id }: GetUndelegationParameters,
): Promise<GetUndelegationReturnType> {
  const undelegation = await described(() =>
    readContract(client, { address: registry, abi: registryAbi, functionName: "getUndelegation", args: [id] }),
  );
  return { id, ...undelegation };
}
