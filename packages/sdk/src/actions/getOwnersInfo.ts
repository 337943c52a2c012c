// Reads PoolOwners as a whole: who runs it, the share sale's state, the shares not yet allocated, and each listed
// token's distribution.
import { getAddress, zeroAddress, type Address } from "viem";
import { readContract } from "viem/actions";
import type { PoolnetErrorType } from "../errors.ts";
import { ownersAbi, stakingTokenAbi } from "../internal/abi.ts";
import { described, type ReadClient } from "../internal/client.ts";

export type GetOwnersInfoParameters = { poolOwners: Address };

/** One token PoolOwners distributes. */
export type OwnersToken = {
  token: Address;
  /** Every amount of it ever shared out among the owners. */
  distributed: bigint;
  /** Shared out and not withdrawn yet: what the owners are owed. */
  accounted: bigint;
  /** Arrived and not shared out yet: the next distribution's amount (withdrawable already counts it). */
  undistributed: bigint;
};

export type OwnersInfo = {
  poolOwners: Address;
  /** The contract owner: grants the creators' shares, lists tokens, locks the shares. */
  contractOwner: Address;
  /** Where the share sale's ETH is paid. */
  wallet: Address;
  /** The share sale is over and the grants are frozen. */
  locked: boolean;
  /** 100% of the shares: the sale's valuation in wei (4000 ether), one share per wei of ETH. */
  totalShares: bigint;
  /** The creators' part, granted by the contract owner (75%). */
  creatorShares: bigint;
  creatorSharesGranted: bigint;
  /** The most ETH the sale takes, and the least one contribution may be (unless less is left below the cap). */
  hardCap: bigint;
  minContribution: bigint;
  /** ETH paid in by every contributor: also the shares sold. */
  totalContributed: bigint;
  /** Shares neither sold nor granted (the reserve): they go to the contract owner when the shares are locked. */
  unallocated: bigint;
  maxTokens: number;
  /** The listed tokens, in the order they were added. */
  tokens: OwnersToken[];
};

export type GetOwnersInfoReturnType = OwnersInfo;
export type GetOwnersInfoErrorType = PoolnetErrorType;

export async function getOwnersInfo(
  client: ReadClient,
  { poolOwners }: GetOwnersInfoParameters,
): Promise<GetOwnersInfoReturnType> {
  return described(async () => {
    const at = { address: poolOwners, abi: ownersAbi } as const;
    const [
      contractOwner,
      wallet,
      locked,
      totalShares,
      creatorShares,
      creatorSharesGranted,
      hardCap,
      minContribution,
      totalContributed,
      unallocated,
      maxTokens,
      listed,
    ] = await Promise.all([
      readContract(client, { ...at, functionName: "owner" }),
      readContract(client, { ...at, functionName: "wallet" }),
      readContract(client, { ...at, functionName: "locked" }),
      readContract(client, { ...at, functionName: "TOTAL_SHARES" }),
      readContract(client, { ...at, functionName: "CREATOR_SHARES" }),
      readContract(client, { ...at, functionName: "creatorSharesGranted" }),
      readContract(client, { ...at, functionName: "HARD_CAP" }),
      readContract(client, { ...at, functionName: "MIN_CONTRIBUTION" }),
      readContract(client, { ...at, functionName: "totalContributed" }),
      // the reserve, holder address(0)
      readContract(client, { ...at, functionName: "shareOf", args: [zeroAddress] }),
      readContract(client, { ...at, functionName: "MAX_TOKENS" }),
      readContract(client, { ...at, functionName: "tokens" }),
    ]);
    const tokens = await Promise.all(
      listed.map(async (token): Promise<OwnersToken> => {
        const [[distributed, accounted], balance] = await Promise.all([
          readContract(client, { ...at, functionName: "getTokenAccounting", args: [token] }),
          readContract(client, { address: token, abi: stakingTokenAbi, functionName: "balanceOf", args: [poolOwners] }),
        ]);
        return {
          token: getAddress(token),
          distributed,
          accounted,
          undistributed: balance > accounted ? balance - accounted : 0n,
        };
      }),
    );
    return {
      poolOwners,
      contractOwner,
      wallet,
      locked,
      totalShares,
      creatorShares,
      creatorSharesGranted,
      hardCap,
      minContribution,
      totalContributed,
      unallocated,
      maxTokens: Number(maxTokens),
      tokens,
    };
  });
}
