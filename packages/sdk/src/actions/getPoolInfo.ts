// Reads everything the registry reports about one pool.
import type { Address, Hex } from "viem";
import { readContract } from "viem/actions";
import type { PoolnetErrorType } from "../errors.ts";
import { registryAbi } from "../internal/abi.ts";
import { described, type ReadClient } from "../internal/client.ts";

/**
 * What a pool accepts now: `broken` means its operator's self-stake is below the registry's minimum; `retired`, that
 * its operator closed it for good (it takes no delegations; stake in it can leave).
 */
export type PoolState = "active" | "broken" | "disabled" | "retired";

export type GetPoolInfoParameters = { registry: Address; pool: Address };

export type PoolInfo = {
  pool: Address;
  operator: Address;
  signingAddress: Address;
  /** The operator's commission, parts per million. */
  commissionRate: number;
  selfStakeSatisfied: boolean;
  state: PoolState;
  stakingLimit: bigint;
  isPrivate: boolean;
  metaDataUrl: string;
  metaDataContentHash: Hex;
  selfStake: bigint;
  /** Registration order, from 0. */
  index: number;
};

export type GetPoolInfoReturnType = PoolInfo;
export type GetPoolInfoErrorType = PoolnetErrorType;

const poolStates: readonly PoolState[] = ["active", "broken", "disabled", "retired"];

export async function getPoolInfo(
  client: ReadClient,
  { registry, pool }: GetPoolInfoParameters,
): Promise<GetPoolInfoReturnType> {
  const info = await described(() =>
    readContract(client, { address: registry, abi: registryAbi, functionName: "getPoolInfo", args: [pool] }),
  );
  return {
    pool,
    operator: info.operator,
    signingAddress: info.signingAddress,
    commissionRate: Number(info.commissionRate),
    selfStakeSatisfied: info.selfStakeSatisfied,
    state: poolStates[info.state] ?? "disabled",
    stakingLimit: info.stakingLimit,
    isPrivate: info.isPrivate,
    metaDataUrl: info.metaDataUrl,
    metaDataContentHash: info.metaDataContentHash,
    selfStake: info.selfStake,
    index: Number(info.index),
  };
}
