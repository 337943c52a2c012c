// Gas of FluxAggregator rounds with 4, 9 and 16 oracles, and of `changeOracles` adding, removing and re-adding them,
// ours beside Chainlink's v0.6.6 on the same chain in one run (`npm run bench:oracle`).
import { mkdir, writeFile } from "node:fs/promises";
import { network } from "hardhat";
import { parseEther, parseUnits, zeroAddress, type Abi, type Address, type Hash } from "viem";
import { CHAINLINK_COMPILER, compileChainlinkFluxAggregator } from "./chainlink-flux-aggregator.ts";

const ORACLE_COUNTS = [4, 9, 16];
const ROUNDS = 5; // rounds 1 and 2 create the oracles' and the aggregator's storage; 3 to 5 are the steady state
const MEASURED_ROUND = 3;
const GOAL_RATIO = 0.8; // for a whole round
const PEER = `Chainlink FluxAggregator ${CHAINLINK_COMPILER.version}`;
const PAYMENT = parseEther("0.1");
const FUNDING = parseEther("1000"); // thousands of rounds: no round here runs short of funds
const TIMEOUT = 3600; // seconds; no round here comes near it
const DECIMALS = 8;
const MIN_SUBMISSION = 1n;
const MAX_SUBMISSION = parseUnits("1000000", DECIMALS);

/** A round closed by the n-th submission (min = max = n), or answered from a strict majority on (min = ⌊n/2⌋ + 1). */
const QUORUMS = [(n: number) => n, (n: number) => Math.floor(n / 2) + 1];

type Row = {
  metric: string;
  value: number;
  unit: "gas";
  params: { oracles: number; minSubmissions: number };
  peer: { name: string; value: number };
  ratio: number;
};
type Aggregator = { name: string; address: Address; abi: Abi };
type Wallet = (typeof oracles)[number];

const { viem } = await network.create();
const publicClient = await viem.getPublicClient();
const [deployer, ...oracles] = await viem.getWalletClients();
if (oracles.length < Math.max(...ORACLE_COUNTS)) throw new Error(`${oracles.length} accounts, too few oracles`);
process.stderr.write(`compiling Chainlink's FluxAggregator with solc ${CHAINLINK_COMPILER.version}…\n`);
const chainlink = compileChainlinkFluxAggregator();

async function gasOf(hash: Promise<Hash>): Promise<number> {
  const receipt = await publicClient.waitForTransactionReceipt({ hash: await hash });
  if (receipt.status !== "success") throw new Error(`transaction ${receipt.transactionHash} reverted`);
  return Number(receipt.gasUsed);
}

/**
 * Oracle `i`'s answer in `round`: about 2,000, each oracle at a different multiple of an odd step, in an order the
 * multiplier 7 (prime to 4, 9 and 16) scrambles, so the median is neither the first nor the last submission, and with
 * an even count the two middle values sum to an odd number and their mean is rounded. Every round moves all answers by
 * 1.00000000 alike: the same order, so the median's work is the same in every round, and no answer has a zero byte in
 * any of these rounds, so its calldata costs the same too; the steady state then shows as equal gas.
 */
function submission(round: number, i: number, n: number): bigint {
  return parseUnits("2000.12345678", DECIMALS) + BigInt(round) * 100_000_000n + BigInt((i * 7 + 3) % n) * 12_345n;
}

/** Chainlink's median: the middle value, or the mean of the two middle values rounded toward zero. */
function median(values: bigint[]): bigint {
  const sorted = [...values].sort((a, b) => (a < b ? -1 : a > b ? 1 : 0));
  const middle = sorted.length >> 1;
  return sorted.length % 2 === 1 ? sorted[middle]! : (sorted[middle - 1]! + sorted[middle]!) / 2n;
}

async function write(aggregator: Aggregator, from: Wallet, functionName: string, args: unknown[]): Promise<number> {
  return gasOf(from.writeContract({ address: aggregator.address, abi: aggregator.abi, functionName, args }));
}

async function read<T>(aggregator: Aggregator, functionName: string, args: unknown[] = []): Promise<T> {
  return (await publicClient.readContract({
    address: aggregator.address,
    abi: aggregator.abi,
    functionName,
    args,
  })) as T;
}

/**
 * Ours and Chainlink's, each funded and with the first `n` oracles, each oracle its own admin; `added` is the gas of
 * the `changeOracles` that added them to the empty aggregator, per aggregator.
 */
