// Ends PoolOwners' share sale and freezes the creators' grants; the unallocated shares go to the contract owner.
import { isAddressEqual, parseEventLogs, type Address, type Hash } from "viem";
import { writeContract } from "viem/actions";
import { ContractRevertError, type PoolnetErrorType } from "../errors.ts";
import { ownersAbi } from "../internal/abi.ts";
import { confirm, described, type WriteClient } from "../internal/client.ts";

export type LockSharesParameters = { poolOwners: Address };
export type LockSharesReturnType = {
  /** The shares neither sold nor granted, which went to the contract owner with what they had earned. */
  unallocated: bigint;
  transactionHash: Hash;
};
export type LockSharesErrorType = PoolnetErrorType;

export async function lockShares(
  client: WriteClient,
  { poolOwners }: LockSharesParameters,
): Promise<LockSharesReturnType> {
  return described(async () => {
    const transactionHash = await writeContract(client, {
      address: poolOwners,
      abi: ownersAbi,
      functionName: "lockShares",
      account: client.account,
      chain: client.chain ?? null,
    });
    const receipt = await confirm(client, transactionHash);
    const [locked] = parseEventLogs({ abi: ownersAbi, eventName: "SharesLocked", logs: receipt.logs }).filter((log) =>
      isAddressEqual(log.address, poolOwners),
    );
    if (!locked) throw new ContractRevertError(`transaction ${transactionHash} locked no shares`);
    return { unallocated: locked.args.unallocated, transactionHash };
  });
}
