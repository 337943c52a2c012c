// Reads a pending transfer between pools by id.
import type { Address } from "viem";
import { readContract } from "viem/actions";
import type { PoolnetErrorType } from "../errors.ts";
import { registryAbi } from "../internal/abi.ts";
import { described, type ReadClient } from "../internal/client.ts";

export type GetTransferParameters = { registry: Address; id: bigint };
export type Transfer = {
  id: bigint;
  fromPool: Address;
  toPool: Address;
  delegator: Address;
  amount: bigint;
  /** Paid out of `amount` to whoever finalizes it; `amount - fee` joins the stake in `toPool`. */
  fee: bigint;
  /** Unix time in seconds from which it can be finalized. */
  releaseAt: bigint;
};
export type GetTransferReturnType = Transfer;
export type GetTransferErrorType = PoolnetErrorType;

export async function getTransfer(
  client: ReadClient,
  { registry, id }: GetTransferParameters,
): Promise<GetTransferReturnType> {
  const transfer = await described(() =>
    readContract(client, { address: registry, abi: registryAbi, functionName: "getTransfer", args: [id] }),
  );
  return { id, ...transfer };
}
