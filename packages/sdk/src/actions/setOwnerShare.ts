// Sets the creators' shares PoolOwners grants one owner. Only the contract owner may, until the shares are locked.
import type { Address, Hash } from "viem";
import { writeContract } from "viem/actions";
import { InvalidInputError, type PoolnetErrorType } from "../errors.ts";
import { ownersAbi } from "../internal/abi.ts";
import { confirm, described, type WriteClient } from "../internal/client.ts";

export type SetOwnerShareParameters = {
  poolOwners: Address;
  owner: Address;
  /**
   * The owner's whole grant, in shares of TOTAL_SHARES (4000 ether = 100%), not an addition: a lower grant takes the
   * difference back from what the owner holds.
   */
  granted: bigint;
};
export type SetOwnerShareReturnType = { transactionHash: Hash };
export type SetOwnerShareErrorType = PoolnetErrorType;

export async function setOwnerShare(
  client: WriteClient,
  { poolOwners, owner, granted }: SetOwnerShareParameters,
): Promise<SetOwnerShareReturnType> {
  if (granted < 0n) throw new InvalidInputError(`the share granted must be 0 or more, got ${granted}`);
  return described(async () => {
    const transactionHash = await writeContract(client, {
      address: poolOwners,
      abi: ownersAbi,
      functionName: "setOwnerShare",
      args: [owner, granted],
      account: client.account,
      chain: client.chain ?? null,
    });
    await confirm(client, transactionHash);
    return { transactionHash };
  });
}
