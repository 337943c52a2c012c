// What every action shares: the clients it takes, errors turned into PoolnetErrors, receipts checked.
import type { Account, Chain, Client, Hash, TransactionReceipt, Transport } from "viem";
import { waitForTransactionReceipt } from "viem/actions";
import { ContractRevertError, describeContractError } from "../errors.ts";

/** Any viem client that can read the chain: a PublicClient, or a WalletClient on a full RPC endpoint. */
export type ReadClient = Client<Transport, Chain | undefined>;

/** A viem client with an account that sends transactions and can also read (a WalletClient on an RPC endpoint). */
export type WriteClient = Client<Transport, Chain | undefined, Account>;

/** Runs a chain call and turns whatever it throws into a PoolnetError with one readable sentence. */
export async function described<T>(call: () => Promise<T>): Promise<T> {
  try {
    return await call();
  } catch (error) {
    throw describeContractError(error);
  }
}

/** Waits for a transaction's receipt; a transaction that was mined but reverted is a ContractRevertError. */
export async function confirm(client: WriteClient, hash: Hash): Promise<TransactionReceipt> {
  const receipt = await waitForTransactionReceipt(client, { hash });
  if (receipt.status === "reverted") throw new ContractRevertError(`transaction ${hash} was mined but reverted`);
  return receipt;
}
