// Sends `submit(roundId, answer)` so that a crash at any instant cannot cause a second submission to a round: the
// transaction is signed locally and recorded (fsynced) before it is sent, and a restart sends the recorded bytes again.
import { NonRetryableError } from "@poolnet/sdk";
import {
  encodeFunctionData,
  keccak256,
  type Account,
  type Address,
  type Chain,
  type Hash,
  type PublicClient,
  type Transport,
  type WalletClient,
} from "viem";
import type { SubmitterMetrics } from "../metrics/oracleMetrics.ts";
import type { NodeState, SubmissionRecord } from "../state/nodeState.ts";
import { fluxMonitorAbi } from "./aggregatorAbi.ts";

/** The node's state already holds a submission to the round: a second one is never signed. */
export class AlreadySubmittedError extends NonRetryableError {
  override name = "AlreadySubmittedError";
}

export type SubmitParameters = { aggregator: Address; roundId: number; answer: bigint };

export type Submitter = {
  /** The oracle's address. */
  readonly address: Address;
  /** Signs, records and sends a submission; resolves with its hash once sent (not mined). */
  submit(parameters: SubmitParameters): Promise<{ hash: Hash; nonce: number }>;
  /** After a restart: settles what was mined and sends again what was recorded but not mined. */
  recover(): Promise<void>;
  /** Stops watching for receipts; resolves once no watcher can write to the state any more. */
  stop(): Promise<void>;
};

export type SubmitterParameters = {
  publicClient: PublicClient;
  /** A wallet client with a local account: the transaction must be signed here to be recorded before it is sent. */
  walletClient: WalletClient<Transport, Chain, Account>;
  state: NodeState;
  /** How often a pending submission's receipt is looked for; 1 s by default. */
  receiptPollMs?: number | undefined;
  onError?: ((error: unknown) => void) | undefined;
  metrics?: SubmitterMetrics | undefined;
};

export function createSubmitter({
  publicClient,
  walletClient,
  state,
  receiptPollMs = 1_000,
  onError = () => undefined,
  metrics,
}: SubmitterParameters): Submitter {
  const { account } = walletClient;
  if (account.type !== "local") {
    throw new NonRetryableError("the flux monitor signs its submissions itself: give it a local (private key) account");
  }
  const address = account.address;
  let stopped = false;
  const watched = new Set<Hash>();
  const watchers = new Set<Promise<void>>();
  // one submission at a time: each takes the next nonce
  let queue: Promise<unknown> = Promise.resolve();

  async function send(record: SubmissionRecord): Promise<void> {
    try {
      await publicClient.sendRawTransaction({ serializedTransaction: record.raw });
    } catch (error) {
      // "already known", "nonce too low": it reached the chain before; the receipt watch settles it
      onError(error);
    }
    watch(record);
  }

  function watch(record: SubmissionRecord): void {
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
    submit({ aggregator, roundId, answer }) {
      const run = queue.then(async () => {
        if (state.hasSubmitted(aggregator, roundId)) {
          throw new AlreadySubmittedError(`this node already submitted to round ${roundId} of ${aggregator}`);
        }
        const chainNonce = await publicClient.getTransactionCount({ address, blockTag: "pending" });
        const nonce = Math.max(chainNonce, state.nextNonce(address) ?? 0);
        const data = encodeFunctionData({
          abi: fluxMonitorAbi,
          functionName: "submit",
          args: [BigInt(roundId), answer],
        });
        // estimating the gas runs the call: a submission the aggregator would refuse fails here, before any record.
        // On the latest block, not the pending one: whether this node already sent one is its state's to say
        const gas = await publicClient.estimateGas({ account: address, to: aggregator, data, blockTag: "latest" });
        const request = await walletClient.prepareTransactionRequest({
          to: aggregator,
          data,
          nonce,
          // the estimate prices a submission in the middle of a round; if other nodes' submissions land first, this
          // one may be the one that completes the round (median, validator), up to ~1.7x more on Chainlink's
          // aggregator: too low a limit reverts it, spends its nonce and loses the round. A limit costs only what is
          // used, so take twice the estimate, and never less than 500,000
          gas: submissionGasLimit(gas),
        });
        const raw = await walletClient.signTransaction(request as Parameters<typeof walletClient.signTransaction>[0]);
        const hash = keccak256(raw);
        const record = { aggregator, roundId, answer: answer.toString(), from: address, nonce, hash, raw };
        await state.recordSubmission(record);
        await send({ type: "submission", ...record, at: new Date().toISOString() });
        return { hash, nonce };
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
          await send(record);
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

/** The gas limit of a submission whose estimate (taken against the latest block) is `estimate`. */
export function submissionGasLimit(estimate: bigint): bigint {
  const doubled = estimate * 2n;
  return doubled > SUBMISSION_GAS_LIMIT_FLOOR ? doubled : SUBMISSION_GAS_LIMIT_FLOOR;
}

/** The least gas limit of a submission: room for the one that completes a round with 77 oracles and a validator. */
export const SUBMISSION_GAS_LIMIT_FLOOR = 500_000n;
