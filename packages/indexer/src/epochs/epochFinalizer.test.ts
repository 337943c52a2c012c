import assert from "node:assert/strict";
import { after, before, test } from "node:test";
import { InvalidInputError, NonRetryableError } from "@poolnet/sdk";
import type { Hash } from "viem";
import { startTestChain, type TestChain } from "../../../oracle-node/src/internal/testChain.ts";
import { openTestStore } from "../internal/testStore.ts";
import { createRpcClient } from "../rpc/rpcClient.ts";
import type { Store } from "../store/store.ts";
import { createEpochFinalizer, type EpochFinalizerParameters } from "./epochFinalizer.ts";
import { getEpoch, listEpochs, setEpochStatus } from "./epochStore.ts";
import type { ReorgEvent } from "./headTracker.ts";

let chain: TestChain;

before(async () => {
  chain = await startTestChain();
});

after(async () => {
  await chain?.close();
});

// one evm_mine per block: EDR's hardhat_mine reserves blocks whose parent hash reads as zero when several are
// fetched at once, which the head tracker rightly takes for a chain changing under it
const mine = async (blocks: number) => {
  for (let i = 0; i < blocks; i++) await chain.rpc("evm_mine");
};
const head = () => chain.publicClient.getBlockNumber();
const hashOf = async (blockNumber: bigint) => (await chain.publicClient.getBlock({ blockNumber })).hash;
/** Mines `blocks` blocks on a branch of its own: the first carries a transaction no other branch has. */
const mineBranch = async (blocks: number, value: bigint) => {
  await chain.walletOf(chain.accounts[0]!).sendTransaction({ to: chain.accounts[9]!, value });
  if (blocks > 1) await mine(blocks - 1);
};

/** A fresh store and a finalizer starting at the next block, with epochs of 5 blocks and an offset of 3. */
async function fixture(overrides: Partial<EpochFinalizerParameters> = {}) {
  const store = await openTestStore();
  const startBlock = (await head()) + 1n;
  const reorgs: ReorgEvent[] = [];
  const parameters = {
    store,
    rpc: createRpcClient({ endpoints: [chain.rpcUrl] }),
    startBlock,
    epochSize: 5,
    finalizationOffset: 3,
    trackedWindow: 32,
    onReorg: (reorg: ReorgEvent) => reorgs.push(reorg),
    ...overrides,
  };
  return { store, startBlock, reorgs, parameters, finalizer: createEpochFinalizer(parameters) };
}

async function withFixture(
  use: (f: Awaited<ReturnType<typeof fixture>>) => Promise<void>,
  overrides: Partial<EpochFinalizerParameters> = {},
) {
  const f = await fixture(overrides);
  try {
    await use(f);
  } finally {
    await f.store.close();
  }
}

async function addSnapshotRow(store: Store, epochNumber: bigint) {
  await store.query(
    `INSERT INTO pool_snapshots (epoch_number, pool, operator, state, commission_rate, total_stake, delegator_count,
       rewards_distributed, protocol_fees, commission, pending_undelegations, pending_undelegation_count, pending_stake)
     VALUES ($1, '0xpool', '0xop', 'active', 0, 1, 1, 0, 0, 0, 0, 0, 0)`,
    [epochNumber],
  );
}

test("epochs are published in order, each epochSize blocks, once their end is finalizationOffset below the head", async () => {
  await withFixture(async ({ finalizer, store, startBlock }) => {
    await mine(7); // head = start + 6: epoch 0 ends at start + 4, needs head >= start + 7
    assert.deepEqual((await finalizer.sync()).published, []);
    await mine(1);
    const first = await finalizer.sync();
    assert.deepEqual(first.published, [
      {
        epochNumber: 0n,
        fromBlock: startBlock,
        toBlock: startBlock + 4n,
        toBlockHash: await hashOf(startBlock + 4n),
        status: "queued",
        reason: undefined,
        jobsTotal: undefined,
      },
    ]);
    await mine(11); // head = start + 18: epochs 1 (…+9) and 2 (…+14) are due, 3 (…+19) is not
    const second = await finalizer.sync();
    assert.deepEqual(
      second.published.map(({ epochNumber, fromBlock, toBlock }) => [
        epochNumber,
        fromBlock - startBlock,
        toBlock - startBlock,
      ]),
      [
        [1n, 5n, 9n],
        [2n, 10n, 14n],
      ],
    );
    assert.equal(second.published[1]!.toBlockHash, await hashOf(startBlock + 14n));
    assert.deepEqual((await finalizer.sync()).published, []);
    const stored = await listEpochs(store);
    assert.deepEqual(
      stored.map((epoch) => [epoch.epochNumber, epoch.status]),
      [
        [0n, "queued"],
        [1n, "queued"],
        [2n, "queued"],
      ],
    );
  });
});

