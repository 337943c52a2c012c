// The payout executor: pays a posted share state in batches sized by `fitBatch` under a gas limit, and survives a crash
// at any point without paying anyone twice or sending a batch the contract would refuse.
//
// Before a batch's transaction is sent, its intent — batch number, leaf range, nonce, hash and the signed transaction
// itself — is appended to a fsynced journal. On (re)start the executor settles every intent not yet settled: it looks
// for the receipt, else sends the signed transaction again (the same nonce and hash, so it can be mined at most once)
// and waits for it, or finds its nonce taken by another transaction (dropped). Then it asks the contract `isPaid` for
// every leaf no successful batch covered, and pays what is left. The contract's paid bitmap is the last line of
// defence: a paid leaf is skipped, never paid again.
import {
  InvalidInputError,
  NonRetryableError,
  RetryableError,
  describeContractError,
  shareStatePayoutAbi,
} from "@poolnet/sdk";
import {
  encodeFunctionData,
  keccak256,
  parseEventLogs,
  type Account,
  type Address,
  type Chain,
  type Client,
  type Hex,
  type TransactionReceipt,
  type Transport,
} from "viem";
import {
  estimateContractGas,
  getBlock,
  getTransactionCount,
  getTransactionReceipt,
  prepareTransactionRequest,
  readContract,
  sendRawTransaction,
  signTransaction,
} from "viem/actions";
import { fitBatch } from "./batchSizer.ts";
import { Journal, type IntentRecord, type SettledRecord } from "./journal.ts";
import { batchProof, type ShareState } from "./shareState.ts";

/** Under EIP-7825's per-transaction cap (2^24 gas), with room. */
export const DEFAULT_BATCH_GAS_LIMIT = 15_000_000n;

export type BatchProgress = {
  batch: number;
  hash: Hex;
  first: number;
  last: number;
  /** Miners the batch paid (entries already paid are skipped by the contract) and what they were paid in all. */
  count: number;
  amount: bigint;
  bounty: bigint;
  gasUsed: bigint;
  /** Leaves of the share state still unpaid after this batch. */
  unpaid: number;
  /** True for a batch sent by an earlier run and settled by this one. */
  resumed: boolean;
};

export type PayShareStateParameters = {
  /** Signs with `account` (a local account: the signed transaction is journaled before it is sent) and reads. */
  client: Client<Transport, Chain | undefined, Account>;
  contract: Address;
  id: bigint;
  state: ShareState;
  /** The journal file; one per share state. */
  journalPath: string;
  /** The most gas a batch may use (default 15,000,000). */
  gasLimit?: bigint;
  /** At most this many miners a batch (default: as many as fit). */
  maxBatch?: number;
  /** How long to wait for a transaction to be mined before giving up (it stays journaled; default 5 minutes). */
  receiptTimeoutMs?: number;
  pollingIntervalMs?: number;
  onBatch?: (progress: BatchProgress) => void;
  /** For tests: awaited after an intent is journaled and after its transaction is sent. */
  hooks?: { afterIntent?: () => Promise<void>; afterSend?: () => Promise<void> };
};

export type PayShareStateReturnType = {
  leafCount: number;
  /** Batches this run sent, and those it settled from an earlier run. */
  batches: number;
  resumed: number;
  /** Miners paid by this run's batches (including the resumed ones). */
  paid: number;
  amount: bigint;
  /** Leaves still unpaid (0 once done). */
  unpaid: number;
};

async function chain<T>(call: () => Promise<T>): Promise<T> {
  try {
    return await call();
  } catch (error) {
    throw describeContractError(error);
  }
}

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

/** Checks that the share state posted as `id` on `contract` is `state` and can still be paid. */
export async function checkPostedState(
  client: Client,
  contract: Address,
  id: bigint,
  state: ShareState,
): Promise<void> {
  const count = await chain(() =>
    readContract(client, { address: contract, abi: shareStatePayoutAbi, functionName: "shareStateCount" }),
  );
  if (id >= count) throw new InvalidInputError(`there is no share state ${id} on ${contract} (it has ${count})`);
  const posted = await chain(() =>
    readContract(client, { address: contract, abi: shareStatePayoutAbi, functionName: "shareState", args: [id] }),
  );
  if (posted.root.toLowerCase() !== state.root.toLowerCase()) {
    throw new InvalidInputError(`share state ${id} was posted with root ${posted.root}, not this file's ${state.root}`);
  }
  if (posted.leafCount !== BigInt(state.leafCount) || posted.totalScore !== state.totalScore) {
    throw new InvalidInputError(
      `share state ${id} was posted with ${posted.leafCount} leaves and total score ${posted.totalScore}, not ` +
        `${state.leafCount} and ${state.totalScore}`,
    );
  }
}

