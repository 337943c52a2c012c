// Sets the most stake a pool takes. Only its operator may.
import type { Address, Hash } from "viem";
import { writeContract } from "viem/actions";
import { InvalidInputError, type PoolnetErrorType } from "../errors.ts";
import { registryAbi } from "../internal/abi.ts";
import { confirm, described, type WriteClient } from "../internal/client.ts";

export type SetStakingLimitParameters = { registry: Address; pool: Address; stakingLimit: bigint };
export type SetStakingLimitReturnType = { transactionHash: Hash };
export type SetStakingLimitErrorType = PoolnetErrorType;

export async function setStakingLimit(
  client: WriteClient,
  { registry, pool, stakingLimit }: SetStakingLimitParameters,
): Promise<SetStakingLimitReturnType> {
  if (stakingLimit < 0n) throw new InvalidInputError(`the staking limit must be 0 or more, got ${stakingLimit}`);
  return described(async () => {
    const transactionHash = await writeContract(client, {
      address: registry,
      abi: registryAbi,
      functionName: "setStakingLimit",
      args: [pool, stakingLimit],
      account: client.account,
      chain: client.chain ?? null,
    });
    await confirm(client, transactionHash);
    return { transactionHash };
  });
}
