import assert from "node:assert/strict";
import { test } from "node:test";
import type { Hash } from "viem";
import { getEpoch, insertEpoch, type Epoch } from "../epochs/epochStore.ts";
import { openTestStore } from "../internal/testStore.ts";
import type { Sql, Store } from "../store/store.ts";
import { createDistributor, type SnapshotBuilder } from "./distributor.ts";
import { createInProcessQueue, type JobQueue } from "./jobQueue.ts";

const hash = (n: number) => `0x${n.toString(16).padStart(64, "0")}` as Hash;

/**
 * A builder whose "pools" hold epoch × 100 + their index as stake; `failures` makes "epoch:entity" throw that often.
 */
function testBuilder(entities: string[], failures = new Map<string, number>()) {
  const builds: string[] = [];
  const builder: SnapshotBuilder<{ totalStake: bigint }> = {
    name: "pools",
    entities: async () => entities,
    async build(epoch, entity) {
      builds.push(`${epoch.epochNumber}:${entity}`);
      const key = `${epoch.epochNumber}:${entity}`;
      const left = failures.get(key) ?? 0;
      if (left > 0) {
        failures.set(key, left - 1);
        throw new Error(`node busy reading ${entity}`);
      }
      return { totalStake: epoch.epochNumber * 100n + BigInt(entities.indexOf(entity)) };
    },
    async write(sql: Sql, epoch: Epoch, entity: string, rows) {
      await sql.query(
        `INSERT INTO pool_snapshots (epoch_number, pool, operator, state, commission_rate, total_stake,
           delegator_count, rewards_distributed, protocol_fees, commission, pending_undelegations,
           pending_undelegation_count, pending_stake)
         VALUES ($1, $2, '0xop', 'active', 0, $3, 1, 0, 0, 0, 0, 0, 0)
         ON CONFLICT (epoch_number, pool) DO UPDATE SET total_stake = EXCLUDED.total_stake`,
        [epoch.epochNumber, entity, rows.totalStake.toString()],
      );
    },
  };
  return { builder, builds };
}

async function publish(store: Store, epochs: number, hashOffset = 0) {
  for (let n = 0; n < epochs; n++) {
    await insertEpoch(store, {
      epochNumber: BigInt(n),
      fromBlock: BigInt(n * 10),
      toBlock: BigInt(n * 10 + 9),
      toBlockHash: hash(n + hashOffset),
    });
  }
}

const snapshotRows = (store: Store) =>
  store.query("SELECT epoch_number, pool, total_stake FROM pool_snapshots ORDER BY epoch_number, pool");

async function withStore(use: (store: Store) => Promise<void>) {
  const store = await openTestStore();
  try {
    await use(store);
  } finally {
    await store.close();
  }
}

test("each queued epoch becomes one job per entity, and is done when its last job is", async () => {
  await withStore(async (store) => {
    await publish(store, 2);
    const queue = createInProcessQueue({ concurrency: 2, backoffMs: 1 });
    const { builder } = testBuilder(["0xa", "0xb", "0xc"]);
    const distributor = createDistributor({ store, queue, builders: [builder] });
    const distributed = await distributor.distribute();
    assert.deepEqual(
      distributed.map((epoch) => [epoch.epochNumber, epoch.status, epoch.jobsTotal]),
      [
        [0n, "building", 3],
        [1n, "building", 3],
      ],
    );
    await queue.idle();
    assert.equal((await getEpoch(store, 0n))!.status, "done");
    assert.equal((await getEpoch(store, 1n))!.status, "done");
    assert.deepEqual(await snapshotRows(store), [
      { epoch_number: 0n, pool: "0xa", total_stake: "0" },
      { epoch_number: 0n, pool: "0xb", total_stake: "1" },
      { epoch_number: 0n, pool: "0xc", total_stake: "2" },
      { epoch_number: 1n, pool: "0xa", total_stake: "100" },
      { epoch_number: 1n, pool: "0xb", total_stake: "101" },
      { epoch_number: 1n, pool: "0xc", total_stake: "102" },
    ]);
    // distributed epochs are not distributed again
    assert.deepEqual(await distributor.distribute(), []);
    await queue.close();
  });
});

