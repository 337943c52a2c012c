// Deploys ShareStatePayout, where pools post share states for mining rewards and anyone pays miners in batches.
// It has no owner and no settings: one deployment serves every pool.
import type { Account, Address, Chain, PublicClient, Transport, WalletClient } from "viem";
import type { PoolnetErrorType } from "./errors.ts";
import { shareStatePayoutAbi, shareStatePayoutBytecode } from "./generated/contracts.ts";
import { described } from "./internal/client.ts";
import { deployedAt } from "./internal/deployed.ts";

export type DeployShareStatePayoutReturnType = {
  shareStatePayout: Address;
  /** The block it was deployed in: where a reader of its share states starts reading logs. */
  deployedAtBlock: bigint;
};

export type DeployShareStatePayoutErrorType = PoolnetErrorType;

/** Deploys ShareStatePayout. */
export async function deployShareStatePayout(
  walletClient: WalletClient<Transport, Chain | undefined, Account>,
  publicClient: PublicClient,
): Promise<DeployShareStatePayoutReturnType> {
  return described(async () => {
    const hash = await walletClient.deployContract({
      abi: shareStatePayoutAbi,
      bytecode: shareStatePayoutBytecode,
      account: walletClient.account,
      chain: walletClient.chain,
    });
    const deployed = await deployedAt(publicClient, hash, "ShareStatePayout");
    return { shareStatePayout: deployed.address, deployedAtBlock: deployed.blockNumber };
  });
}
