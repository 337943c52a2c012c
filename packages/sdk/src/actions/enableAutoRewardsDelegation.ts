// Lets anyone add the client's rewards from a pool to its stake there, for a fee (ppm of the rewards) it chooses.
import type { Address, Hash } from "viem";
import { writeContract } from "viem/actions";
import { InvalidInputError, type PoolnetErrorType } from "../errors.ts";
import { registryAbi } from "../internal/abi.ts";
import { confirm, described, type WriteClient } from "../internal/client.ts";

export type EnableAutoRewardsDelegationParameters = {
  registry: Address;
  pool: Address;
  /** The share of each redelegation paid to whoever calls it, in ppm (1_000_000 = 100%). */
  feePercentage: number;
};
export type EnableAutoRewardsDelegationReturnType = { transactionHash: Hash };
export type EnableAutoRewardsDelegationErrorType = PoolnetErrorType;

export async function enableAutoRewardsDelegation(
  client: WriteClient,
  { registry, pool, feePercentage }: EnableAutoRewardsDelegationParameters,
): Promise<EnableAutoRewardsDelegationReturnType> {
  if (!Number.isInteger(feePercentage) || feePercentage < 0 || feePercentage > 1_000_000) {
    throw new InvalidInputError(`the fee must be a whole number of ppm from 0 to 1,000,000, got ${feePercentage}`);
  }
  return described(async () => {
    const transactionHash = await writeContract(client, {
      address: registry,
      abi: registryAbi,
      functionName: "enableAutoRewardsDelegation",
      args: [pool, BigInt(feePercentage)],
      account: client.account,
      chain: client.chain ?? null,
    });
    await confirm(client, transactionHash);
    return { transactionHash };
  });
}
