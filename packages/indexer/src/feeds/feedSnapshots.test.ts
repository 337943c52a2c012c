// The feed snapshot builder against our FluxAggregator driven by hand: rounds answered in full and below their
// maximum, an oracle missing rounds, one added and one removed mid-round, a round that times out and carries the
// answer before it. Every stored value is checked against the aggregator's getters at the epoch's last block
// (`getRoundData`, `oracleRoundState`) and its logs; the per-oracle counts against the rounds as driven; the pool
// mapping against the registry; building again, restarted and out of order, changes nothing.
import assert from "node:assert/strict";
import { after, before, describe, it } from "node:test";
import {
  apparentPerformance,
  bindOracle,
  deployPoolnet,
  fluxAggregatorAbi,
  poolRegistryAbi,
  registerPool,
} from "@poolnet/sdk";
import { decodeEventLog, getAddress, parseEther, zeroAddress, type Address, type Hash, type Log } from "viem";
import {
  deployFluxFixture,
  minedReceipt,
  startTestChain,
  type TestChain,
} from "../../../oracle-node/src/internal/testChain.ts";
import { createDistributor } from "../distribute/distributor.ts";
import { createInProcessQueue } from "../distribute/jobQueue.ts";
import { createEpochFinalizer } from "../epochs/epochFinalizer.ts";
import { listEpochs, type Epoch } from "../epochs/epochStore.ts";
import { openTestStore } from "../internal/testStore.ts";
import { createRpcClient } from "../rpc/rpcClient.ts";
import type { Store } from "../store/store.ts";
import { createFeedSnapshotBuilder, FEED_BUILDER } from "./feedSnapshots.ts";
import { poolRoundSamples } from "./poolPerformance.ts";

const EPOCH_SIZE = 4;
const TIMEOUT = 60;

type Row = Record<string, string | number | bigint | boolean | null>;

