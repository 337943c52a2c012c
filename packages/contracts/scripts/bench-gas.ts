// Gas of the delegation lifecycle with 1, 100 and 10,000 delegators already in a pool (`npm run bench:gas`).
import { mkdir, writeFile } from "node:fs/promises";
import { network } from "hardhat";
import { parseEther, type Hash } from "viem";

const DELEGATOR_COUNTS = [1, 100, 10_000];
const BATCH = 50; // delegators created per transaction
// Synthetix StakingRewards, the peer the issue holds us against (gas of its matching operations).
const SYNTHETIX = { stake: 146_866, withdraw: 137_381, getReward: 167_652 } as const;
const GOAL_RATIO = 0.7;

type Row = {
  metric: string;
  value: number;
  unit: "gas";
  params: { delegators: number };
  peer?: { name: string; value: number };
};

const { viem, networkHelpers } = await network.create();
const publicClient = await viem.getPublicClient();
const [deployer, operator, alice, bob, keeper, otherOperator] = await viem.getWalletClients();
const THAWING_PERIOD = 7n * 24n * 3600n;
const TRANSFER_LOCKOUT_PERIOD = 2n * 24n * 3600n;

async function gasOf(hash: Promise<Hash>): Promise<number> {
  const receipt = await publicClient.waitForTransactionReceipt({ hash: await hash });
  if (receipt.status !== "success") throw new Error(`transaction ${receipt.transactionHash} reverted`);
  return Number(receipt.gasUsed);
}

async function measure(delegators: number): Promise<Row[]> {
  const supply = parseEther("1000000000");
  const token = await viem.deployContract("StakingToken", ["Stake", "STK", deployer.account.address, supply]);
  const registry = await viem.deployContract("PoolRegistry", [
    token.address,
    THAWING_PERIOD,
    TRANSFER_LOCKOUT_PERIOD,
    parseEther("1000"),
    50_000n,
    deployer.account.address,
    deployer.account.address,
  ]);
  const factory = await viem.deployContract("BenchDelegators", [token.address, registry.address]);
  await registry.write.registerPool(
    [operator.account.address, 100_000n, "https://example.org/pool.json", `0x${"11".repeat(32)}`],
    { account: operator.account },
  );
  const [pool] = await registry.read.getPools([0n, 1n]);
  if (!pool) throw new Error("pool not registered");

  for (const wallet of [operator, alice, bob]) {
    await token.write.transfer([wallet.account.address, parseEther("100000")]);
    await token.write.approve([registry.address, 2n ** 256n - 1n], { account: wallet.account });
  }
  // the operator's self-stake is delegator number one; the odd wei keeps every division inexact, as in real pools
  const selfStake = parseEther("1000") + 1n;
  await registry.write.delegate([pool, selfStake], { account: operator.account });
  const stakeEach = parseEther("10");
  await token.write.transfer([factory.address, stakeEach * BigInt(delegators)]);
  for (let made = 1; made < delegators; made += BATCH) {
    const count = Math.min(BATCH, delegators - made);
    await factory.write.addDelegators([pool, BigInt(count), stakeEach], { gas: 16_000_000n });
  }
  const [total] = await registry.read.getTotalStake([pool]);
  if (total !== selfStake + stakeEach * BigInt(delegators - 1)) throw new Error(`unexpected total ${total}`);

  // alice is an existing delegator who has earned rewards; measurements start in the steady state, after a first
  // reward has been distributed (so the pool's counters are already non-zero, as in any running pool)
  await registry.write.delegate([pool, parseEther("500")], { account: alice.account });
  await token.write.transfer([pool, parseEther("25")]);
  await registry.write.distributeRewards([pool]);
  await token.write.transfer([pool, parseEther("25")]);
  const distribute = await gasOf(registry.write.distributeRewards([pool]));
  const delegateNew = await gasOf(registry.write.delegate([pool, parseEther("500")], { account: bob.account }));
  await token.write.transfer([pool, parseEther("25")]);
  await registry.write.distributeRewards([pool]);
  const delegateExisting = await gasOf(registry.write.delegate([pool, parseEther("100")], { account: alice.account }));
  await token.write.transfer([pool, parseEther("25")]);
  await registry.write.distributeRewards([pool]);
  const undelegate = await gasOf(
    registry.write.undelegate([pool, parseEther("100"), parseEther("1")], { account: alice.account }),
  );
  await token.write.transfer([pool, parseEther("25")]);
  await registry.write.distributeRewards([pool]);
  const withdrawRewards = await gasOf(registry.write.withdrawRewards([pool], { account: alice.account }));
  const logs = await registry.getEvents.Undelegated({}, { fromBlock: 0n });
  const id = logs.at(-1)?.args.id;
  if (id === undefined) throw new Error("no undelegation");
  await networkHelpers.time.increase(THAWING_PERIOD);
  const finalizeUndelegate = await gasOf(registry.write.finalizeUndelegate([id], { account: keeper.account }));

  // a transfer of alice's stake (with rewards owed) to a second pool in its steady state, where she is new; the
  // second pool is registered only now, so nothing measured above changes
  await registry.write.registerPool(
    [otherOperator.account.address, 100_000n, "https://example.org/other.json", `0x${"22".repeat(32)}`],
    { account: otherOperator.account },
  );
  const [, toPool] = await registry.read.getPools([0n, 2n]);
  if (!toPool) throw new Error("second pool not registered");
  await token.write.transfer([otherOperator.account.address, parseEther("1001")]);
  await token.write.approve([registry.address, 2n ** 256n - 1n], { account: otherOperator.account });
  await registry.write.delegate([toPool, parseEther("1000") + 1n], { account: otherOperator.account });
  await token.write.transfer([toPool, parseEther("25")]);
  await registry.write.distributeRewards([toPool]);
  await token.write.transfer([pool, parseEther("25")]);
  await registry.write.distributeRewards([pool]);
  const transferDelegation = await gasOf(
    registry.write.transferDelegation([pool, toPool, parseEther("100"), parseEther("1")], { account: alice.account }),
  );
  const transfers = await registry.getEvents.DelegationTransferred({}, { fromBlock: 0n });
  const transferId = transfers.at(-1)?.args.id;
  if (transferId === undefined) throw new Error("no transfer");
  await networkHelpers.time.increase(TRANSFER_LOCKOUT_PERIOD);
  await token.write.transfer([toPool, parseEther("25")]);
  await registry.write.distributeRewards([toPool]);
  const finalizeTransfer = await gasOf(registry.write.finalizeTransfer([transferId], { account: keeper.account }));

  const row = (metric: string, value: number, peer?: { name: string; value: number }): Row => ({
    metric,
    value,
    unit: "gas",
    params: { delegators },
    ...(peer ? { peer } : {}),
  });
  return [
    row("delegate.new.gas", delegateNew, { name: "Synthetix StakingRewards.stake", value: SYNTHETIX.stake }),
    row("delegate.existing.gas", delegateExisting, { name: "Synthetix StakingRewards.stake", value: SYNTHETIX.stake }),
    row("undelegate.gas", undelegate, { name: "Synthetix StakingRewards.withdraw", value: SYNTHETIX.withdraw }),
    row("finalizeUndelegate.gas", finalizeUndelegate, {
      name: "Synthetix StakingRewards.withdraw",
      value: SYNTHETIX.withdraw,
    }),
    row("withdrawRewards.gas", withdrawRewards, {
      name: "Synthetix StakingRewards.getReward",
      value: SYNTHETIX.getReward,
    }),
    row("distributeRewards.gas", distribute),
    row("transferDelegation.gas", transferDelegation),
    row("finalizeTransfer.gas", finalizeTransfer),
  ];
}

