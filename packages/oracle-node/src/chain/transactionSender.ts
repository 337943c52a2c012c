// Sends the node's transactions (flux submissions, runlog fulfillments) so that a crash at any instant cannot make it
// sign the same work twice: each is signed locally and recorded (fsynced) before it is sent, and a restart sends the
// recorded bytes again. One sender per node: its transactions take their nonces one after another.
import { NonRetryableError } from "@poolnet/sdk";
import {
  keccak256,
  type Account,
  type Address,
  type Chain,
  type Hash,
  type Hex,
  type PublicClient,
  type Transport,
  type WalletClient,
} from "viem";
import type { SubmitterMetrics } from "../metrics/oracleMetrics.ts";
import type { NodeState, TransactionRecord } from "../state/nodeState.ts";

/** A transaction signed by the node, before it is sent. */
export type SignedTransaction = { from: Address; nonce: number; hash: Hash; raw: Hex };

export type SendRequest = {
  to: Address;
  data: Hex;
  /** The gas limit: the caller estimated it, which ran the call (a call the contract would refuse failed there). */
  gas: bigint;
  /**
   * Runs in turn with every other send, right before signing: throws to refuse, e.g. when the state already holds a
   * transaction for the same work (a concurrent send may have recorded one since the caller looked).
   */
  check?: (() => void) | undefined;
  /** Makes the signed transaction durable in the node's state; the transaction is sent only once this resolves. */
  record(signed: SignedTransaction): Promise<void>;
};

export type TransactionSender = {
  /** The node's address. */
  readonly address: Address;
  /**
   * Estimates the gas of a call from the node, on the latest block (whether the node already sent a transaction for
   * the work is its state's to say, not the pending block's). It runs the call: one the contract refuses rejects.
   */
  estimate(call: { to: Address; data: Hex }): Promise<bigint>;
  /** Checks, signs, records and sends; resolves with the hash once sent (not mined). */
  send(request: SendRequest): Promise<{ hash: Hash; nonce: number }>;
  /** After a restart: settles what was mined and sends again what was recorded but not mined. */
  recover(): Promise<void>;
  /** Stops watching for receipts; resolves once no watcher can write to the state any more. */
  stop(): Promise<void>;
};

export type TransactionSenderParameters = {
  publicClient: PublicClient;
  /** A wallet client with a local account: the transaction must be signed here to be recorded before it is sent. */
  walletClient: WalletClient<Transport, Chain, Account>;
  state: NodeState;
  /** How often a pending transaction's receipt is looked for; 1 s by default. */
  receiptPollMs?: number | undefined;
  onError?: ((error: unknown) => void) | undefined;
  metrics?: SubmitterMetrics | undefined;
};

export function createTransactionSender({
  publicClient,
  walletClient,
  state,
  receiptPollMs = 1_000,
  onError = () => undefined,
  metrics,
}: TransactionSenderParameters): TransactionSender {
  const { account } = walletClient;
  if (account.type !== "local") {
    throw new NonRetryableError("the oracle node signs its transactions itself: give it a local (private key) account");
  }
  const address = account.address;
  let stopped = false;
  const watched = new Set<Hash>();
  const watchers = new Set<Promise<void>>();
  // one transaction at a time: each takes the next nonce
  let queue: Promise<unknown> = Promise.resolve();

  async function broadcast(record: TransactionRecord | SignedTransaction): Promise<void> {
    try {
      await publicClient.sendRawTransaction({ serializedTransaction: record.raw });
    } catch (error) {
      // "already known", "nonce too low": it reached the chain before; the receipt watch settles it
      onError(error);
    }
    watch(record);
  }

  function watch(record: TransactionRecord | SignedTransaction): void {
    if (watched.has(record.hash)) return;
    watched.add(record.hash);
    const watcher = (async () => {
      while (!stopped) {
        try {
          const receipt = await publicClient.getTransactionReceipt({ hash: record.hash }).catch(() => undefined);
          if (stopped) break; // the state may be closing: what is left is settled on the next start
          if (receipt !== undefined) {
            metrics?.gasSpent(receipt.gasUsed * receipt.effectiveGasPrice);
            await state.recordOutcome({
              hash: record.hash,
              status: receipt.status,
              blockNumber: receipt.blockNumber.toString(),
            });
            break;
          }
          const mined = await publicClient.getTransactionCount({ address, blockTag: "latest" });
          if (stopped) break;
          if (mined > record.nonce) {
            // the nonce is used, yet not by this transaction (looked for once more: it may have just been mined)
            const late = await publicClient.getTransactionReceipt({ hash: record.hash }).catch(() => undefined);
            if (late !== undefined) metrics?.gasSpent(late.gasUsed * late.effectiveGasPrice);
            await state.recordOutcome({
              hash: record.hash,
              status: late?.status ?? "replaced",
              blockNumber: late?.blockNumber.toString(),
            });
            break;
          }
        } catch (error) {
          onError(error);
        }
        await new Promise((resolve) => setTimeout(resolve, receiptPollMs));
      }
      watched.delete(record.hash);
    })();
    watchers.add(watcher);
    void watcher.finally(() => watchers.delete(watcher));
  }

  return {
    address,
    estimate: ({ to, data }) => publicClient.estimateGas({ account: address, to, data, blockTag: "latest" }),
    send({ to, data, gas, check, record }) {
      const run = queue.then(async () => {
        check?.();
        const chainNonce = await publicClient.getTransactionCount({ address, blockTag: "pending" });
        const nonce = Math.max(chainNonce, state.nextNonce(address) ?? 0);
        const request = await walletClient.prepareTransactionRequest({ to, data, nonce, gas });
        const raw = await walletClient.signTransaction(request as Parameters<typeof walletClient.signTransaction>[0]);
        const signed = { from: address, nonce, hash: keccak256(raw), raw };
        await record(signed);
        await broadcast(signed);
        return { hash: signed.hash, nonce };
      });
      queue = run.catch(() => undefined);
      return run;
    },
    async recover() {
      for (const record of state.pending()) {
        if (record.from.toLowerCase() !== address.toLowerCase()) continue;
        const receipt = await publicClient.getTransactionReceipt({ hash: record.hash }).catch(() => undefined);
        if (receipt !== undefined) {
          metrics?.gasSpent(receipt.gasUsed * receipt.effectiveGasPrice);
          await state.recordOutcome({
            hash: record.hash,
            status: receipt.status,
            blockNumber: receipt.blockNumber.toString(),
          });
        } else {
          await broadcast(record);
        }
      }
    },
    async stop() {
      stopped = true;
      await queue;
      await Promise.all([...watchers]);
    },
  };
}
