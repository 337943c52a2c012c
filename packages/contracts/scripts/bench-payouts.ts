// Share-state payouts with the seed's 2,239 miners (`hardhat run` this file; `npm run bench:payouts`): miners paid per
// transaction under a 30,000,000 gas cap and gas per miner, for new and existing token holders, against the bare
// batched ERC-20 transfer measured in the same run.
import { mkdir, writeFile } from "node:fs/promises";
import { network } from "hardhat";
import { getAddress, keccak256, parseEther, toHex, type Address, type Hash } from "viem";
import { batchProof, buildShareState, fitBatch, payoutOf, type ShareState } from "../../payouts/src/index.ts";

const MINERS = 2_239; // the seed's share state
const GAS_CAP = 30_000_000n;
const SEED_MINERS_PER_TX = 300; // the seed's second test transaction
const REWARD = parseEther("1000");
const GOAL_MINERS = 1_000;
const GOAL_RATIO = 1.1;

type Row = {
  metric: string;
  value: number;
  unit: "gas" | "miners" | "transactions";
  params: Record<string, number | string>;
  peer?: { name: string; value: number };
};

// EIP-7825 caps a transaction at 2^24 gas from Osaka on; the cap is the 30,000,000 of a Prague block
const { viem } = await network.create({ override: { hardfork: "prague", blockGasLimit: 60_000_000n } } as never);
const publicClient = await viem.getPublicClient();
const [deployer, executor] = await viem.getWalletClients();

async function gasOf(hash: Promise<Hash>): Promise<bigint> {
  const receipt = await publicClient.waitForTransactionReceipt({ hash: await hash });
  if (receipt.status !== "success") throw new Error(`transaction ${receipt.transactionHash} reverted`);
  return receipt.gasUsed;
}