const rows: Row[] = [];
for (const count of DELEGATOR_COUNTS) {
  process.stderr.write(`filling a pool with ${count} delegators…\n`);
  rows.push(...(await measure(count)));
}

const metrics = [...new Set(rows.map((r) => r.metric))];
const header = [
  "operation",
  ...DELEGATOR_COUNTS.map((n) => `${n} delegators`),
  "spread",
  "peer",
  "ratio",
  `goal <= ${GOAL_RATIO}`,
];
const lines = metrics.map((metric) => {
  const byCount = DELEGATOR_COUNTS.map((n) => rows.find((r) => r.metric === metric && r.params.delegators === n)!);
  const values = byCount.map((r) => r.value);
  const spread = (Math.max(...values) - Math.min(...values)) / Math.min(...values);
  const peer = byCount[0]!.peer;
  const ratio = peer ? Math.max(...values) / peer.value : undefined;
  return [
    metric.replace(/\.gas$/, ""),
    ...values.map((v) => v.toLocaleString("en-US")),
    `${(spread * 100).toFixed(2)}%`,
    peer ? `${peer.name} ${peer.value.toLocaleString("en-US")}` : "—",
    ratio === undefined ? "—" : ratio.toFixed(3),
    ratio === undefined
      ? spread <= 0.01
        ? "flat"
        : "NOT FLAT"
      : ratio <= GOAL_RATIO && spread <= 0.01
        ? "met"
        : "MISSED",
  ];
});
const widths = header.map((h, i) => Math.max(h.length, ...lines.map((l) => l[i]!.length)));
const fmt = (cells: string[]) => `| ${cells.map((c, i) => c.padEnd(widths[i]!)).join(" | ")} |`;
console.log(fmt(header));
console.log(fmt(widths.map((w) => "-".repeat(w))));
for (const l of lines) console.log(fmt(l));

const out = new URL("../../../bench/results/gas.json", import.meta.url);
await mkdir(new URL(".", out), { recursive: true });
await writeFile(out, `${JSON.stringify(rows, null, 2)}\n`);
console.log(`\nwrote ${out.pathname}`);
