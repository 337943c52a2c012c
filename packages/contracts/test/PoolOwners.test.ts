// LinkPool's owners' test list (whitepaper §6.2.2, Figure 10) for PoolOwners, every distribution checked to the wei
// against an exact bigint model of the rule, and PoolOwners as the PoolRegistry's fee recipient.
import assert from "node:assert/strict";
import { describe, it } from "node:test";
import { network } from "hardhat";
import type { NetworkConnection } from "hardhat/types/network";
import { getAddress, keccak256, parseEther, toHex, type Address } from "viem";
import { PPM, PROTOCOL_FEE_RATE, TOKEN, poolFixture, tokenFixture } from "./fixtures.ts";
import { balanceChanges, expectEvents } from "./helpers.ts";

const { viem, networkHelpers } = await network.create();
const { loadFixture } = networkHelpers;

/** 100% of the shares: the sale's 4000 ETH valuation in wei, so a contribution's share is its value. */
const TOTAL_SHARES = parseEther("4000");
const HARD_CAP = parseEther("1000");
const MIN_CONTRIBUTION = parseEther("4");
/** The creators' grants: 37.5%, 25% and 12.5%, together the creators' 75%. */
const CREATOR_GRANTS = [parseEther("1500"), parseEther("1000"), parseEther("500")] as const;
/** 12.5% of the shares. */
const EIGHTH = TOTAL_SHARES / 8n;
/** Where the sale's ETH goes: an address nobody else pays, so its balance is exactly what was raised. */
const WALLET = getAddress(keccak256(toHex("poolnet sale wallet")).slice(0, 42));
const CONTRIBUTORS = 43;

/** The seed's first contributions, one contributor each; the fifth contributes twice. */
const FIRST_CONTRIBUTIONS: readonly (readonly bigint[])[] = [
  [parseEther("4")],
  [parseEther("16")],
  [parseEther("20")],
  [parseEther("13.6")],
  [parseEther("4"), parseEther("6.5")],
];

/** A contributor that is not a Hardhat account: a fixed address, impersonated. */
const contributorAddress = (i: number): Address =>
  getAddress(keccak256(toHex(`poolnet contributor ${i}`)).slice(0, 42));

/** What changed the shares or brought tokens, in order: replayed by `replay` into the model. */
type Step =
  | { kind: "grant"; to: Address; share: bigint }
  | { kind: "contribute"; from: Address; value: bigint }
  | { kind: "transfer"; from: Address; to: Address; share: bigint }
  | { kind: "distribute"; amount: bigint }
  | { kind: "withdraw"; by: Address; amount: bigint };

/**
 * The rule, written from the specification rather than the contract: a contribution of `value` wei buys `value`
 * shares of 4000 ETH; a distribution of `amount` owes each holder exactly `share * amount / TOTAL_SHARES`, kept as an
 * exact numerator (times TOTAL_SHARES); a holder can withdraw the floor of what it is owed, less what it was paid.
 */
function replay(steps: readonly Step[]) {
  const shares = new Map<string, bigint>();
  const owedScaled = new Map<string, bigint>();
  const paid = new Map<string, bigint>();
  const get = (map: Map<string, bigint>, who: Address) => map.get(who.toLowerCase()) ?? 0n;
  const add = (map: Map<string, bigint>, who: Address, value: bigint) =>
    map.set(who.toLowerCase(), get(map, who) + value);
  for (const step of steps) {
    if (step.kind === "grant") add(shares, step.to, step.share);
    else if (step.kind === "contribute") add(shares, step.from, step.value);
    else if (step.kind === "transfer") {
      add(shares, step.from, -step.share);
      add(shares, step.to, step.share);
    } else if (step.kind === "distribute") {
      for (const [who, share] of shares) owedScaled.set(who, (owedScaled.get(who) ?? 0n) + share * step.amount);
    } else add(paid, step.by, step.amount);
  }
  return {
    shareOf: (who: Address) => get(shares, who),
    withdrawable: (who: Address) => get(owedScaled, who) / TOTAL_SHARES - get(paid, who),
    holders: () => [...shares].filter(([, share]) => share !== 0n).map(([who]) => getAddress(who)),
  };
}

