// Adds the client's rewards from a pool to its stake in that pool.
import { isAddressEqual, parseEventLogs, type Address, type Hash } from "viem";
import { writeContract } from "viem/actions";
import type { PoolnetErrorType } from "../errors.ts";
import { registryAbi } from "../internal/abi.ts";
import { confirm, described, type WriteClient } from "../internal/client.ts";

export type RedelegateRewardsParameters = { registry: Address; pool: Address };
export type RedelegateRewardsReturnType = { amount: bigint; transactionHash: Hash };
export type RedelegateRewardsErrorType = PoolnetErrorType;

export async function redelegateRewards(
  client: WriteClient,
  { registry, pool }: RedelegateRewardsParameters,
): Promise<RedelegateRewardsReturnType> {
  return described(async () => {
    const transactionHash = await writeContract(client, {
      address: registry,
      abi: registryAbi,
      functionName: "redelegateRewards",
      args: [pool],
      account: client.account,
      chain: client.chain ?? null,
    });
    const receipt = await confirm(client, transactionHash);
    const amount = parseEventLogs({ abi: registryAbi, eventName: "RewardsRedelegated", logs: receipt.logs })
      .filter((log) => isAddressEqual(log.address, registry) && isAddressEqual(log.args.pool, pool))
      .reduce((sum, log) => sum + log.args.amount, 0n);
    return { amount, transactionHash };
  });
}
