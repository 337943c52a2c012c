// Deploys a poolnet network: the stake token (unless an existing one is given), the registry's governance (a
// TimelockController), the PoolRegistry implementation and the ERC-1967 proxy that is the registry.
import {
  encodeFunctionData,
  getAddress,
  zeroAddress,
  type Abi,
  type Account,
  type Address,
  type Chain,
  type Hex,
  type PublicClient,
  type Transport,
  type WalletClient,
} from "viem";
import { InvalidInputError, type PoolnetErrorType } from "./errors.ts";
import {
  erc1967ProxyAbi,
  erc1967ProxyBytecode,
  poolRegistryAbi,
  poolRegistryBytecode,
  stakingTokenAbi,
  stakingTokenBytecode,
  timelockControllerAbi,
  timelockControllerBytecode,
} from "./generated/contracts.ts";
import { described } from "./internal/client.ts";
import { deployedAt } from "./internal/deployed.ts";

/** A new StakingToken whose whole fixed supply goes to `holder`. */
export type NewStakingToken = { name: string; symbol: string; holder: Address; supply: bigint };

export type DeployPoolnetParameters = {
  /** The stake and reward token: an existing ERC-677 token (LINK on a public network) or a new StakingToken. */
  token: { address: Address } | NewStakingToken;
  /** Seconds an undelegation thaws before it can be finalized. */
  thawingPeriod: bigint;
  /** Seconds a transfer between pools waits before it can be finalized; shorter than `thawingPeriod`. */
  transferLockoutPeriod: bigint;
  /** Operator self-stake, in token units, below which a pool is broken. */
  minSelfStake: bigint;
  /** Share of every reward taken as the protocol fee, in parts per million (at most 200_000). */
  protocolFeeRate: bigint;
  /** Where protocol fees are paid (the owners). */
  feeRecipient: Address;
  /** Proposes governance actions (parameter changes, upgrades) to the registry's timelock; once due, anyone may
   * execute them. */
  governor: Address;
  /** Seconds every governance action waits in the timelock; longer than `thawingPeriod`, so that a delegator who
   * disagrees can leave first. Default: the thawing period plus a day. */
  governanceDelay?: bigint;
};

export type DeployPoolnetReturnType = {
  token: Address;
  /** The registry: the proxy's address, which never changes across upgrades. */
  registry: Address;
  /** The registry's implementation behind the proxy. */
  implementation: Address;
  /** The registry's owner: the TimelockController every governance action goes through. */
  timelock: Address;
  governanceDelay: bigint;
  /** The block the registry was deployed in: where an indexer starts reading logs. */
  deployedAtBlock: bigint;
};

export type DeployPoolnetErrorType = PoolnetErrorType;

/**
 * Deploys the StakingToken (when `params.token` describes a new one), the TimelockController, the PoolRegistry
 * implementation and its proxy (initialized in the same transaction), each after the other's receipt, and returns
 * their addresses.
 */
export async function deployPoolnet(
  walletClient: WalletClient<Transport, Chain | undefined, Account>,
  publicClient: PublicClient,
  params: DeployPoolnetParameters,
): Promise<DeployPoolnetReturnType> {
  if (params.protocolFeeRate < 0n || params.protocolFeeRate > 200_000n) {
    throw new InvalidInputError(`protocolFeeRate must be from 0 to 200000 ppm, got ${params.protocolFeeRate}`);
  }
  if (params.transferLockoutPeriod < 0n || params.transferLockoutPeriod >= params.thawingPeriod) {
    throw new InvalidInputError(
      `transferLockoutPeriod must be from 0 to less than the thawing period (${params.thawingPeriod} s), ` +
        `got ${params.transferLockoutPeriod}`,
    );
  }
  const governanceDelay = params.governanceDelay ?? params.thawingPeriod + 86_400n;
  if (governanceDelay <= params.thawingPeriod) {
    throw new InvalidInputError(
      `governanceDelay must be longer than the thawing period (${params.thawingPeriod} s), got ${governanceDelay}`,
    );
  }
  return described(async () => {
    let token: Address;
    if ("address" in params.token) {
      token = getAddress(params.token.address);
      const code = await publicClient.getCode({ address: token });
      if (code === undefined || code === "0x") {
        throw new InvalidInputError(`there is no contract at the stake token address ${token}`);
      }
    } else {
      const { name, symbol, holder, supply } = params.token;
      const hash = await walletClient.deployContract({
        abi: stakingTokenAbi,
        bytecode: stakingTokenBytecode,
        args: [name, symbol, holder, supply],
        account: walletClient.account,
        chain: walletClient.chain,
      });
      token = (await deployedAt(publicClient, hash, "StakingToken")).address;
    }

    const deploy = async (abi: Abi, bytecode: Hex, args: readonly unknown[], name: string) => {
      const hash = await walletClient.deployContract({
        abi,
        bytecode,
        args,
        account: walletClient.account,
        chain: walletClient.chain,
      });
      return deployedAt(publicClient, hash, name);
    };
    const timelock = await deploy(
      timelockControllerAbi,
      timelockControllerBytecode,
      [governanceDelay, [getAddress(params.governor)], [zeroAddress], zeroAddress],
      "TimelockController",
    );
    const implementation = await deploy(
      poolRegistryAbi,
      poolRegistryBytecode,
      [token, params.thawingPeriod, params.transferLockoutPeriod],
      "PoolRegistry implementation",
    );
    const initialize = encodeFunctionData({
      abi: poolRegistryAbi,
      functionName: "initialize",
      args: [params.minSelfStake, params.protocolFeeRate, getAddress(params.feeRecipient), timelock.address],
    });
    const registry = await deploy(
      erc1967ProxyAbi,
      erc1967ProxyBytecode,
      [implementation.address, initialize],
      "PoolRegistry proxy",
    );
    return {
      token,
      registry: registry.address,
      implementation: implementation.address,
      timelock: timelock.address,
      governanceDelay,
      deployedAtBlock: registry.blockNumber,
    };
  });
}
