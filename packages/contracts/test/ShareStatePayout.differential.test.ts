// Differential fuzz: the TypeScript share-state builder (packages/payouts) against the Solidity verifier, on a chain.
// Random trees (1 .. 300 leaves, scores from 1 to 2^64 − 1), paid in random contiguous and scattered batches with the
// builder's multiproofs: every miner's balance must grow by exactly floor(score × reward / total), and before each
// batch is sent, the same batch with one proof element, one flag, one leaf's score, miner or index corrupted must be
// refused; one miner claims alone with the builder's single proof first. Seeded; replay one seed: POOLNET_PAYOUT_DIFF_SEEDS=7 npx hardhat test nodejs test/<this file>.
import assert from "node:assert/strict";
import { describe, it } from "node:test";
import { network } from "hardhat";
import { BaseError, ContractFunctionRevertedError, getAddress, keccak256, toHex, type Address, type Hex } from "viem";
import {
  batchProof,
  buildShareState,
  leafProof,
  payoutOf,
  type BatchProof,
  type ShareState,
} from "../../payouts/src/index.ts";

const SEEDS = (process.env.POOLNET_PAYOUT_DIFF_SEEDS ?? "1,2,3").split(",").map((s) => Number(s.trim()));
for (const seed of SEEDS) if (!Number.isSafeInteger(seed)) throw new Error(`POOLNET_PAYOUT_DIFF_SEEDS: "${seed}"`);
/** Trees per seed, besides the edge sizes every seed tries. */
const TREES = Number(process.env.POOLNET_PAYOUT_DIFF_TREES ?? "6");
const EDGE_SIZES = [1, 2, 3, 4, 5, 255, 256, 257, 300];
const MAX_LEAVES = 300;
const GAS = 15_000_000n;
/** How a corrupted batch may be refused: a bad proof, or (an index moved onto a leaf paid before, in a batch of one)
 * nothing left to pay, which the contract checks first. */
const REFUSALS = new Set([
  "ShareStatePayoutInvalidProof",
  "ShareStatePayoutNothingToPay",
  "ShareStateLeavesInvalidMultiproof",
  "ShareStateLeavesInvalidFlags",
]);

const { viem } = await network.create();
const publicClient = await viem.getPublicClient();
const [pool, executor] = await viem.getWalletClients();