/** Pays every unpaid leaf of share state `id`; resumes from the journal after a crash. */
export async function payShareState(params: PayShareStateParameters): Promise<PayShareStateReturnType> {
  const { client, contract, id, state } = params;
  const gasLimit = params.gasLimit ?? DEFAULT_BATCH_GAS_LIMIT;
  const account = client.account;
  await checkPostedState(client, contract, id, state);

  const journal = await Journal.open(params.journalPath);
  try {
    const result: PayShareStateReturnType = {
      leafCount: state.leafCount,
      batches: 0,
      resumed: 0,
      paid: 0,
      amount: 0n,
      unpaid: state.leafCount,
    };
    const report = (intent: IntentRecord, receipt: TransactionReceipt, unpaid: number, resumed: boolean) => {
      const paid = batchPaidOf(receipt);
      result.paid += paid.count;
      result.amount += paid.amount;
      params.onBatch?.({
        batch: intent.batch,
        hash: intent.hash,
        first: intent.first,
        last: intent.last,
        ...paid,
        gasUsed: receipt.gasUsed,
        unpaid,
        resumed,
      });
    };

    // 1. settle what an earlier run sent (or was about to send)
    const settledNow: { intent: IntentRecord; receipt: TransactionReceipt }[] = [];
    for (const intent of journal.pending()) {
      if (intent.contract.toLowerCase() !== contract.toLowerCase() || intent.id !== id.toString()) {
        throw new InvalidInputError(
          `the journal ${params.journalPath} holds a batch of share state ${intent.id} on ${intent.contract}, ` +
            `not ${id} on ${contract}: use one journal per share state`,
        );
      }
      const { record, receipt } = await settle(client, intent, params, true);
      await journal.append(record);
      result.resumed++;
      if (receipt) settledNow.push({ intent, receipt });
    }

    // 2. what is left: every leaf no successful batch covered and the contract does not know as paid
    const covered = new Uint8Array(state.leafCount);
    const intents = new Map(
      journal
        .records()
        .filter((record): record is IntentRecord => record.type === "intent")
        .map((record) => [record.batch, record]),
    );
    for (const record of journal.records()) {
      if (record.type !== "settled" || record.status !== "success") continue;
      const intent = intents.get(record.batch);
      // every leaf in a batch's range that it did not name was already paid when it was built
      if (intent) covered.fill(1, intent.first, intent.last + 1);
    }
    const unknown = state.leaves.map((leaf) => leaf.index).filter((index) => covered[index] === 0);
    const paidOnChain = await isPaidAll(client, contract, id, unknown);
    let unpaid = unknown.filter((_, i) => !paidOnChain[i]);
    result.unpaid = unpaid.length;
    for (const { intent, receipt } of settledNow) report(intent, receipt, unpaid.length, true);
    if (unpaid.length === 0) return result;

    const posted = await chain(() =>
      readContract(client, { address: contract, abi: shareStatePayoutAbi, functionName: "shareState", args: [id] }),
    );
    if (posted.closed)
      throw new NonRetryableError(`share state ${id} is closed: ${unpaid.length} miners were not paid`);
    const now = (await chain(() => getBlock(client, { blockTag: "latest" }))).timestamp;
    if (posted.deadline <= now) {
      throw new NonRetryableError(
        `share state ${id} passed its deadline: ${unpaid.length} miners were not paid, close it to carry the rest`,
      );
    }

    // 3. pay the rest, one journaled batch at a time
    while (unpaid.length > 0) {
      const candidates = unpaid;
      const estimate = (count: number) =>
        chain(() => {
          const proof = batchProof(state, candidates.slice(0, count));
          return estimateContractGas(client, {
            address: contract,
            abi: shareStatePayoutAbi,
            functionName: "payBatch",
            args: [id, proof.entries, proof.proof, proof.proofFlagBits],
            account,
          });
        });
      const maxCount = Math.min(candidates.length, params.maxBatch ?? candidates.length);
      const fit = await fitBatch({ estimateGas: estimate, gasLimit, maxCount });
      const indexes = candidates.slice(0, fit.count);
      const proof = batchProof(state, indexes);
      const data = encodeFunctionData({
        abi: shareStatePayoutAbi,
        functionName: "payBatch",
        args: [id, proof.entries, proof.proof, proof.proofFlagBits],
      });
      const margin = fit.gas + fit.gas / 10n;
      const gas = margin > gasLimit ? (fit.gas > gasLimit ? fit.gas : gasLimit) : margin;
      const nonce = await chain(() => getTransactionCount(client, { address: account.address, blockTag: "pending" }));
      const request = await chain(() =>
        prepareTransactionRequest(client, { account, chain: client.chain, to: contract, data, gas, nonce } as never),
      );
      const raw = await chain(() => signTransaction(client, { ...(request as object), account } as never));
      const intent: IntentRecord = {
        type: "intent",
        batch: journal.nextBatch(),
        id: id.toString(),
        contract,
        first: indexes[0]!,
        last: indexes[indexes.length - 1]!,
        count: indexes.length,
        nonce,
        hash: keccak256(raw), // a signed transaction's hash is the keccak of its bytes
        raw,
      };
      await journal.append(intent);
      await params.hooks?.afterIntent?.();
      const { record, receipt } = await settle(client, intent, params, false);
      await journal.append(record);
      result.batches++;
      if (!receipt) {
        throw new RetryableError(
          `batch ${intent.batch} (${intent.hash}) was dropped: its nonce was taken by another transaction; run again`,
        );
      }
      if (receipt.status !== "success") {
        throw new NonRetryableError(
          `batch ${intent.batch} (transaction ${intent.hash}) was mined but reverted; run again to retry what is left`,
        );
      }
      unpaid = unpaid.slice(fit.count);
      result.unpaid = unpaid.length;
      report(intent, receipt, unpaid.length, false);
    }
    return result;
  } finally {
    await journal.close();
  }
}

