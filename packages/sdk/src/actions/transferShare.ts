// Gives some of the client's PoolOwners shares to another address; what they earned so far stays the client's.
import type { Address, Hash } from "viem";
import { writeContract } from "viem/actions";
import { InvalidInputError, type PoolnetErrorType } from "../errors.ts";
import { ownersAbi } from "../internal/abi.ts";
import { confirm, described, type WriteClient } from "../internal/client.ts";

export type TransferShareParameters = {
  poolOwners: Address;
  to: Address;
  /** Shares of TOTAL_SHARES (4000 ether = 100%). */
  share: bigint;
};
export type TransferShareReturnType = { transactionHash: Hash };
export type TransferShareErrorType = PoolnetErrorType;

export async function transferShare(
  client: WriteClient,
  { poolOwners, to, share }: TransferShareParameters,
): Promise<TransferShareReturnType> {
  if (share <= 0n) throw new InvalidInputError(`the share to transfer must be more than 0, got ${share}`);
  return described(async () => {
    const transactionHash = await writeContract(client, {
      address: poolOwners,
      abi: ownersAbi,
      functionName: "transferShare",
      args: [to, share],
      account: client.account,
      chain: client.chain ?? null,
    });
    await confirm(client, transactionHash);
    return { transactionHash };
  });
}
