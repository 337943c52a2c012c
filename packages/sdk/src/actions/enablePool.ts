// Lets a pool take delegations again. Only its operator may.
import type { Address, Hash } from "viem";
import { writeContract } from "viem/actions";
import type { PoolnetErrorType } from "../errors.ts";
import { registryAbi } from "../internal/abi.ts";
import { confirm, described, type WriteClient } from "../internal/client.ts";

export type EnablePoolParameters = { registry: Address; pool: Address };
export type EnablePoolReturnType = { transactionHash: Hash };
export type EnablePoolErrorType = PoolnetErrorType;

export async function enablePool(
  client: WriteClient,
  { registry, pool }: EnablePoolParameters,
): Promise<EnablePoolReturnType> {
  return described(async () => {
    const transactionHash = await writeContract(client, {
      address: registry,
      abi: registryAbi,
      functionName: "enablePool",
      args: [pool],
      account: client.account,
      chain: client.chain ?? null,
    });
    await confirm(client, transactionHash);
    return { transactionHash };
  });
}
