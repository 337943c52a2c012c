// Lands a transfer whose lockout has passed in its new pool (and pays its fee to the caller). Anyone may call it.
import { isAddressEqual, parseEventLogs, type Address, type Hash } from "viem";
import { writeContract } from "viem/actions";
import { ContractRevertError, type PoolnetErrorType } from "../errors.ts";
import { registryAbi } from "../internal/abi.ts";
import { confirm, described, type WriteClient } from "../internal/client.ts";

export type FinalizeTransferParameters = { registry: Address; id: bigint };
export type FinalizeTransferReturnType = {
  fromPool: Address;
  toPool: Address;
  delegator: Address;
  /** What joined the delegator's stake in `toPool` (the transferred amount less the fee). */
  amount: bigint;
  /** What the caller received. */
  fee: bigint;
  transactionHash: Hash;
};
export type FinalizeTransferErrorType = PoolnetErrorType;

export async function finalizeTransfer(
  client: WriteClient,
  { registry, id }: FinalizeTransferParameters,
): Promise<FinalizeTransferReturnType> {
  return described(async () => {
    const transactionHash = await writeContract(client, {
      address: registry,
      abi: registryAbi,
      functionName: "finalizeTransfer",
      args: [id],
      account: client.account,
      chain: client.chain ?? null,
    });
    const receipt = await confirm(client, transactionHash);
    const [finalized] = parseEventLogs({ abi: registryAbi, eventName: "TransferFinalized", logs: receipt.logs }).filter(
      (log) => isAddressEqual(log.address, registry),
    );
    if (!finalized) throw new ContractRevertError(`transaction ${transactionHash} finalized no transfer`);
    // the event carries the transferred amount; the stake grew by it less the fee
    const { fromPool, toPool, delegator, amount, fee } = finalized.args;
    return { fromPool, toPool, delegator, amount: amount - fee, fee, transactionHash };
  });
}
