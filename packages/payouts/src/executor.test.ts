// The executor against a real EVM: a child process paying a share state is SIGKILLed at random points, restarted,
// and in the end every miner has been paid exactly once and no batch was refused.
import assert from "node:assert/strict";
import { spawn } from "node:child_process";
import { mkdtemp, readFile, rm } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { after, before, describe, test } from "node:test";
import { fileURLToPath } from "node:url";
import { deployShareStatePayout, devPrivateKeys, shareStatePayoutAbi } from "@poolnet/sdk";
import { parseEther, type Address } from "viem";
import { generatePrivateKey, privateKeyToAccount } from "viem/accounts";
import { startTestChain, type TestChain } from "../../oracle-node/src/internal/testChain.ts";
import { payShareState } from "./executor.ts";
import { Journal } from "./journal.ts";
import { buildShareState, leafProof, payoutOf } from "./shareState.ts";
import { shareStateOf, toShareStateFile, writeShareStateFile } from "./stateFile.ts";
import type { JournalRecord } from "./journal.ts";

const child = fileURLToPath(new URL("./testing/payChild.ts", import.meta.url));
const executorKey = devPrivateKeys([5])[0]!;
const executor = privateKeyToAccount(executorKey);

let chain: TestChain;
let dir: string;
before(async () => {
  chain = await startTestChain();
  dir = await mkdtemp(join(tmpdir(), "poolnet-payouts-"));
});
after(async () => {
  await chain.close();
  await rm(dir, { recursive: true, force: true });
});

async function postState(minerCount: number, reward: bigint) {
  const deployer = chain.accounts[0]!;
  const { shareStatePayout } = await deployShareStatePayout(chain.walletOf(deployer), chain.publicClient);
  const miners = Array.from({ length: minerCount }, (_, i) => ({
    miner: privateKeyToAccount(generatePrivateKey()).address,
    score: BigInt(1 + ((i * 7919) % 1000)) * 1_000n,
  }));
  const state = buildShareState(miners);
  const block = await chain.publicClient.getBlock();
  const hash = await chain.walletOf(deployer).writeContract({
    address: shareStatePayout,
    abi: shareStatePayoutAbi,
    functionName: "post",
    args: [
      "0x0000000000000000000000000000000000000000",
      state.root,
      state.totalScore,
      state.leafCount,
      reward,
      0n,
      Number(block.timestamp + 86_400n),
    ],
    value: reward,
  });
  await chain.publicClient.waitForTransactionReceipt({ hash });
  return { contract: shareStatePayout, state, id: 0n };
}

async function journalLines(path: string): Promise<number> {
  try {
    return (await readFile(path, "utf8")).split("\n").length - 1;
  } catch {
    return 0;
  }
}

/** Runs the child; with `killAfterRecords`, SIGKILLs it a random few milliseconds after the journal grew by that
 * many records (so the kill lands between an intent, its send, its receipt and the next batch). */
function runChild(env: Record<string, string>, journalPath: string, killAfterRecords: number | undefined) {
  return new Promise<{ code: number | null; signal: NodeJS.Signals | null; stdout: string; stderr: string }>(
    (resolve) => {
      const process_ = spawn(process.execPath, [child], { env: { ...process.env, ...env } });
      let stdout = "";
      let stderr = "";
      process_.stdout.on("data", (chunk: Buffer) => (stdout += chunk.toString()));
      process_.stderr.on("data", (chunk: Buffer) => (stderr += chunk.toString()));
      let watch: NodeJS.Timeout | undefined;
      if (killAfterRecords !== undefined) {
        void journalLines(journalPath).then((start) => {
          watch = setInterval(() => {
            void journalLines(journalPath).then((lines) => {
              if (lines < start + killAfterRecords || watch === undefined) return;
              clearInterval(watch);
              watch = undefined;
              setTimeout(() => process_.kill("SIGKILL"), Math.random() * 120);
            });
          }, 5);
        });
      }
      process_.on("exit", (code, signal) => {
        clearInterval(watch);
        watch = undefined;
        resolve({ code, signal, stdout, stderr });
      });
    },
  );
}

