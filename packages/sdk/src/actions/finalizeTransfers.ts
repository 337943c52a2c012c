// Finalizes many transfers in one transaction; those not due (or unknown) are skipped, not reverted.
import { isAddressEqual, parseEventLogs, type Address, type Hash } from "viem";
import { writeContract } from "viem/actions";
import type { PoolnetErrorType } from "../errors.ts";
import { registryAbi } from "../internal/abi.ts";
import { confirm, described, type WriteClient } from "../internal/client.ts";

export type FinalizeTransfersParameters = { registry: Address; ids: readonly bigint[] };
export type FinalizeTransfersReturnType = {
  /** The transfers finalized, in order; ids not among them were skipped. */
  finalized: {
    id: bigint;
    fromPool: Address;
    toPool: Address;
    delegator: Address;
    /** What joined the delegator's stake in `toPool` (the transferred amount less the fee). */
    amount: bigint;
    /** What the caller received. */
    fee: bigint;
  }[];
  transactionHash: Hash;
};
export type FinalizeTransfersErrorType = PoolnetErrorType;

export async function finalizeTransfers(
  client: WriteClient,
  { registry, ids }: FinalizeTransfersParameters,
): Promise<FinalizeTransfersReturnType> {
  return described(async () => {
    const transactionHash = await writeContract(client, {
      address: registry,
      abi: registryAbi,
      functionName: "finalizeTransfers",
      args: [ids],
      account: client.account,
      chain: client.chain ?? null,
    });
    const receipt = await confirm(client, transactionHash);
    const finalized = parseEventLogs({ abi: registryAbi, eventName: "TransferFinalized", logs: receipt.logs })
      .filter((log) => isAddressEqual(log.address, registry))
      // the event carries the transferred amount; the stake grew by it less the fee
      .map(({ args: { id, fromPool, toPool, delegator, amount, fee } }) => ({
        id,
        fromPool,
        toPool,
        delegator,
        amount: amount - fee,
        fee,
      }));
    return { finalized, transactionHash };
  });
}