/** PoolOwners owned by the deployer, listing the stake token, its three creators granted their 75%. */
async function ownersFixture(connection: NetworkConnection) {
  const base = await tokenFixture(connection);
  const { deployer } = base.accounts;
  const wallets = await connection.viem.getWalletClients();
  const creators = wallets.slice(12, 15);
  const newOwner = wallets[15]!;
  // a fixture builds on whatever chain state the last test left: start the wallet from nothing
  await connection.networkHelpers.setBalance(WALLET, 0n);
  const owners = await connection.viem.deployContract("PoolOwners", [WALLET, deployer.account.address]);
  await owners.write.addToken([base.token.address]);
  const steps: Step[] = [];
  for (const [i, creator] of creators.entries()) {
    await owners.write.setOwnerShare([creator.account.address, CREATOR_GRANTS[i]!]);
    steps.push({ kind: "grant", to: creator.account.address, share: CREATOR_GRANTS[i]! });
  }
  return { ...base, owners, creators, newOwner, contributors: [] as Address[], steps };
}

type OwnersContext = Awaited<ReturnType<typeof ownersFixture>>;

/** Impersonates contributor `i` and gives it `balance` wei. */
async function fundContributor({ networkHelpers: helpers }: NetworkConnection, i: number, balance: bigint) {
  const address = contributorAddress(i);
  await helpers.impersonateAccount(address);
  await helpers.setBalance(address, balance);
  return address;
}

/** The seed's first five contributors: 4, 16, 20 and 13.6 ETH, then 4 + 6.5 ETH from one contributor. */
async function firstContributionsFixture(connection: NetworkConnection) {
  const base = await ownersFixture(connection);
  const contributors: Address[] = [];
  const steps = [...base.steps];
  for (const [i, values] of FIRST_CONTRIBUTIONS.entries()) {
    const total = values.reduce((a, b) => a + b, 0n);
    const contributor = await fundContributor(connection, i, total + TOKEN);
    for (const value of values) {
      await base.owners.write.contribute({ account: contributor, value });
      steps.push({ kind: "contribute", from: contributor, value });
    }
    contributors.push(contributor);
  }
  return { ...base, contributors, steps };
}

/** The 38 contributions that bring the sale to exactly the hard cap, 43 contributors in all (the last fills it). */
function remainingContributions(raised: bigint): bigint[] {
  const values = Array.from(
    { length: CONTRIBUTORS - FIRST_CONTRIBUTIONS.length - 1 },
    (_, i) => parseEther("15.3") + BigInt(i) * parseEther("0.5071"),
  );
  const last = HARD_CAP - raised - values.reduce((a, b) => a + b, 0n);
  return [...values, last];
}

/** The sale sold out: 43 contributors, exactly 1000 ETH. */
async function soldOutFixture(connection: NetworkConnection) {
  const base = await firstContributionsFixture(connection);
  const contributors = [...base.contributors];
  const steps = [...base.steps];
  const values = remainingContributions(await base.owners.read.totalContributed());
  for (const [i, value] of values.entries()) {
    const contributor = await fundContributor(connection, contributors.length, value + TOKEN);
    await base.owners.write.contribute({ account: contributor, value });
    steps.push({ kind: "contribute", from: contributor, value });
    contributors.push(contributor);
    assert.ok(i < values.length - 1 || (await base.owners.read.totalContributed()) === HARD_CAP);
  }
  return { ...base, contributors, steps };
}

/** Sends `amount` tokens to the owners' contract and distributes them; returns the step. */
async function distribute(ctx: OwnersContext, amount: bigint): Promise<Step> {
  const { owners, token, accounts, publicClient } = ctx;
  await token.write.transfer([owners.address, amount], { account: accounts.deployer.account });
  await expectEvents(
    publicClient,
    owners.write.distribute([token.address], { account: accounts.keeper.account }),
    owners,
    [{ eventName: "Distributed", args: { token: token.address, amount } }],
  );
  return { kind: "distribute", amount };
}

/** Sold out, 100 and then 5000 tokens distributed, and the first creator gave 12.5% to `newOwner`. */
async function transferredFixture(connection: NetworkConnection) {
  const base = await soldOutFixture(connection);
  const steps = [...base.steps];
  steps.push(await distribute(base, parseEther("100")));
  steps.push(await distribute(base, parseEther("5000")));
  const [creator] = base.creators;
  await base.owners.write.transferShare([base.newOwner.account.address, EIGHTH], { account: creator!.account });
  steps.push({ kind: "transfer", from: creator!.account.address, to: base.newOwner.account.address, share: EIGHTH });
  return { ...base, steps };
}

