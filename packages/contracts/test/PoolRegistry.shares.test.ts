// LinkPool's share tests (whitepaper §6.2.1): every reward split checked to the wei against a bigint model of the rule.
import assert from "node:assert/strict";
import { describe, it } from "node:test";
import { network } from "hardhat";
import { parseEther, parseEventLogs, type Address, type Hash } from "viem";
import {
  COMMISSION_RATE,
  MIN_SELF_STAKE,
  PPM,
  PROTOCOL_FEE_RATE,
  REWARD_PRECISION,
  TOKEN,
  poolFixture,
} from "./fixtures.ts";
import { assertAtMostOneWeiBelow, balanceChanges, expectEvents } from "./helpers.ts";

const { viem, networkHelpers } = await network.create();
const { loadFixture } = networkHelpers;

type PoolContext = Awaited<ReturnType<typeof poolFixture>>;
type Wallet = PoolContext["accounts"]["alice"];

/** The split rule, written from the specification rather than the contract: fee and commission round down. */
function splitReward(reward: bigint) {
  const protocolFee = (reward * PROTOCOL_FEE_RATE) / PPM;
  const commission = ((reward - protocolFee) * COMMISSION_RATE) / PPM;
  return { protocolFee, commission, toDelegators: reward - protocolFee - commission };
}

/** A non-negative rational, so the model below never rounds. */
type Fraction = { numerator: bigint; denominator: bigint };
const gcd = (a: bigint, b: bigint): bigint => (b === 0n ? a : gcd(b, a % b));
function add(a: Fraction, b: Fraction): Fraction {
  const numerator = a.numerator * b.denominator + b.numerator * a.denominator;
  const denominator = a.denominator * b.denominator;
  const divisor = gcd(numerator, denominator);
  return { numerator: numerator / divisor, denominator: denominator / divisor };
}
const floor = ({ numerator, denominator }: Fraction): bigint => numerator / denominator;

/** The rewards `delegator` was paid in the transaction `hash`, from its RewardsWithdrawn events. */
async function rewardsPaidIn(ctx: PoolContext, hash: Hash, delegator: Address): Promise<bigint> {
  const receipt = await ctx.publicClient.waitForTransactionReceipt({ hash });
  const logs = parseEventLogs({ abi: ctx.registry.abi, eventName: "RewardsWithdrawn", logs: receipt.logs });
  return logs
    .filter((log) => log.args.delegator.toLowerCase() === delegator.toLowerCase())
    .reduce((sum, log) => sum + log.args.amount, 0n);
}

/**
 * Delegates `stakes` beside the operator's self-stake, sends one `reward` to the vault and distributes it, then
 * checks every share against the rule, withdraws every share and the protocol fee, and checks nothing was lost.
 * Returns by how many wei the registry rounded each share (operator first) below the exact one: 0 in every case
 * here, as the 1e27-scaled accumulator pays a single reward's shares exactly floor(toDelegators * stake / total).
 */
