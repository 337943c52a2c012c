// Finds the keeper's work in the registry's logs: the sdk's fold of them, read from the deployment block on and then
// only what is new, in bounded block ranges. The fold is a cache of chain state, rebuilt from the chain on a restart.
import { applyRegistryLogs, createRegistryFromLogs, type RegistryFromLogs } from "@poolnet/sdk";
import type { Address, PublicClient } from "viem";

export type RegistryWork = {
  /** The registry as its logs up to `scannedTo` describe it. */
  readonly registry: RegistryFromLogs;
  /** The last block read, or undefined before the first sync. */
  readonly scannedTo: bigint | undefined;
  /** Reads the logs of the blocks after `scannedTo` up to `toBlock` into the fold; returns how many it read. */
  sync(toBlock: bigint): Promise<number>;
};

export type RegistryWorkParameters = {
  publicClient: PublicClient;
  registry: Address;
  /** The registry's deployment block: no log of it is older. */
  fromBlock: bigint;
  /** The most blocks one request covers (providers cap `eth_getLogs` ranges). */
  blockRange: bigint;
};

export function createRegistryWork({
  publicClient,
  registry,
  fromBlock,
  blockRange,
}: RegistryWorkParameters): RegistryWork {
  const fold = createRegistryFromLogs();
  let scannedTo: bigint | undefined;
  return {
    registry: fold,
    get scannedTo() {
      return scannedTo;
    },
    async sync(toBlock) {
      let read = 0;
      let from = scannedTo === undefined ? fromBlock : scannedTo + 1n;
      while (from <= toBlock) {
        const to = from + blockRange - 1n < toBlock ? from + blockRange - 1n : toBlock;
        const logs = await publicClient.getLogs({ address: registry, fromBlock: from, toBlock: to });
        // the fold is only advanced once a whole range was read, so a failed request is simply retried next run
        applyRegistryLogs(fold, registry, logs);
        read += logs.length;
        scannedTo = to;
        from = to + 1n;
      }
      return read;
    },
  };
}
