// Registers a pool operated by the client's account; returns the new pool's address (its vault).
import { isAddressEqual, parseEventLogs, zeroHash, type Address, type Hash, type Hex } from "viem";
import { writeContract } from "viem/actions";
import { ContractRevertError, InvalidInputError, type PoolnetErrorType } from "../errors.ts";
import { registryAbi } from "../internal/abi.ts";
import { confirm, described, type WriteClient } from "../internal/client.ts";

export type RegisterPoolParameters = {
  registry: Address;
  /** The address the pool's oracle node signs with. */
  signingAddress: Address;
  /** The operator's commission, parts per million (100_000 = 10%). */
  commissionRate: number | bigint;
  /** Where the pool's metadata (name, description, logo) is served; empty for none. */
  metaDataUrl?: string;
  /** keccak256 of the metadata document, so a proxy can check what it serves; zero for none. */
  metaDataContentHash?: Hex;
};
export type RegisterPoolReturnType = { pool: Address; transactionHash: Hash };
export type RegisterPoolErrorType = PoolnetErrorType;

export async function registerPool(
  client: WriteClient,
  {
    registry,
    signingAddress,
    commissionRate,
    metaDataUrl = "",
    metaDataContentHash = zeroHash,
  }: RegisterPoolParameters,
): Promise<RegisterPoolReturnType> {
  const rate = BigInt(commissionRate);
  if (rate < 0n || rate > 1_000_000n) {
    throw new InvalidInputError(`commissionRate must be from 0 to 1000000 ppm, got ${commissionRate}`);
  }
  return described(async () => {
    const transactionHash = await writeContract(client, {
      address: registry,
      abi: registryAbi,
      functionName: "registerPool",
      args: [signingAddress, rate, metaDataUrl, metaDataContentHash],
      account: client.account,
      chain: client.chain ?? null,
    });
    const receipt = await confirm(client, transactionHash);
    const [registered] = parseEventLogs({ abi: registryAbi, eventName: "PoolRegistered", logs: receipt.logs }).filter(
      (log) => isAddressEqual(log.address, registry),
    );
    if (!registered) throw new ContractRevertError(`transaction ${transactionHash} registered no pool`);
    return { pool: registered.args.pool, transactionHash };
  });
}
