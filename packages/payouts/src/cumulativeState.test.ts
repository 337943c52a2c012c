// The cumulative builder against OpenZeppelin's own verifier and by hand: leaves, sums, multiproofs, owed amounts.
import assert from "node:assert/strict";
import { describe, it } from "node:test";
import { StandardMerkleTree } from "@openzeppelin/merkle-tree";
import { getAddress, keccak256, toHex, type Address } from "viem";
import {
  CUMULATIVE_LEAF_ENCODING,
  ShareStateError,
  accumulate,
  buildCumulativeState,
  cumulativeBatchProof,
  cumulativeLeafProof,
  owedOf,
  packFlags,
} from "./index.ts";

const address = (i: number): Address => getAddress(keccak256(toHex(`cumulative miner ${i}`)).slice(0, 42));
const miners = Array.from({ length: 21 }, (_, i) => ({ miner: address(i), cumulative: BigInt(1 + i * 1000) }));

describe("accumulate", () => {
  it("adds a round to the last root's amounts, miner by miner (hand-worked)", () => {
    const [a, b, c] = [address(1), address(2), address(3)];
    const next = accumulate(
      [
        { miner: a, cumulative: 100n },
        { miner: b, cumulative: 200n },
      ],
      new Map([
        [b, 50n],
        [c, 7n],
      ]),
    );
    assert.deepEqual(
      next.map(({ miner, cumulative }) => [miner, cumulative]),
      [
        [a, 100n],
        [b, 250n],
        [c, 7n],
      ],
    );
  });
});

describe("buildCumulativeState", () => {
  it("commits the sum and verifies every multiproof with OpenZeppelin's verifier", () => {
    const state = buildCumulativeState(miners);
    assert.equal(
      state.total,
      miners.reduce((sum, m) => sum + m.cumulative, 0n),
    );
    const batch = cumulativeBatchProof(state, [3, 4, 5, 6, 17]);
    assert.deepEqual(packFlags([true, false, true]), [5n]);
    const ok = StandardMerkleTree.verifyMultiProof(state.root, [...CUMULATIVE_LEAF_ENCODING], {
      leaves: batch.leaves.map((l) => [l.miner, l.cumulative]),
      proof: batch.proof,
      proofFlags: Array.from({ length: batch.proofFlagCount }, (_, i) =>
        Boolean((batch.proofFlagBits[i >> 8]! >> BigInt(i & 255)) & 1n),
      ),
    });
    assert.ok(ok);
    batch.entries.forEach((entry, i) => {
      assert.equal(entry >> 160n, batch.leaves[i]!.cumulative);
      assert.equal(
        getAddress(`0x${(entry & ((1n << 160n) - 1n)).toString(16).padStart(40, "0")}`),
        batch.leaves[i]!.miner,
      );
    });
    const single = cumulativeLeafProof(state, miners[7]!.miner)!;
    assert.ok(
      StandardMerkleTree.verify(
        state.root,
        [...CUMULATIVE_LEAF_ENCODING],
        [single.leaf.miner, single.leaf.cumulative],
        single.proof,
      ),
    );
    assert.equal(cumulativeLeafProof(state, address(999)), undefined);
  });

  it("refuses an empty state, a miner twice, an amount of 0 or beyond 96 bits", () => {
    assert.throws(() => buildCumulativeState([]), ShareStateError);
    assert.throws(() => buildCumulativeState([miners[0]!, miners[0]!]), ShareStateError);
    assert.throws(() => buildCumulativeState([{ miner: address(1), cumulative: 0n }]), ShareStateError);
    assert.throws(() => buildCumulativeState([{ miner: address(1), cumulative: 2n ** 96n }]), ShareStateError);
  });

  it("owes the cumulative amount less what was paid, never less than nothing", () => {
    assert.equal(owedOf(350n, 300n), 50n);
    assert.equal(owedOf(300n, 300n), 0n);
    assert.equal(owedOf(200n, 300n), 0n);
  });
});