test("a job done twice changes nothing", async () => {
  await withStore(async (store) => {
    await publish(store, 1);
    const queue = createInProcessQueue({ backoffMs: 1 });
    const { builder } = testBuilder(["0xa", "0xb"]);
    const distributor = createDistributor({ store, queue, builders: [builder] });
    await distributor.distribute();
    await queue.idle();
    const rows = await snapshotRows(store);
    const epoch = await getEpoch(store, 0n);
    const jobs = await store.query("SELECT epoch_number, builder, entity, status FROM snapshot_jobs ORDER BY entity");
    await distributor.handle({ epochNumber: 0n, toBlockHash: hash(0), builder: "pools", entity: "0xa" });
    assert.deepEqual(await snapshotRows(store), rows);
    assert.deepEqual(await getEpoch(store, 0n), epoch);
    assert.deepEqual(
      await store.query("SELECT epoch_number, builder, entity, status FROM snapshot_jobs ORDER BY entity"),
      jobs,
    );
    await queue.close();
  });
});

test("a failing job is retried, and an epoch whose job fails for good is failed with the reason", async () => {
  await withStore(async (store) => {
    await publish(store, 2);
    const queue = createInProcessQueue({ attempts: 3, backoffMs: 1 });
    // 0xa fails twice then succeeds (within 3 attempts); 0xb fails every time
    const { builder, builds } = testBuilder(
      ["0xa", "0xb"],
      new Map([
        ["0:0xa", 2],
        ["0:0xb", 99],
      ]),
    );
    const distributor = createDistributor({ store, queue, builders: [builder] });
    await distributor.distribute();
    await queue.idle();
    assert.equal(builds.filter((build) => build === "0:0xa").length, 3);
    assert.equal(builds.filter((build) => build === "0:0xb").length, 3);
    const epoch0 = (await getEpoch(store, 0n))!;
    assert.equal(epoch0.status, "failed");
    assert.equal(epoch0.reason, "the pools snapshot of 0xb failed: node busy reading 0xb");
    const [failed] = await store.query(
      "SELECT status, error FROM snapshot_jobs WHERE epoch_number = 0 AND entity = '0xb'",
    );
    assert.deepEqual(failed, { status: "failed", error: "node busy reading 0xb" });
    await queue.close();
  });
});

test("a job for an epoch rolled back and republished from another branch writes nothing", async () => {
  await withStore(async (store) => {
    await publish(store, 1);
    const queue = createInProcessQueue({ backoffMs: 1 });
    const { builder } = testBuilder(["0xa"]);
    const distributor = createDistributor({ store, queue, builders: [builder] });
    const staleJob = { epochNumber: 0n, toBlockHash: hash(0), builder: "pools", entity: "0xa" };
    await store.query("DELETE FROM epochs");
    await publish(store, 1, 1000);
    await distributor.handle(staleJob);
    await distributor.fail(staleJob, new Error("late"));
    assert.deepEqual(await snapshotRows(store), []);
    assert.deepEqual(await store.query("SELECT * FROM snapshot_jobs"), []);
    assert.equal((await getEpoch(store, 0n))!.status, "queued");
    await queue.close();
  });
});

test("a restarted distributor re-enqueues only the unfinished jobs of epochs left building", async () => {
  await withStore(async (store) => {
    await publish(store, 1);
    // the process dies after one job: its in-memory queue loses the rest
    const lost: JobQueue = { enqueue: async () => {}, work: () => {}, idle: async () => {}, close: async () => {} };
    const { builder } = testBuilder(["0xa", "0xb", "0xc"]);
    const before = createDistributor({ store, queue: lost, builders: [builder] });
    await before.distribute();
    await before.handle({ epochNumber: 0n, toBlockHash: hash(0), builder: "pools", entity: "0xb" });
    assert.equal((await getEpoch(store, 0n))!.status, "building");

    const second = createInProcessQueue({ backoffMs: 1 });
    const { builder: again, builds } = testBuilder(["0xa", "0xb", "0xc"]);
    await createDistributor({ store, queue: second, builders: [again] }).distribute();
    await second.idle();
    assert.deepEqual(builds.sort(), ["0:0xa", "0:0xc"]);
    assert.equal((await getEpoch(store, 0n))!.status, "done");
    await second.close();
  });
});

test("the in-process queue runs at most `concurrency` jobs at once", async () => {
  const queue = createInProcessQueue({ concurrency: 2 });
  let running = 0;
  let most = 0;
  queue.work(
    async () => {
      running += 1;
      most = Math.max(most, running);
      await new Promise((resolve) => setTimeout(resolve, 5));
      running -= 1;
    },
    async () => {},
  );
  await queue.enqueue(
    Array.from({ length: 7 }, (_, i) => ({ epochNumber: 0n, toBlockHash: hash(0), builder: "b", entity: String(i) })),
  );
  await queue.idle();
  assert.equal(most, 2);
  await queue.close();
  await assert.rejects(queue.enqueue([]), /the job queue is closed/);
  assert.throws(
    () => createInProcessQueue({ concurrency: 0 }),
    /concurrency must be a whole number, at least 1, not 0/,
  );
});
