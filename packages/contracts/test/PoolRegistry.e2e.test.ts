// LinkPool's end-to-end test list (whitepaper §6.2.1) re-expressed for PoolRegistry's pools, delegations and rewards.
import assert from "node:assert/strict";
import { describe, it } from "node:test";
import { network } from "hardhat";
import type { NetworkConnection } from "hardhat/types/network";
import { encodeAbiParameters, zeroAddress, type Address, type Hex } from "viem";
import {
  COMMISSION_RATE,
  MAX_STAKING_LIMIT,
  MIN_SELF_STAKE,
  POOL_METADATA_HASH,
  POOL_METADATA_URL,
  PPM,
  PROTOCOL_FEE_RATE,
  PoolState,
  THAWING_PERIOD,
  TOKEN,
  poolFixture,
  registerPool,
  registryFixture,
} from "./fixtures.ts";
import { assertSameValues, balanceChanges, expectEvents } from "./helpers.ts";

const { viem, networkHelpers } = await network.create();
const { loadFixture, time } = networkHelpers;

/** `abi.encode(pool)`: the data `transferAndCall` carries to delegate to `pool`. */
const poolData = (pool: Address): Hex => encodeAbiParameters([{ type: "address" }], [pool]);

/** The id `undelegate` returns: nonce << 192 | pool index << 160 | delegator. */
const undelegationId = (nonce: bigint, poolIndex: bigint, delegator: Address): bigint =>
  (nonce << 192n) | (poolIndex << 160n) | BigInt(delegator);

/** The pool of `poolFixture`, made private, with alice on its allow-list. */
async function privatePoolFixture(connection: NetworkConnection) {
  const base = await poolFixture(connection);
  const { registry, pool, accounts } = base;
  await registry.write.setPoolPrivate([pool, true], { account: accounts.operator.account });
  await registry.write.setDelegatorAllowed([pool, accounts.alice.account.address, true], {
    account: accounts.operator.account,
  });
  return base;
}

/** The pool of `poolFixture` with alice (1000 tokens) and bob (2000 tokens) delegated beside the operator's 1000. */
async function delegatedPoolFixture(connection: NetworkConnection) {
  const base = await poolFixture(connection);
  const { registry, pool, accounts } = base;
  await registry.write.delegate([pool, 1000n * TOKEN], { account: accounts.alice.account });
  await registry.write.delegate([pool, 2000n * TOKEN], { account: accounts.bob.account });
  return base;
}