test("a catching-up finalizer publishes old epochs beyond its tracked window in bounded steps", async () => {
  await withFixture(
    async ({ finalizer, startBlock }) => {
      await mine(60);
      const first = await finalizer.sync();
      assert.deepEqual(
        first.published.map((epoch) => epoch.epochNumber),
        [0n, 1n, 2n, 3n],
      );
      assert.equal(first.published[0]!.toBlockHash, await hashOf(startBlock + 4n));
      const second = await finalizer.sync();
      assert.deepEqual(
        second.published.map((epoch) => epoch.epochNumber),
        [4n, 5n, 6n, 7n],
      );
    },
    { maxEpochsPerSync: 4 },
  );
});

test("a reorg inside the finalization offset is absorbed: recorded, no epoch touched", async () => {
  await withFixture(async ({ finalizer, store, reorgs, startBlock }) => {
    await mine(8);
    await finalizer.sync();
    const epoch0 = await getEpoch(store, 0n);
    const snapshot = await chain.rpc("evm_snapshot");
    await mine(2);
    await finalizer.sync();
    const oldHead = await head();
    await chain.rpc("evm_revert", [snapshot]);
    await mineBranch(3, 1n);
    const report = await finalizer.sync();
    assert.deepEqual(report.reorg, {
      commonAncestor: startBlock + 7n,
      oldHead,
      newHead: startBlock + 10n,
      depth: 2,
      firstEpochRolledBack: undefined,
      epochsRolledBack: 0,
    });
    assert.deepEqual(reorgs, [report.reorg]);
    assert.deepEqual(await getEpoch(store, 0n), epoch0);
    // the tracked blocks are the new branch's
    const tracked = await store.query<{ block_hash: Hash }>(
      "SELECT block_hash FROM tracked_blocks WHERE block_number = $1",
      [startBlock + 9n],
    );
    assert.equal(tracked[0]!.block_hash, await hashOf(startBlock + 9n));
    const [recorded] = await store.query<{ depth: number; first_epoch_rolled_back: bigint | null }>(
      "SELECT depth, first_epoch_rolled_back FROM reorg_events",
    );
    assert.deepEqual(recorded, { depth: 2, first_epoch_rolled_back: null });
  });
});

