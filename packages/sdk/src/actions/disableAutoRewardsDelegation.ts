// Stops anyone else adding the client's rewards from a pool to its stake there.
import type { Address, Hash } from "viem";
import { writeContract } from "viem/actions";
import type { PoolnetErrorType } from "../errors.ts";
import { registryAbi } from "../internal/abi.ts";
import { confirm, described, type WriteClient } from "../internal/client.ts";

export type DisableAutoRewardsDelegationParameters = { registry: Address; pool: Address };
export type DisableAutoRewardsDelegationReturnType = { transactionHash: Hash };
export type DisableAutoRewardsDelegationErrorType = PoolnetErrorType;

export async function disableAutoRewardsDelegation(
  client: WriteClient,
  { registry, pool }: DisableAutoRewardsDelegationParameters,
): Promise<DisableAutoRewardsDelegationReturnType> {
  return described(async () => {
    const transactionHash = await writeContract(client, {
      address: registry,
      abi: registryAbi,
      functionName: "disableAutoRewardsDelegation",
      args: [pool],
      account: client.account,
      chain: client.chain ?? null,
    });
    await confirm(client, transactionHash);
    return { transactionHash };
  });
}
