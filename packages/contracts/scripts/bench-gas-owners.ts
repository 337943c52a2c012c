// Gas of PoolOwners' distribution, withdrawal and share transfer with 43 and 10,000 owners (`hardhat run` this file).
import { mkdir, writeFile } from "node:fs/promises";
import { network } from "hardhat";
import { getAddress, keccak256, parseEther, toHex, type Hash } from "viem";

const OWNER_COUNTS = [43, 10_000];
const BATCH = 200; // holders BenchOwners makes per transaction
const CREATOR_GRANTS = [parseEther("1500"), parseEther("1000"), parseEther("500")]; // the creators' 75%
const ALICE_CONTRIBUTION = parseEther("13.6");
const HARD_CAP = parseEther("1000");
const SPREAD_SHARE = parseEther("0.01"); // each made holder's share: 0.00025%

type Row = { metric: string; value: number; unit: "gas"; params: { owners: number } };

const { viem } = await network.create();
const publicClient = await viem.getPublicClient();
const [deployer, alice, bob, keeper, ...creators] = await viem.getWalletClients();
const wallet = getAddress(keccak256(toHex("poolnet sale wallet")).slice(0, 42));

async function gasOf(hash: Promise<Hash>): Promise<number> {
  const receipt = await publicClient.waitForTransactionReceipt({ hash: await hash });
  if (receipt.status !== "success") throw new Error(`transaction ${receipt.transactionHash} reverted`);
  return Number(receipt.gasUsed);
}

async function measure(ownerCount: number): Promise<Row[]> {
  const token = await viem.deployContract("StakingToken", [
    "Stake",
    "STK",
    deployer.account.address,
    parseEther("1000000000"),
  ]);
  const owners = await viem.deployContract("PoolOwners", [wallet, deployer.account.address]);
  await owners.write.addToken([token.address]);
  for (const [i, grant] of CREATOR_GRANTS.entries()) {
    await owners.write.setOwnerShare([creators[i]!.account.address, grant]);
  }
  // alice is a contributor whose withdrawal is measured; BenchOwners buys the rest of the sale and gives a small share
  // to each of the other holders: 3 creators + alice + BenchOwners + the made holders = ownerCount
  await owners.write.contribute({ account: alice.account, value: ALICE_CONTRIBUTION });
  const factory = await viem.deployContract("BenchOwners", [owners.address]);
  await factory.write.contribute({ value: HARD_CAP - ALICE_CONTRIBUTION });
  const toMake = ownerCount - CREATOR_GRANTS.length - 2;
  for (let made = 0; made < toMake; made += BATCH) {
    await factory.write.spread([BigInt(Math.min(BATCH, toMake - made)), SPREAD_SHARE], { gas: 16_000_000n });
  }
  const lastHolder = await factory.read.holderAt([BigInt(toMake - 1)]);
  if ((await owners.read.shareOf([lastHolder])) !== SPREAD_SHARE) throw new Error("holders not made");

  // measurements start in the steady state, after a first distribution (so no counter goes from zero to non-zero);
  // the odd wei keep every holder's earnings inexact, as in a running contract
  const send = (amount: bigint) => token.write.transfer([owners.address, amount]);
  await send(parseEther("25") + 7n);
  await owners.write.distribute([token.address]);
  await send(parseEther("25") + 3n);
  const distribute = await gasOf(owners.write.distribute([token.address], { account: keeper.account }));
  // alice's first withdrawal creates her earnings record and her token balance; later ones only update them
  const withdrawFirst = await gasOf(owners.write.withdraw([token.address], { account: alice.account }));
  await send(parseEther("25") + 5n);
  await owners.write.distribute([token.address]);
  const withdraw = await gasOf(owners.write.withdraw([token.address], { account: alice.account }));
  // a share transfer to a new holder while tokens wait undistributed: it takes them in and settles both sides first
  await send(parseEther("25") + 11n);
  const transferShare = await gasOf(
    owners.write.transferShare([bob.account.address, parseEther("1")], { account: alice.account }),
  );

  const row = (metric: string, value: number): Row => ({ metric, value, unit: "gas", params: { owners: ownerCount } });
  return [
    row("distribute.gas", distribute),
    row("withdraw.first.gas", withdrawFirst),
    row("withdraw.gas", withdraw),
    row("transferShare.new.gas", transferShare),
  ];
}

const rows: Row[] = [];
for (const count of OWNER_COUNTS) {
  process.stderr.write(`making ${count} owners…\n`);
  rows.push(...(await measure(count)));
}

const metrics = [...new Set(rows.map((r) => r.metric))];
const header = ["operation", ...OWNER_COUNTS.map((n) => `${n} owners`), "spread", "goal: flat"];
const lines = metrics.map((metric) => {
  const values = OWNER_COUNTS.map((n) => rows.find((r) => r.metric === metric && r.params.owners === n)!.value);
  const spread = (Math.max(...values) - Math.min(...values)) / Math.min(...values);
  return [
    metric.replace(/\.gas$/, ""),
    ...values.map((v) => v.toLocaleString("en-US")),
    `${(spread * 100).toFixed(2)}%`,
    spread <= 0.01 ? "flat" : "NOT FLAT",
  ];
});
const widths = header.map((h, i) => Math.max(h.length, ...lines.map((l) => l[i]!.length)));
const fmt = (cells: string[]) => `| ${cells.map((c, i) => c.padEnd(widths[i]!)).join(" | ")} |`;
console.log(fmt(header));
console.log(fmt(widths.map((w) => "-".repeat(w))));
for (const l of lines) console.log(fmt(l));

const out = new URL("../../../bench/results/gas-owners.json", import.meta.url);
await mkdir(new URL(".", out), { recursive: true });
await writeFile(out, `${JSON.stringify(rows, null, 2)}\n`);
console.log(`\nwrote ${out.pathname}`);
