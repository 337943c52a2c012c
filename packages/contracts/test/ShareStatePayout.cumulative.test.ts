// The cumulative share state on a chain: the TypeScript builder's roots and multiproofs paid by CumulativeSharePayout
// over several rounds, each round paying a random part of the miners, so that many are skipped for a round or more.
// After every round each miner holds exactly what it was paid, never more than its cumulative amount; after the last
// round everyone is paid in full: a miner skipped loses nothing. Seeded (POOLNET_PAYOUT_DIFF_SEEDS).
import assert from "node:assert/strict";
import { describe, it } from "node:test";
import { network } from "hardhat";
import { getAddress, keccak256, toHex, type Address } from "viem";
import {
  accumulate,
  buildCumulativeState,
  cumulativeBatchProof,
  owedOf,
  type MinerCumulative,
} from "../../payouts/src/index.ts";

const SEEDS = (process.env.POOLNET_PAYOUT_DIFF_SEEDS ?? "1,2").split(",").map((s) => Number(s.trim()));
const ROUNDS = 4;
const GAS = 15_000_000n;

const { viem } = await network.create();
const publicClient = await viem.getPublicClient();
const [pool, executor] = await viem.getWalletClients();

function random(seed: number) {
  let state = seed | 0;
  const next = () => {
    state = (state + 0x6d2b79f5) | 0;
    let t = Math.imul(state ^ (state >>> 15), 1 | state);
    t = (t + Math.imul(t ^ (t >>> 7), 61 | t)) ^ t;
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
  return { next, int: (min: number, max: number) => min + Math.floor(next() * (max - min + 1)) };
}

describe("CumulativeSharePayout: the TypeScript builder's cumulative roots, round after round", () => {
  for (const seed of SEEDS) {
    it(`seed ${seed}: miners skipped in a round are paid in full later`, async () => {
      const rng = random(seed);
      const token = await viem.deployContract("StakingToken", ["Stake", "STK", pool.account.address, 2n ** 120n]);
      const payout = await viem.deployContract("CumulativeSharePayout", []);
      await token.write.approve([payout.address, 2n ** 120n]);
      await payout.write.open([token.address]);
      const id = 0n;
      const everyone: Address[] = Array.from({ length: rng.int(20, 120) }, (_, i) =>
        getAddress(keccak256(toHex(`seed ${seed} cumulative miner ${i}`)).slice(0, 42)),
      );
      let cumulative: MinerCumulative[] = [];
      let skippedThenPaid = 0;
      for (let round = 1; round <= ROUNDS; round++) {
        // this round's earnings: a random part of the miners mined
        const earned = new Map<Address, bigint>();
        for (const miner of everyone) if (rng.next() < 0.7) earned.set(miner, BigInt(rng.int(1, 1e9)));
        cumulative = accumulate(cumulative, earned);
        const state = buildCumulativeState(cumulative);
        const funded = (await payout.read.ledger([id])).funded;
        await publicClient.waitForTransactionReceipt({
          hash: await payout.write.post([id, state.root, state.total, state.total - funded]),
        });
        // pay a random part of the leaves (all of them in the last round), in runs and scattered batches
        const last = round === ROUNDS;
        const chosen = state.leaves.map((l) => l.index).filter(() => last || rng.next() < 0.5);
        const paidBefore = new Map<Address, bigint>();
        for (const leaf of state.leaves) paidBefore.set(leaf.miner, await payout.read.paidTo([id, leaf.miner]));
        for (let start = 0; start < chosen.length;) {
          const size = rng.int(1, 40);
          const indexes = chosen.slice(start, start + size);
          start += size;
          const batch = cumulativeBatchProof(state, indexes);
          const owed = batch.leaves.map((leaf) => owedOf(leaf.cumulative, paidBefore.get(leaf.miner)!));
          if (owed.every((amount) => amount === 0n)) continue;
          const before = await Promise.all(batch.leaves.map((leaf) => token.read.balanceOf([leaf.miner])));
          await publicClient.waitForTransactionReceipt({
            hash: await payout.write.payBatch([id, BigInt(round), batch.entries, batch.proof, batch.proofFlagBits], {
              account: executor.account,
              gas: GAS,
            }),
          });
          for (const [i, leaf] of batch.leaves.entries()) {
            const got = (await token.read.balanceOf([leaf.miner])) - before[i]!;
            assert.equal(got, owed[i], `round ${round}: ${leaf.miner} paid other than cumulative − paid`);
            if (paidBefore.get(leaf.miner)! === 0n && round > 1 && got > 0n) skippedThenPaid++;
          }
        }
        for (const leaf of state.leaves) {
          const held = await token.read.balanceOf([leaf.miner]);
          assert.ok(held <= leaf.cumulative, `round ${round}: ${leaf.miner} holds more than its cumulative amount`);
          assert.equal(held, await payout.read.paidTo([id, leaf.miner]), "holds what it was paid");
          if (last) assert.equal(held, leaf.cumulative, `${leaf.miner} not paid in full in the end`);
        }
        const book = await payout.read.ledger([id]);
        assert.equal(await token.read.balanceOf([payout.address]), book.funded - book.paid, "holds funded − paid");
      }
      assert.ok(skippedThenPaid > 0, "some miner was skipped, then paid");
    });
  }
});
