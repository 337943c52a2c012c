// Buys PoolOwners shares in the share sale with ETH: one share per wei, 4 ETH for 0.1%; the ETH goes to the wallet.
import { isAddressEqual, parseEventLogs, type Address, type Hash } from "viem";
import { writeContract } from "viem/actions";
import { ContractRevertError, InvalidInputError, type PoolnetErrorType } from "../errors.ts";
import { ownersAbi } from "../internal/abi.ts";
import { confirm, described, type WriteClient } from "../internal/client.ts";

export type ContributeParameters = {
  poolOwners: Address;
  /** The ETH paid, in wei: at least the sale's minimum (4 ETH) unless less than that is left below the cap. */
  value: bigint;
};
export type ContributeReturnType = {
  /** The shares bought: `value`, one per wei, out of TOTAL_SHARES (4000 ether). */
  share: bigint;
  transactionHash: Hash;
};
export type ContributeErrorType = PoolnetErrorType;

export async function contribute(
  client: WriteClient,
  { poolOwners, value }: ContributeParameters,
): Promise<ContributeReturnType> {
  if (value <= 0n) throw new InvalidInputError(`the contribution must be more than 0 ETH, got ${value} wei`);
  return described(async () => {
    const transactionHash = await writeContract(client, {
      address: poolOwners,
      abi: ownersAbi,
      functionName: "contribute",
      value,
      account: client.account,
      chain: client.chain ?? null,
    });
    const receipt = await confirm(client, transactionHash);
    const [contributed] = parseEventLogs({ abi: ownersAbi, eventName: "Contributed", logs: receipt.logs }).filter(
      (log) => isAddressEqual(log.address, poolOwners) && isAddressEqual(log.args.contributor, client.account.address),
    );
    if (!contributed) throw new ContractRevertError(`transaction ${transactionHash} contributed nothing`);
    return { share: contributed.args.value, transactionHash };
  });
}
