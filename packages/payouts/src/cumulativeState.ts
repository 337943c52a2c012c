// Builds a cumulative share state (the seed's design 2, `CumulativeSharePayout`): every miner's cumulative amount
// owed since its ledger opened, in OpenZeppelin's standard tree, and the packed multiproofs of its batches.
import { StandardMerkleTree } from "@openzeppelin/merkle-tree";
import { getAddress, type Address, type Hex } from "viem";
import { packFlags, ShareStateError, type BatchProof } from "./shareState.ts";

/** The leaf encoding of `CumulativeSharePayout` (see `ShareStateLeaves.sol`). */
export const CUMULATIVE_LEAF_ENCODING = ["address", "uint256"] as const;
/** A batch entry packs the cumulative amount in 96 bits. */
export const MAX_CUMULATIVE = 2n ** 96n - 1n;

export type MinerCumulative = { miner: Address; cumulative: bigint };
export type CumulativeLeaf = MinerCumulative & { index: number };

export type CumulativeState = {
  root: Hex;
  /** The sum of the leaves: what the root commits, and must be funded. */
  total: bigint;
  leafCount: number;
  /** In tree order (payout order). */
  leaves: readonly CumulativeLeaf[];
  tree: StandardMerkleTree<[Address, bigint]>;
};

export type CumulativeBatchProof = Omit<BatchProof, "leaves"> & { leaves: CumulativeLeaf[] };

const byAddress = (a: MinerCumulative, b: MinerCumulative) => (a.miner.toLowerCase() < b.miner.toLowerCase() ? -1 : 1);

/** Adds a round's amounts (miner → amount) to the cumulative amounts of the last root: what the next root commits. */
export function accumulate(
  previous: readonly MinerCumulative[],
  round: ReadonlyMap<Address, bigint> | readonly MinerCumulative[],
): MinerCumulative[] {
  const sums = new Map<string, MinerCumulative>();
  const add = (miner: Address, amount: bigint) => {
    if (amount < 0n) throw new ShareStateError(`a negative amount for ${miner}`);
    const key = miner.toLowerCase();
    const entry = sums.get(key) ?? { miner: getAddress(miner), cumulative: 0n };
    entry.cumulative += amount;
    sums.set(key, entry);
  };
  for (const { miner, cumulative } of previous) add(miner, cumulative);
  if (round instanceof Map) for (const [miner, amount] of round) add(miner, amount);
  else for (const { miner, cumulative } of round as readonly MinerCumulative[]) add(miner, cumulative);
  return [...sums.values()].filter(({ cumulative }) => cumulative > 0n);
}

/** The tree of the cumulative amounts, leaves in address order (or `compare`'s), so batches are runs of leaves. */
export function buildCumulativeState(
  miners: readonly MinerCumulative[],
  compare: (a: MinerCumulative, b: MinerCumulative) => number = byAddress,
): CumulativeState {
  if (miners.length === 0) throw new ShareStateError("a cumulative state needs at least one miner");
  const seen = new Set<string>();
  for (const { miner, cumulative } of miners) {
    const key = miner.toLowerCase();
    if (seen.has(key)) throw new ShareStateError(`miner ${miner} appears twice`);
    seen.add(key);
    if (cumulative <= 0n || cumulative > MAX_CUMULATIVE) {
      throw new ShareStateError(`cumulative amount of ${miner} is not in 1 .. 2^96 − 1`);
    }
  }
  const leaves = [...miners]
    .sort(compare)
    .map(({ miner, cumulative }, index) => ({ index, miner: getAddress(miner), cumulative }));
  const tree = StandardMerkleTree.of<[Address, bigint]>(
    leaves.map(({ miner, cumulative }) => [miner, cumulative]),
    [...CUMULATIVE_LEAF_ENCODING],
    { sortLeaves: false },
  );
  return {
    root: tree.root as Hex,
    total: leaves.reduce((sum, leaf) => sum + leaf.cumulative, 0n),
    leafCount: leaves.length,
    leaves,
    tree,
  };
}

/** Packs a leaf into a `payBatch` entry: `cumulative << 160 | miner`. */
export function packCumulativeEntry({ miner, cumulative }: MinerCumulative): bigint {
  return (cumulative << 160n) | BigInt(miner);
}

/** The multiproof of the leaves at `indexes` (any order; each once), ready for `CumulativeSharePayout.payBatch`. */
export function cumulativeBatchProof(state: CumulativeState, indexes: readonly number[]): CumulativeBatchProof {
  if (indexes.length === 0) throw new ShareStateError("a batch needs at least one leaf");
  for (const index of indexes) {
    if (!Number.isInteger(index) || index < 0 || index >= state.leafCount) {
      throw new ShareStateError(`leaf index ${index} is not in 0 .. ${state.leafCount - 1}`);
    }
  }
  if (new Set(indexes).size !== indexes.length) throw new ShareStateError("a batch names a leaf twice");
  const multiproof = state.tree.getMultiProof([...indexes]);
  const byMiner = new Map(state.leaves.map((leaf) => [leaf.miner, leaf]));
  const leaves = multiproof.leaves.map(([miner]) => byMiner.get(miner)!);
  return {
    leaves,
    entries: leaves.map(packCumulativeEntry),
    proof: multiproof.proof as Hex[],
    proofFlagBits: packFlags(multiproof.proofFlags),
    proofFlagCount: multiproof.proofFlags.length,
  };
}

/** One miner's leaf and single proof, for `claim`; `undefined` if the miner is not in the state. */
export function cumulativeLeafProof(
  state: CumulativeState,
  miner: Address,
): { leaf: CumulativeLeaf; proof: Hex[] } | undefined {
  const leaf = state.leaves.find((l) => l.miner.toLowerCase() === miner.toLowerCase());
  if (leaf === undefined) return undefined;
  return { leaf, proof: state.tree.getProof(leaf.index) as Hex[] };
}

/** What a miner is owed: its cumulative amount less what it was paid, never below 0 (as the contract skips it). */
export function owedOf(cumulative: bigint, paid: bigint): bigint {
  return cumulative > paid ? cumulative - paid : 0n;
}