/** …and then 5000.1234567 tokens distributed: everyone has an inexact balance to withdraw. */
async function distributedFixture(connection: NetworkConnection) {
  const base = await transferredFixture(connection);
  return { ...base, steps: [...base.steps, await distribute(base, parseEther("5000.1234567"))] };
}

/** Checks every holder's share and withdrawable balance against the model, to the wei; returns the model. */
async function checkAgainstModel(ctx: OwnersContext, steps: readonly Step[]) {
  const { owners, token } = ctx;
  const model = replay(steps);
  const holders = model.holders();
  let sumShares = 0n;
  let sumWithdrawable = 0n;
  for (const holder of holders) {
    assert.equal(await owners.read.shareOf([holder]), model.shareOf(holder), `share of ${holder}`);
    const withdrawable = await owners.read.withdrawable([token.address, holder]);
    assert.equal(withdrawable, model.withdrawable(holder), `withdrawable of ${holder}`);
    sumShares += model.shareOf(holder);
    sumWithdrawable += withdrawable;
  }
  assert.equal(sumShares, TOTAL_SHARES, "the holders' shares add up to 100%");
  // what the contract holds beyond every withdrawable balance is the holders' sub-wei fractions
  const held = await token.read.balanceOf([owners.address]);
  assert.ok(sumWithdrawable <= held && held - sumWithdrawable < BigInt(holders.length), `held ${held}`);
  return model;
}

