// Makes a pool private (only allow-listed delegators may add stake) or public again. Only its operator may.
import type { Address, Hash } from "viem";
import { writeContract } from "viem/actions";
import type { PoolnetErrorType } from "../errors.ts";
import { registryAbi } from "../internal/abi.ts";
import { confirm, described, type WriteClient } from "../internal/client.ts";

export type SetPoolPrivateParameters = { registry: Address; pool: Address; isPrivate: boolean };
export type SetPoolPrivateReturnType = { transactionHash: Hash };
export type SetPoolPrivateErrorType = PoolnetErrorType;

export async function setPoolPrivate(
  client: WriteClient,
  { registry, pool, isPrivate }: SetPoolPrivateParameters,
): Promise<SetPoolPrivateReturnType> {
  return described(async () => {
    const transactionHash = await writeContract(client, {
      address: registry,
      abi: registryAbi,
      functionName: "setPoolPrivate",
      args: [pool, isPrivate],
      account: client.account,
      chain: client.chain ?? null,
    });
    await confirm(client, transactionHash);
    return { transactionHash };
  });
}
