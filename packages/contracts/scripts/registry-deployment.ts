// Deploys a PoolRegistry as production does, for the tests and benchmarks: a TimelockController as governance, an
// implementation (which deploys its extension), and an ERC-1967 proxy initialized in the same transaction.
import type { NetworkConnection } from "hardhat/types/network";
import { encodeFunctionData, zeroAddress, type Address } from "viem";

export type RegistryDeploymentParameters = {
  token: Address;
  thawingPeriod: bigint;
  transferLockoutPeriod: bigint;
  minSelfStake: bigint;
  protocolFeeRate: bigint;
  feeRecipient: Address;
  /** Proposes governance actions to the timelock; anyone may execute them once due. */
  proposer: Address;
  /** The timelock's delay: must be longer than `thawingPeriod`. */
  governanceDelay: bigint;
};

/** Deploys the timelock, the implementation and the proxy; `registry` is the PoolRegistry at the proxy's address. */
export async function deployRegistry({ viem }: NetworkConnection, params: RegistryDeploymentParameters) {
  const timelock = await viem.deployContract("TimelockController", [
    params.governanceDelay,
    [params.proposer],
    [zeroAddress],
    zeroAddress,
  ]);
  const implementation = await viem.deployContract("PoolRegistry", [
    params.token,
    params.thawingPeriod,
    params.transferLockoutPeriod,
  ]);
  const initialize = encodeFunctionData({
    abi: implementation.abi,
    functionName: "initialize",
    args: [params.minSelfStake, params.protocolFeeRate, params.feeRecipient, timelock.address],
  });
  const proxy = await viem.deployContract("ERC1967Proxy", [implementation.address, initialize]);
  const registry = await viem.getContractAt("PoolRegistry", proxy.address);
  return { registry, implementation, timelock };
}