describe("PoolOwners (LinkPool's owners' list)", () => {
  it("creators should make up of 75% of the share holding", async () => {
    const { owners, creators, steps } = await loadFixture(ownersFixture);
    let creatorShares = 0n;
    for (const [i, creator] of creators.entries()) {
      const share = await owners.read.shareOf([creator.account.address]);
      assert.equal(share, CREATOR_GRANTS[i]);
      assert.equal(await owners.read.grantedShareOf([creator.account.address]), CREATOR_GRANTS[i]);
      creatorShares += share;
    }
    assert.equal(creatorShares * 100n, 75n * TOTAL_SHARES, "exactly 75%");
    assert.equal(await owners.read.creatorSharesGranted(), creatorShares);
    assert.equal(await owners.read.shareOf(["0x0000000000000000000000000000000000000000"]), HARD_CAP, "the sale's 25%");
    assert.equal(replay(steps).shareOf(creators[0]!.account.address), CREATOR_GRANTS[0]);
  });

  it("should grant the creators' shares with OwnerShareSet and ShareTransferred, and not one share past 75%", async () => {
    const { owners, publicClient, creators, newOwner } = await loadFixture(ownersFixture);
    const creator = creators[2]!.account.address;
    // lowering a grant moves the difference back to the reserve, which makes room for another grant
    await expectEvents(publicClient, owners.write.setOwnerShare([creator, CREATOR_GRANTS[2]! - 1n]), owners, [
      { eventName: "OwnerShareSet", args: { owner: creator, granted: CREATOR_GRANTS[2]! - 1n } },
      {
        eventName: "ShareTransferred",
        args: { from: creator, to: "0x0000000000000000000000000000000000000000", share: 1n },
      },
    ]);
    await expectEvents(publicClient, owners.write.setOwnerShare([newOwner.account.address, 1n]), owners, [
      { eventName: "OwnerShareSet", args: { owner: newOwner.account.address, granted: 1n } },
      {
        eventName: "ShareTransferred",
        args: { from: "0x0000000000000000000000000000000000000000", to: newOwner.account.address, share: 1n },
      },
    ]);
    await viem.assertions.revertWithCustomErrorWithArgs(
      owners.write.setOwnerShare([newOwner.account.address, 2n]),
      owners,
      "PoolOwnersCreatorSharesExceeded",
      [getAddress(newOwner.account.address), 2n, 1n],
    );
  });

  const SHARE_CASES = [
    { name: "a minimum contribution of 4 ETH should result in a 0.1% share", value: "4", basisPoints: 10n },
    { name: "a contribution of 16 ETH should result in a 0.4% share", value: "16", basisPoints: 40n },
    { name: "a contribution of 20 ETH should result in a 0.5% share", value: "20", basisPoints: 50n },
    { name: "a contribution of 13.6 ETH should result in a 0.34% share", value: "13.6", basisPoints: 34n },
  ];
  for (const { name, value, basisPoints } of SHARE_CASES) {
    it(name, async () => {
      const ctx = await loadFixture(ownersFixture);
      const { owners, publicClient } = ctx;
      const contributor = await fundContributor(ctx.connection, 0, parseEther("100"));
      const wei = parseEther(value);
      const walletBefore = await publicClient.getBalance({ address: WALLET });
      await expectEvents(publicClient, owners.write.contribute({ account: contributor, value: wei }), owners, [
        { eventName: "Contributed", args: { contributor, value: wei } },
        {
          eventName: "ShareTransferred",
          args: { from: "0x0000000000000000000000000000000000000000", to: contributor, share: wei },
        },
      ]);
      const share = await owners.read.shareOf([contributor]);
      assert.equal(share * 10_000n, basisPoints * TOTAL_SHARES, `exactly ${basisPoints} basis points`);
      assert.equal(await owners.read.contributionOf([contributor]), wei);
      assert.equal((await publicClient.getBalance({ address: WALLET })) - walletBefore, wei, "paid to the wallet");
      assert.equal(await publicClient.getBalance({ address: owners.address }), 0n, "no ETH stays");
    });
  }

  it("should refuse a contribution one wei below 4 ETH", async () => {
    const ctx = await loadFixture(ownersFixture);
    const contributor = await fundContributor(ctx.connection, 0, parseEther("100"));
    await viem.assertions.revertWithCustomErrorWithArgs(
      ctx.owners.write.contribute({ account: contributor, value: MIN_CONTRIBUTION - 1n }),
      ctx.owners,
      "PoolOwnersContributionTooSmall",
      [MIN_CONTRIBUTION - 1n, MIN_CONTRIBUTION],
    );
  });

  it("a contributor should be able to contribute multiple times", async () => {
    const { owners, contributors } = await loadFixture(firstContributionsFixture);
    const twice = contributors[4]!;
    await networkHelpers.setBalance(twice, parseEther("100"));
    const values = FIRST_CONTRIBUTIONS[4]!;
    const total = values[0]! + values[1]!;
    assert.equal(await owners.read.contributionOf([twice]), total);
    assert.equal(await owners.read.shareOf([twice]), total, "10.5 ETH: 0.2625%");
    await owners.write.contribute({ account: twice, value: MIN_CONTRIBUTION });
    assert.equal(await owners.read.shareOf([twice]), total + MIN_CONTRIBUTION);
  });

  it("should increment total contributed when contributions are made", async () => {
    const ctx = await loadFixture(ownersFixture);
    const { owners } = ctx;
    let expected = 0n;
    assert.equal(await owners.read.totalContributed(), 0n);
    for (const [i, values] of FIRST_CONTRIBUTIONS.entries()) {
      const contributor = await fundContributor(ctx.connection, i, parseEther("100"));
      for (const value of values) {
        await owners.write.contribute({ account: contributor, value });
        expected += value;
        assert.equal(await owners.read.totalContributed(), expected);
      }
    }
    assert.equal(expected, parseEther("64.1"));
  });

  it("should be able to contribute up until 1000 ETH", async () => {
    const ctx = await loadFixture(firstContributionsFixture);
    const { owners, publicClient } = ctx;
    const values = remainingContributions(await owners.read.totalContributed());
    const contributors = [...ctx.contributors];
    for (const value of values.slice(0, -1)) {
      const contributor = await fundContributor(ctx.connection, contributors.length, value + TOKEN);
      await owners.write.contribute({ account: contributor, value });
      contributors.push(contributor);
    }
    // the last contributor fills the cap exactly: one wei more is refused whole, naming the room left
    const last = values.at(-1)!;
    const contributor = await fundContributor(ctx.connection, contributors.length, last + TOKEN);
    await viem.assertions.revertWithCustomErrorWithArgs(
      owners.write.contribute({ account: contributor, value: last + 1n }),
      owners,
      "PoolOwnersHardCapExceeded",
      [last + 1n, last],
    );
    await owners.write.contribute({ account: contributor, value: last });
    contributors.push(contributor);

    assert.equal(new Set(contributors).size, CONTRIBUTORS);
    assert.equal(await owners.read.totalContributed(), HARD_CAP);
    assert.equal(await publicClient.getBalance({ address: WALLET }), HARD_CAP, "the wallet raised 1000 ETH");
    let sold = 0n;
    for (const who of contributors) sold += await owners.read.shareOf([who]);
    assert.equal(sold * 4n, TOTAL_SHARES, "the contributors hold exactly 25%");
    assert.equal(await owners.read.shareOf(["0x0000000000000000000000000000000000000000"]), 0n, "nothing unsold");
  });

  it("should proportionately distribute 100 tokens to all 43 contributors", async () => {
    const ctx = await loadFixture(soldOutFixture);
    const step = await distribute(ctx, parseEther("100"));
    const model = await checkAgainstModel(ctx, [...ctx.steps, step]);
    assert.equal(model.holders().length, CONTRIBUTORS + 3);
    // 13.6 ETH bought 0.34%: 0.34 tokens of 100
    assert.equal(model.withdrawable(ctx.contributors[3]!), parseEther("0.34"));
  });

  it("should proportionately distribute 5000 tokens to all 43 contributors", async () => {
    const ctx = await loadFixture(soldOutFixture);
    const step = await distribute(ctx, parseEther("5000"));
    const model = await checkAgainstModel(ctx, [...ctx.steps, step]);
    assert.equal(model.withdrawable(ctx.contributors[0]!), parseEther("5"), "0.1% of 5000");
  });

  it("should be able to transfer 12.5% ownership to another address", async () => {
    const ctx = await loadFixture(soldOutFixture);
    const { owners, publicClient, creators, newOwner, token } = ctx;
    const steps = [...ctx.steps, await distribute(ctx, parseEther("100"))];
    const from = creators[0]!.account.address;
    const to = newOwner.account.address;
    const earned = await owners.read.withdrawable([token.address, from]);
    await expectEvents(
      publicClient,
      owners.write.transferShare([to, EIGHTH], { account: creators[0]!.account }),
      owners,
      [{ eventName: "ShareTransferred", args: { from, to, share: EIGHTH } }],
    );
    steps.push({ kind: "transfer", from, to, share: EIGHTH });
    assert.equal(await owners.read.shareOf([from]), CREATOR_GRANTS[0]! - EIGHTH, "37.5% - 12.5%");
    assert.equal(await owners.read.shareOf([to]), EIGHTH, "12.5%");
    assert.equal(await owners.read.withdrawable([token.address, from]), earned, "past earnings stay with the sender");
    assert.equal(await owners.read.withdrawable([token.address, to]), 0n, "the recipient earned nothing yet");
    steps.push(await distribute(ctx, parseEther("8")));
    await checkAgainstModel(ctx, steps);
    assert.equal(await owners.read.withdrawable([token.address, to]), 1n * TOKEN, "12.5% of the next 8 tokens");
  });

  it("should proportionately distribute 5000.1234567 tokens to all 43 contributors", async () => {
    const ctx = await loadFixture(transferredFixture);
    const step = await distribute(ctx, parseEther("5000.1234567"));
    await checkAgainstModel(ctx, [...ctx.steps, step]);
  });

  it("should allow the creators to withdraw their tokens", async () => {
    const ctx = await loadFixture(distributedFixture);
    const { owners, token, publicClient, creators } = ctx;
    const steps = [...ctx.steps];
    for (const creator of creators) {
      const who = creator.account.address;
      const amount = replay(steps).withdrawable(who);
      assert.ok(amount > 0n);
      const { result, changes } = await balanceChanges(token, [who, owners.address], () =>
        owners.write.withdraw([token.address], { account: creator.account }),
      );
      await expectEvents(publicClient, result, owners, [
        { eventName: "Withdrawn", args: { token: token.address, owner: who, amount } },
      ]);
      assert.deepStrictEqual(changes, [amount, -amount]);
      steps.push({ kind: "withdraw", by: who, amount });
      assert.equal(await owners.read.withdrawable([token.address, who]), 0n);
    }
    await checkAgainstModel(ctx, steps);
  });

  it("should allow the contributors to withdraw their tokens", async () => {
    const ctx = await loadFixture(distributedFixture);
    const { owners, token, publicClient, contributors, newOwner } = ctx;
    const steps = [...ctx.steps];
    for (const who of [...contributors, newOwner.account.address]) {
      const amount = replay(steps).withdrawable(who);
      const { result, changes } = await balanceChanges(token, [who], () =>
        owners.write.withdraw([token.address], { account: who }),
      );
      await expectEvents(publicClient, result, owners, [
        { eventName: "Withdrawn", args: { token: token.address, owner: who, amount } },
      ]);
      assert.deepStrictEqual(changes, [amount]);
      steps.push({ kind: "withdraw", by: who, amount });
    }
    await checkAgainstModel(ctx, steps);
  });

  it("should be able to lock the shares inside the contract", async () => {
    const ctx = await loadFixture(soldOutFixture);
    const { owners, publicClient, accounts, creators } = ctx;
    const { deployer } = accounts;
    await expectEvents(publicClient, owners.write.lockShares(), owners, [
      { eventName: "SharesLocked", args: { owner: deployer.account.address, unallocated: 0n } },
    ]);
    assert.equal(await owners.read.locked(), true);
    await viem.assertions.revertWithCustomError(
      owners.write.setOwnerShare([creators[0]!.account.address, 0n]),
      owners,
      "PoolOwnersSharesLocked",
    );
    await viem.assertions.revertWithCustomError(owners.write.lockShares(), owners, "PoolOwnersSharesLocked");
    const contributor = ctx.contributors[0]!;
    await viem.assertions.revertWithCustomError(
      owners.write.contribute({ account: contributor, value: MIN_CONTRIBUTION }),
      owners,
      "PoolOwnersSharesLocked",
    );
    // locked shares still change hands
    await owners.write.transferShare([contributor, 1n], { account: creators[1]!.account });
  });

  it("should give the unsold shares, with what they earned, to the owner when the shares are locked", async () => {
    const ctx = await loadFixture(firstContributionsFixture);
    const { owners, publicClient, accounts, token } = ctx;
    const steps = [...ctx.steps, await distribute(ctx, parseEther("100"))];
    const unsold = HARD_CAP - (await owners.read.totalContributed());
    const deployer = accounts.deployer.account.address;
    const zero = "0x0000000000000000000000000000000000000000";
    const earned = await owners.read.withdrawable([token.address, zero]);
    assert.equal(earned, (parseEther("100") * unsold) / TOTAL_SHARES);
    await expectEvents(publicClient, owners.write.lockShares(), owners, [
      { eventName: "SharesLocked", args: { owner: deployer, unallocated: unsold } },
      { eventName: "ShareTransferred", args: { from: zero, to: deployer, share: unsold } },
    ]);
    assert.equal(await owners.read.withdrawable([token.address, deployer]), earned);
    steps.push({ kind: "grant", to: deployer, share: unsold });
    steps.push(await distribute(ctx, parseEther("5000.1234567")));
    const model = replay(steps);
    assert.equal(
      await owners.read.withdrawable([token.address, deployer]),
      earned + (parseEther("5000.1234567") * unsold) / TOTAL_SHARES,
    );
    for (const who of ctx.contributors) {
      assert.equal(await owners.read.withdrawable([token.address, who]), model.withdrawable(who));
    }
  });

  it("shouldn't allow a contributor to withdraw more tokens than their balance", async () => {
    const ctx = await loadFixture(distributedFixture);
    const { owners, token } = ctx;
    const contributor = ctx.contributors[3]!;
    const balance = await owners.read.withdrawable([token.address, contributor]);
    await viem.assertions.revertWithCustomErrorWithArgs(
      owners.write.withdrawAmount([token.address, balance + 1n], { account: contributor }),
      owners,
      "PoolOwnersInsufficientBalance",
      [getAddress(token.address), contributor, balance, balance + 1n],
    );
    const { changes } = await balanceChanges(token, [contributor], () =>
      owners.write.withdrawAmount([token.address, balance], { account: contributor }),
    );
    assert.deepStrictEqual(changes, [balance]);
    await viem.assertions.revertWithCustomErrorWithArgs(
      owners.write.withdrawAmount([token.address, 1n], { account: contributor }),
      owners,
      "PoolOwnersInsufficientBalance",
      [getAddress(token.address), contributor, 0n, 1n],
    );
  });

  it("shouldn't allow contributors to call set owner share", async () => {
    const { owners, contributors } = await loadFixture(firstContributionsFixture);
    for (const contributor of contributors) {
      await viem.assertions.revertWithCustomErrorWithArgs(
        owners.write.setOwnerShare([contributor, parseEther("100")], { account: contributor }),
        owners,
        "OwnableUnauthorizedAccount",
        [contributor],
      );
    }
  });

  it("shouldn't allow an non-owner to withdraw", async () => {
    const { owners, token, accounts } = await loadFixture(distributedFixture);
    const { stranger } = accounts;
    assert.equal(await owners.read.shareOf([stranger.account.address]), 0n);
    assert.equal(await owners.read.withdrawable([token.address, stranger.account.address]), 0n);
    await viem.assertions.revertWithCustomErrorWithArgs(
      owners.write.withdraw([token.address], { account: stranger.account }),
      owners,
      "PoolOwnersNothingToWithdraw",
      [getAddress(token.address), getAddress(stranger.account.address)],
    );
  });

  it("shouldn't be able to contribute after the hard cap has been reached", async () => {
    const ctx = await loadFixture(soldOutFixture);
    const contributor = await fundContributor(ctx.connection, 100, parseEther("100"));
    for (const value of [MIN_CONTRIBUTION, 1n]) {
      await viem.assertions.revertWithCustomErrorWithArgs(
        ctx.owners.write.contribute({ account: contributor, value }),
        ctx.owners,
        "PoolOwnersHardCapExceeded",
        [value, 0n],
      );
    }
  });
});

