// Adds a delegator to, or removes it from, a private pool's allow-list. Only the pool's operator may.
import type { Address, Hash } from "viem";
import { writeContract } from "viem/actions";
import type { PoolnetErrorType } from "../errors.ts";
import { registryAbi } from "../internal/abi.ts";
import { confirm, described, type WriteClient } from "../internal/client.ts";

export type SetDelegatorAllowedParameters = { registry: Address; pool: Address; delegator: Address; allowed: boolean };
export type SetDelegatorAllowedReturnType = { transactionHash: Hash };
export type SetDelegatorAllowedErrorType = PoolnetErrorType;

export async function setDelegatorAllowed(
  client: WriteClient,
  { registry, pool, delegator, allowed }: SetDelegatorAllowedParameters,
): Promise<SetDelegatorAllowedReturnType> {
  return described(async () => {
    const transactionHash = await writeContract(client, {
      address: registry,
      abi: registryAbi,
      functionName: "setDelegatorAllowed",
      args: [pool, delegator, allowed],
      account: client.account,
      chain: client.chain ?? null,
    });
    await confirm(client, transactionHash);
    return { transactionHash };
  });
}
