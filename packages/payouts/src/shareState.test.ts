// The share-state builder against OpenZeppelin's own verifier: leaves in index order, batches' multiproofs valid.
import assert from "node:assert/strict";
import { describe, it } from "node:test";
import { StandardMerkleTree } from "@openzeppelin/merkle-tree";
import { getAddress, keccak256, toHex } from "viem";
import {
  SHARE_STATE_LEAF_ENCODING,
  ShareStateError,
  batchProof,
  buildShareState,
  leafProof,
  packFlags,
} from "./index.ts";

const miners = Array.from({ length: 37 }, (_, i) => ({
  miner: getAddress(keccak256(toHex(`miner ${i}`)).slice(0, 42)),
  score: BigInt(1000 + i * 17),
}));

describe("buildShareState", () => {
  it("numbers the miners in address order and keeps the tree in that order", () => {
    const state = buildShareState(miners);
    assert.equal(state.leafCount, 37);
    assert.equal(
      state.totalScore,
      miners.reduce((sum, m) => sum + m.score, 0n),
    );
    const sorted = [...state.leaves].map((l) => l.miner.toLowerCase());
    assert.deepEqual(sorted, [...sorted].sort());
    state.leaves.forEach((leaf, i) => assert.equal(leaf.index, i));
    for (const [i, value] of state.tree.entries()) assert.equal(Number(value[0]), i);
  });

  it("proves each contiguous batch, with fewer proof elements than a scattered one", () => {
    const state = buildShareState(miners);
    const contiguous = batchProof(state, [8, 9, 10, 11, 12, 13, 14, 15]);
    const scattered = batchProof(state, [0, 5, 10, 15, 20, 25, 30, 35]);
    for (const batch of [contiguous, scattered]) {
      const multiproof = {
        leaves: batch.leaves.map((l) => [BigInt(l.index), l.miner, l.score]),
        proof: batch.proof,
        proofFlags: Array.from({ length: batch.proofFlagCount }, (_, i) =>
          Boolean((batch.proofFlagBits[i >> 8]! >> BigInt(i & 255)) & 1n),
        ),
      };
      assert.ok(StandardMerkleTree.verifyMultiProof(state.root, [...SHARE_STATE_LEAF_ENCODING], multiproof));
    }
    assert.ok(contiguous.proof.length < scattered.proof.length);
    const { leaf, proof } = leafProof(state, 3);
    assert.ok(
      StandardMerkleTree.verify(state.root, [...SHARE_STATE_LEAF_ENCODING], [3n, leaf.miner, leaf.score], proof),
    );
  });

  it("refuses duplicates, empty and out-of-range input", () => {
    assert.throws(() => buildShareState([]), ShareStateError);
    assert.throws(() => buildShareState([miners[0]!, miners[0]!]), ShareStateError);
    assert.throws(() => buildShareState([{ miner: miners[0]!.miner, score: 2n ** 64n }]), ShareStateError);
    const state = buildShareState(miners);
    assert.throws(() => batchProof(state, [1, 1]), ShareStateError);
    assert.throws(() => batchProof(state, [37]), ShareStateError);
  });

  it("packs flags 256 to a word, flag i at bit i % 256", () => {
    const flags = Array.from({ length: 300 }, (_, i) => i % 3 === 0);
    const words = packFlags(flags);
    assert.equal(words.length, 2);
    flags.forEach((flag, i) => assert.equal(Boolean((words[i >> 8]! >> BigInt(i & 255)) & 1n), flag));
  });
});
