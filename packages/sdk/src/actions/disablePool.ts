// Stops a pool taking delegations; stake already in can still leave and earn. Only its operator may.
import type { Address, Hash } from "viem";
import { writeContract } from "viem/actions";
import type { PoolnetErrorType } from "../errors.ts";
import { registryAbi } from "../internal/abi.ts";
import { confirm, described, type WriteClient } from "../internal/client.ts";

export type DisablePoolParameters = { registry: Address; pool: Address };
export type DisablePoolReturnType = { transactionHash: Hash };
export type DisablePoolErrorType = PoolnetErrorType;

export async function disablePool(
  client: WriteClient,
  { registry, pool }: DisablePoolParameters,
): Promise<DisablePoolReturnType> {
  return described(async () => {
    const transactionHash = await writeContract(client, {
      address: registry,
      abi: registryAbi,
      functionName: "disablePool",
      args: [pool],
      account: client.account,
      chain: client.chain ?? null,
    });
    await confirm(client, transactionHash);
    return { transactionHash };
  });
}
