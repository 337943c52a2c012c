// Shares out among PoolOwners' owners what arrived of a listed token since the last distribution
// (PoolOwners.distribute). Anyone may; every share change and withdrawal does it too.
import { isAddressEqual, parseEventLogs, type Address, type Hash } from "viem";
import { writeContract } from "viem/actions";
import type { PoolnetErrorType } from "../errors.ts";
import { ownersAbi } from "../internal/abi.ts";
import { confirm, described, type WriteClient } from "../internal/client.ts";

export type DistributeOwnerEarningsParameters = { poolOwners: Address; token: Address };
export type DistributeOwnerEarningsReturnType = {
  /** What was shared out: 0 when nothing arrived since the last distribution. */
  amount: bigint;
  transactionHash: Hash;
};
export type DistributeOwnerEarningsErrorType = PoolnetErrorType;

export async function distributeOwnerEarnings(
  client: WriteClient,
  { poolOwners, token }: DistributeOwnerEarningsParameters,
): Promise<DistributeOwnerEarningsReturnType> {
  return described(async () => {
    const transactionHash = await writeContract(client, {
      address: poolOwners,
      abi: ownersAbi,
      functionName: "distribute",
      args: [token],
      account: client.account,
      chain: client.chain ?? null,
    });
    const receipt = await confirm(client, transactionHash);
    const amount = parseEventLogs({ abi: ownersAbi, eventName: "Distributed", logs: receipt.logs })
      .filter((log) => isAddressEqual(log.address, poolOwners) && isAddressEqual(log.args.token, token))
      .reduce((sum, log) => sum + log.args.amount, 0n);
    return { amount, transactionHash };
  });
}
