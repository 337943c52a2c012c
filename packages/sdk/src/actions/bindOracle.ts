// Binds the client — a pool's signing key, its oracle node — to that pool for good: the payments aggregators owe it
// can then only be collected into the pool's vault.
import type { Address, Hash } from "viem";
import { writeContract } from "viem/actions";
import type { PoolnetErrorType } from "../errors.ts";
import { registryAbi } from "../internal/abi.ts";
import { confirm, described, type WriteClient } from "../internal/client.ts";

export type BindOracleParameters = { registry: Address; pool: Address };
export type BindOracleReturnType = { transactionHash: Hash };
export type BindOracleErrorType = PoolnetErrorType;

export async function bindOracle(
  client: WriteClient,
  { registry, pool }: BindOracleParameters,
): Promise<BindOracleReturnType> {
  return described(async () => {
    const transactionHash = await writeContract(client, {
      address: registry,
      abi: registryAbi,
      functionName: "bindOracle",
      args: [pool],
      account: client.account,
      chain: client.chain ?? null,
    });
    await confirm(client, transactionHash);
    return { transactionHash };
  });
}