async function deployAggregators(n: number, minSubmissions: number) {
  const token = await viem.deployContract("StakingToken", [
    "Stake",
    "STK",
    deployer.account.address,
    parseEther("1000000000"),
  ]);
  const args = [
    token.address,
    PAYMENT,
    TIMEOUT,
    zeroAddress,
    MIN_SUBMISSION,
    MAX_SUBMISSION,
    DECIMALS,
    "ETH / USD",
  ] as const;
  const ours = await viem.deployContract("FluxAggregator", [...args]);
  const receipt = await publicClient.waitForTransactionReceipt({
    hash: await deployer.deployContract({ abi: chainlink.abi, bytecode: chainlink.bytecode, args: [...args] }),
  });
  if (!receipt.contractAddress) throw new Error("Chainlink's FluxAggregator not deployed");
  const aggregators: Aggregator[] = [
    { name: "ours", address: ours.address, abi: ours.abi },
    { name: PEER, address: receipt.contractAddress, abi: chainlink.abi },
  ];
  const addresses = oracles.slice(0, n).map((o) => o.account.address);
  const added: number[] = [];
  for (const aggregator of aggregators) {
    // funded as LINK funds an aggregator: transferAndCall, whose onTokenTransfer records the funds
    await token.write.transferAndCall([aggregator.address, FUNDING, "0x"]);
    // restart delay 0: any oracle may start the next round, so the same one starts every round here
    added.push(await write(aggregator, deployer, "changeOracles", [[], addresses, addresses, minSubmissions, n, 0]));
  }
  return { token, aggregators, addresses, added };
}

/**
 * Gas of every submission of rounds 1 to ROUNDS, per aggregator (`gas[aggregator][round][oracle]`), oracle 0 starting
 * each round and the others following in order; throws unless both aggregators end each round with the same round id
 * and the median of its submissions.
 */
async function runRounds(aggregators: Aggregator[], n: number): Promise<number[][][]> {
  const gas = aggregators.map(() => [[]] as number[][]);
  for (let round = 1; round <= ROUNDS; round++) {
    const values = Array.from({ length: n }, (_, i) => submission(round, i, n));
    for (const g of gas) g.push([]);
    for (let i = 0; i < n; i++) {
      for (const [a, aggregator] of aggregators.entries()) {
        gas[a]![round]!.push(await write(aggregator, oracles[i]!, "submit", [BigInt(round), values[i]]));
      }
    }
    for (const aggregator of aggregators) {
      const [roundId, answer, , , answeredInRound] = await read<bigint[]>(aggregator, "latestRoundData");
      if (roundId !== BigInt(round) || answeredInRound !== BigInt(round) || answer !== median(values)) {
        throw new Error(
          `${aggregator.name}, ${n} oracles: round ${roundId} answered ${answer} in round ${answeredInRound}, ` +
            `expected round ${round} answered ${median(values)}`,
        );
      }
    }
  }
  return gas;
}