describe("payShareState", () => {
  test("killed at random points and restarted, it pays every miner exactly once", async () => {
    const reward = parseEther("10");
    const { contract, state, id } = await postState(80, reward);
    // one miner claims alone first: the executor must skip it, not be refused
    const lone = leafProof(state, 3);
    const claim = await chain.walletOf(chain.accounts[1]!).writeContract({
      address: contract,
      abi: shareStatePayoutAbi,
      functionName: "claim",
      args: [id, lone.leaf.index, lone.leaf.miner, lone.leaf.score, lone.proof],
    });
    await chain.publicClient.waitForTransactionReceipt({ hash: claim });

    const statePath = join(dir, "state.json");
    await writeShareStateFile(statePath, toShareStateFile(state, "test"));
    const journalPath = join(dir, "journal.jsonl");
    const env = {
      POOLNET_PAY_CHILD: JSON.stringify({
        rpcUrl: chain.rpcUrl,
        privateKey: executorKey,
        contract,
        id: id.toString(),
        statePath,
        journalPath,
        gasLimit: "2000000",
        maxBatch: 4,
      }),
    };
    const startBlock = await chain.publicClient.getBlockNumber();
    let kills = 0;
    for (let attempt = 0; attempt < 30; attempt++) {
      const killAfter = attempt < 6 ? 1 + Math.floor(Math.random() * 5) : undefined;
      const run = await runChild(env, journalPath, killAfter);
      if (run.signal === "SIGKILL") {
        kills++;
        continue;
      }
      assert.equal(run.code, 0, run.stderr);
      assert.match(run.stdout, /"done":true,"unpaid":0/);
      break;
    }
    assert.ok(kills >= 2, "the executor was killed mid-run");

    // every miner got exactly floor(score × reward / total), once
    for (const leaf of state.leaves) {
      const balance = await chain.publicClient.getBalance({ address: leaf.miner });
      assert.equal(balance, payoutOf(leaf.score, reward, state.totalScore), `miner ${leaf.index}`);
    }
    // the contract refused nothing the executor sent
    const endBlock = await chain.publicClient.getBlockNumber();
    let batches = 0;
    for (let number = startBlock + 1n; number <= endBlock; number++) {
      const block = await chain.publicClient.getBlock({ blockNumber: number, includeTransactions: true });
      for (const transaction of block.transactions) {
        if (transaction.from.toLowerCase() !== executor.address.toLowerCase()) continue;
        const receipt = await chain.publicClient.getTransactionReceipt({ hash: transaction.hash });
        assert.equal(receipt.status, "success", `transaction ${transaction.hash}`);
        batches++;
      }
    }
    const records = (await readFile(journalPath, "utf8"))
      .trim()
      .split("\n")
      .map((line) => JSON.parse(line) as JournalRecord);
    const settled = records.filter((record) => record.type === "settled");
    assert.equal(settled.filter((record) => record.status === "success").length, batches);
    assert.ok(settled.every((record) => record.status !== "reverted"));
    assert.ok(batches >= Math.ceil((state.leafCount - 1) / 4));
    for (let i = 0; i < state.leafCount; i++) {
      const paid = await chain.publicClient.readContract({
        address: contract,
        abi: shareStatePayoutAbi,
        functionName: "isPaid",
        args: [id, BigInt(i)],
      });
      assert.ok(paid);
    }
  });

  test("an intent journaled but never sent is sent on restart, and a run with nothing left sends nothing", async () => {
    const reward = parseEther("1");
    const { contract, state, id } = await postState(6, reward);
    const journalPath = join(dir, "journal-2.jsonl");
    const client = chain.walletOf(executor.address);
    // the first run dies right after journaling its first intent
    await assert.rejects(
      payShareState({
        client: { ...client, account: executor } as never,
        contract,
        id,
        state,
        journalPath,
        maxBatch: 4,
        pollingIntervalMs: 20,
        hooks: {
          afterIntent: () => Promise.reject(new Error("crash")),
        },
      }),
      /crash/,
    );
    const journal = await Journal.open(journalPath);
    assert.equal(journal.pending().length, 1);
    await journal.close();
    const second = await payShareState({
      client: { ...client, account: executor } as never,
      contract,
      id,
      state: shareStateOf(toShareStateFile(state, "test")),
      journalPath,
      maxBatch: 4,
      pollingIntervalMs: 20,
    });
    assert.equal(second.resumed, 1);
    assert.equal(second.unpaid, 0);
    assert.equal(second.paid, 6);
    for (const leaf of state.leaves) {
      assert.equal(
        await chain.publicClient.getBalance({ address: leaf.miner as Address }),
        payoutOf(leaf.score, reward, state.totalScore),
      );
    }
    const third = await payShareState({
      client: { ...client, account: executor } as never,
      contract,
      id,
      state,
      journalPath,
      pollingIntervalMs: 20,
    });
    assert.deepEqual([third.batches, third.resumed, third.unpaid], [0, 0, 0]);
  });
});
