// Reads one PoolOwners owner: its share, the creators' shares granted to it, what it contributed, and what it could
// withdraw of each listed token now.
import { getAddress, type Address } from "viem";
import { readContract } from "viem/actions";
import type { PoolnetErrorType } from "../errors.ts";
import { ownersAbi } from "../internal/abi.ts";
import { described, type ReadClient } from "../internal/client.ts";

export type GetOwnerParameters = {
  poolOwners: Address;
  owner: Address;
  /** The tokens to report what it could withdraw of; every listed token when not given. */
  tokens?: readonly Address[];
};

export type Owner = {
  owner: Address;
  /** Its shares now, of TOTAL_SHARES (4000 ether = 100%). */
  share: bigint;
  /** The creators' shares granted to it (still counted after it gave any away). */
  granted: bigint;
  /** The ETH it paid in the share sale, all contributions together. */
  contributed: bigint;
  /** What it could withdraw of each token now, counting what arrived but is not distributed yet. */
  withdrawable: { token: Address; amount: bigint }[];
};

export type GetOwnerReturnType = Owner;
export type GetOwnerErrorType = PoolnetErrorType;

export async function getOwner(
  client: ReadClient,
  { poolOwners, owner, tokens }: GetOwnerParameters,
): Promise<GetOwnerReturnType> {
  return described(async () => {
    const at = { address: poolOwners, abi: ownersAbi } as const;
    const [share, granted, contributed, listed] = await Promise.all([
      readContract(client, { ...at, functionName: "shareOf", args: [owner] }),
      readContract(client, { ...at, functionName: "grantedShareOf", args: [owner] }),
      readContract(client, { ...at, functionName: "contributionOf", args: [owner] }),
      tokens ?? readContract(client, { ...at, functionName: "tokens" }),
    ]);
    const withdrawable = await Promise.all(
      listed.map(async (token) => ({
        token: getAddress(token),
        amount: await readContract(client, { ...at, functionName: "withdrawable", args: [token, owner] }),
      })),
    );
    return { owner, share, granted, contributed, withdrawable };
  });
}