async function measure(n: number, minSubmissions: number): Promise<Row[]> {
  const { token, aggregators, addresses, added } = await deployAggregators(n, minSubmissions);
  const gas = await runRounds(aggregators, n);
  const perAggregator = gas.map((rounds, a) => {
    const measured = rounds[MEASURED_ROUND]!;
    for (let round = MEASURED_ROUND + 1; round <= ROUNDS; round++) {
      if (rounds[round]!.some((g, i) => g !== measured[i])) {
        throw new Error(
          `${aggregators[a]!.name}, ${n} oracles: round ${round} costs ${rounds[round]} but round ` +
            `${MEASURED_ROUND} ${measured}: not yet in the steady state`,
        );
      }
    }
    return measured;
  });

  // oracle 0's admin (itself) withdraws all its payments into a balance it already holds, as a running node does
  const admin = oracles[0]!;
  await token.write.transfer([admin.account.address, parseEther("1")]);
  const withdrawals: number[] = [];
  for (const aggregator of aggregators) {
    const amount = await read<bigint>(aggregator, "withdrawablePayment", [admin.account.address]);
    if (amount !== PAYMENT * BigInt(ROUNDS)) throw new Error(`${aggregator.name}: ${amount} withdrawable`);
    const address = admin.account.address;
    withdrawals.push(await write(aggregator, admin, "withdrawPayment", [address, address, amount]));
  }

  // after the rounds, every oracle removed in one call (in the order added, so each removal in the first half moves
  // the list's tail into the gap), then all added back in one call, to slots their first add and rounds wrote
  const removed: number[] = [];
  const readded: number[] = [];
  for (const aggregator of aggregators) {
    removed.push(await write(aggregator, deployer, "changeOracles", [addresses, [], [], 0, 0, 0]));
    if ((await read<number>(aggregator, "oracleCount")) !== 0) throw new Error(`${aggregator.name}: oracles left`);
  }
  for (const aggregator of aggregators) {
    readded.push(await write(aggregator, deployer, "changeOracles", [[], addresses, addresses, minSubmissions, n, 0]));
    if ((await read<number>(aggregator, "oracleCount")) !== n) throw new Error(`${aggregator.name}: not re-added`);
  }

  const [ours, theirs] = perAggregator as [number[], number[]];
  const row = (metric: string, value: number, peer: number): Row => ({
    metric,
    value,
    unit: "gas",
    params: { oracles: n, minSubmissions },
    peer: { name: PEER, value: peer },
    ratio: Number((value / peer).toFixed(4)),
  });
  const sum = (gas: number[]) => gas.reduce((total, g) => total + g, 0);
  // a submission that neither starts the round nor answers it: halfway between the two
  const plain = Math.floor((minSubmissions - 1) / 2);
  const rows = [
    row("round.total.gas", sum(ours), sum(theirs)),
    row("submit.start.gas", ours[0]!, theirs[0]!),
    row("submit.plain.gas", ours[plain]!, theirs[plain]!),
  ];
  // with fewer than all oracles needed, the min-th submission answers (the median of those so far) and every later
  // one answers again; the last also closes the round
  if (minSubmissions < n) rows.push(row("submit.answer.gas", ours[minSubmissions - 1]!, theirs[minSubmissions - 1]!));
  rows.push(row("submit.last.gas", ours[n - 1]!, theirs[n - 1]!));
  if (minSubmissions === n) {
    rows.push(row("withdrawPayment.gas", withdrawals[0]!, withdrawals[1]!));
    // the quorum changes nothing in changeOracles' work: one set of rows, with the min = max = n runs
    rows.push(row("changeOracles.add.gas", added[0]!, added[1]!));
    // the first round after the add: the oracles' first submissions, whose slots ours' add already wrote
    rows.push(row("round.first.gas", sum(gas[0]![1]!), sum(gas[1]![1]!)));
    rows.push(row("changeOracles.remove.gas", removed[0]!, removed[1]!));
    rows.push(row("changeOracles.readd.gas", readded[0]!, readded[1]!));
  }
  return rows;
}

function printTable(header: string[], lines: string[][]) {
  const widths = header.map((h, i) => Math.max(h.length, ...lines.map((l) => l[i]!.length)));
  const fmt = (cells: string[]) => `| ${cells.map((c, i) => c.padEnd(widths[i]!)).join(" | ")} |`;
  console.log(fmt(header));
  console.log(fmt(widths.map((w) => "-".repeat(w))));
  for (const l of lines) console.log(fmt(l));
}

const rows: Row[] = [];
for (const quorum of QUORUMS) {
  for (const n of ORACLE_COUNTS) {
    process.stderr.write(`${ROUNDS} rounds of ${n} oracles, answered from ${quorum(n)} submissions…\n`);
    rows.push(...(await measure(n, quorum(n))));
  }
}

printTable(
  ["operation", "oracles", "min/max", "ours", PEER, "ratio", `goal <= ${GOAL_RATIO}`],
  rows.map((r) => [
    r.metric.replace(/\.gas$/, ""),
    String(r.params.oracles),
    `${r.params.minSubmissions}/${r.params.oracles}`,
    r.value.toLocaleString("en-US"),
    r.peer.value.toLocaleString("en-US"),
    r.ratio.toFixed(3),
    r.metric === "round.total.gas" ? (r.value <= r.peer.value * GOAL_RATIO ? "met" : "MISSED") : "—",
  ]),
);

const out = new URL("../../../bench/results/oracle.json", import.meta.url);
await mkdir(new URL(".", out), { recursive: true });
await writeFile(out, `${JSON.stringify(rows, null, 2)}\n`);
console.log(`\nwrote ${out.pathname}`);
