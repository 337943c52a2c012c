// Waits for a contract deployment and returns where it landed, or says in one error that it reverted.
import { getAddress, type Address, type Hash, type PublicClient } from "viem";
import { NonRetryableError } from "../errors.ts";

export async function deployedAt(
  publicClient: PublicClient,
  hash: Hash,
  name: string,
): Promise<{ address: Address; blockNumber: bigint }> {
  const receipt = await publicClient.waitForTransactionReceipt({ hash });
  if (receipt.status !== "success" || !receipt.contractAddress) {
    throw new NonRetryableError(`the ${name} deployment reverted`, { details: `transaction ${hash}` });
  }
  return { address: getAddress(receipt.contractAddress), blockNumber: receipt.blockNumber };
}
