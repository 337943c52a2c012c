// Finalizes many undelegations in one transaction; those not due (or unknown) are skipped, not reverted.
import { isAddressEqual, parseEventLogs, type Address, type Hash } from "viem";
import { writeContract } from "viem/actions";
import type { PoolnetErrorType } from "../errors.ts";
import { registryAbi } from "../internal/abi.ts";
import { confirm, described, type WriteClient } from "../internal/client.ts";

export type FinalizeUndelegationsParameters = { registry: Address; ids: readonly bigint[] };
export type FinalizeUndelegationsReturnType = {
  /** The undelegations finalized, in order; ids not among them were skipped. */
  finalized: {
    id: bigint;
    pool: Address;
    delegator: Address;
    /** What the delegator received (the undelegated amount less the fee). */
    amount: bigint;
    /** What the caller received. */
    fee: bigint;
  }[];
  transactionHash: Hash;
};
export type FinalizeUndelegationsErrorType = PoolnetErrorType;

export async function finalizeUndelegations(
  client: WriteClient,
  { registry, ids }: FinalizeUndelegationsParameters,
): Promise<FinalizeUndelegationsReturnType> {
  return described(async () => {
    const transactionHash = await writeContract(client, {
      address: registry,
      abi: registryAbi,
      functionName: "finalizeUndelegations",
      args: [ids],
      account: client.account,
      chain: client.chain ?? null,
    });
    const receipt = await confirm(client, transactionHash);
    const finalized = parseEventLogs({ abi: registryAbi, eventName: "UndelegationFinalized", logs: receipt.logs })
      .filter((log) => isAddressEqual(log.address, registry))
      // the event carries the undelegated amount; the delegator received it less the fee
      .map(({ args: { id, pool, delegator, amount, fee } }) => ({ id, pool, delegator, amount: amount - fee, fee }));
    return { finalized, transactionHash };
  });
}
