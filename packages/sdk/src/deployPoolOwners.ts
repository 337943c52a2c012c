// Deploys PoolOwners, the protocol fees' recipient owned in shares by its creators and the share sale's contributors.
// Deployed before the registry, whose `feeRecipient` it becomes.
import {
  isAddress,
  isAddressEqual,
  zeroAddress,
  type Account,
  type Address,
  type Chain,
  type PublicClient,
  type Transport,
  type WalletClient,
} from "viem";
import { InvalidInputError, type PoolnetErrorType } from "./errors.ts";
import { poolOwnersAbi, poolOwnersBytecode } from "./generated/contracts.ts";
import { described } from "./internal/client.ts";
import { deployedAt } from "./internal/deployed.ts";

export type DeployPoolOwnersParameters = {
  /** Where the share sale's ETH is paid, with every contribution. */
  wallet: Address;
  /** The contract owner: grants the creators' shares, lists the tokens distributed, locks the shares. */
  owner: Address;
};

export type DeployPoolOwnersReturnType = {
  poolOwners: Address;
  /** The block it was deployed in: where an indexer of its shares starts reading logs. */
  deployedAtBlock: bigint;
};

export type DeployPoolOwnersErrorType = PoolnetErrorType;

/** Deploys PoolOwners with no shares granted or sold yet and no token listed: its owner does both next. */
export async function deployPoolOwners(
  walletClient: WalletClient<Transport, Chain | undefined, Account>,
  publicClient: PublicClient,
  params: DeployPoolOwnersParameters,
): Promise<DeployPoolOwnersReturnType> {
  for (const [name, address] of Object.entries(params)) {
    if (!isAddress(address, { strict: false }) || isAddressEqual(address, zeroAddress)) {
      throw new InvalidInputError(`the PoolOwners ${name} must be an address other than zero, got ${address}`);
    }
  }
  return described(async () => {
    const hash = await walletClient.deployContract({
      abi: poolOwnersAbi,
      bytecode: poolOwnersBytecode,
      args: [params.wallet, params.owner],
      account: walletClient.account,
      chain: walletClient.chain,
    });
    const deployed = await deployedAt(publicClient, hash, "PoolOwners");
    return { poolOwners: deployed.address, deployedAtBlock: deployed.blockNumber };
  });
}
