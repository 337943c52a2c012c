// Sends the keeper's transactions so that a crash at any instant cannot make it sign the same work twice: each is
// signed here, recorded (fsynced) before it is sent, and a restart sends the recorded bytes again or replaces them.
import { NonRetryableError } from "@poolnet/sdk";
import {
  keccak256,
  parseTransaction,
  WaitForTransactionReceiptTimeoutError,
  type Account,
  type Address,
  type Chain,
  type Hash,
  type Hex,
  type PublicClient,
  type TransactionReceipt,
  type Transport,
  type WalletClient,
} from "viem";
import type { JobName, KeeperState, SentRecord } from "../state/keeperState.ts";

export type SendParameters = {
  job: JobName;
  /** The work this transaction does; no other is signed for it while it is pending. */
  subjects: string[];
  to: Address;
  data?: Hex | undefined;
  value?: bigint | undefined;
  /** The gas limit: the caller estimated it, which also ran the call. */
  gas: bigint;
};

/** Mined ("success" or "reverted"), or still pending when the wait for its receipt ran out. */
export type SendResult = { hash: Hash; status: "success" | "reverted" | "pending"; receipt?: TransactionReceipt };

export type SettleResult = { mined: number; replaced: number; resent: number; bumped: number };

export type TransactionSender = {
  readonly address: Address;
  /** Signs, records and sends a transaction, then waits for its receipt up to the sender's receipt timeout. */
  send(parameters: SendParameters): Promise<SendResult>;
  /**
   * Settles what is pending in the state (a previous run's too): records what was mined or had its nonce used, sends
   * the rest again, and re-signs with higher fees what has waited longer than `replaceAfterMs`.
   */
  settle(): Promise<SettleResult>;
};

export type TransactionSenderParameters = {
  publicClient: PublicClient;
  /** A wallet client with a local account: the transaction is signed here to be recorded before it is sent. */
  walletClient: WalletClient<Transport, Chain, Account>;
  state: KeeperState;
  /** How long `send` waits for a receipt before leaving the transaction pending; 60 s by default. */
  receiptTimeoutMs?: number | undefined;
  /** How long a transaction may stay pending before `settle` replaces it with higher fees; 3 min by default. */
  replaceAfterMs?: number | undefined;
  /** Told about failures to send that the receipt watch settles anyway ("already known", "nonce too low"). */
  onSendError?: ((error: unknown) => void) | undefined;
};

// a replacement must raise the fees by at least 10% to be accepted; a quarter clears that with room
const FEE_BUMP_PERCENT = 125n;