async function checkOneReward(ctx: PoolContext, stakes: ReadonlyArray<readonly [Wallet, bigint]>, reward: bigint) {
  const { registry, token, pool, publicClient, accounts } = ctx;
  const { operator, owners, keeper, deployer } = accounts;
  for (const [wallet, amount] of stakes) {
    await registry.write.delegate([pool, amount], { account: wallet.account });
  }
  const stakers = [[operator, MIN_SELF_STAKE] as const, ...stakes];
  const total = stakers.reduce((sum, [, amount]) => sum + amount, 0n);
  const vaultBefore = await token.read.balanceOf([pool]);
  assert.equal(vaultBefore, total);

  await token.write.transfer([pool, reward], { account: deployer.account });
  const { protocolFee, commission, toDelegators } = splitReward(reward);
  await expectEvents(publicClient, registry.write.distributeRewards([pool], { account: keeper.account }), registry, [
    { eventName: "RewardsDistributed", args: { pool, amount: reward, protocolFee, commission, toDelegators } },
  ]);

  const roundedDownBy: bigint[] = [];
  let paidToDelegators = 0n;
  for (const [wallet, amount] of stakers) {
    const isOperator = wallet === operator;
    const exactShare = (toDelegators * amount) / total;
    const exact = exactShare + (isOperator ? commission : 0n);
    const owed = await registry.read.getRewards([pool, wallet.account.address]);
    assertAtMostOneWeiBelow(owed, exact, `share of ${amount} in ${total}`);
    roundedDownBy.push(exact - owed);

    const { result, changes } = await balanceChanges(token, [wallet.account.address], () =>
      registry.write.withdrawRewards([pool], { account: wallet.account }),
    );
    await expectEvents(publicClient, result, registry, [
      { eventName: "RewardsWithdrawn", args: { pool, delegator: wallet.account.address, amount: owed } },
    ]);
    assert.deepStrictEqual(changes, [owed]);
    paidToDelegators += owed - (isOperator ? commission : 0n);
  }
  const { changes: feePaid } = await balanceChanges(token, [owners.account.address], () =>
    registry.write.withdrawProtocolFees([pool], { account: keeper.account }),
  );
  assert.deepStrictEqual(feePaid, [protocolFee]);

  // what went in (stakes and reward) equals what was paid out plus what is left in the vault
  const vaultAfter = await token.read.balanceOf([pool]);
  assert.equal(paidToDelegators + commission + protocolFee + vaultAfter, total + reward);
  // and what is left beyond the stake is exactly the rounding the registry keeps for the next reward
  const left = vaultAfter - total;
  assert.equal(left, toDelegators - paidToDelegators);
  assert.ok(left <= BigInt(stakers.length), `left ${left} wei for ${stakers.length} stakers`);
  const [accounted, , rewardRemainder, commissionOwed, protocolFeesOwed] = await registry.read.getPoolAccounting([
    pool,
  ]);
  assert.deepStrictEqual([accounted, commissionOwed, protocolFeesOwed], [vaultAfter, 0n, 0n]);
  assert.equal(rewardRemainder, left * REWARD_PRECISION);
  return roundedDownBy;
}

// delegators with unlike, inexact stakes, beside the operator's 1000 tokens
const unevenStakes = (ctx: PoolContext) =>
  [
    [ctx.accounts.alice, parseEther("1000")],
    [ctx.accounts.bob, parseEther("2500.5")],
    [ctx.accounts.carol, parseEther("333.333333333333333333")],
    [ctx.accounts.dave, parseEther("7777.77")],
  ] as const;