describe("PoolRegistry — E2E (LinkPool's list, for pools)", () => {
  describe("pools", () => {
    it("should add a pool: PoolRegistered, its vault, getPoolInfo, getPoolCount and getPools", async () => {
      const ctx = await loadFixture(registryFixture);
      const { registry, token, publicClient, accounts } = ctx;
      const { operator, signer, otherOperator, stranger } = accounts;
      assert.equal(await registry.read.getPoolCount(), 0n);

      const { pool, hash } = await registerPool(ctx, operator, signer.account.address);
      await expectEvents(publicClient, hash, registry, [
        {
          eventName: "PoolRegistered",
          args: {
            pool,
            operator: operator.account.address,
            signingAddress: signer.account.address,
            commissionRate: COMMISSION_RATE,
            metaDataUrl: POOL_METADATA_URL,
            metaDataContentHash: POOL_METADATA_HASH,
          },
        },
      ]);
      const vault = await viem.getContractAt("PoolVault", pool);
      assertSameValues([await vault.read.registry(), await vault.read.token()], [registry.address, token.address]);
      // no self-stake yet: registered pools start Broken until the operator stakes the minimum
      assertSameValues(await registry.read.getPoolInfo([pool]), {
        operator: operator.account.address,
        signingAddress: signer.account.address,
        commissionRate: COMMISSION_RATE,
        selfStakeSatisfied: false,
        state: PoolState.Broken,
        stakingLimit: MAX_STAKING_LIMIT,
        isPrivate: false,
        metaDataUrl: POOL_METADATA_URL,
        metaDataContentHash: POOL_METADATA_HASH,
        selfStake: 0n,
        index: 0n,
      });

      const second = await registerPool(ctx, otherOperator, stranger.account.address, 0n, "", `0x${"00".repeat(32)}`);
      await expectEvents(publicClient, second.hash, registry, [
        {
          eventName: "PoolRegistered",
          args: {
            pool: second.pool,
            operator: otherOperator.account.address,
            signingAddress: stranger.account.address,
            commissionRate: 0n,
            metaDataUrl: "",
            metaDataContentHash: `0x${"00".repeat(32)}`,
          },
        },
      ]);
      assert.equal((await registry.read.getPoolInfo([second.pool])).index, 1n);
      assert.equal(await registry.read.getPoolCount(), 2n);
      assertSameValues(await registry.read.getPools([0n, 10n]), [pool, second.pool]);
      assertSameValues(await registry.read.getPools([0n, 1n]), [pool]);
      assertSameValues(await registry.read.getPools([1n, 1n]), [second.pool]);
      assertSameValues(await registry.read.getPools([2n, 1n]), []);
      assertSameValues(await registry.read.getPools([0n, 0n]), []);
    });

    it("becomes Active once the operator self-stakes the minimum", async () => {
      const { registry, pool, accounts } = await loadFixture(poolFixture);
      const info = await registry.read.getPoolInfo([pool]);
      assert.equal(info.state, PoolState.Active);
      assert.equal(info.selfStakeSatisfied, true);
      assert.equal(info.selfStake, MIN_SELF_STAKE);
      assert.equal(await registry.read.getStake([pool, accounts.operator.account.address]), MIN_SELF_STAKE);
    });

    it("lets anyone register a pool, but refuses a zero signing address and a commission above 100%", async () => {
      // LinkPool's "shouldn't be able to add a node if you're not the owner" has no counterpart: pools are
      // permissionless, so the refusals left are the arguments'.
      const ctx = await loadFixture(registryFixture);
      const { registry, accounts } = ctx;
      const { stranger } = accounts;
      await viem.assertions.revertWithCustomErrorWithArgs(
        registry.write.registerPool([zeroAddress, COMMISSION_RATE, "", POOL_METADATA_HASH], {
          account: stranger.account,
        }),
        registry,
        "PoolRegistryZeroAddress",
        [],
      );
      await viem.assertions.revertWithCustomErrorWithArgs(
        registry.write.registerPool([stranger.account.address, PPM + 1n, "", POOL_METADATA_HASH], {
          account: stranger.account,
        }),
        registry,
        "PoolRegistryRateTooHigh",
        [PPM + 1n, PPM],
      );
      const { pool } = await registerPool(ctx, stranger, stranger.account.address, PPM);
      assert.equal((await registry.read.getPoolInfo([pool])).commissionRate, PPM);
    });

    it("refuses governance changes from anyone but the owner", async () => {
      const { registry, publicClient, accounts, governance } = await loadFixture(registryFixture);
      const { stranger } = accounts;
      await viem.assertions.revertWithCustomErrorWithArgs(
        registry.write.setMinSelfStake([1n], { account: stranger.account }),
        registry,
        "OwnableUnauthorizedAccount",
        [stranger.account.address],
      );
      await viem.assertions.revertWithCustomErrorWithArgs(
        registry.write.setProtocolFeeRate([0n], { account: stranger.account }),
        registry,
        "OwnableUnauthorizedAccount",
        [stranger.account.address],
      );
      await viem.assertions.revertWithCustomErrorWithArgs(
        registry.write.setFeeRecipient([stranger.account.address], { account: stranger.account }),
        registry,
        "OwnableUnauthorizedAccount",
        [stranger.account.address],
      );
      const maxRate = await registry.read.MAX_PROTOCOL_FEE_RATE();
      await expectEvents(
        publicClient,
        registry.write.setProtocolFeeRate([maxRate], { account: governance }),
        registry,
        [{ eventName: "ProtocolFeeRateChanged", args: { rate: maxRate } }],
      );
      await viem.assertions.revertWithCustomErrorWithArgs(
        registry.write.setProtocolFeeRate([maxRate + 1n], { account: governance }),
        registry,
        "PoolRegistryRateTooHigh",
        [maxRate + 1n, maxRate],
      );
      await expectEvents(
        publicClient,
        registry.write.setFeeRecipient([stranger.account.address], { account: governance }),
        registry,
        [{ eventName: "FeeRecipientChanged", args: { recipient: stranger.account.address } }],
      );
      await viem.assertions.revertWithCustomErrorWithArgs(
        registry.write.setFeeRecipient([zeroAddress], { account: governance }),
        registry,
        "PoolRegistryZeroAddress",
        [],
      );
    });
  });

  describe("delegating and undelegating", () => {
    it("should allow delegating: Delegated, the tokens move into the pool's vault and the total grows", async () => {
      const { registry, token, pool, publicClient, accounts } = await loadFixture(poolFixture);
      const { alice } = accounts;
      const amount = 500n * TOKEN;
      const { result: hash, changes } = await balanceChanges(
        token,
        [alice.account.address, pool, registry.address],
        () => registry.write.delegate([pool, amount], { account: alice.account }),
      );
      await expectEvents(publicClient, hash, registry, [
        { eventName: "Delegated", args: { pool, delegator: alice.account.address, amount } },
      ]);
      assert.deepStrictEqual(changes, [-amount, amount, 0n]);
      assert.deepStrictEqual(await registry.read.getTotalStake([pool]), [MIN_SELF_STAKE + amount, 0n]);
    });

    it("should read a delegator's stake with getStake", async () => {
      const { registry, pool, accounts } = await loadFixture(poolFixture);
      const { alice, bob, operator } = accounts;
      assert.equal(await registry.read.getStake([pool, alice.account.address]), 0n);
      await registry.write.delegate([pool, 250n * TOKEN + 7n], { account: alice.account });
      assert.equal(await registry.read.getStake([pool, alice.account.address]), 250n * TOKEN + 7n);
      assert.equal(await registry.read.getStake([pool, bob.account.address]), 0n);
      assert.equal(await registry.read.getStake([pool, operator.account.address]), MIN_SELF_STAKE);
    });

    it("refuses a zero amount to delegate or undelegate", async () => {
      const { registry, pool, accounts } = await loadFixture(poolFixture);
      const { alice } = accounts;
      await viem.assertions.revertWithCustomErrorWithArgs(
        registry.write.delegate([pool, 0n], { account: alice.account }),
        registry,
        "PoolRegistryZeroAmount",
        [],
      );
      await registry.write.delegate([pool, TOKEN], { account: alice.account });
      await viem.assertions.revertWithCustomErrorWithArgs(
        registry.write.undelegate([pool, 0n, 0n], { account: alice.account }),
        registry,
        "PoolRegistryZeroAmount",
        [],
      );
    });

    it("should do a partial undelegate and pay it, to the wei, only once the thawing period has passed", async () => {
      const { registry, token, pool, publicClient, accounts } = await loadFixture(poolFixture);
      const { alice } = accounts;
      await registry.write.delegate([pool, 500n * TOKEN], { account: alice.account });

      const amount = 200n * TOKEN + 1n;
      const id = undelegationId(0n, 0n, alice.account.address);
      const { result: hash, changes } = await balanceChanges(token, [alice.account.address, pool], () =>
        registry.write.undelegate([pool, amount, 0n], { account: alice.account }),
      );
      const receipt = await publicClient.waitForTransactionReceipt({ hash });
      const { timestamp } = await publicClient.getBlock({ blockNumber: receipt.blockNumber });
      const releaseAt = timestamp + THAWING_PERIOD;
      await expectEvents(publicClient, hash, registry, [
        { eventName: "Undelegated", args: { id, pool, delegator: alice.account.address, amount, fee: 0n, releaseAt } },
      ]);
      assert.deepStrictEqual(changes, [0n, 0n], "nothing moves before the thawing period");
      assert.equal(await registry.read.getStake([pool, alice.account.address]), 500n * TOKEN - amount);
      assert.deepStrictEqual(await registry.read.getTotalStake([pool]), [MIN_SELF_STAKE + 500n * TOKEN - amount, 0n]);
      assertSameValues(await registry.read.getUndelegation([id]), {
        pool,
        delegator: alice.account.address,
        amount,
        fee: 0n,
        releaseAt,
      });

      // the second before release is refused, the second of release is accepted
      await time.setNextBlockTimestamp(releaseAt - 1n);
      await viem.assertions.revertWithCustomErrorWithArgs(
        registry.write.finalizeUndelegate([id], { account: alice.account }),
        registry,
        "PoolRegistryUndelegationNotDue",
        [id, releaseAt],
      );
      await time.setNextBlockTimestamp(releaseAt);
      const finalized = await balanceChanges(token, [alice.account.address, pool], () =>
        registry.write.finalizeUndelegate([id], { account: alice.account }),
      );
      await expectEvents(publicClient, finalized.result, registry, [
        {
          eventName: "UndelegationFinalized",
          args: { id, pool, delegator: alice.account.address, amount, fee: 0n, caller: alice.account.address },
        },
      ]);
      assert.deepStrictEqual(finalized.changes, [amount, -amount]);

      await viem.assertions.revertWithCustomErrorWithArgs(
        registry.read.getUndelegation([id]),
        registry,
        "PoolRegistryUnknownUndelegation",
        [id],
      );
      await viem.assertions.revertWithCustomErrorWithArgs(
        registry.write.finalizeUndelegate([id], { account: alice.account }),
        registry,
        "PoolRegistryUnknownUndelegation",
        [id],
      );
    });

    it("should fully undelegate in two steps, each with its own id, and return every wei", async () => {
      const { registry, token, pool, publicClient, accounts } = await loadFixture(poolFixture);
      const { alice } = accounts;
      const staked = 500n * TOKEN + 3n;
      await registry.write.delegate([pool, staked], { account: alice.account });
      const first = undelegationId(0n, 0n, alice.account.address);
      const second = undelegationId(1n, 0n, alice.account.address);
      await registry.write.undelegate([pool, 100n * TOKEN, 0n], { account: alice.account });
      const hash = await registry.write.undelegate([pool, staked - 100n * TOKEN, 0n], { account: alice.account });
      const { blockNumber } = await publicClient.waitForTransactionReceipt({ hash });
      const releaseAt = (await publicClient.getBlock({ blockNumber })).timestamp + THAWING_PERIOD;
      await expectEvents(publicClient, hash, registry, [
        {
          eventName: "Undelegated",
          args: {
            id: second,
            pool,
            delegator: alice.account.address,
            amount: staked - 100n * TOKEN,
            fee: 0n,
            releaseAt,
          },
        },
      ]);
      assert.equal(await registry.read.getStake([pool, alice.account.address]), 0n);
      assert.deepStrictEqual(await registry.read.getTotalStake([pool]), [MIN_SELF_STAKE, 0n]);

      await time.increaseTo(releaseAt);
      const { changes } = await balanceChanges(token, [alice.account.address, pool], async () => {
        await registry.write.finalizeUndelegate([first], { account: alice.account });
        await registry.write.finalizeUndelegate([second], { account: alice.account });
      });
      assert.deepStrictEqual(changes, [staked, -staked]);
      assert.equal(await token.read.balanceOf([pool]), MIN_SELF_STAKE);
    });

    it("should refuse undelegating more than staked", async () => {
      const { registry, pool, accounts } = await loadFixture(poolFixture);
      const { alice, stranger } = accounts;
      const staked = 500n * TOKEN;
      await registry.write.delegate([pool, staked], { account: alice.account });
      await viem.assertions.revertWithCustomErrorWithArgs(
        registry.write.undelegate([pool, staked + 1n, 0n], { account: alice.account }),
        registry,
        "PoolRegistryInsufficientStake",
        [pool, alice.account.address, staked, staked + 1n],
      );
      await viem.assertions.revertWithCustomErrorWithArgs(
        registry.write.undelegate([pool, 1n, 0n], { account: stranger.account }),
        registry,
        "PoolRegistryInsufficientStake",
        [pool, stranger.account.address, 0n, 1n],
      );
      await registry.write.undelegate([pool, staked, 0n], { account: alice.account });
      assert.equal(await registry.read.getStake([pool, alice.account.address]), 0n);
    });

    it("should allow multiple delegators", async () => {
      const { registry, token, pool, publicClient, accounts } = await loadFixture(poolFixture);
      const stakes = [
        [accounts.alice, 100n * TOKEN],
        [accounts.bob, 200n * TOKEN + 1n],
        [accounts.carol, 300n * TOKEN + 2n],
      ] as const;
      for (const [wallet, amount] of stakes) {
        await expectEvents(
          publicClient,
          registry.write.delegate([pool, amount], { account: wallet.account }),
          registry,
          [{ eventName: "Delegated", args: { pool, delegator: wallet.account.address, amount } }],
        );
      }
      for (const [wallet, amount] of stakes) {
        assert.equal(await registry.read.getStake([pool, wallet.account.address]), amount);
      }
      const total = MIN_SELF_STAKE + 600n * TOKEN + 3n;
      assert.deepStrictEqual(await registry.read.getTotalStake([pool]), [total, 0n]);
      assert.equal(await token.read.balanceOf([pool]), total);
    });

    it("should allow repeated delegations from the same delegator", async () => {
      const { registry, pool, publicClient, accounts } = await loadFixture(poolFixture);
      const { alice } = accounts;
      for (const amount of [100n * TOKEN, 250n * TOKEN, 1n]) {
        await expectEvents(
          publicClient,
          registry.write.delegate([pool, amount], { account: alice.account }),
          registry,
          [{ eventName: "Delegated", args: { pool, delegator: alice.account.address, amount } }],
        );
      }
      assert.equal(await registry.read.getStake([pool, alice.account.address]), 350n * TOKEN + 1n);
      assert.deepStrictEqual(await registry.read.getTotalStake([pool]), [MIN_SELF_STAKE + 350n * TOKEN + 1n, 0n]);
    });

    it("should refuse delegating to a pool that does not exist, and every other call naming it", async () => {
      const { registry, accounts } = await loadFixture(poolFixture);
      const { alice, stranger } = accounts;
      const notAPool = stranger.account.address;
      const refusals = [
        () => registry.write.delegate([notAPool, TOKEN], { account: alice.account }),
        () => registry.write.undelegate([notAPool, TOKEN, 0n], { account: alice.account }),
        () => registry.write.distributeRewards([notAPool], { account: alice.account }),
        () => registry.write.withdrawRewards([notAPool], { account: alice.account }),
        () => registry.write.redelegateRewards([notAPool], { account: alice.account }),
        () => registry.write.withdrawProtocolFees([notAPool], { account: alice.account }),
        () => registry.write.setStakingLimit([notAPool, TOKEN], { account: alice.account }),
        () => registry.read.getPoolInfo([notAPool]),
        () => registry.read.getStake([notAPool, alice.account.address]),
        () => registry.read.getRewards([notAPool, alice.account.address]),
      ];
      for (const refusal of refusals) {
        await viem.assertions.revertWithCustomErrorWithArgs(refusal(), registry, "PoolRegistryUnknownPool", [notAPool]);
      }
      await viem.assertions.revertWithCustomErrorWithArgs(
        registry.write.delegate([zeroAddress, TOKEN], { account: alice.account }),
        registry,
        "PoolRegistryUnknownPool",
        [zeroAddress],
      );
    });

    it("should delegate through ERC-677 transferAndCall(registry, amount, abi.encode(pool)) in one call", async () => {
      const { registry, token, pool, publicClient, accounts } = await loadFixture(poolFixture);
      const { alice } = accounts;
      const amount = 300n * TOKEN + 5n;
      const data = poolData(pool);
      const { result: hash, changes } = await balanceChanges(
        token,
        [alice.account.address, pool, registry.address],
        () => token.write.transferAndCall([registry.address, amount, data], { account: alice.account }),
      );
      await expectEvents(publicClient, hash, registry, [
        { eventName: "Delegated", args: { pool, delegator: alice.account.address, amount } },
      ]);
      await expectEvents(publicClient, hash, token, [
        { eventName: "Transfer", args: { from: alice.account.address, to: registry.address, value: amount } },
        { eventName: "Transfer", args: { from: alice.account.address, to: registry.address, value: amount, data } },
        { eventName: "Transfer", args: { from: registry.address, to: pool, value: amount } },
      ]);
      assert.deepStrictEqual(changes, [-amount, amount, 0n], "nothing stays at the registry");
      assert.equal(await registry.read.getStake([pool, alice.account.address]), amount);
    });

    it("refuses ERC-677 delegations with bad pool data, to unknown pools, and onTokenTransfer from anything but the token", async () => {
      const { registry, token, pool, accounts } = await loadFixture(poolFixture);
      const { alice, stranger } = accounts;
      const twoWords = encodeAbiParameters([{ type: "address" }, { type: "uint256" }], [pool, 1n]);
      const tooWide = encodeAbiParameters([{ type: "uint256" }], [2n ** 160n]);
      for (const data of [twoWords, tooWide, "0x" as const]) {
        await viem.assertions.revertWithCustomErrorWithArgs(
          token.write.transferAndCall([registry.address, TOKEN, data], { account: alice.account }),
          registry,
          "PoolRegistryInvalidPoolData",
          [data],
        );
      }
      await viem.assertions.revertWithCustomErrorWithArgs(
        token.write.transferAndCall([registry.address, TOKEN, poolData(stranger.account.address)], {
          account: alice.account,
        }),
        registry,
        "PoolRegistryUnknownPool",
        [stranger.account.address],
      );
      await viem.assertions.revertWithCustomErrorWithArgs(
        token.write.transferAndCall([registry.address, 0n, poolData(pool)], { account: alice.account }),
        registry,
        "PoolRegistryZeroAmount",
        [],
      );
      // a forged notification would mint stake out of nothing
      await viem.assertions.revertWithCustomErrorWithArgs(
        registry.write.onTokenTransfer([alice.account.address, TOKEN, poolData(pool)], { account: alice.account }),
        registry,
        "PoolRegistryUnsupportedToken",
        [alice.account.address],
      );
    });

    it("should let a third party finalize an undelegation and pay it the fee", async () => {
      const { registry, token, pool, publicClient, accounts } = await loadFixture(poolFixture);
      const { alice, keeper } = accounts;
      await registry.write.delegate([pool, 500n * TOKEN], { account: alice.account });
      const amount = 200n * TOKEN;
      const fee = 3n * TOKEN + 1n;
      const id = undelegationId(0n, 0n, alice.account.address);
      const hash = await registry.write.undelegate([pool, amount, fee], { account: alice.account });
      const { blockNumber } = await publicClient.waitForTransactionReceipt({ hash });
      const releaseAt = (await publicClient.getBlock({ blockNumber })).timestamp + THAWING_PERIOD;
      await expectEvents(publicClient, hash, registry, [
        { eventName: "Undelegated", args: { id, pool, delegator: alice.account.address, amount, fee, releaseAt } },
      ]);

      await time.increaseTo(releaseAt);
      const { result, changes } = await balanceChanges(
        token,
        [alice.account.address, keeper.account.address, pool],
        () => registry.write.finalizeUndelegate([id], { account: keeper.account }),
      );
      // UndelegationFinalized.amount is the undelegated amount, as in Undelegated; the delegator receives it less the fee
      await expectEvents(publicClient, result, registry, [
        {
          eventName: "UndelegationFinalized",
          args: {
            id,
            pool,
            delegator: alice.account.address,
            amount,
            fee,
            caller: keeper.account.address,
          },
        },
      ]);
      assert.deepStrictEqual(changes, [amount - fee, fee, -amount]);
    });

    it("refuses a finalization fee above the amount: fee == amount passes, one wei more reverts", async () => {
      const { registry, token, pool, accounts } = await loadFixture(poolFixture);
      const { alice, keeper } = accounts;
      await registry.write.delegate([pool, 10n * TOKEN], { account: alice.account });
      await viem.assertions.revertWithCustomErrorWithArgs(
        registry.write.undelegate([pool, TOKEN, TOKEN + 1n], { account: alice.account }),
        registry,
        "PoolRegistryFeeExceedsAmount",
        [TOKEN + 1n, TOKEN],
      );
      await registry.write.undelegate([pool, TOKEN, TOKEN], { account: alice.account });
      await time.increase(THAWING_PERIOD);
      const { changes } = await balanceChanges(token, [alice.account.address, keeper.account.address], () =>
        registry.write.finalizeUndelegate([undelegationId(0n, 0n, alice.account.address)], { account: keeper.account }),
      );
      assert.deepStrictEqual(changes, [0n, TOKEN]);
    });
  });

  describe("rewards", () => {
    // operator 1000, alice 1000, bob 2000 tokens; a 100-token reward splits into 5 (fee), 9.5 (commission), 85.5:
    // every share below is exact, so these tests need no rounding tolerance
    const reward = 100n * TOKEN;
    const protocolFee = (reward * PROTOCOL_FEE_RATE) / PPM;
    const commission = ((reward - protocolFee) * COMMISSION_RATE) / PPM;
    const toDelegators = reward - protocolFee - commission;

    it("should share rewards back proportionately and pay each delegator exactly its share", async () => {
      const { registry, token, pool, publicClient, accounts } = await loadFixture(delegatedPoolFixture);
      const { operator, alice, bob, keeper, deployer } = accounts;
      await token.write.transfer([pool, reward], { account: deployer.account });
      // getRewards already counts tokens that arrived but are not yet distributed
      assert.equal(await registry.read.getRewards([pool, alice.account.address]), toDelegators / 4n);

      await expectEvents(
        publicClient,
        registry.write.distributeRewards([pool], { account: keeper.account }),
        registry,
        [{ eventName: "RewardsDistributed", args: { pool, amount: reward, protocolFee, commission, toDelegators } }],
      );
      const expected = [
        [operator, toDelegators / 4n + commission],
        [alice, toDelegators / 4n],
        [bob, toDelegators / 2n],
      ] as const;
      for (const [wallet, amount] of expected) {
        assert.equal(await registry.read.getRewards([pool, wallet.account.address]), amount);
      }
      for (const [wallet, amount] of expected) {
        const { result, changes } = await balanceChanges(token, [wallet.account.address, pool], () =>
          registry.write.withdrawRewards([pool], { account: wallet.account }),
        );
        await expectEvents(publicClient, result, registry, [
          { eventName: "RewardsWithdrawn", args: { pool, delegator: wallet.account.address, amount } },
        ]);
        assert.deepStrictEqual(changes, [amount, -amount]);
        assert.equal(await registry.read.getRewards([pool, wallet.account.address]), 0n);
      }
      await viem.assertions.revertWithCustomErrorWithArgs(
        registry.write.withdrawRewards([pool], { account: alice.account }),
        registry,
        "PoolRegistryNothingToWithdraw",
        [pool, alice.account.address],
      );
      // nothing new arrived: distributing again takes nothing in and says nothing
      await expectEvents(
        publicClient,
        registry.write.distributeRewards([pool], { account: keeper.account }),
        registry,
        [],
      );
      assert.equal(await token.read.balanceOf([pool]), 4000n * TOKEN + protocolFee);
    });

    it("should withdraw the protocol fees to the fee recipient (LinkPool's owners' share)", async () => {
      const { registry, token, pool, publicClient, accounts } = await loadFixture(delegatedPoolFixture);
      const { owners, keeper, deployer } = accounts;
      await token.write.transfer([pool, reward], { account: deployer.account });
      const { result, changes } = await balanceChanges(
        token,
        [owners.account.address, keeper.account.address, pool],
        () => registry.write.withdrawProtocolFees([pool], { account: keeper.account }),
      );
      await expectEvents(publicClient, result, registry, [
        { eventName: "RewardsDistributed", args: { pool, amount: reward, protocolFee, commission, toDelegators } },
        { eventName: "ProtocolFeesWithdrawn", args: { pool, recipient: owners.account.address, amount: protocolFee } },
      ]);
      assert.deepStrictEqual(changes, [protocolFee, 0n, -protocolFee]);
      await viem.assertions.revertWithCustomErrorWithArgs(
        registry.write.withdrawProtocolFees([pool], { account: keeper.account }),
        registry,
        "PoolRegistryNothingToWithdraw",
        [pool, owners.account.address],
      );
    });

    it("pays the rewards earned so far when a delegator undelegates", async () => {
      const { registry, token, pool, publicClient, accounts } = await loadFixture(delegatedPoolFixture);
      const { alice, deployer } = accounts;
      await token.write.transfer([pool, reward], { account: deployer.account });
      const { result, changes } = await balanceChanges(token, [alice.account.address], () =>
        registry.write.undelegate([pool, 1000n * TOKEN, 0n], { account: alice.account }),
      );
      const { blockNumber } = await publicClient.waitForTransactionReceipt({ hash: result });
      const releaseAt = (await publicClient.getBlock({ blockNumber })).timestamp + THAWING_PERIOD;
      await expectEvents(publicClient, result, registry, [
        { eventName: "RewardsDistributed", args: { pool, amount: reward, protocolFee, commission, toDelegators } },
        {
          eventName: "Undelegated",
          args: {
            id: undelegationId(0n, 0n, alice.account.address),
            pool,
            delegator: alice.account.address,
            amount: 1000n * TOKEN,
            fee: 0n,
            releaseAt,
          },
        },
        { eventName: "RewardsWithdrawn", args: { pool, delegator: alice.account.address, amount: toDelegators / 4n } },
      ]);
      assert.deepStrictEqual(changes, [toDelegators / 4n]);
    });

    it("redelegates rewards into stake without moving tokens", async () => {
      const { registry, token, pool, publicClient, accounts } = await loadFixture(delegatedPoolFixture);
      const { bob, deployer } = accounts;
      await token.write.transfer([pool, reward], { account: deployer.account });
      const share = toDelegators / 2n;
      const { result, changes } = await balanceChanges(token, [bob.account.address, pool], () =>
        registry.write.redelegateRewards([pool], { account: bob.account }),
      );
      await expectEvents(publicClient, result, registry, [
        { eventName: "RewardsDistributed", args: { pool, amount: reward, protocolFee, commission, toDelegators } },
        { eventName: "RewardsRedelegated", args: { pool, delegator: bob.account.address, amount: share } },
      ]);
      assert.deepStrictEqual(changes, [0n, 0n]);
      assert.equal(await registry.read.getStake([pool, bob.account.address]), 2000n * TOKEN + share);
      assert.deepStrictEqual(await registry.read.getTotalStake([pool]), [4000n * TOKEN + share, 0n]);
      assert.equal(await registry.read.getRewards([pool, bob.account.address]), 0n);
    });
  });

  describe("staking limit", () => {
    it("should set a new staking limit: StakingLimitChanged, and refuse one below the stake or above 2^96-1", async () => {
      const { registry, pool, publicClient, accounts } = await loadFixture(poolFixture);
      const { operator, alice } = accounts;
      const limit = 5000n * TOKEN;
      await expectEvents(
        publicClient,
        registry.write.setStakingLimit([pool, limit], { account: operator.account }),
        registry,
        [{ eventName: "StakingLimitChanged", args: { pool, stakingLimit: limit } }],
      );
      assert.equal((await registry.read.getPoolInfo([pool])).stakingLimit, limit);

      // the limit may equal the stake, not go one wei below it
      await registry.write.setStakingLimit([pool, MIN_SELF_STAKE], { account: operator.account });
      await viem.assertions.revertWithCustomErrorWithArgs(
        registry.write.setStakingLimit([pool, MIN_SELF_STAKE - 1n], { account: operator.account }),
        registry,
        "PoolRegistryLimitBelowStake",
        [pool, MIN_SELF_STAKE - 1n, MIN_SELF_STAKE],
      );
      await registry.write.setStakingLimit([pool, MAX_STAKING_LIMIT], { account: operator.account });
      await viem.assertions.revertWithCustomErrorWithArgs(
        registry.write.setStakingLimit([pool, MAX_STAKING_LIMIT + 1n], { account: operator.account }),
        registry,
        "PoolRegistryLimitTooLarge",
        [MAX_STAKING_LIMIT + 1n, MAX_STAKING_LIMIT],
      );
      await viem.assertions.revertWithCustomErrorWithArgs(
        registry.write.setStakingLimit([pool, limit], { account: alice.account }),
        registry,
        "PoolRegistryNotOperator",
        [pool, alice.account.address],
      );
    });

    // each case: the limit and what others have delegated beside the operator's 1000 tokens; alice then delegates
    // exactly what is left (passes) and one wei more (reverts)
    const STAKING_LIMIT_CASES = [
      { limit: 1500n * TOKEN, others: 0n },
      { limit: MIN_SELF_STAKE + 1n, others: 0n },
      { limit: 10_000n * TOKEN, others: 2345n * TOKEN + 678n },
      { limit: 4000n * TOKEN + 1n, others: 2999n * TOKEN },
      { limit: 900_000n * TOKEN, others: 12_345n * TOKEN },
    ];
    for (const [i, { limit, others }] of STAKING_LIMIT_CASES.entries()) {
      it(`should refuse exceeding the staking limit by one wei, and take exactly the rest:${i}`, async () => {
        const { registry, pool, accounts } = await loadFixture(poolFixture);
        const { operator, alice, bob } = accounts;
        await registry.write.setStakingLimit([pool, limit], { account: operator.account });
        if (others !== 0n) await registry.write.delegate([pool, others], { account: bob.account });
        const total = MIN_SELF_STAKE + others;
        const rest = limit - total;

        await viem.assertions.revertWithCustomErrorWithArgs(
          registry.write.delegate([pool, rest + 1n], { account: alice.account }),
          registry,
          "PoolRegistryStakingLimitExceeded",
          [pool, total, limit, rest + 1n],
        );
        await registry.write.delegate([pool, rest], { account: alice.account });
        assert.deepStrictEqual(await registry.read.getTotalStake([pool]), [limit, 0n]);
        await viem.assertions.revertWithCustomErrorWithArgs(
          registry.write.delegate([pool, 1n], { account: alice.account }),
          registry,
          "PoolRegistryStakingLimitExceeded",
          [pool, limit, limit, 1n],
        );
      });
    }

    it("refuses redelegating rewards into a full pool and an ERC-677 delegation over the limit", async () => {
      const { registry, token, pool, accounts } = await loadFixture(poolFixture);
      const { operator, alice, deployer } = accounts;
      const limit = 2000n * TOKEN;
      await registry.write.setStakingLimit([pool, limit], { account: operator.account });
      await registry.write.delegate([pool, 1000n * TOKEN], { account: alice.account });
      await token.write.transfer([pool, 100n * TOKEN], { account: deployer.account });
      const aliceRewards = await registry.read.getRewards([pool, alice.account.address]);
      await viem.assertions.revertWithCustomErrorWithArgs(
        registry.write.redelegateRewards([pool], { account: alice.account }),
        registry,
        "PoolRegistryStakingLimitExceeded",
        [pool, limit, limit, aliceRewards],
      );
      await viem.assertions.revertWithCustomErrorWithArgs(
        token.write.transferAndCall([registry.address, 1n, poolData(pool)], { account: alice.account }),
        registry,
        "PoolRegistryStakingLimitExceeded",
        [pool, limit, limit, 1n],
      );
    });
  });

  describe("disabled pools", () => {
    it("should disable a pool: PoolDisabled, state Disabled, delegations refused, stake can still leave", async () => {
      const { registry, pool, publicClient, accounts } = await loadFixture(poolFixture);
      const { operator, alice } = accounts;
      await registry.write.delegate([pool, 100n * TOKEN], { account: alice.account });
      await expectEvents(publicClient, registry.write.disablePool([pool], { account: operator.account }), registry, [
        { eventName: "PoolDisabled", args: { pool } },
      ]);
      assert.equal((await registry.read.getPoolInfo([pool])).state, PoolState.Disabled);
      await viem.assertions.revertWithCustomErrorWithArgs(
        registry.write.delegate([pool, TOKEN], { account: alice.account }),
        registry,
        "PoolRegistryPoolDisabled",
        [pool],
      );
      await registry.write.undelegate([pool, 100n * TOKEN, 0n], { account: alice.account });
      assert.equal(await registry.read.getStake([pool, alice.account.address]), 0n);

      await expectEvents(publicClient, registry.write.enablePool([pool], { account: operator.account }), registry, [
        { eventName: "PoolEnabled", args: { pool } },
      ]);
      assert.equal((await registry.read.getPoolInfo([pool])).state, PoolState.Active);
      await registry.write.delegate([pool, TOKEN], { account: alice.account });
      assert.equal(await registry.read.getStake([pool, alice.account.address]), TOKEN);
    });

    it("should refuse delegating to a disabled pool by every route, even from its operator", async () => {
      const { registry, token, pool, publicClient, accounts } = await loadFixture(poolFixture);
      const { operator, alice, deployer } = accounts;
      await registry.write.delegate([pool, 100n * TOKEN], { account: alice.account });
      await token.write.transfer([pool, 10n * TOKEN], { account: deployer.account });
      await registry.write.disablePool([pool], { account: operator.account });
      for (const wallet of [alice, operator]) {
        await viem.assertions.revertWithCustomErrorWithArgs(
          registry.write.delegate([pool, TOKEN], { account: wallet.account }),
          registry,
          "PoolRegistryPoolDisabled",
          [pool],
        );
        await viem.assertions.revertWithCustomErrorWithArgs(
          token.write.transferAndCall([registry.address, TOKEN, poolData(pool)], { account: wallet.account }),
          registry,
          "PoolRegistryPoolDisabled",
          [pool],
        );
        await viem.assertions.revertWithCustomErrorWithArgs(
          registry.write.redelegateRewards([pool], { account: wallet.account }),
          registry,
          "PoolRegistryPoolDisabled",
          [pool],
        );
      }
      // a disabled pool still earns and pays
      const owed = await registry.read.getRewards([pool, alice.account.address]);
      assert.ok(owed > 0n);
      await expectEvents(publicClient, registry.write.withdrawRewards([pool], { account: alice.account }), registry, [
        {
          eventName: "RewardsDistributed",
          args: {
            pool,
            amount: 10n * TOKEN,
            protocolFee: TOKEN / 2n,
            commission: (95n * TOKEN) / 100n,
            toDelegators: (855n * TOKEN) / 100n,
          },
        },
        { eventName: "RewardsWithdrawn", args: { pool, delegator: alice.account.address, amount: owed } },
      ]);
    });

    it("refuses enabling, disabling or making private from anyone but the operator", async () => {
      const { registry, pool, accounts } = await loadFixture(poolFixture);
      const { stranger } = accounts;
      for (const refusal of [
        () => registry.write.disablePool([pool], { account: stranger.account }),
        () => registry.write.enablePool([pool], { account: stranger.account }),
        () => registry.write.setPoolPrivate([pool, true], { account: stranger.account }),
      ]) {
        await viem.assertions.revertWithCustomErrorWithArgs(refusal(), registry, "PoolRegistryNotOperator", [
          pool,
          stranger.account.address,
        ]);
      }
    });
  });

  describe("private pools", () => {
    it("should create a private pool: PoolPrivacyChanged, only the operator is allowed", async () => {
      const { registry, pool, publicClient, accounts } = await loadFixture(poolFixture);
      const { operator, alice } = accounts;
      await expectEvents(
        publicClient,
        registry.write.setPoolPrivate([pool, true], { account: operator.account }),
        registry,
        [{ eventName: "PoolPrivacyChanged", args: { pool, isPrivate: true } }],
      );
      assert.equal((await registry.read.getPoolInfo([pool])).isPrivate, true);
      assert.equal(await registry.read.isDelegatorAllowed([pool, alice.account.address]), false);
      assert.equal(await registry.read.isDelegatorAllowed([pool, operator.account.address]), true);
      await registry.write.delegate([pool, TOKEN], { account: operator.account });

      await expectEvents(
        publicClient,
        registry.write.setPoolPrivate([pool, false], { account: operator.account }),
        registry,
        [{ eventName: "PoolPrivacyChanged", args: { pool, isPrivate: false } }],
      );
      assert.equal(await registry.read.isDelegatorAllowed([pool, alice.account.address]), true);
    });

    it("should add a delegator to a private pool's allow-list: DelegatorAllowListUpdated", async () => {
      const { registry, pool, publicClient, accounts } = await loadFixture(poolFixture);
      const { operator, alice } = accounts;
      await registry.write.setPoolPrivate([pool, true], { account: operator.account });
      await expectEvents(
        publicClient,
        registry.write.setDelegatorAllowed([pool, alice.account.address, true], { account: operator.account }),
        registry,
        [{ eventName: "DelegatorAllowListUpdated", args: { pool, delegator: alice.account.address, allowed: true } }],
      );
      assert.equal(await registry.read.isDelegatorAllowed([pool, alice.account.address]), true);
      await viem.assertions.revertWithCustomErrorWithArgs(
        registry.write.setDelegatorAllowed([pool, zeroAddress, true], { account: operator.account }),
        registry,
        "PoolRegistryZeroAddress",
        [],
      );
    });

    it("should take a delegation to a private pool from an allowed delegator, by delegate and by ERC-677", async () => {
      const { registry, token, pool, publicClient, accounts } = await loadFixture(privatePoolFixture);
      const { alice } = accounts;
      await expectEvents(
        publicClient,
        registry.write.delegate([pool, 100n * TOKEN], { account: alice.account }),
        registry,
        [{ eventName: "Delegated", args: { pool, delegator: alice.account.address, amount: 100n * TOKEN } }],
      );
      await token.write.transferAndCall([registry.address, 50n * TOKEN, poolData(pool)], { account: alice.account });
      assert.equal(await registry.read.getStake([pool, alice.account.address]), 150n * TOKEN);
    });

    it("should fully undelegate from a private pool, even after leaving the allow-list", async () => {
      const { registry, token, pool, accounts } = await loadFixture(privatePoolFixture);
      const { operator, alice } = accounts;
      await registry.write.delegate([pool, 100n * TOKEN], { account: alice.account });
      await registry.write.setDelegatorAllowed([pool, alice.account.address, false], { account: operator.account });
      await registry.write.undelegate([pool, 100n * TOKEN, 0n], { account: alice.account });
      assert.equal(await registry.read.getStake([pool, alice.account.address]), 0n);
      await time.increase(THAWING_PERIOD);
      const { changes } = await balanceChanges(token, [alice.account.address], () =>
        registry.write.finalizeUndelegate([undelegationId(0n, 0n, alice.account.address)], { account: alice.account }),
      );
      assert.deepStrictEqual(changes, [100n * TOKEN]);
    });

    it("shouldn't take a delegation to a private pool from a delegator not allowed", async () => {
      const { registry, token, pool, accounts } = await loadFixture(privatePoolFixture);
      const { operator, alice, stranger } = accounts;
      await viem.assertions.revertWithCustomErrorWithArgs(
        registry.write.delegate([pool, TOKEN], { account: stranger.account }),
        registry,
        "PoolRegistryDelegatorNotAllowed",
        [pool, stranger.account.address],
      );
      await viem.assertions.revertWithCustomErrorWithArgs(
        token.write.transferAndCall([registry.address, TOKEN, poolData(pool)], { account: stranger.account }),
        registry,
        "PoolRegistryDelegatorNotAllowed",
        [pool, stranger.account.address],
      );
      // removed from the list, alice is refused too
      await registry.write.setDelegatorAllowed([pool, alice.account.address, false], { account: operator.account });
      await viem.assertions.revertWithCustomErrorWithArgs(
        registry.write.delegate([pool, TOKEN], { account: alice.account }),
        registry,
        "PoolRegistryDelegatorNotAllowed",
        [pool, alice.account.address],
      );
    });

    it("shouldn't change a private pool's allow-list unless the caller is the operator", async () => {
      const { registry, pool, accounts } = await loadFixture(privatePoolFixture);
      const { alice, stranger } = accounts;
      await viem.assertions.revertWithCustomErrorWithArgs(
        registry.write.setDelegatorAllowed([pool, stranger.account.address, true], { account: alice.account }),
        registry,
        "PoolRegistryNotOperator",
        [pool, alice.account.address],
      );
      assert.equal(await registry.read.isDelegatorAllowed([pool, stranger.account.address]), false);
    });
  });

  describe("broken pools", () => {
    it("is Broken while the operator's self-stake is below the minimum, refuses others, and is mended by the operator", async () => {
      const { registry, token, pool, publicClient, accounts } = await loadFixture(poolFixture);
      const { operator, alice, bob } = accounts;
      await registry.write.delegate([pool, 100n * TOKEN], { account: alice.account });
      await registry.write.undelegate([pool, 1n, 0n], { account: operator.account });
      const selfStake = MIN_SELF_STAKE - 1n;

      const info = await registry.read.getPoolInfo([pool]);
      assert.equal(info.state, PoolState.Broken);
      assert.equal(info.selfStakeSatisfied, false);
      assert.equal(info.selfStake, selfStake);
      for (const refusal of [
        () => registry.write.delegate([pool, TOKEN], { account: bob.account }),
        () => registry.write.delegate([pool, TOKEN], { account: alice.account }),
        () => token.write.transferAndCall([registry.address, TOKEN, poolData(pool)], { account: bob.account }),
      ]) {
        await viem.assertions.revertWithCustomErrorWithArgs(refusal(), registry, "PoolRegistryPoolBroken", [
          pool,
          selfStake,
          MIN_SELF_STAKE,
        ]);
      }
      // stake already in may leave
      await registry.write.undelegate([pool, 50n * TOKEN, 0n], { account: alice.account });

      await expectEvents(publicClient, registry.write.delegate([pool, 1n], { account: operator.account }), registry, [
        { eventName: "Delegated", args: { pool, delegator: operator.account.address, amount: 1n } },
      ]);
      const mended = await registry.read.getPoolInfo([pool]);
      assert.equal(mended.state, PoolState.Active);
      assert.equal(mended.selfStakeSatisfied, true);
      await registry.write.delegate([pool, TOKEN], { account: bob.account });
      assert.equal(await registry.read.getStake([pool, bob.account.address]), TOKEN);
    });

    it("breaks when governance raises the minimum self-stake, and reports Disabled over Broken", async () => {
      const { registry, pool, publicClient, accounts, governance } = await loadFixture(poolFixture);
      const { operator, alice } = accounts;
      const raised = MIN_SELF_STAKE + 1n;
      await expectEvents(publicClient, registry.write.setMinSelfStake([raised], { account: governance }), registry, [
        { eventName: "MinSelfStakeChanged", args: { amount: raised } },
      ]);
      assert.equal((await registry.read.getPoolInfo([pool])).state, PoolState.Broken);
      await viem.assertions.revertWithCustomErrorWithArgs(
        registry.write.delegate([pool, TOKEN], { account: alice.account }),
        registry,
        "PoolRegistryPoolBroken",
        [pool, MIN_SELF_STAKE, raised],
      );
      await registry.write.disablePool([pool], { account: operator.account });
      const info = await registry.read.getPoolInfo([pool]);
      assert.equal(info.state, PoolState.Disabled);
      assert.equal(info.selfStakeSatisfied, false);
      // disabled is checked first, so that is the refusal reported
      await viem.assertions.revertWithCustomErrorWithArgs(
        registry.write.delegate([pool, TOKEN], { account: alice.account }),
        registry,
        "PoolRegistryPoolDisabled",
        [pool],
      );
    });
  });
});