/** A deterministic pseudo-random generator (mulberry32), so every run measures the same share state. */
function random(seed: number) {
  return () => {
    seed = (seed + 0x6d2b79f5) | 0;
    let t = Math.imul(seed ^ (seed >>> 15), 1 | seed);
    t = (t + Math.imul(t ^ (t >>> 7), 61 | t)) ^ t;
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}
const next = random(2239);
const minersOf = (set: string): Address[] =>
  Array.from({ length: MINERS }, (_, i) => getAddress(keccak256(toHex(`poolnet ${set} miner ${i}`)).slice(0, 42)));
// share scores as the seed drew them: random, spread over three orders of magnitude
const scoresFor = (miners: Address[]) =>
  miners.map((miner) => ({ miner, score: BigInt(Math.floor(1e6 + next() * 1e9)) }));

const token = await viem.deployContract("StakingToken", [
  "Stake",
  "STK",
  deployer.account.address,
  parseEther("1000000000"),
]);
const payout = await viem.deployContract("ShareStatePayout", []);
const floor = await viem.deployContract("BatchTransferFloor", []);
await token.write.transfer([floor.address, parseEther("1000000")]);
await token.write.approve([payout.address, parseEther("1000000000")]);

const newMiners = minersOf("new");
const existingMiners = minersOf("existing");
const floorNewMiners = minersOf("floor");
// existing holders hold one wei already
for (let i = 0; i < MINERS; i += 500) {
  const chunk = existingMiners.slice(i, i + 500);
  await gasOf(floor.write.transferBatch([token.address, chunk, chunk.map(() => 1n)], { gas: GAS_CAP }));
}

async function post(state: ShareState): Promise<bigint> {
  const deadline = BigInt(Math.floor(Date.now() / 1000) + 365 * 86400);
  await gasOf(
    payout.write.post([token.address, state.root, state.totalScore, state.leafCount, REWARD, 0n, Number(deadline)]),
  );
  return (await payout.read.shareStateCount()) - 1n;
}

const indexesFrom = (start: number, count: number) => Array.from({ length: count }, (_, i) => start + i);

/** Pays the whole share state in batches as large as fit the cap; returns each batch's size and gas. */
async function payAll(id: bigint, state: ShareState) {
  const batches: { count: number; gas: bigint }[] = [];
  for (let start = 0; start < state.leafCount;) {
    const args = (count: number) => {
      const batch = batchProof(state, indexesFrom(start, count));
      return [id, batch.entries, batch.proof, batch.proofFlagBits] as const;
    };
    const { count } = await fitBatch({
      gasLimit: GAS_CAP,
      maxCount: state.leafCount - start,
      estimateGas: (count) => payout.estimateGas.payBatch(args(count), { account: executor.account, gas: GAS_CAP }),
    });
    const gas = await gasOf(payout.write.payBatch(args(count), { account: executor.account, gas: GAS_CAP }));
    batches.push({ count, gas });
    start += count;
  }
  return batches;
}

async function floorGas(recipients: Address[], amounts: bigint[]) {
  return gasOf(floor.write.transferBatch([token.address, recipients, amounts], { gas: GAS_CAP }));
}

async function floorMaxPerTx(recipients: Address[], amounts: bigint[]) {
  return fitBatch({
    gasLimit: GAS_CAP,
    maxCount: recipients.length,
    estimateGas: (count) =>
      floor.estimateGas.transferBatch([token.address, recipients.slice(0, count), amounts.slice(0, count)], {
        gas: GAS_CAP,
      }),
  });
}

const rows: Row[] = [];
const table: string[][] = [];
for (const holders of ["new", "existing"] as const) {
  process.stderr.write(`paying ${MINERS} ${holders} holders…\n`);
  const miners = holders === "new" ? newMiners : existingMiners;
  const state = buildShareState(scoresFor(miners));
  const id = await post(state);
  const batches = await payAll(id, state);
  const first = batches[0]!;
  const perMiner = Number(first.gas) / first.count;

  // the floor pays the same amounts to as many recipients of the same kind, in one bare batched transfer
  const paid = state.leaves.slice(0, first.count);
  const amounts = paid.map((leaf) => payoutOf(leaf.score, REWARD, state.totalScore));
  const floorRecipients = holders === "new" ? floorNewMiners.slice(0, first.count) : paid.map((leaf) => leaf.miner);
  const floorMax = await floorMaxPerTx(
    holders === "new" ? floorNewMiners : miners,
    holders === "new" ? floorNewMiners.map(() => 1n) : miners.map(() => 1n),
  );
  const floorPerMiner = Number(await floorGas(floorRecipients, amounts)) / first.count;
  const ratio = perMiner / floorPerMiner;
  const params = { miners: MINERS, holders, gasCap: Number(GAS_CAP) };
  rows.push(
    {
      metric: "payBatch.minersPerTx",
      value: first.count,
      unit: "miners",
      params,
      peer: { name: "seed (Ergo AVL share state), miners per transaction", value: SEED_MINERS_PER_TX },
    },
    {
      metric: "payBatch.gasPerMiner",
      value: Math.round(perMiner),
      unit: "gas",
      params: { ...params, batch: first.count },
      peer: {
        name: "bare batched ERC-20 transfer (BatchTransferFloor), same recipients' kind",
        value: Math.round(floorPerMiner),
      },
    },
    { metric: "payBatch.transactions", value: batches.length, unit: "transactions", params },
    { metric: "floor.minersPerTx", value: floorMax.count, unit: "miners", params },
  );
  table.push([
    holders,
    first.count.toLocaleString("en-US"),
    `${SEED_MINERS_PER_TX} (${(first.count / SEED_MINERS_PER_TX).toFixed(2)}x)`,
    floorMax.count.toLocaleString("en-US"),
    Math.round(perMiner).toLocaleString("en-US"),
    Math.round(floorPerMiner).toLocaleString("en-US"),
    ratio.toFixed(3),
    `${batches.length} (${batches.map((b) => b.count).join(" + ")})`,
    first.count >= GOAL_MINERS && ratio <= GOAL_RATIO ? "met" : "NOT MET",
  ]);
}

const header = [
  "holders",
  "miners/tx",
  "seed",
  "floor miners/tx",
  "gas/miner",
  "floor gas/miner",
  "ratio",
  `txs for ${MINERS}`,
  `goal >= ${GOAL_MINERS}, <= ${GOAL_RATIO}x`,
];
const widths = header.map((h, i) => Math.max(h.length, ...table.map((l) => l[i]!.length)));
const fmt = (cells: string[]) => `| ${cells.map((c, i) => c.padEnd(widths[i]!)).join(" | ")} |`;
console.log(fmt(header));
console.log(fmt(widths.map((w) => "-".repeat(w))));
for (const l of table) console.log(fmt(l));

const out = new URL("../../../bench/results/payouts.json", import.meta.url);
await mkdir(new URL(".", out), { recursive: true });
await writeFile(out, `${JSON.stringify(rows, null, 2)}\n`);
console.log(`\nwrote ${out.pathname}`);
