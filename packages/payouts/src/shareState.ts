// Builds a posted share state: its miners in payout order, their OpenZeppelin standard Merkle tree, and the
// multiproof of each batch in the packed calldata `ShareStatePayout.payBatch` takes.
import { StandardMerkleTree } from "@openzeppelin/merkle-tree";
import { getAddress, type Address, type Hex } from "viem";

/** The leaf encoding of `ShareStatePayout` (see `ShareStateLeaves.sol`): the index is the leaf's paid bit. */
export const SHARE_STATE_LEAF_ENCODING = ["uint256", "address", "uint256"] as const;
/** A batch entry packs the index in 32 bits and the score in 64. */
export const MAX_LEAF_COUNT = 2 ** 32;
export const MAX_SCORE = 2n ** 64n - 1n;

export type MinerScore = { miner: Address; score: bigint };
export type ShareStateLeaf = { index: number; miner: Address; score: bigint };

export type ShareState = {
  root: Hex;
  totalScore: bigint;
  leafCount: number;
  /** In index order, which is also the tree's leaf order. */
  leaves: readonly ShareStateLeaf[];
  tree: StandardMerkleTree<[bigint, Address, bigint]>;
};

export type BuildShareStateParameters = {
  /**
   * Payout order: leaves paid together should be next to each other, so that a batch's multiproof stays small (the
   * seed saw proofs shrink by a fifth this way). By address by default.
   */
  compare?: (a: MinerScore, b: MinerScore) => number;
};

const byAddress = (a: MinerScore, b: MinerScore) => (a.miner.toLowerCase() < b.miner.toLowerCase() ? -1 : 1);

export class ShareStateError extends Error {
  override name = "ShareStateError";
}

/**
 * Sorts the miners into payout order, numbers them 0 .. n − 1 (the leaf index, the paid bit) and builds the tree with
 * the leaves in that order (`sortLeaves: false`), so consecutive indexes are adjacent leaves.
 */
export function buildShareState(miners: readonly MinerScore[], parameters: BuildShareStateParameters = {}): ShareState {
  if (miners.length === 0) throw new ShareStateError("a share state needs at least one miner");
  if (miners.length > MAX_LEAF_COUNT) throw new ShareStateError(`more than ${MAX_LEAF_COUNT} miners`);
  const seen = new Set<string>();
  for (const { miner, score } of miners) {
    const key = miner.toLowerCase();
    if (seen.has(key)) throw new ShareStateError(`miner ${miner} appears twice`);
    seen.add(key);
    if (score <= 0n || score > MAX_SCORE) throw new ShareStateError(`score of ${miner} is not in 1 .. 2^64 − 1`);
  }
  const ordered = [...miners].sort(parameters.compare ?? byAddress);
  const leaves = ordered.map(({ miner, score }, index) => ({ index, miner: getAddress(miner), score }));
  const tree = StandardMerkleTree.of<[bigint, Address, bigint]>(
    leaves.map(({ index, miner, score }) => [BigInt(index), miner, score]),
    [...SHARE_STATE_LEAF_ENCODING],
    { sortLeaves: false },
  );
  return {
    root: tree.root as Hex,
    totalScore: leaves.reduce((sum, leaf) => sum + leaf.score, 0n),
    leafCount: leaves.length,
    leaves,
    tree,
  };
}

export type BatchProof = {
  /** The leaves in the multiproof's order, which `entries` follows. */
  leaves: ShareStateLeaf[];
  /** `index << 224 | score << 160 | miner`. */
  entries: bigint[];
  proof: Hex[];
  /** The proof flags, 256 to a word, flag i at bit i % 256 of word i / 256. */
  proofFlagBits: bigint[];
  proofFlagCount: number;
};

/** Packs a leaf into a `payBatch` entry. */
export function packEntry({ index, miner, score }: ShareStateLeaf): bigint {
  return (BigInt(index) << 224n) | (score << 160n) | BigInt(miner);
}

/** Packs multiproof flags into words as `ShareStateLeaves.unpackFlags` reads them. */
export function packFlags(flags: readonly boolean[]): bigint[] {
  const words = Array.from({ length: Math.ceil(flags.length / 256) }, () => 0n);
  flags.forEach((flag, i) => {
    if (flag) words[i >> 8]! |= 1n << BigInt(i & 255);
  });
  return words;
}

/** The multiproof of the leaves at `indexes` (any order; each once), ready for `payBatch`. */
export function batchProof(state: ShareState, indexes: readonly number[]): BatchProof {
  if (indexes.length === 0) throw new ShareStateError("a batch needs at least one leaf");
  for (const index of indexes) {
    if (!Number.isInteger(index) || index < 0 || index >= state.leafCount) {
      throw new ShareStateError(`leaf index ${index} is not in 0 .. ${state.leafCount - 1}`);
    }
  }
  if (new Set(indexes).size !== indexes.length) throw new ShareStateError("a batch names a leaf twice");
  const multiproof = state.tree.getMultiProof([...indexes]);
  const leaves = multiproof.leaves.map(([index]) => state.leaves[Number(index)]!);
  return {
    leaves,
    entries: leaves.map(packEntry),
    proof: multiproof.proof as Hex[],
    proofFlagBits: packFlags(multiproof.proofFlags),
    proofFlagCount: multiproof.proofFlags.length,
  };
}

/** A single leaf's proof, for `claim`. */
export function leafProof(state: ShareState, index: number): { leaf: ShareStateLeaf; proof: Hex[] } {
  const leaf = state.leaves[index];
  if (leaf === undefined) throw new ShareStateError(`leaf index ${index} is not in 0 .. ${state.leafCount - 1}`);
  return { leaf, proof: state.tree.getProof(index) as Hex[] };
}

/** What a leaf of `score` is paid from `reward`: `floor(score × reward / totalScore)`, as the contract computes. */
export function payoutOf(score: bigint, reward: bigint, totalScore: bigint): bigint {
  return (score * reward) / totalScore;
}