test("a reorg reaching a published epoch rolls it back to the common ancestor and it is published again", async () => {
  await withFixture(async ({ finalizer, store, reorgs, startBlock }) => {
    await mine(3); // head = start + 2
    const snapshot = await chain.rpc("evm_snapshot");
    await mine(11); // head = start + 13: epochs 0 and 1 (…+9) published
    await finalizer.sync();
    assert.equal((await listEpochs(store)).length, 2);
    await addSnapshotRow(store, 0n);
    await addSnapshotRow(store, 1n);
    await setEpochStatus(store, (await getEpoch(store, 0n))!, "done");
    const oldHash = (await getEpoch(store, 0n))!.toBlockHash;

    await chain.rpc("evm_revert", [snapshot]);
    await mineBranch(9, 2n); // head = start + 11: the new branch forks after start + 2
    const report = await finalizer.sync();
    assert.deepEqual(report.reorg, {
      commonAncestor: startBlock + 2n,
      oldHead: startBlock + 13n,
      newHead: startBlock + 11n,
      depth: 11,
      firstEpochRolledBack: 0n,
      epochsRolledBack: 2,
    });
    assert.equal(reorgs.length, 1);
    // epoch 0 is published again from the new branch in the same sync; epoch 1 is not due on it yet
    assert.deepEqual(
      report.published.map((epoch) => epoch.epochNumber),
      [0n],
    );
    const epoch0 = (await getEpoch(store, 0n))!;
    assert.equal(epoch0.status, "queued");
    assert.notEqual(epoch0.toBlockHash, oldHash);
    assert.equal(epoch0.toBlockHash, await hashOf(startBlock + 4n));
    assert.equal(await getEpoch(store, 1n), undefined);
    assert.deepEqual(await store.query("SELECT * FROM pool_snapshots"), []);
    const [recorded] = await store.query<{ first_epoch_rolled_back: bigint; epochs_rolled_back: number }>(
      "SELECT first_epoch_rolled_back, epochs_rolled_back FROM reorg_events",
    );
    assert.deepEqual(recorded, { first_epoch_rolled_back: 0n, epochs_rolled_back: 2 });

    await mine(2);
    assert.deepEqual(
      (await finalizer.sync()).published.map((epoch) => epoch.toBlockHash),
      [await hashOf(startBlock + 9n)],
    );
  });
});

test("blocks dropped without replacement are a reorg too", async () => {
  await withFixture(async ({ finalizer, startBlock }) => {
    await mine(4);
    const snapshot = await chain.rpc("evm_snapshot");
    await mine(3);
    await finalizer.sync();
    await chain.rpc("evm_revert", [snapshot]);
    const report = await finalizer.sync();
    assert.equal(report.reorg?.commonAncestor, startBlock + 3n);
    assert.equal(report.reorg?.depth, 3);
  });
});

test("a reorg deeper than the tracked window stops the finalizer with a sentence", async () => {
  await withFixture(
    async ({ finalizer }) => {
      const snapshot = await chain.rpc("evm_snapshot");
      await mine(20);
      await finalizer.sync();
      await chain.rpc("evm_revert", [snapshot]);
      await mineBranch(21, 3n);
      await assert.rejects(finalizer.sync(), (error: unknown) => {
        assert.ok(error instanceof NonRetryableError);
        assert.match(error.message, /^the chain reorganized deeper than the 10 blocks tracked/);
        return true;
      });
    },
    { trackedWindow: 10 },
  );
});

test("a restarted finalizer carries on from the store: nothing published twice, nothing skipped", async () => {
  await withFixture(async ({ finalizer, store, parameters }) => {
    await mine(14);
    await finalizer.sync();
    const restarted = createEpochFinalizer(parameters);
    assert.deepEqual((await restarted.sync()).published, []);
    await mine(5);
    assert.deepEqual(
      (await restarted.sync()).published.map((epoch) => epoch.epochNumber),
      [2n],
    );
    assert.equal((await listEpochs(store)).length, 3);
  });
});

test("a store cut with another epoch size or start is refused", async () => {
  await withFixture(async ({ finalizer, parameters }) => {
    await mine(10);
    await finalizer.sync();
    const other = createEpochFinalizer({ ...parameters, epochSize: 6 });
    await assert.rejects(other.sync(), (error: unknown) => {
      assert.ok(error instanceof InvalidInputError);
      assert.match(error.message, /with 5 blocks each, not at \d+ with 6: use the same settings or a new store/);
      return true;
    });
  });
});

test("bad settings are refused with a sentence", async () => {
  await withFixture(async ({ parameters }) => {
    assert.throws(
      () => createEpochFinalizer({ ...parameters, epochSize: 0 }),
      /the epoch size must be a whole number of blocks, at least 1, not 0/,
    );
    assert.throws(
      () => createEpochFinalizer({ ...parameters, finalizationOffset: -1 }),
      /finalization offset must be a whole number/,
    );
    assert.throws(() => createEpochFinalizer({ ...parameters, startBlock: -1n }), /start block must not be negative/);
    assert.throws(
      () => createEpochFinalizer({ ...parameters, trackedWindow: 3 }),
      /the tracked window \(3 blocks\) must be larger than the finalization offset \(3\)/,
    );
  });
});
