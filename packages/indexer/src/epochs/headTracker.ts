// Follows the chain's head block by block, keeping the recent blocks' hashes in the store. When a block it holds is
// replaced, it finds the common ancestor and, in the same transaction, forgets the replaced blocks and rolls back
// every published epoch that reached past the ancestor (their snapshot rows go with them), and records the event.
import { NonRetryableError, RetryableError } from "@poolnet/sdk";
import type { Hash } from "viem";
import type { BlockHeader, RpcClient } from "../rpc/rpcClient.ts";
import type { Sql, Store } from "../store/store.ts";

export type ReorgEvent = {
  /** The highest block both branches share. */
  commonAncestor: bigint;
  oldHead: bigint;
  newHead: bigint;
  /** Blocks of the old branch replaced or dropped. */
  depth: number;
  /** The first published epoch rolled back, or undefined when the reorg stayed inside the finalization offset. */
  firstEpochRolledBack: bigint | undefined;
  epochsRolledBack: number;
};

export type HeadTrackerParameters = {
  store: Store;
  rpc: RpcClient;
  /** Blocks below the head whose hashes are kept; a reorg deeper than this cannot be followed. */
  trackedWindow: number;
};

export type HeadTracker = {
  /** Reads the head and the blocks up to it; returns the head, and the reorg if one was found on the way. */
  sync(): Promise<{ head: bigint; reorg: ReorgEvent | undefined }>;
  /** The tracked hash of `blockNumber`, if it is in the window. */
  trackedHash(sql: Sql, blockNumber: bigint): Promise<Hash | undefined>;
};

/** Headers fetched per walk-back step while looking for the common ancestor. */
const walkBackStep = 16n;

export function createHeadTracker({ store, rpc, trackedWindow }: HeadTrackerParameters): HeadTracker {
  const window = BigInt(trackedWindow);

  async function trackedRange(): Promise<{ lowest: bigint; highest: bigint } | undefined> {
    const [row] = await store.query<{ lowest: bigint | null; highest: bigint | null }>(
      "SELECT min(block_number) AS lowest, max(block_number) AS highest FROM tracked_blocks",
    );
    return row?.highest == null || row.lowest == null ? undefined : { lowest: row.lowest, highest: row.highest };
  }

  async function trackedHashes(from: bigint, to: bigint): Promise<Map<bigint, Hash>> {
    const rows = await store.query<{ block_number: bigint; block_hash: Hash }>(
      "SELECT block_number, block_hash FROM tracked_blocks WHERE block_number BETWEEN $1 AND $2",
      [from, to],
    );
    return new Map(rows.map((row) => [row.block_number, row.block_hash]));
  }

  async function headers(from: bigint, to: bigint): Promise<BlockHeader[]> {
    if (to < from) return [];
    const numbers = Array.from({ length: Number(to - from + 1n) }, (_, i) => from + BigInt(i));
    const found = await rpc.getBlockHeaders(numbers);
    return found.map((header, i) => {
      // a provider behind a load balancer may not have a block another of its nodes reported as head
      if (header === undefined) throw new RetryableError(`the RPC endpoint has no block ${numbers[i]} yet`);
      return header;
    });
  }

  /** Walks back from `below` until the chain and the store agree on a block: the common ancestor. */
  async function findCommonAncestor(below: bigint, lowest: bigint): Promise<bigint> {
    for (let to = below; to >= lowest; to -= walkBackStep) {
      const from = to - walkBackStep + 1n > lowest ? to - walkBackStep + 1n : lowest;
      const [chain, tracked] = await Promise.all([headers(from, to), trackedHashes(from, to)]);
      for (let i = chain.length - 1; i >= 0; i--) {
        if (tracked.get(chain[i]!.number) === chain[i]!.hash) return chain[i]!.number;
      }
    }
    throw new NonRetryableError(
      `the chain reorganized deeper than the ${trackedWindow} blocks tracked (below block ${lowest}): ` +
        "rebuild the store from the chain or track a larger window",
    );
  }

  async function sync() {
    const head = await rpc.getBlockNumber();
    const range = await trackedRange();
    const start = head - window + 1n > 0n ? head - window + 1n : 0n;
    let reorg: ReorgEvent | undefined;
    let keepFrom: bigint; // the first block to (re)write
    if (range === undefined || range.highest < start) {
      keepFrom = start;
    } else {
      const check = range.highest < head ? range.highest : head;
      const [header] = await headers(check, check);
      const tracked = (await trackedHashes(check, check)).get(check);
      if (tracked === header!.hash && check === range.highest) {
        keepFrom = range.highest + 1n;
      } else {
        // the block we hold at `check` was replaced, or blocks above the new head were dropped
        const ancestor = tracked === header!.hash ? check : await findCommonAncestor(check - 1n, range.lowest);
        reorg = {
          commonAncestor: ancestor,
          oldHead: range.highest,
          newHead: head,
          depth: Number(range.highest - ancestor),
          firstEpochRolledBack: undefined,
          epochsRolledBack: 0,
        };
        keepFrom = ancestor + 1n;
      }
    }
    const fresh = await headers(keepFrom, head);
    const parentHash = (await trackedHashes(keepFrom - 1n, keepFrom - 1n)).get(keepFrom - 1n);
    for (let i = 0; i < fresh.length; i++) {
      const expected = i === 0 ? parentHash : fresh[i - 1]!.hash;
      if (expected !== undefined && fresh[i]!.parentHash !== expected) {
        throw new RetryableError(`the chain changed while its blocks ${keepFrom}..${head} were being read`);
      }
    }
    await store.transaction(async (sql) => {
      if (reorg !== undefined) {
        await sql.query("DELETE FROM tracked_blocks WHERE block_number > $1", [reorg.commonAncestor]);
        const rolledBack = await sql.query<{ epoch_number: bigint }>(
          "DELETE FROM epochs WHERE to_block > $1 RETURNING epoch_number",
          [reorg.commonAncestor],
        );
        const numbers = rolledBack.map((row) => row.epoch_number).sort((a, b) => (a < b ? -1 : a > b ? 1 : 0));
        reorg.firstEpochRolledBack = numbers[0];
        reorg.epochsRolledBack = numbers.length;
        await sql.query(
          `INSERT INTO reorg_events (common_ancestor, old_head, new_head, depth, first_epoch_rolled_back,
             epochs_rolled_back) VALUES ($1, $2, $3, $4, $5, $6)`,
          [
            reorg.commonAncestor,
            reorg.oldHead,
            reorg.newHead,
            reorg.depth,
            reorg.firstEpochRolledBack ?? null,
            numbers.length,
          ],
        );
      } else if (range !== undefined && keepFrom === start && range.highest < start) {
        // the tracker fell further behind than its window: what it held says nothing about the chain now
        await sql.query("DELETE FROM tracked_blocks");
      }
      for (const header of fresh) {
        await sql.query(
          `INSERT INTO tracked_blocks (block_number, block_hash, parent_hash) VALUES ($1, $2, $3)
           ON CONFLICT (block_number) DO UPDATE SET block_hash = EXCLUDED.block_hash, parent_hash = EXCLUDED.parent_hash`,
          [header.number, header.hash, header.parentHash],
        );
      }
      await sql.query("DELETE FROM tracked_blocks WHERE block_number < $1", [start]);
    });
    return { head, reorg };
  }

  return {
    sync,
    async trackedHash(sql, blockNumber) {
      const rows = await sql.query<{ block_hash: Hash }>(
        "SELECT block_hash FROM tracked_blocks WHERE block_number = $1",
        [blockNumber],
      );
      return rows[0]?.block_hash;
    },
  };
}
