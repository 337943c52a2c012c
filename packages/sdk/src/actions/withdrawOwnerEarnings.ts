// Pays the client what its PoolOwners shares earned of a listed token: all of it (PoolOwners.withdraw) or an amount
// (PoolOwners.withdrawAmount).
import { isAddressEqual, parseEventLogs, type Address, type Hash } from "viem";
import { writeContract } from "viem/actions";
import { InvalidInputError, type PoolnetErrorType } from "../errors.ts";
import { ownersAbi } from "../internal/abi.ts";
import { confirm, described, type WriteClient } from "../internal/client.ts";

export type WithdrawOwnerEarningsParameters = {
  poolOwners: Address;
  token: Address;
  /** In the token's smallest units; everything the client can withdraw when not given. */
  amount?: bigint;
};
export type WithdrawOwnerEarningsReturnType = { amount: bigint; transactionHash: Hash };
export type WithdrawOwnerEarningsErrorType = PoolnetErrorType;

export async function withdrawOwnerEarnings(
  client: WriteClient,
  { poolOwners, token, amount }: WithdrawOwnerEarningsParameters,
): Promise<WithdrawOwnerEarningsReturnType> {
  if (amount !== undefined && amount <= 0n) {
    throw new InvalidInputError(`the amount to withdraw must be more than 0, got ${amount}`);
  }
  return described(async () => {
    const transactionHash = await writeContract(client, {
      address: poolOwners,
      abi: ownersAbi,
      account: client.account,
      chain: client.chain ?? null,
      ...(amount === undefined
        ? { functionName: "withdraw", args: [token] }
        : { functionName: "withdrawAmount", args: [token, amount] }),
    });
    const receipt = await confirm(client, transactionHash);
    const paid = parseEventLogs({ abi: ownersAbi, eventName: "Withdrawn", logs: receipt.logs })
      .filter(
        (log) =>
          isAddressEqual(log.address, poolOwners) &&
          isAddressEqual(log.args.token, token) &&
          isAddressEqual(log.args.owner, client.account.address),
      )
      .reduce((sum, log) => sum + log.args.amount, 0n);
    return { amount: paid, transactionHash };
  });
}