export function createTransactionSender({
  publicClient,
  walletClient,
  state,
  receiptTimeoutMs = 60_000,
  replaceAfterMs = 180_000,
  onSendError = () => undefined,
}: TransactionSenderParameters): TransactionSender {
  const { account } = walletClient;
  if (account.type !== "local") {
    throw new NonRetryableError("the keeper signs its transactions itself: give it a local (private key) account");
  }
  const address = account.address;
  const mine = (record: SentRecord) => record.from.toLowerCase() === address.toLowerCase();

  async function broadcast(raw: Hex): Promise<void> {
    try {
      await publicClient.sendRawTransaction({ serializedTransaction: raw });
    } catch (error) {
      // it may have reached the chain before, or been replaced: the receipt (or the nonce) settles it
      onSendError(error);
    }
  }

  async function signAndRecord(
    parameters: Omit<SendParameters, "gas"> & { gas: bigint; nonce: number; fees?: FeeOverride },
  ): Promise<SentRecord> {
    const request = await walletClient.prepareTransactionRequest({
      to: parameters.to,
      data: parameters.data,
      value: parameters.value,
      gas: parameters.gas,
      nonce: parameters.nonce,
      ...parameters.fees,
    } as Parameters<typeof walletClient.prepareTransactionRequest>[0]);
    const raw = await walletClient.signTransaction(request as Parameters<typeof walletClient.signTransaction>[0]);
    const record = {
      job: parameters.job,
      subjects: parameters.subjects,
      from: address,
      to: parameters.to,
      nonce: parameters.nonce,
      hash: keccak256(raw),
      raw,
    };
    await state.recordSent(record);
    return { type: "sent", ...record, at: new Date().toISOString() };
  }

  async function receiptOf(hash: Hash): Promise<TransactionReceipt | undefined> {
    return publicClient.getTransactionReceipt({ hash }).catch(() => undefined);
  }

  async function recordMined(receipt: TransactionReceipt): Promise<void> {
    await state.recordOutcome({
      hash: receipt.transactionHash,
      status: receipt.status,
      blockNumber: receipt.blockNumber.toString(),
    });
  }

  // one transaction at a time: each takes the next nonce
  let queue: Promise<unknown> = Promise.resolve();
  const serially = <T>(work: () => Promise<T>): Promise<T> => {
    const run = queue.then(work);
    queue = run.catch(() => undefined);
    return run;
  };

  return {
    address,
    send(parameters) {
      return serially(async () => {
        const chainNonce = await publicClient.getTransactionCount({ address, blockTag: "pending" });
        const nonce = Math.max(chainNonce, state.nextNonce(address) ?? 0);
        const record = await signAndRecord({ ...parameters, nonce });
        await broadcast(record.raw);
        try {
          const receipt = await publicClient.waitForTransactionReceipt({
            hash: record.hash,
            timeout: receiptTimeoutMs,
          });
          await recordMined(receipt);
          return { hash: record.hash, status: receipt.status, receipt };
        } catch (error) {
          if (error instanceof WaitForTransactionReceiptTimeoutError) return { hash: record.hash, status: "pending" };
          throw error;
        }
      });
    },
    settle() {
      return serially(async () => {
        const result: SettleResult = { mined: 0, replaced: 0, resent: 0, bumped: 0 };
        const pending = state.pending().filter(mine);
        if (pending.length === 0) return result;
        const used = await publicClient.getTransactionCount({ address, blockTag: "latest" });
        // the newest signature for a nonce is the one worth sending; older ones can only be mined or replaced
        const newest = new Map<number, SentRecord>();
        for (const record of pending) newest.set(record.nonce, record);
        for (const record of pending) {
          const receipt = await receiptOf(record.hash);
          if (receipt !== undefined) {
            await recordMined(receipt);
            result.mined += 1;
          } else if (record.nonce < used) {
            await state.recordOutcome({ hash: record.hash, status: "replaced" });
            result.replaced += 1;
          } else if (newest.get(record.nonce) !== record) {
            continue;
          } else if (Date.now() - Date.parse(record.at) > replaceAfterMs) {
            const replacement = await signAndRecord({ ...unsigned(record), fees: bumped(record.raw) });
            await broadcast(replacement.raw);
            result.bumped += 1;
          } else {
            await broadcast(record.raw);
            result.resent += 1;
          }
        }
        return result;
      });
    },
  };
}

type FeeOverride = { gasPrice: bigint } | { maxFeePerGas: bigint; maxPriorityFeePerGas: bigint };

function unsigned(record: SentRecord) {
  const transaction = parseTransaction(record.raw);
  return {
    job: record.job,
    subjects: record.subjects,
    to: record.to,
    data: transaction.data,
    value: transaction.value,
    gas: transaction.gas ?? 0n,
    nonce: record.nonce,
  };
}

function bumped(raw: Hex): FeeOverride {
  const transaction = parseTransaction(raw);
  const bump = (fee: bigint) => (fee * FEE_BUMP_PERCENT) / 100n + 1n;
  if (transaction.maxFeePerGas !== undefined) {
    return {
      maxFeePerGas: bump(transaction.maxFeePerGas),
      maxPriorityFeePerGas: bump(transaction.maxPriorityFeePerGas ?? 0n),
    };
  }
  return { gasPrice: bump(transaction.gasPrice ?? 0n) };
}