describe("PoolRegistry — shares", () => {
  it("should distribute an equal amount to four delegators with equal stakes", async () => {
    const ctx = await loadFixture(poolFixture);
    const { alice, bob, carol, dave } = ctx.accounts;
    const each = parseEther("2500");
    const stakes = [alice, bob, carol, dave].map((wallet) => [wallet, each] as const);
    const roundedDownBy = await checkOneReward(ctx, stakes, parseEther("10"));
    const shares = roundedDownBy.slice(1);
    assert.ok(
      shares.every((by) => by === shares[0]),
      "the four equal stakes were paid alike",
    );
  });

  it("should distribute proportionately to delegators with different stakes", async () => {
    const ctx = await loadFixture(poolFixture);
    const { alice, bob, carol, dave } = ctx.accounts;
    const stakes = [
      [alice, parseEther("1000")],
      [bob, parseEther("2000")],
      [carol, parseEther("3000")],
      [dave, parseEther("4000")],
    ] as const;
    await checkOneReward(ctx, stakes, parseEther("100"));
  });

  const DECIMAL_REWARDS = [
    { places: 3, reward: parseEther("12.345") },
    { places: 5, reward: parseEther("1.23456") },
    { places: 7, reward: parseEther("0.1234567") },
  ];
  for (const { places, reward } of DECIMAL_REWARDS) {
    it(`should distribute proportionately when the reward has ${places} decimal places`, async () => {
      const ctx = await loadFixture(poolFixture);
      await checkOneReward(ctx, unevenStakes(ctx), reward);
    });
  }

  it("should pay a delegator who joins after a reward none of it", async () => {
    const ctx = await loadFixture(poolFixture);
    const { registry, token, pool, accounts } = ctx;
    const { alice, bob, deployer, keeper } = accounts;
    await registry.write.delegate([pool, parseEther("1000")], { account: alice.account });
    const first = parseEther("50.000000000000000007");
    await token.write.transfer([pool, first], { account: deployer.account });
    await registry.write.distributeRewards([pool], { account: keeper.account });
    const aliceAfterFirst = await registry.read.getRewards([pool, alice.account.address]);
    assertAtMostOneWeiBelow(aliceAfterFirst, splitReward(first).toDelegators / 2n, "alice's half of the first reward");

    await registry.write.delegate([pool, parseEther("3000")], { account: bob.account });
    assert.equal(await registry.read.getRewards([pool, bob.account.address]), 0n);
    assert.equal(await registry.read.getRewards([pool, alice.account.address]), aliceAfterFirst);
    await viem.assertions.revertWithCustomErrorWithArgs(
      registry.write.withdrawRewards([pool], { account: bob.account }),
      registry,
      "PoolRegistryNothingToWithdraw",
      [pool, bob.account.address],
    );

    // the next reward is shared with bob by stake: 3000 of 5000
    const second = parseEther("20.000000000000000003");
    await token.write.transfer([pool, second], { account: deployer.account });
    const bobShare = (splitReward(second).toDelegators * 3000n) / 5000n;
    const bobOwed = await registry.read.getRewards([pool, bob.account.address]);
    assertAtMostOneWeiBelow(bobOwed, bobShare, "bob's share of the second reward");
  });

  it("passes earlier delegators' sub-wei rounding to whoever is staked at the next reward, a joiner included", async () => {
    // the registry's rule (PoolRegistry NatSpec): a share lost to rounding "is paid out with a later reward" — to
    // every delegator staked then, not to the one who lost it, so a newcomer can get one wei above its exact share
    const ctx = await loadFixture(poolFixture);
    const { registry, token, pool, accounts } = ctx;
    const { operator, alice, bob, deployer, keeper } = accounts;
    await registry.write.delegate([pool, parseEther("1000")], { account: alice.account });
    // 855000000000000001 wei of it goes to delegators: odd, so each of two equal stakes loses half a wei
    const reward = TOKEN + 1n;
    const { toDelegators } = splitReward(reward);
    assert.equal(toDelegators % 2n, 1n);
    await token.write.transfer([pool, reward], { account: deployer.account });
    await registry.write.distributeRewards([pool], { account: keeper.account });
    assert.equal(await registry.read.getRewards([pool, alice.account.address]), toDelegators / 2n);
    await registry.write.withdrawRewards([pool], { account: alice.account });
    await registry.write.withdrawRewards([pool], { account: operator.account });
    const [, , remainder] = await registry.read.getPoolAccounting([pool]);
    assert.equal(remainder, REWARD_PRECISION, "the two half wei wait in the remainder");

    await registry.write.delegate([pool, parseEther("2000")], { account: bob.account });
    await token.write.transfer([pool, reward], { account: deployer.account });
    const exact = toDelegators / 2n; // bob's 2000 of 4000
    assert.equal(await registry.read.getRewards([pool, bob.account.address]), exact + 1n);
    assert.equal(await registry.read.getRewards([pool, alice.account.address]), toDelegators / 4n);
  });

  it("should split rewards that arrived but were not distributed before a new delegation changes the stake", async () => {
    const ctx = await loadFixture(poolFixture);
    const { registry, token, pool, publicClient, accounts } = ctx;
    const { operator, alice, bob, deployer } = accounts;
    await registry.write.delegate([pool, parseEther("1000")], { account: alice.account });
    const reward = parseEther("50");
    await token.write.transfer([pool, reward], { account: deployer.account });
    const { protocolFee, commission, toDelegators } = splitReward(reward);

    // bob's delegation distributes the waiting reward first, among the 2000 tokens staked before him
    await expectEvents(
      publicClient,
      registry.write.delegate([pool, parseEther("3000")], { account: bob.account }),
      registry,
      [
        { eventName: "RewardsDistributed", args: { pool, amount: reward, protocolFee, commission, toDelegators } },
        { eventName: "Delegated", args: { pool, delegator: bob.account.address, amount: parseEther("3000") } },
      ],
    );
    assert.equal(await registry.read.getRewards([pool, bob.account.address]), 0n);
    assert.equal(await registry.read.getRewards([pool, alice.account.address]), toDelegators / 2n);
    assert.equal(await registry.read.getRewards([pool, operator.account.address]), toDelegators / 2n + commission);
  });

  it("should include the commission in the operator's getRewards and pay both with withdrawRewards", async () => {
    const ctx = await loadFixture(poolFixture);
    const { registry, token, pool, publicClient, accounts } = ctx;
    const { operator, alice, deployer } = accounts;
    await registry.write.delegate([pool, parseEther("3000")], { account: alice.account });
    const reward = parseEther("40");
    await token.write.transfer([pool, reward], { account: deployer.account });
    const { commission, toDelegators } = splitReward(reward);
    const owed = toDelegators / 4n + commission; // the operator's 1000 of 4000, exact here
    assert.equal(await registry.read.getRewards([pool, operator.account.address]), owed);
    assert.equal(await registry.read.getRewards([pool, alice.account.address]), (toDelegators * 3n) / 4n);

    const { result, changes } = await balanceChanges(token, [operator.account.address], () =>
      registry.write.withdrawRewards([pool], { account: operator.account }),
    );
    await expectEvents(publicClient, result, registry, [
      {
        eventName: "RewardsDistributed",
        args: { pool, amount: reward, protocolFee: splitReward(reward).protocolFee, commission, toDelegators },
      },
      { eventName: "RewardsWithdrawn", args: { pool, delegator: operator.account.address, amount: owed } },
    ]);
    assert.deepStrictEqual(changes, [owed]);
    const [, , , commissionOwed] = await registry.read.getPoolAccounting([pool]);
    assert.equal(commissionOwed, 0n);
  });

  it("should pay the protocol fees of several rewards to the fee recipient with withdrawProtocolFees", async () => {
    const ctx = await loadFixture(poolFixture);
    const { registry, token, pool, publicClient, accounts } = ctx;
    const { owners, alice, deployer, keeper } = accounts;
    await registry.write.delegate([pool, parseEther("1234.5")], { account: alice.account });
    let fees = 0n;
    for (const reward of [parseEther("12.345"), parseEther("1.23456"), parseEther("0.1234567"), 19n]) {
      await token.write.transfer([pool, reward], { account: deployer.account });
      await registry.write.distributeRewards([pool], { account: keeper.account });
      fees += splitReward(reward).protocolFee;
    }
    const { result, changes } = await balanceChanges(token, [owners.account.address, keeper.account.address], () =>
      registry.write.withdrawProtocolFees([pool], { account: keeper.account }),
    );
    await expectEvents(publicClient, result, registry, [
      { eventName: "ProtocolFeesWithdrawn", args: { pool, recipient: owners.account.address, amount: fees } },
    ]);
    assert.deepStrictEqual(changes, [fees, 0n]);
  });

  it("should match an exact model over several rewards while stakes change", async () => {
    const ctx = await loadFixture(poolFixture);
    const { registry, token, pool, accounts } = ctx;
    const { operator, alice, bob, carol, dave, deployer, keeper } = accounts;
    const wallets = [operator, alice, bob, carol, dave];

    // the model: stakes, and each delegator's exact earnings as a fraction (the operator's include commission)
    const stake = new Map<Wallet, bigint>(wallets.map((w) => [w, 0n]));
    stake.set(operator, MIN_SELF_STAKE);
    const earned = new Map<Wallet, Fraction>(wallets.map((w) => [w, { numerator: 0n, denominator: 1n }]));
    const paid = new Map<Wallet, bigint>(wallets.map((w) => [w, 0n]));
    let rewardsIn = 0n;
    let feesIn = 0n;
    let thawing = 0n;

    const delegate = async (wallet: Wallet, amount: bigint) => {
      const hash = await registry.write.delegate([pool, amount], { account: wallet.account });
      paid.set(wallet, paid.get(wallet)! + (await rewardsPaidIn(ctx, hash, wallet.account.address)));
      stake.set(wallet, stake.get(wallet)! + amount);
    };
    const undelegate = async (wallet: Wallet, amount: bigint) => {
      const hash = await registry.write.undelegate([pool, amount, 0n], { account: wallet.account });
      paid.set(wallet, paid.get(wallet)! + (await rewardsPaidIn(ctx, hash, wallet.account.address)));
      stake.set(wallet, stake.get(wallet)! - amount);
      thawing += amount;
    };
    const withdraw = async (wallet: Wallet) => {
      const hash = await registry.write.withdrawRewards([pool], { account: wallet.account });
      paid.set(wallet, paid.get(wallet)! + (await rewardsPaidIn(ctx, hash, wallet.account.address)));
    };
    const reward = async (amount: bigint) => {
      await token.write.transfer([pool, amount], { account: deployer.account });
      await registry.write.distributeRewards([pool], { account: keeper.account });
      const { protocolFee, commission, toDelegators } = splitReward(amount);
      const total = [...stake.values()].reduce((a, b) => a + b, 0n);
      for (const wallet of wallets) {
        earned.set(
          wallet,
          add(earned.get(wallet)!, { numerator: toDelegators * stake.get(wallet)!, denominator: total }),
        );
      }
      earned.set(operator, add(earned.get(operator)!, { numerator: commission, denominator: 1n }));
      rewardsIn += amount;
      feesIn += protocolFee;
    };
    const deviations: bigint[][] = [];
    const check = async () => {
      const row: bigint[] = [];
      for (const wallet of wallets) {
        const got = paid.get(wallet)! + (await registry.read.getRewards([pool, wallet.account.address]));
        const exact = floor(earned.get(wallet)!);
        assert.ok(exact - 1n <= got && got <= exact + 1n, `got ${got}, exact ${exact}`);
        row.push(exact - got);
        assert.equal(await registry.read.getStake([pool, wallet.account.address]), stake.get(wallet)!);
      }
      deviations.push(row);
    };

    await delegate(alice, parseEther("1000"));
    await delegate(bob, parseEther("2500.5"));
    await reward(parseEther("12.345"));
    await check();
    await delegate(carol, parseEther("333.333333333333333333"));
    await reward(parseEther("1.23456"));
    await check();
    await undelegate(bob, parseEther("1000.25"));
    await reward(parseEther("0.1234567"));
    await check();
    await withdraw(alice);
    await delegate(dave, parseEther("7777.77"));
    await reward(parseEther("100") + 1n);
    await check();
    await undelegate(carol, parseEther("333.333333333333333333"));
    await delegate(alice, 1n);
    await reward(parseEther("3"));
    await check();
    await reward(7n);
    await check();
    for (const wallet of wallets) {
      if ((await registry.read.getRewards([pool, wallet.account.address])) !== 0n) await withdraw(wallet);
    }
    await check();
    // every delegator's total stays within a wei of its exact total, and one is paid a wei above it (see the
    // dust test above): [operator, alice, bob, carol, dave], exact minus paid
    assert.deepStrictEqual(deviations.at(-1), [0n, 1n, 0n, 0n, -1n]);

    // nothing lost: the vault holds the stake, the thawing stake, the unpaid fees and whole wei of rounding
    // remainder, and every other wei that came in as a reward was paid out
    const totalStake = [...stake.values()].reduce((a, b) => a + b, 0n);
    const paidOut = [...paid.values()].reduce((a, b) => a + b, 0n);
    const vault = await token.read.balanceOf([pool]);
    const [accounted, , rewardRemainder, commissionOwed, protocolFeesOwed] = await registry.read.getPoolAccounting([
      pool,
    ]);
    assert.deepStrictEqual([accounted, commissionOwed, protocolFeesOwed], [vault, 0n, feesIn]);
    assert.equal(rewardRemainder % REWARD_PRECISION, 0n, "once everyone has settled the remainder is whole wei");
    const left = rewardRemainder / REWARD_PRECISION;
    assert.equal(vault, totalStake + thawing + protocolFeesOwed + left);
    assert.equal(paidOut + feesIn + left, rewardsIn);
    assert.ok(left <= 5n, `${left} wei left over`);
  });
});
