// Pays the client's rewards from a pool (an operator's include the pool's commission).
import { isAddressEqual, parseEventLogs, type Address, type Hash } from "viem";
import { writeContract } from "viem/actions";
import type { PoolnetErrorType } from "../errors.ts";
import { registryAbi } from "../internal/abi.ts";
import { confirm, described, type WriteClient } from "../internal/client.ts";

export type WithdrawRewardsParameters = { registry: Address; pool: Address };
export type WithdrawRewardsReturnType = { amount: bigint; transactionHash: Hash };
export type WithdrawRewardsErrorType = PoolnetErrorType;

export async function withdrawRewards(
  client: WriteClient,
  { registry, pool }: WithdrawRewardsParameters,
): Promise<WithdrawRewardsReturnType> {
  return described(async () => {
    const transactionHash = await writeContract(client, {
      address: registry,
      abi: registryAbi,
      functionName: "withdrawRewards",
      args: [pool],
      account: client.account,
      chain: client.chain ?? null,
    });
    const receipt = await confirm(client, transactionHash);
    const amount = parseEventLogs({ abi: registryAbi, eventName: "RewardsWithdrawn", logs: receipt.logs })
      .filter(
        (log) =>
          isAddressEqual(log.address, registry) &&
          isAddressEqual(log.args.pool, pool) &&
          isAddressEqual(log.args.delegator, client.account.address),
      )
      .reduce((sum, log) => sum + log.args.amount, 0n);
    return { amount, transactionHash };
  });
}