describe("feed snapshots", () => {
  let chain: TestChain;
  let store: Store;
  let feed: Address;
  let registry: Address;
  let pool: Address;
  let startBlock: bigint;
  let oracles: Address[]; // oracles[1..4]: dev accounts 1 to 4
  let epochs: Epoch[];
  let logs: Log[];

  const submit = async (oracle: Address, roundId: bigint, value: bigint) =>
    minedReceipt(
      chain,
      await chain.walletOf(oracle).writeContract({
        address: feed,
        abi: fluxAggregatorAbi,
        functionName: "submit",
        args: [roundId, value],
      }),
    );
  const read = <T>(functionName: string, args: readonly unknown[], blockNumber: bigint) =>
    chain.publicClient.readContract({
      address: feed,
      abi: fluxAggregatorAbi,
      functionName,
      args,
      blockNumber,
    } as never) as Promise<T>;
  const roundData = async (roundId: bigint, blockNumber: bigint) => {
    try {
      const [, answer, startedAt, updatedAt, answeredInRound] = await read<bigint[]>(
        "getRoundData",
        [roundId],
        blockNumber,
      );
      return { answer: answer!, startedAt: startedAt!, updatedAt: updatedAt!, answeredInRound: answeredInRound! };
    } catch (error) {
      assert.match(String(error), /No data present/);
      return undefined;
    }
  };
  const decoded = (eventName: string, toBlock = 2n ** 62n) =>
    logs
      .filter((log) => log.blockNumber! <= toBlock)
      .map((log) => ({ log, event: decodeFlux(log) }))
      .filter(({ event }) => event.eventName === eventName)
      .map(({ log, event }) => ({ log, args: event.args as Record<string, unknown> }));
  const dump = async () => ({
    rounds: await store.query("SELECT * FROM feed_rounds ORDER BY epoch_number, feed, round_id"),
    submissions: await store.query("SELECT * FROM feed_submissions ORDER BY epoch_number, feed, round_id, oracle"),
    oracles: await store.query("SELECT * FROM feed_oracle_epochs ORDER BY epoch_number, feed, oracle"),
  });
  const index = async () => {
    const rpc = createRpcClient({ endpoints: [chain.rpcUrl] });
    const builder = createFeedSnapshotBuilder({
      store,
      rpc,
      registry,
      feeds: { "LINK/USD": feed },
      fromBlock: startBlock,
    });
    return { rpc, builder };
  };

  before(async () => {
    chain = await startTestChain();
    store = await openTestStore();
    const [deployer, o1, o2, o3, o4, feeRecipient, operator] = chain.accounts as Address[];
    oracles = [deployer!, o1!, o2!, o3!, o4!];
    const deployed = await deployPoolnet(chain.walletOf(deployer!), chain.publicClient, {
      token: { name: "Stake", symbol: "STK", holder: deployer!, supply: parseEther("1000000") },
      thawingPeriod: 600n,
      transferLockoutPeriod: 120n,
      minSelfStake: 0n,
      protocolFeeRate: 50_000n,
      feeRecipient: feeRecipient!,
      governor: deployer!,
    });
    registry = deployed.registry;
    ({ pool } = await registerPool(chain.walletOf(operator!), { registry, signingAddress: o1!, commissionRate: 0 }));
    // oracles 1-3 from before the indexer's first block: the fold starts from getOracles there
    const fixture = await deployFluxFixture(chain, {
      oracleIndexes: [1, 2, 3],
      minSubmissions: 2,
      maxSubmissions: 3,
      timeout: TIMEOUT,
    });
    feed = getAddress(fixture.aggregator);
    for (const oracle of [o1!, o2!, o3!]) await submit(oracle, 1n, 100_00000000n); // round 1, before the start
    startBlock = (await chain.publicClient.getBlockNumber()) + 1n;

    // round 2: everyone, full
    await submit(o1!, 2n, 101_00000000n);
    await submit(o2!, 2n, 102_00000000n);
    await submit(o3!, 2n, 103_00000000n);
    // round 3: oracle 3 misses; answered at the minimum
    await submit(o1!, 3n, 110_00000000n);
    await submit(o2!, 3n, 112_00000000n);
    // round 4: oracle 3 misses again; mid-round it is removed (still allowed in round 5) and oracle 4 added (from 5)
    await submit(o1!, 4n, 90_00000000n);
    await minedReceipt(
      chain,
      await chain.walletOf(deployer!).writeContract({
        address: feed,
        abi: fluxAggregatorAbi,
        functionName: "changeOracles",
        args: [[o3!], [o4!], [o4!], 2, 3, 0],
      }),
    );
    await submit(o2!, 4n, 91_00000000n); // answers round 4, which closes round 3
    // the registry learns oracle 1 is the pool's node
    await bindOracle(chain.walletOf(o1!), { registry, pool });
    // round 5: 1, 4 and 2 fill it; oracle 3 was still eligible and missed it
    await submit(o1!, 5n, 95_00000000n);
    await submit(o4!, 5n, 96_00000000n);
    await submit(o2!, 5n, 97_00000000n);
    // round 6: only oracle 2; it times out, round 7 supersedes it and it carries round 5's answer
    await submit(o2!, 6n, 99_00000000n);
    await chain.rpc("evm_increaseTime", [TIMEOUT + 5]);
    await submit(o1!, 7n, 5_00000000n); // a large deviation
    await submit(o2!, 7n, 6_00000000n);
    await submit(o4!, 7n, 7_00000000n);
    // round 8 left open at the end
    await submit(o4!, 8n, 1n);

    const head = await chain.publicClient.getBlockNumber();
    const lastEnd = startBlock + ((head - startBlock) / BigInt(EPOCH_SIZE) + 1n) * BigInt(EPOCH_SIZE) - 1n;
    for (let block = head; block < lastEnd; block++) await chain.rpc("evm_mine");
    logs = await chain.publicClient.getLogs({ address: feed, fromBlock: startBlock, toBlock: lastEnd });

    const { rpc, builder } = await index();
    await createEpochFinalizer({ store, rpc, startBlock, epochSize: EPOCH_SIZE, finalizationOffset: 0 }).sync();
    const queue = createInProcessQueue({ concurrency: 3, backoffMs: 1 });
    await createDistributor({ store, queue, builders: [builder] }).distribute();
    await queue.idle();
    await queue.close();
    epochs = await listEpochs(store);
  });

  after(async () => {
    await store?.close();
    await chain?.close();
  });

  it("builds every epoch", () => {
    assert.ok(epochs.length >= 5);
    for (const epoch of epochs) assert.equal(epoch.status, "done", `epoch ${epoch.epochNumber}: ${epoch.reason}`);
  });

  it("stores every round an epoch touched, each value as getRoundData and the logs have it at the epoch's end", async () => {
    let checked = 0;
    for (const epoch of epochs) {
      const rows = await store.query<Row>("SELECT * FROM feed_rounds WHERE epoch_number = $1 ORDER BY round_id", [
        epoch.epochNumber,
      ]);
      // every round with a log in the epoch has a row
      const inEpoch = new Set<bigint>();
      for (const name of ["NewRound", "AnswerUpdated", "SubmissionReceived"]) {
        for (const { log, args } of decoded(name, epoch.toBlock)) {
          if (log.blockNumber! >= epoch.fromBlock) inEpoch.add(BigInt((args.roundId ?? args.round) as bigint));
        }
      }
      const stored = new Set(rows.map((row) => BigInt(row.round_id as bigint)));
      for (const roundId of inEpoch)
        if (roundId > 1n) assert.ok(stored.has(roundId), `round ${roundId} in epoch ${epoch.epochNumber}`);
      for (const row of rows) {
        const roundId = BigInt(row.round_id as bigint);
        const at = `round ${roundId} at epoch ${epoch.epochNumber}`;
        const started = decoded("NewRound").find(({ args }) => args.roundId === roundId)!;
        assert.equal(row.started_by, started.args.startedBy, at);
        assert.equal(row.started_at_block, started.log.blockNumber, at);
        assert.equal(row.started_at, started.args.startedAt, at);
        const data = await roundData(roundId, epoch.toBlock);
        if (data === undefined) {
          assert.equal(row.answer, null, at);
          assert.equal(row.answered_in_round, 0n, at);
        } else {
          assert.equal(BigInt(row.answer as string), data.answer, at);
          assert.equal(row.started_at, data.startedAt, at);
          assert.equal(row.updated_at, data.updatedAt, at);
          assert.equal(row.answered_in_round, data.answeredInRound, at);
          const previous = await roundData(roundId - 1n, epoch.toBlock);
          const expected =
            previous === undefined || previous.answer === 0n
              ? null
              : (
                  ((data.answer - previous.answer) * 1_000_000n) /
                  (previous.answer < 0n ? -previous.answer : previous.answer)
                ).toString();
          assert.equal(row.deviation_ppm, expected, at);
        }
        const submitted = decoded("SubmissionReceived", epoch.toBlock).filter(
          ({ args }) => BigInt(args.round as number) === roundId,
        );
        assert.equal(row.submission_count, submitted.length, at);
        checked += 1;
      }
    }
    assert.ok(checked >= 7);
  });

  it("marks the timed-out round and carries the answer before it", async () => {
    const [row] = await store.query<Row>(
      "SELECT * FROM feed_rounds WHERE round_id = 6 ORDER BY epoch_number DESC LIMIT 1",
    );
    assert.equal(row!.timed_out, true);
    assert.equal(row!.closed, true);
    assert.equal(BigInt(row!.answer as string), 96_00000000n); // round 5's median
    assert.equal(row!.answered_in_round, 5n);
    assert.equal(row!.deviation_ppm, "0");
    const others = await store.query<Row>(
      "SELECT DISTINCT round_id FROM feed_rounds WHERE timed_out ORDER BY round_id",
    );
    assert.deepEqual(
      others.map((r) => r.round_id),
      [6n],
    );
    const [open] = await store.query<Row>("SELECT * FROM feed_rounds WHERE round_id = 8");
    assert.equal(open!.closed, false);
  });

  it("stores every submission with its block and its latency from the round's start", async () => {
    const rows = await store.query<Row>("SELECT * FROM feed_submissions ORDER BY block_number, log_index");
    const received = decoded("SubmissionReceived");
    assert.equal(rows.length, received.length);
    for (const [i, { log, args }] of received.entries()) {
      const row = rows[i]!;
      const roundId = BigInt(args.round as number);
      assert.equal(row.round_id, roundId);
      assert.equal(row.oracle, args.oracle);
      assert.equal(BigInt(row.value as string), args.submission);
      assert.equal(row.block_number, log.blockNumber);
      assert.equal(row.log_index, log.logIndex);
      const epoch = epochs.find((e) => e.fromBlock <= log.blockNumber! && log.blockNumber! <= e.toBlock)!;
      assert.equal(row.epoch_number, epoch.epochNumber);
      const { timestamp } = await chain.publicClient.getBlock({ blockNumber: log.blockNumber! });
      assert.equal(row.block_timestamp, timestamp);
      const [, , latestSubmission, startedAt] = await read<[boolean, number, bigint, bigint]>(
        "oracleRoundState",
        [args.oracle, Number(roundId)],
        log.blockNumber!,
      );
      assert.equal(latestSubmission, args.submission, "the oracle's latest submission");
      assert.equal(row.latency_seconds, timestamp - startedAt);
    }
  });

  it("counts rounds eligible, answered and missed per oracle as the aggregator enrols them", async () => {
    // eligibility of every oracle for every round, as oracleRoundState says at the block the round started (an oracle
    // that submitted in that very block was eligible), equals what the fold recorded
    const rounds = await store.query<Row>(
      "SELECT DISTINCT ON (round_id) round_id, eligible_count FROM feed_rounds ORDER BY round_id, epoch_number DESC",
    );
    for (const row of rounds) {
      const roundId = BigInt(row.round_id as bigint);
      const started = decoded("NewRound").find(({ args }) => args.roundId === roundId)!;
      let eligible = 0;
      for (const oracle of oracles.slice(1)) {
        const submittedThen = decoded("SubmissionReceived", started.log.blockNumber!).some(
          ({ args }) => args.oracle === oracle && BigInt(args.round as number) === roundId,
        );
        const [canSubmit] = await read<[boolean]>(
          "oracleRoundState",
          [oracle, Number(roundId)],
          started.log.blockNumber!,
        );
        if (submittedThen || canSubmit) eligible += 1;
      }
      assert.equal(row.eligible_count, eligible, `round ${roundId}`);
    }
    // totals over the epochs: rounds 2-7 closed, 8 still open
    const totals = await store.query<Row>(
      `SELECT oracle, sum(eligible)::int4 AS eligible, sum(answered)::int4 AS answered, sum(missed)::int4 AS missed,
         sum(submissions)::int4 AS submissions, coalesce(bool_and(enabled) FILTER (WHERE epoch_number = $1), false) AS enabled
       FROM feed_oracle_epochs GROUP BY oracle ORDER BY oracle`,
      [epochs.at(-1)!.epochNumber],
    );
    const expected = new Map([
      [oracles[1], { eligible: 6, answered: 5, missed: 1, submissions: 5, enabled: true }],
      [oracles[2], { eligible: 6, answered: 6, missed: 0, submissions: 6, enabled: true }],
      [oracles[3], { eligible: 4, answered: 1, missed: 3, submissions: 1, enabled: false }],
      [oracles[4], { eligible: 3, answered: 2, missed: 1, submissions: 3, enabled: true }],
    ]);
    assert.deepEqual(
      totals.map(({ oracle, ...rest }) => [oracle, rest]),
      [...expected].sort(([a], [b]) => (a! < b! ? -1 : 1)),
    );
    // answered ones are exactly the submissions to closed rounds
    const answeredFromLogs = decoded("SubmissionReceived").filter(({ args }) => (args.round as number) !== 8).length;
    assert.equal(
      totals.reduce((sum, row) => sum + (row.answered as number), 0),
      answeredFromLogs,
    );
  });

  it("maps oracles to pools through the registry, and sums a pool's rounds for apparentPerformance", async () => {
    const rows = await store.query<Row>(
      "SELECT epoch_number, oracle, pool FROM feed_oracle_epochs ORDER BY epoch_number",
    );
    for (const row of rows) {
      const epoch = epochs.find((e) => e.epochNumber === row.epoch_number)!;
      const onChain = (await chain.publicClient.readContract({
        address: registry,
        abi: poolRegistryAbi,
        functionName: "getOraclePool",
        args: [row.oracle as Address],
        blockNumber: epoch.toBlock,
      })) as Address;
      assert.equal(row.pool, onChain === zeroAddress ? null : onChain);
    }
    assert.ok(rows.some((row) => row.pool === pool) && rows.some((row) => row.pool === null));
    const samples = await poolRoundSamples(store, pool);
    const bindingEpoch = (
      await store.query<Row>("SELECT min(epoch_number) AS e FROM feed_oracle_epochs WHERE pool IS NOT NULL")
    )[0]!.e;
    const expected = await store.query<Row>(
      `SELECT sum(eligible)::int4 AS eligible, sum(answered)::int4 AS answered FROM feed_oracle_epochs
       WHERE oracle = $1 AND epoch_number >= $2`,
      [oracles[1], bindingEpoch],
    );
    assert.equal(
      samples.reduce((sum, s) => sum + s.eligible, 0),
      expected[0]!.eligible,
    );
    assert.equal(
      samples.reduce((sum, s) => sum + s.answered, 0),
      expected[0]!.answered,
    );
    const head = epochs.at(-1)!.toBlock;
    const performance = apparentPerformance({
      samples,
      head,
      activeSince: startBlock,
      windowBlocks: head - startBlock,
    });
    assert.equal(performance.status, "established");
    if (performance.status === "established") {
      assert.equal(performance.answered, expected[0]!.answered);
      assert.ok(performance.performance! > 0 && performance.performance! < 1);
    }
  });

  it("building every job again, restarted and out of order, changes nothing", async () => {
    const before = await dump();
    const { builder } = await index();
    const queue = createInProcessQueue();
    const distributor = createDistributor({ store, queue, builders: [builder] });
    for (const epoch of [...epochs].reverse()) {
      await distributor.handle({
        epochNumber: epoch.epochNumber,
        toBlockHash: epoch.toBlockHash as Hash,
        builder: FEED_BUILDER,
        entity: feed,
      });
    }
    await queue.close();
    assert.deepEqual(await dump(), before);
    assert.ok(before.submissions.length > 0);
  });
});

function decodeFlux(log: Log): { eventName: string; args: unknown } {
  try {
    return decodeEventLog({ abi: fluxAggregatorAbi, data: log.data, topics: log.topics as never });
  } catch {
    return { eventName: "", args: {} };
  }
}