/** The transaction's fate: its receipt (success or reverted), or dropped (its nonce taken by another). Sends the
 * signed transaction (again); a node that already has it, or mined it, says so, which is fine. */
async function settle(
  client: Client<Transport, Chain | undefined, Account>,
  intent: IntentRecord,
  params: PayShareStateParameters,
  resuming: boolean,
): Promise<{ record: SettledRecord; receipt: TransactionReceipt | undefined }> {
  const poll = params.pollingIntervalMs ?? 250;
  const deadline = Date.now() + (params.receiptTimeoutMs ?? 300_000);
  let receipt = resuming ? await receiptOf(client, intent.hash) : undefined;
  if (!receipt) {
    try {
      await sendRawTransaction(client, { serializedTransaction: intent.raw });
    } catch (error) {
      // resending: already known, already mined ("nonce too low") or replaced, which the receipt or the nonce below
      // tells; a first send refused outright (no funds for gas, say) is said at once: the intent stays journaled and
      // the next run sends the same transaction again
      if (!resuming) {
        const mined = await chain(() =>
          getTransactionCount(client, { address: client.account.address, blockTag: "latest" }),
        );
        if (mined <= intent.nonce && !(await receiptOf(client, intent.hash))) throw describeContractError(error);
      }
    }
    if (!resuming) await params.hooks?.afterSend?.();
  }
  while (!receipt) {
    receipt = await receiptOf(client, intent.hash);
    if (receipt) break;
    const mined = await chain(() =>
      getTransactionCount(client, { address: client.account.address, blockTag: "latest" }),
    );
    if (mined > intent.nonce) {
      receipt = await receiptOf(client, intent.hash);
      if (receipt) break;
      return { record: { type: "settled", batch: intent.batch, hash: intent.hash, status: "dropped" }, receipt };
    }
    if (Date.now() > deadline) {
      throw new RetryableError(
        `batch ${intent.batch} (transaction ${intent.hash}) is not mined yet; it stays journaled: run again later`,
      );
    }
    await sleep(poll);
  }
  return {
    record: {
      type: "settled",
      batch: intent.batch,
      hash: intent.hash,
      status: receipt.status === "success" ? "success" : "reverted",
      blockNumber: receipt.blockNumber.toString(),
      gasUsed: receipt.gasUsed.toString(),
    },
    receipt,
  };
}

async function receiptOf(client: Client, hash: Hex): Promise<TransactionReceipt | undefined> {
  try {
    return await getTransactionReceipt(client, { hash });
  } catch (error) {
    const described = describeContractError(error);
    if (described instanceof RetryableError) throw described;
    return undefined; // not found (yet)
  }
}

function batchPaidOf(receipt: TransactionReceipt): { count: number; amount: bigint; bounty: bigint } {
  const [event] = parseEventLogs({ abi: shareStatePayoutAbi, eventName: "BatchPaid", logs: receipt.logs });
  if (!event) return { count: 0, amount: 0n, bounty: 0n };
  return { count: Number(event.args.count), amount: event.args.amount, bounty: event.args.bounty };
}

/** `isPaid` for each of `indexes`, a few dozen calls at a time. */
export async function isPaidAll(
  client: Client,
  contract: Address,
  id: bigint,
  indexes: readonly number[],
): Promise<boolean[]> {
  const paid: boolean[] = [];
  for (let i = 0; i < indexes.length; i += 32) {
    const chunk = indexes.slice(i, i + 32);
    paid.push(
      ...(await Promise.all(
        chunk.map((index) =>
          chain(() =>
            readContract(client, {
              address: contract,
              abi: shareStatePayoutAbi,
              functionName: "isPaid",
              args: [id, BigInt(index)],
            }),
          ),
        ),
      )),
    );
  }
  return paid;
}
