// Lists a token for PoolOwners to distribute among its owners (PoolOwners.addToken). Only the contract owner may.
import type { Address, Hash } from "viem";
import { writeContract } from "viem/actions";
import type { PoolnetErrorType } from "../errors.ts";
import { ownersAbi } from "../internal/abi.ts";
import { confirm, described, type WriteClient } from "../internal/client.ts";

export type AddOwnersTokenParameters = { poolOwners: Address; token: Address };
export type AddOwnersTokenReturnType = { transactionHash: Hash };
export type AddOwnersTokenErrorType = PoolnetErrorType;

export async function addOwnersToken(
  client: WriteClient,
  { poolOwners, token }: AddOwnersTokenParameters,
): Promise<AddOwnersTokenReturnType> {
  return described(async () => {
    const transactionHash = await writeContract(client, {
      address: poolOwners,
      abi: ownersAbi,
      functionName: "addToken",
      args: [token],
      account: client.account,
      chain: client.chain ?? null,
    });
    await confirm(client, transactionHash);
    return { transactionHash };
  });
}
