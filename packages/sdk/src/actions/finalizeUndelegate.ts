// Pays a thawed undelegation to its delegator (and its fee to the caller). Anyone may call it.
import { isAddressEqual, parseEventLogs, type Address, type Hash } from "viem";
import { writeContract } from "viem/actions";
import { ContractRevertError, type PoolnetErrorType } from "../errors.ts";
import { registryAbi } from "../internal/abi.ts";
import { confirm, described, type WriteClient } from "../internal/client.ts";

export type FinalizeUndelegateParameters = { registry: Address; id: bigint };
export type FinalizeUndelegateReturnType = {
  pool: Address;
  delegator: Address;
  /** What the delegator received (the undelegated amount less the fee). */
  amount: bigint;
  /** What the caller received. */
  fee: bigint;
  transactionHash: Hash;
};
export type FinalizeUndelegateErrorType = PoolnetErrorType;

export async function finalizeUndelegate(
  client: WriteClient,
  { registry, id }: FinalizeUndelegateParameters,
): Promise<FinalizeUndelegateReturnType> {
  return described(async () => {
    const transactionHash = await writeContract(client, {
      address: registry,
      abi: registryAbi,
      functionName: "finalizeUndelegate",
      args: [id],
      account: client.account,
      chain: client.chain ?? null,
    });
    const receipt = await confirm(client, transactionHash);
    const [finalized] = parseEventLogs({
      abi: registryAbi,
      eventName: "UndelegationFinalized",
      logs: receipt.logs,
    }).filter((log) => isAddressEqual(log.address, registry));
    if (!finalized) throw new ContractRevertError(`transaction ${transactionHash} finalized no undelegation`);
    // the event carries the undelegated amount; the delegator received it less the fee
    const { pool, delegator, amount, fee } = finalized.args;
    return { pool, delegator, amount: amount - fee, fee, transactionHash };
  });
}
