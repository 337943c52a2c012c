// Starts a transfer of stake to another pool: it leaves the first pool at once and lands after the transfer lockout.
import { isAddressEqual, parseEventLogs, type Address, type Hash } from "viem";
import { writeContract } from "viem/actions";
import { ContractRevertError, InvalidInputError, type PoolnetErrorType } from "../errors.ts";
import { registryAbi } from "../internal/abi.ts";
import { confirm, described, type WriteClient } from "../internal/client.ts";

export type TransferDelegationParameters = {
  registry: Address;
  fromPool: Address;
  toPool: Address;
  amount: bigint;
  /** Paid out of `amount` to whoever finalizes the transfer (a keeper's incentive); default 0. */
  fee?: bigint;
};
export type TransferDelegationReturnType = {
  id: bigint;
  /** Unix time in seconds from which it can be finalized. */
  releaseAt: bigint;
  /** The caller's rewards in `fromPool`, paid out as the stake left it. */
  rewardsPaid: bigint;
  transactionHash: Hash;
};
export type TransferDelegationErrorType = PoolnetErrorType;

export async function transferDelegation(
  client: WriteClient,
  { registry, fromPool, toPool, amount, fee = 0n }: TransferDelegationParameters,
): Promise<TransferDelegationReturnType> {
  if (amount <= 0n) throw new InvalidInputError(`the amount to transfer must be more than 0, got ${amount}`);
  if (fee < 0n || fee > amount) throw new InvalidInputError(`the fee must be from 0 to the amount, got ${fee}`);
  if (isAddressEqual(fromPool, toPool)) {
    throw new InvalidInputError(`a transfer must go to another pool, not back to ${fromPool}`);
  }
  return described(async () => {
    const transactionHash = await writeContract(client, {
      address: registry,
      abi: registryAbi,
      functionName: "transferDelegation",
      args: [fromPool, toPool, amount, fee],
      account: client.account,
      chain: client.chain ?? null,
    });
    const receipt = await confirm(client, transactionHash);
    const events = parseEventLogs({ abi: registryAbi, logs: receipt.logs }).filter((log) =>
      isAddressEqual(log.address, registry),
    );
    const transferred = events.find((event) => event.eventName === "DelegationTransferred");
    if (!transferred) throw new ContractRevertError(`transaction ${transactionHash} started no transfer`);
    const rewardsPaid = events.reduce(
      (sum, event) =>
        event.eventName === "RewardsWithdrawn" && isAddressEqual(event.args.pool, fromPool)
          ? sum + event.args.amount
          : sum,
      0n,
    );
    return { id: transferred.args.id, releaseAt: transferred.args.releaseAt, rewardsPaid, transactionHash };
  });
}
