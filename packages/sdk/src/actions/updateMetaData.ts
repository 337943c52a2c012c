// Points a pool at new metadata (a URL and the keccak-256 of its content). Only its operator may.
import type { Address, Hash, Hex } from "viem";
import { writeContract } from "viem/actions";
import type { PoolnetErrorType } from "../errors.ts";
import { registryAbi } from "../internal/abi.ts";
import { confirm, described, type WriteClient } from "../internal/client.ts";

export type UpdateMetaDataParameters = {
  registry: Address;
  pool: Address;
  metaDataUrl: string;
  metaDataContentHash: Hex;
};
export type UpdateMetaDataReturnType = { transactionHash: Hash };
export type UpdateMetaDataErrorType = PoolnetErrorType;

export async function updateMetaData(
  client: WriteClient,
  { registry, pool, metaDataUrl, metaDataContentHash }: UpdateMetaDataParameters,
): Promise<UpdateMetaDataReturnType> {
  return described(async () => {
    const transactionHash = await writeContract(client, {
      address: registry,
      abi: registryAbi,
      functionName: "updateMetaData",
      args: [pool, metaDataUrl, metaDataContentHash],
      account: client.account,
      chain: client.chain ?? null,
    });
    await confirm(client, transactionHash);
    return { transactionHash };
  });
}
