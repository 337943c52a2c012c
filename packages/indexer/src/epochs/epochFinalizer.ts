// Publishes finalized epochs as Pooler does: each exactly `epochSize` blocks, the next starting at the last one's
// end + 1, published once its last block is `finalizationOffset` blocks below the head. A reorg inside the offset
// only replaces tracked blocks; one that reaches a published epoch rolls it back (see headTracker.ts) and the epochs
// are published again from the new branch. Everything it knows is in the store, so a restart carries on.
import { InvalidInputError } from "@poolnet/sdk";
import type { Hash } from "viem";
import type { RpcClient } from "../rpc/rpcClient.ts";
import type { Store } from "../store/store.ts";
import { getEpoch, getLastEpoch, insertEpoch, type Epoch } from "./epochStore.ts";
import { createHeadTracker, type ReorgEvent } from "./headTracker.ts";

export type EpochFinalizerParameters = {
  store: Store;
  rpc: RpcClient;
  /** The first block of epoch 0 (the registry's deployment block, say). */
  startBlock: bigint;
  epochSize: number;
  /** Blocks an epoch's last block must be below the head before it is published. */
  finalizationOffset: number;
  /** Recent blocks whose hashes are kept to notice reorgs; 2 × (epochSize + finalizationOffset), at least 128. */
  trackedWindow?: number | undefined;
  /** Most epochs published by one sync, so catching up from far behind is done in bounded steps. */
  maxEpochsPerSync?: number | undefined;
  /** Called after a reorg is recorded (its rollback committed). */
  onReorg?: ((reorg: ReorgEvent) => void) | undefined;
};

export type SyncReport = { head: bigint; published: Epoch[]; reorg: ReorgEvent | undefined };

export type EpochFinalizer = {
  /** Follows the head once: detects reorgs, then publishes every epoch that is due. */
  sync(): Promise<SyncReport>;
  /** The block range epoch `epochNumber` covers. */
  rangeOf(epochNumber: bigint): { fromBlock: bigint; toBlock: bigint };
};

export function createEpochFinalizer(parameters: EpochFinalizerParameters): EpochFinalizer {
  const { store, rpc, startBlock, epochSize, finalizationOffset } = parameters;
  if (!Number.isSafeInteger(epochSize) || epochSize < 1) {
    throw new InvalidInputError(`the epoch size must be a whole number of blocks, at least 1, not ${epochSize}`);
  }
  if (!Number.isSafeInteger(finalizationOffset) || finalizationOffset < 0) {
    throw new InvalidInputError(`the finalization offset must be a whole number of blocks, not ${finalizationOffset}`);
  }
  if (startBlock < 0n) throw new InvalidInputError(`the start block must not be negative, not ${startBlock}`);
  const trackedWindow = parameters.trackedWindow ?? Math.max(128, 2 * (epochSize + finalizationOffset));
  if (trackedWindow <= finalizationOffset) {
    throw new InvalidInputError(
      `the tracked window (${trackedWindow} blocks) must be larger than the finalization offset (${finalizationOffset})`,
    );
  }
  const maxEpochsPerSync = parameters.maxEpochsPerSync ?? 1000;
  const tracker = createHeadTracker({ store, rpc, trackedWindow });
  const size = BigInt(epochSize);
  const rangeOf = (epochNumber: bigint) => {
    const fromBlock = startBlock + epochNumber * size;
    return { fromBlock, toBlock: fromBlock + size - 1n };
  };
  let checked = false;

  /** Refuses to extend epochs that were cut with another start block or size. */
  async function checkStoredEpochs() {
    const first = await getEpoch(store, 0n);
    if (first === undefined) return;
    if (first.fromBlock !== startBlock || first.toBlock - first.fromBlock + 1n !== size) {
      throw new InvalidInputError(
        `the store's epochs start at block ${first.fromBlock} with ${first.toBlock - first.fromBlock + 1n} blocks ` +
          `each, not at ${startBlock} with ${epochSize}: use the same settings or a new store`,
      );
    }
  }

  return {
    rangeOf,
    async sync() {
      if (!checked) {
        await checkStoredEpochs();
        checked = true;
      }
      const { head, reorg } = await tracker.sync();
      if (reorg !== undefined) parameters.onReorg?.(reorg);
      const last = await getLastEpoch(store);
      const due: { epochNumber: bigint; fromBlock: bigint; toBlock: bigint }[] = [];
      for (let next = last === undefined ? 0n : last.epochNumber + 1n; due.length < maxEpochsPerSync; next++) {
        const range = rangeOf(next);
        if (range.toBlock + BigInt(finalizationOffset) > head) break;
        due.push({ epochNumber: next, ...range });
      }
      if (due.length === 0) return { head, published: [], reorg };
      // an epoch older than the tracked window is deep under the head: its hash is read once, not tracked
      const hashes = new Map<bigint, Hash>();
      const untracked: bigint[] = [];
      for (const epoch of due) {
        const hash = await tracker.trackedHash(store, epoch.toBlock);
        if (hash === undefined) untracked.push(epoch.toBlock);
        else hashes.set(epoch.toBlock, hash);
      }
      const headers = await rpc.getBlockHeaders(untracked);
      headers.forEach((header, i) => {
        if (header !== undefined) hashes.set(untracked[i]!, header.hash);
      });
      const published: Epoch[] = [];
      await store.transaction(async (sql) => {
        for (const epoch of due) {
          const toBlockHash = hashes.get(epoch.toBlock);
          if (toBlockHash === undefined) break;
          await insertEpoch(sql, { ...epoch, toBlockHash });
          published.push({ ...epoch, toBlockHash, status: "queued", reason: undefined, jobsTotal: undefined });
        }
      });
      return { head, published, reorg };
    },
  };
}
