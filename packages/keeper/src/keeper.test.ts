// The keeper's jobs on an in-process EDR chain with the real contracts: each does its work once, a second run does
// nothing more, and the auto-redelegation bounty and the gas floor gate what is sent.
import assert from "node:assert/strict";
import { join } from "node:path";
import { rm } from "node:fs/promises";
import { after, before, describe, it } from "node:test";
import { getRewards, getStake } from "@poolnet/sdk";
import { parseEther } from "viem";
import { autoRedelegateJob } from "./jobs/autoRedelegate.ts";
import { collectOraclePaymentsJob } from "./jobs/collectOraclePayments.ts";
import { finalizeTransfersJob, finalizeUndelegationsJob } from "./jobs/finalizeDue.ts";
import { topUpNodesJob } from "./jobs/topUpNodes.ts";
import type { Job, JobReport } from "./jobs/job.ts";
import type { KeeperConfig } from "./config.ts";
import { deployKeeperFixture, ORACLE_PAYMENT, THAWING_PERIOD, type KeeperFixture } from "./internal/testFixture.ts";

const nothing: JobReport = { done: 0, alreadyDone: 0, skipped: 0, pending: 0 };

describe("keeper jobs", { timeout: 120_000 }, () => {
  let fixture: KeeperFixture;
  let statePath: string;
  before(async () => {
    fixture = await deployKeeperFixture();
    statePath = join(fixture.dir, "jobs.jsonl");
  });
  after(async () => {
    await fixture.chain.close();
    await rm(fixture.dir, { recursive: true });
  });

  /** Runs one job twice with a fresh keeper on the shared state file; returns both reports and the log. */
  async function runTwice(job: Job, config: Partial<KeeperConfig> = {}) {
    const lines: string[] = [];
    const keeper = await fixture.keeper({ statePath, lines, jobs: [job], config: fixture.config(config) });
    try {
      const first = await keeper.runOnce();
      const second = await keeper.runOnce();
      assert.equal(first.errors + second.errors, 0, lines.join("\n"));
      return { first: first.jobs[job.name], second: second.jobs[job.name], lines, status: keeper.status() };
    } finally {
      await keeper.stop();
    }
  }

  it("collects the oracle's payment into its pool's vault once", async () => {
    const before = await fixture.tokenBalance(fixture.poolA);
    const { first, second, lines } = await runTwice(collectOraclePaymentsJob);
    assert.deepEqual(first, { ...nothing, done: 1 });
    assert.deepEqual(second, nothing);
    assert.equal(await fixture.tokenBalance(fixture.poolA), before + ORACLE_PAYMENT);
    assert.match(lines[0]!, /^collectOraclePayments: collected 2 .* into pool 0x[0-9a-fA-F]{40} \(tx 0x/);
  });

  it("leaves undelegations alone until they are due, then finalizes them once", async () => {
    const early = await runTwice(finalizeUndelegationsJob);
    assert.deepEqual(early.first, nothing);
    await fixture.passTime(THAWING_PERIOD + 1n);
    const before = await fixture.tokenBalance(fixture.undelegator);
    const { first, second, lines } = await runTwice(finalizeUndelegationsJob);
    assert.deepEqual(first, { ...nothing, done: 1 });
    assert.deepEqual(second, nothing);
    assert.equal(await fixture.tokenBalance(fixture.undelegator), before + parseEther("39"));
    assert.match(lines[0]!, new RegExp(`finalized 1 of 1 undelegations \\(${fixture.undelegationId}\\)`));
  });

  it("finalizes due transfers once, in batches of the configured size", async () => {
    const { first, second } = await runTwice(finalizeTransfersJob, { finalizeBatchSize: 1 });
    assert.deepEqual(first, { ...nothing, done: 1 });
    assert.deepEqual(second, nothing);
    assert.equal(
      await getStake(fixture.chain.publicClient, {
        registry: fixture.registry,
        pool: fixture.poolB,
        delegator: fixture.transferrer,
      }),
      parseEther("29"),
    );
  });

  it("skips an auto-redelegation whose bounty does not pay for the gas, and does one that does", async () => {
    const query = { registry: fixture.registry, pool: fixture.poolA, delegator: fixture.autoDelegator };
    const rewards = await getRewards(fixture.chain.publicClient, query);
    assert.ok(rewards > 0n);
    // a token worth 1 wei: 10% of the rewards is worth nothing next to the gas
    const cheap = await runTwice(autoRedelegateJob, { tokenPriceInWei: 1n });
    assert.deepEqual(cheap.first, { ...nothing, skipped: 1 });
    assert.match(cheap.lines[0]!, /skipped, worth .* ETH against .* ETH of gas × 1\.5/);
    // no price at all: nothing can be weighed, nothing is sent
    const unpriced = await runTwice(autoRedelegateJob, { tokenPriceInWei: undefined });
    assert.deepEqual(unpriced.first, { ...nothing, skipped: 1 });
    assert.equal(await getRewards(fixture.chain.publicClient, query), rewards);

    const stake = await getStake(fixture.chain.publicClient, query);
    const keeperBalance = await fixture.tokenBalance(fixture.keeperWallet().account.address);
    const { first, second } = await runTwice(autoRedelegateJob, { tokenPriceInWei: parseEther("1") });
    assert.deepEqual(first, { ...nothing, done: 1 });
    assert.deepEqual(second, nothing);
    const bounty = rewards / 10n;
    assert.equal(await getStake(fixture.chain.publicClient, query), stake + rewards - bounty);
    assert.equal(await fixture.tokenBalance(fixture.keeperWallet().account.address), keeperBalance + bounty);
  });

  it("tops up a node below the floor to the target, once, and leaves one above it", async () => {
    const poor = fixture.emptyAddress();
    const rich = fixture.chain.accounts[15]!;
    const richBefore = await fixture.chain.publicClient.getBalance({ address: rich });
    const { first, second, lines } = await runTwice(topUpNodesJob, {
      nodes: [poor, rich],
      topUpFloor: parseEther("1"),
      topUpTarget: parseEther("2"),
    });
    assert.deepEqual(first, { ...nothing, done: 1 });
    assert.deepEqual(second, nothing);
    assert.equal(await fixture.chain.publicClient.getBalance({ address: poor }), parseEther("2"));
    assert.equal(await fixture.chain.publicClient.getBalance({ address: rich }), richBefore);
    assert.match(lines[0]!, new RegExp(`^topUpNodes: sent 2 ETH to node ${poor} \\(it held 0 ETH, floor 1\\)`));
  });

  it("keeps a status snapshot with per-job counts and no errors", async () => {
    const keeper = await fixture.keeper({ statePath });
    try {
      await keeper.runOnce();
      const status = keeper.status();
      assert.equal(status.runs, 1);
      assert.equal(status.pendingTransactions, 0);
      assert.deepEqual(status.errors, []);
      assert.ok(status.lastRunAt !== undefined && status.lastScannedBlock !== undefined);
      assert.deepEqual(status.jobs.collectOraclePayments, { ...nothing, errors: 0 });
    } finally {
      await keeper.stop();
    }
  });
});
