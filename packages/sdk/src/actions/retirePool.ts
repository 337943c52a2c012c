// Closes a pool for good: it stays listed as retired, takes no delegations; its stake can leave. Only its operator may.
import type { Address, Hash } from "viem";
import { writeContract } from "viem/actions";
import type { PoolnetErrorType } from "../errors.ts";
import { registryAbi } from "../internal/abi.ts";
import { confirm, described, type WriteClient } from "../internal/client.ts";

export type RetirePoolParameters = { registry: Address; pool: Address };
export type RetirePoolReturnType = { transactionHash: Hash };
export type RetirePoolErrorType = PoolnetErrorType;

export async function retirePool(
  client: WriteClient,
  { registry, pool }: RetirePoolParameters,
): Promise<RetirePoolReturnType> {
  return described(async () => {
    const transactionHash = await writeContract(client, {
      address: registry,
      abi: registryAbi,
      functionName: "retirePool",
      args: [pool],
      account: client.account,
      chain: client.chain ?? null,
    });
    await confirm(client, transactionHash);
    return { transactionHash };
  });
}