/** mulberry32: the same seed replays the same trees, batches and corruptions. */
function random(seed: number) {
  let state = seed | 0;
  const next = () => {
    state = (state + 0x6d2b79f5) | 0;
    let t = Math.imul(state ^ (state >>> 15), 1 | state);
    t = (t + Math.imul(t ^ (t >>> 7), 61 | t)) ^ t;
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
  const int = (min: number, max: number) => min + Math.floor(next() * (max - min + 1));
  const bits = (count: number) => {
    let value = 0n;
    for (let i = 0; i < count; i += 16) value = (value << 16n) | BigInt(int(0, 0xffff));
    return value & ((1n << BigInt(count)) - 1n);
  };
  return { next, int, bits };
}
type Random = ReturnType<typeof random>;

/** A score: small, mid-size, or up to 2^64 − 1 (the entry's 64 bits), never 0. */
function score(rng: Random): bigint {
  const kind = rng.int(0, 3);
  if (kind === 0) return BigInt(rng.int(1, 1000));
  if (kind === 3) return rng.bits(64) | 1n;
  return BigInt(rng.int(1, 2 ** 31)) * BigInt(rng.int(1, 2 ** 20));
}

/** The whole state in random batches: contiguous runs of adjacent indexes, or scattered random subsets. */
function batches(rng: Random, leafCount: number): number[][] {
  const unpaid = Array.from({ length: leafCount }, (_, i) => i);
  const out: number[][] = [];
  while (unpaid.length > 0) {
    const size = rng.int(1, Math.min(unpaid.length, rng.next() < 0.3 ? unpaid.length : 64));
    if (rng.next() < 0.5) {
      const start = rng.int(0, unpaid.length - size);
      out.push(unpaid.splice(start, size));
    } else {
      const picked: number[] = [];
      for (let i = 0; i < size; i++) picked.push(...unpaid.splice(rng.int(0, unpaid.length - 1), 1));
      out.push(picked);
    }
  }
  return out;
}

/** The custom error a call reverted with, or "" if it did not revert. */
async function refusal(call: () => Promise<unknown>): Promise<string> {
  try {
    await call();
    return "";
  } catch (error) {
    const reverted = error instanceof BaseError ? error.walk((e) => e instanceof ContractFunctionRevertedError) : null;
    if (reverted instanceof ContractFunctionRevertedError) return reverted.data?.errorName ?? reverted.shortMessage;
    throw error;
  }
}

const flip = (word: Hex): Hex => `0x${((BigInt(word) ^ 1n) + (1n << 256n)).toString(16).slice(1)}`;

/** One corruption of a valid batch, chosen at random among those that apply. */
function corrupt(rng: Random, state: ShareState, batch: BatchProof): { what: string; batch: BatchProof } {
  const options: string[] = ["score", "miner"];
  if (batch.proof.length > 0) options.push("proof");
  if (batch.proofFlagCount > 0) options.push("flag");
  if (state.leafCount > 1) options.push("index");
  const what = options[rng.int(0, options.length - 1)]!;
  const entries = [...batch.entries];
  const proof = [...batch.proof];
  const proofFlagBits = [...batch.proofFlagBits];
  const at = rng.int(0, entries.length - 1);
  const entry = entries[at]!;
  const index = Number(entry >> 224n);
  const low = entry & ((1n << 224n) - 1n);
  if (what === "score") {
    const scoreBits = (entry >> 160n) & ((1n << 64n) - 1n);
    const changed = scoreBits === 1n ? 2n : scoreBits - 1n; // the nearest score that is not it
    entries[at] = (entry & ~(((1n << 64n) - 1n) << 160n)) | (changed << 160n);
  } else if (what === "miner") entries[at] = entry ^ BigInt(1 << rng.int(0, 30));
  else if (what === "index") {
    const other = (index + rng.int(1, state.leafCount - 1)) % state.leafCount;
    entries[at] = (BigInt(other) << 224n) | low;
  } else if (what === "proof") {
    const i = rng.int(0, proof.length - 1);
    proof[i] = flip(proof[i]!);
  } else {
    const i = rng.int(0, batch.proofFlagCount - 1);
    proofFlagBits[i >> 8] = proofFlagBits[i >> 8]! ^ (1n << BigInt(i & 255));
  }
  return { what, batch: { ...batch, entries, proof, proofFlagBits } };
}

async function fuzzTree(rng: Random, label: string, leafCount: number) {
  const token = await viem.deployContract("StakingToken", ["Stake", "STK", pool.account.address, 2n ** 200n]);
  const payout = await viem.deployContract("ShareStatePayout", []);
  await token.write.approve([payout.address, 2n ** 200n]);
  const miners = Array.from({ length: leafCount }, (_, i) => ({
    miner: getAddress(keccak256(toHex(`${label} miner ${i}`)).slice(0, 42)) as Address,
    score: score(rng),
  }));
  // payout order: by address (the default), or as drawn
  const state = buildShareState(miners, rng.next() < 0.5 ? {} : { compare: () => 0 });
  if (state.totalScore >= 2n ** 128n) throw new Error("total score over 128 bits: draw fewer huge scores");
  const reward = rng.bits(rng.int(1, 100)) + 1n;
  await publicClient.waitForTransactionReceipt({
    hash: await payout.write.post([token.address, state.root, state.totalScore, leafCount, reward, 0n, 2 ** 39]),
  });
  const id = 0n;
  let corruptions = 0;
  // one miner claims alone first, with the builder's single proof; the batch that names it later skips it
  const claimed = rng.int(0, leafCount - 1);
  const { leaf, proof } = leafProof(state, claimed);
  const claimedBefore = await token.read.balanceOf([leaf.miner]);
  await publicClient.waitForTransactionReceipt({
    hash: await payout.write.claim([id, leaf.index, leaf.miner, leaf.score, proof], { account: executor.account }),
  });
  assert.equal(
    (await token.read.balanceOf([leaf.miner])) - claimedBefore,
    payoutOf(leaf.score, reward, state.totalScore),
    `${label}: the claim paid other than floor(score × reward / total)`,
  );
  for (const indexes of batches(rng, leafCount)) {
    const batch = batchProof(state, indexes);
    const args = (b: BatchProof) => [id, b.entries, b.proof, b.proofFlagBits] as const;
    const bad = corrupt(rng, state, batch);
    const refused = await refusal(() =>
      payout.simulate.payBatch(args(bad.batch), { account: executor.account.address, gas: GAS }),
    );
    assert.ok(REFUSALS.has(refused), `${label}: a corrupted ${bad.what} was not refused as a bad proof (${refused})`);
    corruptions++;

    if (indexes.length === 1 && indexes[0] === claimed) {
      const again = () => payout.simulate.payBatch(args(batch), { account: executor.account.address, gas: GAS });
      assert.equal(await refusal(again), "ShareStatePayoutNothingToPay", `${label}: the claimed leaf alone`);
      continue;
    }
    const paidTo = batch.leaves.map((leaf) => leaf.miner);
    const before = await Promise.all(paidTo.map((miner) => token.read.balanceOf([miner])));
    const receipt = await publicClient.waitForTransactionReceipt({
      hash: await payout.write.payBatch(args(batch), { account: executor.account, gas: GAS }),
    });
    assert.equal(receipt.status, "success", `${label}: a valid batch of ${indexes.length} reverted`);
    const after = await Promise.all(paidTo.map((miner) => token.read.balanceOf([miner])));
    batch.leaves.forEach((leaf, i) =>
      assert.equal(
        after[i]! - before[i]!,
        leaf.index === claimed ? 0n : payoutOf(leaf.score, reward, state.totalScore),
        `${label}: leaf ${leaf.index} paid other than floor(score × reward / total)`,
      ),
    );
    // the same batch again pays nobody
    for (const index of indexes) assert.ok(await payout.read.isPaid([id, BigInt(index)]), `${label}: paid bit`);
    assert.equal(
      await refusal(() => payout.simulate.payBatch(args(batch), { account: executor.account.address, gas: GAS })),
      "ShareStatePayoutNothingToPay",
    );
  }
  const view = await payout.read.shareState([id]);
  assert.equal(view.paidScore, state.totalScore, `${label}: not every score was paid`);
  const expected = state.leaves.reduce((sum, leaf) => sum + payoutOf(leaf.score, reward, state.totalScore), 0n);
  assert.equal(view.spent, expected, `${label}: spent`);
  assert.equal(await token.read.balanceOf([payout.address]), reward - expected, `${label}: only the dust is left`);
  assert.ok(reward - expected < BigInt(leafCount), `${label}: dust under one wei a miner`);
  return corruptions;
}

describe("ShareStatePayout: the TypeScript builder's proofs against the Solidity verifier", () => {
  for (const seed of SEEDS) {
    it(`seed ${seed}: random trees paid in random batches, each corruption refused`, async () => {
      const rng = random(seed);
      const sizes = [...EDGE_SIZES, ...Array.from({ length: TREES }, () => rng.int(1, MAX_LEAVES))];
      let corruptions = 0;
      for (const [i, size] of sizes.entries()) corruptions += await fuzzTree(rng, `seed ${seed} tree ${i}`, size);
      assert.ok(corruptions >= sizes.length);
    });
  }
});
