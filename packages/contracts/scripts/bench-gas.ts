// Gas of the delegation lifecycle with 1, 100 and 10,000 delegators already in a pool, and of batched finalization
// with 1, 10 and 100 due entries in one call (`npm run bench:gas`).
import { mkdir, writeFile } from "node:fs/promises";
import { network } from "hardhat";
import { deployRegistry as deployRegistryBehindProxy } from "./registry-deployment.ts";
import { getAddress, keccak256, parseEther, toHex, type Address, type Hash } from "viem";

const DELEGATOR_COUNTS = [1, 100, 10_000];
const BATCH = 50; // delegators created per transaction
const ENTRY_COUNTS = [1, 10, 100]; // due entries finalized in one call
// Synthetix StakingRewards, the peer the issue holds us against (gas of its matching operations).
const SYNTHETIX = { stake: 146_866, withdraw: 137_381, getReward: 167_652 } as const;
const GOAL_RATIO = 0.7;
const AUTO_DELEGATION_FEE = 20_000n; // 2%, in ppm: what alice pays the keeper who redelegates her rewards

type Row = {
  metric: string;
  value: number;
  unit: "gas";
  params: { delegators: number } | { entries: number };
  peer?: { name: string; value: number };
};

const connection = await network.create();
const { viem, networkHelpers } = connection;
const publicClient = await viem.getPublicClient();
const [deployer, operator, alice, bob, keeper, otherOperator] = await viem.getWalletClients();
const THAWING_PERIOD = 7n * 24n * 3600n;
const TRANSFER_LOCKOUT_PERIOD = 2n * 24n * 3600n;
const MIN_SELF_STAKE = parseEther("1000");

/** The one place the registry is deployed: a change of how (a proxy, say) is made here and nowhere else. */
async function deployRegistry(token: Address) {
  const { registry } = await deployRegistryBehindProxy(connection, {
    token,
    thawingPeriod: THAWING_PERIOD,
    transferLockoutPeriod: TRANSFER_LOCKOUT_PERIOD,
    minSelfStake: MIN_SELF_STAKE,
    protocolFeeRate: 50_000n,
    feeRecipient: deployer.account.address,
    proposer: deployer.account.address,
    governanceDelay: THAWING_PERIOD + 1n,
  });
  return registry;
}

type Token = Awaited<ReturnType<typeof deployToken>>;
type Registry = Awaited<ReturnType<typeof deployRegistry>>;
type Wallet = typeof deployer;

function deployToken() {
  return viem.deployContract("StakingToken", ["Stake", "STK", deployer.account.address, parseEther("1000000000")]);
}

async function gasOf(hash: Promise<Hash>): Promise<number> {
  const receipt = await publicClient.waitForTransactionReceipt({ hash: await hash });
  if (receipt.status !== "success") throw new Error(`transaction ${receipt.transactionHash} reverted`);
  return Number(receipt.gasUsed);
}

/** Registers a pool operated by `owner`, with its self-stake (the minimum and an odd wei), and returns it. */
async function openPool(token: Token, registry: Registry, owner: Wallet, name: string): Promise<Address> {
  await registry.write.registerPool(
    [owner.account.address, 100_000n, `https://example.org/${name}.json`, keccak256(toHex(name))],
    { account: owner.account },
  );
  const count = await registry.read.getPoolCount();
  const [pool] = await registry.read.getPools([count - 1n, 1n]);
  if (!pool) throw new Error(`pool ${name} not registered`);
  await token.write.transfer([owner.account.address, MIN_SELF_STAKE + 1n]);
  await token.write.approve([registry.address, 2n ** 256n - 1n], { account: owner.account });
  await registry.write.delegate([pool, MIN_SELF_STAKE + 1n], { account: owner.account });
  return pool;
}

async function measure(delegators: number): Promise<Row[]> {
  const token = await deployToken();
  const registry = await deployRegistry(token.address);
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
  const selfStake = MIN_SELF_STAKE + 1n;
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
  const toPool = await openPool(token, registry, otherOperator, "other");
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

  // auto-redelegation: alice lets anyone add her rewards to her stake for a fee, and the keeper (who already holds
  // tokens) does it once a reward has been distributed; measured last, so nothing measured above changes
  await registry.write.enableAutoRewardsDelegation([pool, AUTO_DELEGATION_FEE], { account: alice.account });
  await token.write.transfer([pool, parseEther("25")]);
  await registry.write.distributeRewards([pool]);
  const autoDelegateRewards = await gasOf(
    registry.write.autoDelegateRewards([pool, alice.account.address], { account: keeper.account }),
  );

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
    row("autoDelegateRewards.gas", autoDelegateRewards),
  ];
}

/** A delegator that is not a Hardhat account: a fixed address, impersonated and given gas money. */
async function batchDelegator(i: number): Promise<Address> {
  const address = getAddress(keccak256(toHex(`bench batch delegator ${i}`)).slice(0, 42));
  await networkHelpers.impersonateAccount(address);
  await networkHelpers.setBalance(address, parseEther("1"));
  return address;
}

