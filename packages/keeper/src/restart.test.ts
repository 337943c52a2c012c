// Restart safety and refusals on an in-process EDR chain: a keeper restarted on its state file sends again what was
// pending (never a second transaction for the same work) and redoes nothing mined; two keepers racing for the same
// work are refused by the contract, and the loser counts it as done, not as an error.
import assert from "node:assert/strict";
import { readFile, rm, writeFile } from "node:fs/promises";
import { join } from "node:path";
import { after, before, describe, it } from "node:test";
import { fluxAggregatorAbi } from "@poolnet/sdk";
import { parseEther, type Address, type Hash } from "viem";
import { deployKeeperFixture, type KeeperFixture } from "./internal/testFixture.ts";
import { autoRedelegateJob } from "./jobs/autoRedelegate.ts";
import { collectOraclePaymentsJob } from "./jobs/collectOraclePayments.ts";
import { topUpNodesJob } from "./jobs/topUpNodes.ts";
import { keeperJobs } from "./keeper.ts";
import { openKeeperState } from "./state/keeperState.ts";

describe("keeper restarts and races", { timeout: 120_000 }, () => {
  let fixture: KeeperFixture;
  before(async () => {
    fixture = await deployKeeperFixture();
  });
  after(async () => {
    await fixture.rpc("evm_setAutomine", [true]);
    await fixture.chain.close();
    await rm(fixture.dir, { recursive: true });
  });

  const sentHashes = async (path: string) =>
    (await readFile(path, "utf8"))
      .trim()
      .split("\n")
      .map((line) => JSON.parse(line) as { type: string; hash?: Hash })
      .filter((record) => record.type === "sent")
      .map((record) => record.hash!);

  const pendingCount = (address: Address) =>
    fixture.chain.publicClient.getTransactionCount({ address, blockTag: "pending" });

  it("after a restart sends the recorded bytes of a lost pending top-up again, and never signs a second", async () => {
    const statePath = join(fixture.dir, "restart-topup.jsonl");
    const node = fixture.emptyAddress();
    const config = fixture.config({ nodes: [node], topUpFloor: parseEther("1"), topUpTarget: parseEther("2") });
    await fixture.rpc("evm_setAutomine", [false]);
    const first = await fixture.keeper({ statePath, config, jobs: [topUpNodesJob], receiptTimeoutMs: 100 });
    const report = await first.runOnce();
    assert.equal(report.jobs.topUpNodes?.pending, 1);
    await first.stop();
    const [hash] = await sentHashes(statePath);
    // the node lost it (a restart of the RPC node, a dropped mempool): only the keeper's state still has it
    await fixture.rpc("hardhat_dropTransaction", [hash]);
    await fixture.rpc("evm_setAutomine", [true]);

    const lines: string[] = [];
    const second = await fixture.keeper({ statePath, config, jobs: [topUpNodesJob], lines });
    try {
      const resent = await second.runOnce();
      assert.deepEqual(resent.jobs.topUpNodes, { done: 0, alreadyDone: 0, skipped: 1, pending: 0 });
      assert.match(lines[0]!, /settle: 0 mined, 0 replaced, 1 sent again/);
      const settled = await second.runOnce();
      assert.deepEqual(settled.jobs.topUpNodes, { done: 0, alreadyDone: 0, skipped: 0, pending: 0 });
      assert.equal(second.status().pendingTransactions, 0);
    } finally {
      await second.stop();
    }
    assert.equal(await fixture.chain.publicClient.getBalance({ address: node }), parseEther("2"));
    assert.deepEqual(await sentHashes(statePath), [hash]);
  });

  it("redoes nothing a previous run got mined, even when it died before recording the receipt", async () => {
    const statePath = join(fixture.dir, "restart-mined.jsonl");
    const first = await fixture.keeper({ statePath, jobs: [collectOraclePaymentsJob] });
    assert.equal((await first.runOnce()).jobs.collectOraclePayments?.done, 1);
    await first.stop();
    // as if the keeper died between sending and recording the outcome: drop the outcome line
    const lines = (await readFile(statePath, "utf8")).trim().split("\n");
    await writeFile(statePath, `${lines.filter((line) => !line.includes('"type":"outcome"')).join("\n")}\n`);
    const state = await openKeeperState(statePath);
    assert.equal(state.pending().length, 1);
    await state.close();

    const second = await fixture.keeper({ statePath, jobs: keeperJobs });
    try {
      const report = await second.runOnce();
      assert.equal(report.errors, 0);
      assert.equal(report.jobs.collectOraclePayments?.done, 0);
      assert.equal(second.status().pendingTransactions, 0);
    } finally {
      await second.stop();
    }
    assert.equal((await sentHashes(statePath)).length, 1);
  });

  it("treats the contract's refusal of work another keeper did first as done, not as an error", async () => {
    // new rewards for the auto-redelegating delegator: a second round paid into pool A
    await fixture.passTime(700n);
    await fixture.chain.walletOf(fixture.oracle).writeContract({
      address: fixture.aggregator,
      abi: fluxAggregatorAbi,
      functionName: "submit",
      args: [2n, 710_00000000n],
    });
    const collector = await fixture.keeper({
      statePath: join(fixture.dir, "collector.jsonl"),
      jobs: [collectOraclePaymentsJob],
    });
    assert.equal((await collector.runOnce()).jobs.collectOraclePayments?.done, 1);
    await collector.stop();

    const config = fixture.config({ tokenPriceInWei: parseEther("1") });
    const walletA = fixture.keeperWallet(11);
    const walletB = fixture.keeperWallet(12);
    const keeperA = await fixture.keeper({
      statePath: join(fixture.dir, "a.jsonl"),
      config,
      walletClient: walletA,
      jobs: [autoRedelegateJob],
    });
    const keeperB = await fixture.keeper({
      statePath: join(fixture.dir, "b.jsonl"),
      config,
      walletClient: walletB,
      jobs: [autoRedelegateJob],
    });
    try {
      await fixture.rpc("evm_setAutomine", [false]);
      const nonceA = await pendingCount(walletA.account.address);
      const nonceB = await pendingCount(walletB.account.address);
      const runA = keeperA.runOnce();
      await waitUntil(async () => (await pendingCount(walletA.account.address)) > nonceA);
      const runB = keeperB.runOnce();
      await waitUntil(async () => (await pendingCount(walletB.account.address)) > nonceB);
      await fixture.rpc("evm_mine");
      const [a, b] = await Promise.all([runA, runB]);
      await fixture.rpc("evm_setAutomine", [true]);
      assert.equal(a.errors + b.errors, 0);
      const reports = [a.jobs.autoRedelegate!, b.jobs.autoRedelegate!];
      assert.equal(
        reports.reduce((sum, report) => sum + report.done, 0),
        1,
      );
      assert.equal(
        reports.reduce((sum, report) => sum + report.alreadyDone, 0),
        1,
      );
      // and afterwards there is nothing left for either
      const again = await keeperB.runOnce();
      assert.deepEqual(again.jobs.autoRedelegate, { done: 0, alreadyDone: 0, skipped: 0, pending: 0 });
      assert.deepEqual(keeperB.status().errors, []);
    } finally {
      await fixture.rpc("evm_setAutomine", [true]);
      await keeperA.stop();
      await keeperB.stop();
    }
  });
});

async function waitUntil(condition: () => Promise<boolean>, timeoutMs = 5_000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!(await condition())) {
    if (Date.now() > deadline) throw new Error(`timed out after ${timeoutMs} ms`);
    await new Promise((resolve) => setTimeout(resolve, 20));
  }
}
