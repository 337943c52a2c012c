// Adds a delegator's rewards from a pool to its stake there, for the fee it chose, paid to the client. Anyone may.
import { isAddressEqual, parseEventLogs, type Address, type Hash } from "viem";
import { writeContract } from "viem/actions";
import { ContractRevertError, type PoolnetErrorType } from "../errors.ts";
import { registryAbi } from "../internal/abi.ts";
import { confirm, described, type WriteClient } from "../internal/client.ts";

export type AutoDelegateRewardsParameters = { registry: Address; pool: Address; delegator: Address };
export type AutoDelegateRewardsReturnType = {
  /** What joined the delegator's stake (its rewards less the fee). */
  amount: bigint;
  /** What the caller received. */
  fee: bigint;
  transactionHash: Hash;
};
export type AutoDelegateRewardsErrorType = PoolnetErrorType;

export async function autoDelegateRewards(
  client: WriteClient,
  { registry, pool, delegator }: AutoDelegateRewardsParameters,
): Promise<AutoDelegateRewardsReturnType> {
  return described(async () => {
    const transactionHash = await writeContract(client, {
      address: registry,
      abi: registryAbi,
      functionName: "autoDelegateRewards",
      args: [pool, delegator],
      account: client.account,
      chain: client.chain ?? null,
    });
    const receipt = await confirm(client, transactionHash);
    const [delegated] = parseEventLogs({
      abi: registryAbi,
      eventName: "AutoRewardsDelegated",
      logs: receipt.logs,
    }).filter((log) => isAddressEqual(log.address, registry));
    if (!delegated) throw new ContractRevertError(`transaction ${transactionHash} redelegated no rewards`);
    // the event carries the rewards taken; the stake grew by them less the fee
    const { amount, fee } = delegated.args;
    return { amount: amount - fee, fee, transactionHash };
  });
}