/**
 * Gas of a keeper finalizing `entries` due undelegations in one `finalizeUndelegations`, and `entries` due transfers
 * in one `finalizeTransfers`, each entry a different delegator's (with a fee for the keeper), in two pools in their
 * steady state. As for `finalizeTransfer` above, a reward has just been distributed in the pool the transfers land in,
 * and each delegator is new there. The keeper already holds tokens, as a keeper that finalizes batches would (in the
 * `finalizeUndelegate` row above it receives its first, so that row includes creating its token balance).
 */
async function measureBatches(): Promise<Row[]> {
  const token = await deployToken();
  const registry = await deployRegistry(token.address);
  const pool = await openPool(token, registry, operator, "pool");
  const toPool = await openPool(token, registry, otherOperator, "other");
  for (const p of [pool, toPool]) {
    await token.write.transfer([p, parseEther("25")]);
    await registry.write.distributeRewards([p]);
  }
  await token.write.transfer([keeper.account.address, parseEther("1")]);

  const rows: Row[] = [];
  let made = 0;
  for (const entries of ENTRY_COUNTS) {
    const fromBlock = (await publicClient.getBlockNumber()) + 1n;
    for (let i = 0; i < entries; i++) {
      const delegator = await batchDelegator(made++);
      await token.write.transfer([delegator, parseEther("31")]);
      await token.write.approve([registry.address, 2n ** 256n - 1n], { account: delegator });
      await registry.write.delegate([pool, parseEther("30")], { account: delegator });
      await registry.write.undelegate([pool, parseEther("10"), parseEther("0.1")], { account: delegator });
      await registry.write.transferDelegation([pool, toPool, parseEther("10"), parseEther("0.1")], {
        account: delegator,
      });
    }
    const undelegationIds = (await registry.getEvents.Undelegated({}, { fromBlock })).map((log) => log.args.id!);
    const transferIds = (await registry.getEvents.DelegationTransferred({}, { fromBlock })).map((log) => log.args.id!);
    if (undelegationIds.length !== entries || transferIds.length !== entries) throw new Error("entries not made");
    await networkHelpers.time.increase(THAWING_PERIOD); // past both lockouts
    await token.write.transfer([toPool, parseEther("25")]);
    await registry.write.distributeRewards([toPool]);

    // every entry must be due, or a skipped one would be measured as finalized
    const due = await registry.simulate.finalizeUndelegations([undelegationIds], { account: keeper.account.address });
    if (due.result !== BigInt(entries)) throw new Error(`${due.result} of ${entries} undelegations due`);
    const undelegations = await gasOf(
      registry.write.finalizeUndelegations([undelegationIds], { account: keeper.account }),
    );
    const landing = await registry.simulate.finalizeTransfers([transferIds], { account: keeper.account.address });
    if (landing.result !== BigInt(entries)) throw new Error(`${landing.result} of ${entries} transfers due`);
    const transfers = await gasOf(registry.write.finalizeTransfers([transferIds], { account: keeper.account }));

    // per entry: the total over a count of 1, 10 or 100, so exact to the hundredth
    const row = (metric: string, value: number): Row => ({ metric, value, unit: "gas", params: { entries } });
    rows.push(
      row("finalizeUndelegations.gas", undelegations),
      row("finalizeUndelegations.perEntry.gas", undelegations / entries),
      row("finalizeTransfers.gas", transfers),
      row("finalizeTransfers.perEntry.gas", transfers / entries),
    );
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
for (const count of DELEGATOR_COUNTS) {
  process.stderr.write(`filling a pool with ${count} delegators…\n`);
  rows.push(...(await measure(count)));
}
process.stderr.write(`finalizing ${ENTRY_COUNTS.join(", ")} entries in one call…\n`);
const batchRows = await measureBatches();

const byDelegators = (metric: string, n: number) =>
  rows.find((r) => r.metric === metric && "delegators" in r.params && r.params.delegators === n)!;
printTable(
  ["operation", ...DELEGATOR_COUNTS.map((n) => `${n} delegators`), "spread", "peer", "ratio", `goal <= ${GOAL_RATIO}`],
  [...new Set(rows.map((r) => r.metric))].map((metric) => {
    const byCount = DELEGATOR_COUNTS.map((n) => byDelegators(metric, n));
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
  }),
);
console.log();
const byEntries = (metric: string, n: number) =>
  batchRows.find((r) => r.metric === metric && "entries" in r.params && r.params.entries === n)!;
printTable(
  ["operation", ...ENTRY_COUNTS.map((n) => `${n} entries`)],
  [...new Set(batchRows.map((r) => r.metric))].map((metric) => [
    metric.replace(/\.gas$/, ""),
    ...ENTRY_COUNTS.map((n) => byEntries(metric, n).value.toLocaleString("en-US")),
  ]),
);

const out = new URL("../../../bench/results/gas.json", import.meta.url);
await mkdir(new URL(".", out), { recursive: true });
await writeFile(out, `${JSON.stringify([...rows, ...batchRows], null, 2)}\n`);
console.log(`\nwrote ${out.pathname}`);
