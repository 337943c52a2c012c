// A fold over one contract's logs, kept per published epoch: the logs of each epoch folded onto the state the previous
// one left, and what the fold says at the epoch's end remembered. The fold lives in memory: a restart, a job for an
// epoch older than the fold and no longer cached, or an epoch republished after a reorg starts it over from the
// deployment block, which the chain can always answer. The registry's pools and each feed's rounds are such folds.
import { RetryableError } from "@poolnet/sdk";
import type { Address, Hash, Log } from "viem";
import type { RpcClient } from "../rpc/rpcClient.ts";
import type { Sql } from "../store/store.ts";
import { getEpoch, listEpochRange, type Epoch } from "./epochStore.ts";

export type EpochFold<Snapshot> = {
  /**
   * Folds one epoch's logs (chain order). `timestamps` holds the timestamp of every block with a log, when the
   * history was asked for them.
   */
  apply(logs: readonly Log[], timestamps: ReadonlyMap<bigint, bigint>): void;
  /** What the fold says at the end of the epoch just applied: values that stay valid as the fold moves on. */
  snapshot(epoch: { epochNumber: bigint; toBlock: bigint; timestamp: bigint }): Snapshot;
};

export type AtEpoch<Snapshot> = {
  epochNumber: bigint;
  toBlock: bigint;
  toBlockHash: Hash;
  /** The timestamp of the epoch's last block. */
  timestamp: bigint;
  value: Snapshot;
};

export type EpochHistoryParameters<Snapshot> = {
  store: Sql;
  rpc: RpcClient;
  /** Whose logs are folded. */
  address: Address;
  /** The block folding starts at (the contract's deployment block, or earlier). */
  fromBlock: bigint;
  /** A fresh fold, whose state is that before `fromBlock` (it may read the chain at `fromBlock − 1`). */
  createFold(): Promise<EpochFold<Snapshot>> | EpochFold<Snapshot>;
  /** Whether `apply` needs the timestamps of the blocks with logs (one header read each). */
  timestamps?: boolean | undefined;
  /** Epochs kept in memory, the oldest dropped first. */
  cacheEpochs?: number | undefined;
};

export type EpochHistory<Snapshot> = {
  /** The fold at the end of `epoch`, which must be published in the store with the same hash. */
  at(epoch: Pick<Epoch, "epochNumber" | "toBlockHash">): Promise<AtEpoch<Snapshot>>;
  /** How many times the fold started from `fromBlock` (1 after the first use). */
  rebuilds(): number;
};

export function createEpochHistory<Snapshot>(parameters: EpochHistoryParameters<Snapshot>): EpochHistory<Snapshot> {
  const { store, rpc, address, fromBlock: startBlock } = parameters;
  const cacheEpochs = parameters.cacheEpochs ?? 64;
  const cache = new Map<bigint, AtEpoch<Snapshot>>();
  let fold: EpochFold<Snapshot> | undefined;
  /** The last epoch folded into `fold`. */
  let folded: { epochNumber: bigint; toBlock: bigint; toBlockHash: Hash } | undefined;
  let rebuilds = 0;
  let queue: Promise<unknown> = Promise.resolve();

  const remember = (state: AtEpoch<Snapshot>) => {
    cache.delete(state.epochNumber);
    cache.set(state.epochNumber, state);
    while (cache.size > cacheEpochs) cache.delete(cache.keys().next().value!);
  };

  async function advance(target: Pick<Epoch, "epochNumber" | "toBlockHash">): Promise<AtEpoch<Snapshot>> {
    const cached = cache.get(target.epochNumber);
    if (cached !== undefined && cached.toBlockHash === target.toBlockHash) return cached;
    // the fold must be behind the target and still on the published chain; otherwise start over
    if (folded !== undefined) {
      const stored = await getEpoch(store, folded.epochNumber);
      if (folded.epochNumber >= target.epochNumber || stored?.toBlockHash !== folded.toBlockHash) {
        fold = undefined;
        folded = undefined;
      }
    }
    if (fold === undefined) {
      fold = await parameters.createFold();
      rebuilds += 1;
    }
    const first = folded === undefined ? 0n : folded.epochNumber + 1n;
    const epochs = await listEpochRange(store, first, target.epochNumber);
    const last = epochs.at(-1);
    if (epochs.length !== Number(target.epochNumber - first + 1n) || last?.toBlockHash !== target.toBlockHash) {
      throw new RetryableError(`epoch ${target.epochNumber} is not published as asked (rolled back?)`);
    }
    const fromBlock = folded === undefined ? startBlock : folded.toBlock + 1n;
    const [logs, headers] = await Promise.all([
      fromBlock <= last.toBlock ? rpc.getLogs({ address, fromBlock, toBlock: last.toBlock }) : Promise.resolve([]),
      rpc.getBlockHeaders(epochs.map((epoch) => epoch.toBlock)),
    ]);
    const timestamps = new Map<bigint, bigint>();
    if (parameters.timestamps === true) {
      const blocks = [...new Set(logs.map((log) => log.blockNumber!))];
      const logHeaders = await rpc.getBlockHeaders(blocks);
      blocks.forEach((block, i) => {
        const header = logHeaders[i];
        if (header === undefined) throw new RetryableError(`block ${block} is gone while its logs were read`);
        timestamps.set(block, header.timestamp);
      });
    }
    let next = 0;
    let state: AtEpoch<Snapshot> | undefined;
    for (const [i, epoch] of epochs.entries()) {
      const header = headers[i];
      if (header === undefined || header.hash !== epoch.toBlockHash) {
        throw new RetryableError(`block ${epoch.toBlock} is not the one epoch ${epoch.epochNumber} was published with`);
      }
      let end = next;
      while (end < logs.length && logs[end]!.blockNumber! <= epoch.toBlock) end++;
      fold.apply(logs.slice(next, end), timestamps);
      next = end;
      state = {
        epochNumber: epoch.epochNumber,
        toBlock: epoch.toBlock,
        toBlockHash: epoch.toBlockHash,
        timestamp: header.timestamp,
        value: fold.snapshot({ epochNumber: epoch.epochNumber, toBlock: epoch.toBlock, timestamp: header.timestamp }),
      };
      folded = { epochNumber: epoch.epochNumber, toBlock: epoch.toBlock, toBlockHash: epoch.toBlockHash };
      remember(state);
    }
    return state!;
  }

  return {
    at(epoch) {
      // one fold at a time: jobs of several epochs may ask at once
      const result = queue.then(() =>
        advance(epoch).catch((error: unknown) => {
          // a fold that failed half-way is not trusted: the next call starts over
          fold = undefined;
          folded = undefined;
          throw error;
        }),
      );
      queue = result.catch(() => {});
      return result;
    },
    rebuilds: () => rebuilds,
  };
}