describe("PoolOwners — as the PoolRegistry's fee recipient", () => {
  it("should receive a pool's protocol fees through withdrawProtocolFees and share them out to the wei", async () => {
    const ctx = await loadFixture(poolFixture);
    const { registry, token, pool, publicClient, accounts } = ctx;
    const { deployer, alice, keeper } = accounts;
    const wallets = await viem.getWalletClients();
    const [creatorA, creatorB] = [wallets[12]!, wallets[13]!];
    const owners = await viem.deployContract("PoolOwners", [WALLET, deployer.account.address]);
    await owners.write.addToken([token.address]);
    await owners.write.setOwnerShare([creatorA.account.address, parseEther("2000")]);
    await owners.write.setOwnerShare([creatorB.account.address, parseEther("1000")]);
    await owners.write.lockShares(); // the unsold 25% goes to the deployer
    await expectEvents(
      publicClient,
      registry.write.setFeeRecipient([owners.address], { account: ctx.governance }),
      registry,
      [{ eventName: "FeeRecipientChanged", args: { recipient: owners.address } }],
    );

    await registry.write.delegate([pool, parseEther("3000")], { account: alice.account });
    const rewards = [parseEther("12.345"), parseEther("1.23456"), parseEther("0.1234567") + 1n];
    let fees = 0n;
    for (const reward of rewards) {
      await token.write.transfer([pool, reward], { account: deployer.account });
      await registry.write.distributeRewards([pool], { account: keeper.account });
      fees += (reward * PROTOCOL_FEE_RATE) / PPM;
    }
    await expectEvents(
      publicClient,
      registry.write.withdrawProtocolFees([pool], { account: keeper.account }),
      registry,
      [{ eventName: "ProtocolFeesWithdrawn", args: { pool, recipient: owners.address, amount: fees } }],
    );
    assert.equal(await token.read.balanceOf([owners.address]), fees);
    await expectEvents(publicClient, owners.write.distribute([token.address], { account: keeper.account }), owners, [
      { eventName: "Distributed", args: { token: token.address, amount: fees } },
    ]);

    const expected = [
      [creatorA, (fees * 2000n) / 4000n],
      [creatorB, (fees * 1000n) / 4000n],
      [deployer, (fees * 1000n) / 4000n],
    ] as const;
    for (const [wallet, amount] of expected) {
      const { changes } = await balanceChanges(token, [wallet.account.address], () =>
        owners.write.withdraw([token.address], { account: wallet.account }),
      );
      assert.deepStrictEqual(changes, [amount]);
    }
    const left = await token.read.balanceOf([owners.address]);
    assert.equal(left, fees - expected.reduce((sum, [, amount]) => sum + amount, 0n));
    assert.ok(left < 3n, `${left} wei of sub-wei fractions left for their holders`);
  });
});
