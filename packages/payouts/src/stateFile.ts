// A share state as a JSON file, as `poolnet payouts build` writes it and `post`, `pay`, `prove` read it: the root,
// the total score and every leaf (scores as decimal strings), and once posted where and under which id.
import { readFile, rename, writeFile } from "node:fs/promises";
import { isAddress, type Address, type Hex } from "viem";
import { buildShareState, type ShareState } from "./shareState.ts";

export type ShareStateFile = {
  version: 1;
  /** How the scores were made, e.g. "pplns last 1000 shares up to block 812"; for people. */
  scheme: string;
  root: Hex;
  totalScore: string;
  leafCount: number;
  leaves: { index: number; miner: Address; score: string }[];
  /** PPS: the reward to post, in the token's smallest units (what the miners' PPS amounts add up to). */
  reward?: string;
  /** Set by `post`. */
  posted?: { chainId: number; contract: Address; id: string; transactionHash: Hex };
};

export class ShareStateFileError extends Error {
  override name = "ShareStateFileError";
}

export function toShareStateFile(state: ShareState, scheme: string): ShareStateFile {
  return {
    version: 1,
    scheme,
    root: state.root,
    totalScore: state.totalScore.toString(),
    leafCount: state.leafCount,
    leaves: state.leaves.map(({ index, miner, score }) => ({ index, miner, score: score.toString() })),
  };
}

/** Rebuilds the tree from the file's leaves, in the file's order, and checks it gives the file's root and total. */
export function shareStateOf(file: ShareStateFile, source = "the share state file"): ShareState {
  const order = new Map<string, number>();
  const miners = file.leaves.map((leaf, i) => {
    if (leaf.index !== i) throw new ShareStateFileError(`${source}: leaf ${i} has index ${leaf.index}`);
    if (!isAddress(leaf.miner, { strict: false })) throw new ShareStateFileError(`${source}: leaf ${i}: bad miner`);
    if (!/^[0-9]{1,20}$/.test(leaf.score)) throw new ShareStateFileError(`${source}: leaf ${i}: bad score`);
    order.set(leaf.miner.toLowerCase(), i);
    return { miner: leaf.miner, score: BigInt(leaf.score) };
  });
  let state: ShareState;
  try {
    state = buildShareState(miners, {
      compare: (a, b) => order.get(a.miner.toLowerCase())! - order.get(b.miner.toLowerCase())!,
    });
  } catch (error) {
    throw new ShareStateFileError(`${source}: ${(error as Error).message}`);
  }
  if (state.root !== file.root || state.totalScore.toString() !== file.totalScore) {
    throw new ShareStateFileError(`${source}: its leaves do not give its root and total score: it was edited`);
  }
  return state;
}

export async function readShareStateFile(path: string): Promise<ShareStateFile> {
  let json: unknown;
  try {
    json = JSON.parse(await readFile(path, "utf8"));
  } catch (error) {
    const code = (error as NodeJS.ErrnoException).code;
    throw new ShareStateFileError(
      code === "ENOENT" ? `no share state file at ${path}: run \`poolnet payouts build\` first` : `${path}: not JSON`,
    );
  }
  const file = json as ShareStateFile;
  if (file === null || typeof file !== "object" || file.version !== 1 || !Array.isArray(file.leaves)) {
    throw new ShareStateFileError(`${path} is not a share state file (version 1)`);
  }
  return file;
}

/** Writes atomically: a crash leaves the old file or the new one. */
export async function writeShareStateFile(path: string, file: ShareStateFile): Promise<void> {
  const temporary = `${path}.${process.pid}.tmp`;
  await writeFile(temporary, `${JSON.stringify(file, null, 2)}\n`);
  await rename(temporary, path);
}
