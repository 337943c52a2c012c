// Starts an undelegation: the stake leaves the pool at once and thaws; returns its id and when it can be finalized.
import { isAddressEqual, parseEventLogs, type Address, type Hash } from "viem";
import { writeContract } from "viem/actions";
import { ContractRevertError, InvalidInputError, type PoolnetErrorType } from "../errors.ts";
import { registryAbi } from "../internal/abi.ts";
import { confirm, described, type WriteClient } from "../internal/client.ts";

export type UndelegateParameters = {
  registry: Address;
  pool: Address;
  amount: bigint;
  /** Paid out of `amount` to whoever finalizes the undelegation (a keeper's incentive); default 0. */
  fee?: bigint;
};
export type UndelegateReturnType = {
  id: bigint;
  /** Unix time in seconds from which it can be finalized. */
  releaseAt: bigint;
  transactionHash: Hash;
};
export type UndelegateErrorType = PoolnetErrorType;

export async function undelegate(
  client: WriteClient,
  { registry, pool, amount, fee = 0n }: UndelegateParameters,
): Promise<UndelegateReturnType> {
  if (amount <= 0n) throw new InvalidInputError(`the amount to undelegate must be more than 0, got ${amount}`);
  if (fee < 0n || fee > amount) throw new InvalidInputError(`the fee must be from 0 to the amount, got ${fee}`);
  return described(async () => {
    const transactionHash = await writeContract(client, {
      address: registry,
      abi: registryAbi,
      functionName: "undelegate",
      args: [pool, amount, fee],
      account: client.account,
      chain: client.chain ?? null,
    });
    const receipt = await confirm(client, transactionHash);
    const [undelegated] = parseEventLogs({ abi: registryAbi, eventName: "Undelegated", logs: receipt.logs }).filter(
      (log) => isAddressEqual(log.address, registry),
    );
    if (!undelegated) throw new ContractRevertError(`transaction ${transactionHash} started no undelegation`);
    return { id: undelegated.args.id, releaseAt: undelegated.args.releaseAt, transactionHash };
  });
}
