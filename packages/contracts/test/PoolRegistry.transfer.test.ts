// Delegation transfers between pools through viem, as a wallet sends them: every event with its arguments, exact
// balances, and the staking limit's reserved room at its exact edge.
import assert from "node:assert/strict";
import { describe, it } from "node:test";
import { network } from "hardhat";
import type { NetworkConnection } from "hardhat/types/network";
import type { Address } from "viem";
import { MIN_SELF_STAKE, PoolState, TRANSFER_LOCKOUT_PERIOD, TOKEN, poolFixture, registerPool } from "./fixtures.ts";
import { assertSameValues, balanceChanges, expectEvents } from "./helpers.ts";

const { viem, networkHelpers } = await network.create();
const { loadFixture, time } = networkHelpers;

/** The id `transferDelegation` returns: nonce << 224 | toPool index << 192 | fromPool index << 160 | delegator. */
const transferId = (nonce: bigint, fromIndex: bigint, toIndex: bigint, delegator: Address): bigint =>
  (nonce << 224n) | (toIndex << 192n) | (fromIndex << 160n) | BigInt(delegator);

/** The pool of `poolFixture` (index 0) with alice's 1000 tokens, and a second active pool (index 1) to move to. */
async function twoPoolsFixture(connection: NetworkConnection) {
  const base = await poolFixture(connection);
  const { registry, pool, accounts } = base;
  const { otherOperator, signer, alice } = accounts;
  const { pool: otherPool } = await registerPool(base, otherOperator, signer.account.address);
  await registry.write.delegate([otherPool, MIN_SELF_STAKE], { account: otherOperator.account });
  await registry.write.delegate([pool, 1000n * TOKEN], { account: alice.account });
  return { ...base, otherPool };
}

describe("PoolRegistry — transfers between pools", () => {
  it("should transfer a delegation: it leaves at once, waits out the lockout, and lands less the caller's fee", async () => {
    const { registry, token, pool, otherPool, publicClient, accounts } = await loadFixture(twoPoolsFixture);
    const { alice, keeper, deployer } = accounts;
    // operator 1000, alice 1000: of a 100-token reward, 85.5 go to stakers and alice earns 42.75
    await token.write.transfer([pool, 100n * TOKEN], { account: deployer.account });
    const amount = 400n * TOKEN;
    const fee = 2n * TOKEN + 1n;
    const id = transferId(1n, 0n, 1n, alice.account.address);

    const { result: hash, changes } = await balanceChanges(token, [alice.account.address, pool], () =>
      registry.write.transferDelegation([pool, otherPool, amount, fee], { account: alice.account }),
    );
    const { blockNumber } = await publicClient.waitForTransactionReceipt({ hash });
    const releaseAt = (await publicClient.getBlock({ blockNumber })).timestamp + TRANSFER_LOCKOUT_PERIOD;
    await expectEvents(publicClient, hash, registry, [
      {
        eventName: "RewardsDistributed",
        args: {
          pool,
          amount: 100n * TOKEN,
          protocolFee: 5n * TOKEN,
          commission: (95n * TOKEN) / 10n,
          toDelegators: (855n * TOKEN) / 10n,
        },
      },
      {
        eventName: "DelegationTransferred",
        args: { id, fromPool: pool, toPool: otherPool, delegator: alice.account.address, amount, fee, releaseAt },
      },
      {
        eventName: "RewardsWithdrawn",
        args: { pool, delegator: alice.account.address, amount: (4275n * TOKEN) / 100n },
      },
    ]);
    assert.deepStrictEqual(changes, [(4275n * TOKEN) / 100n, (-4275n * TOKEN) / 100n], "only her rewards were paid");
    assert.deepStrictEqual(await registry.read.getTotalStake([pool]), [MIN_SELF_STAKE + 600n * TOKEN, 0n]);
    assert.deepStrictEqual(await registry.read.getTotalStake([otherPool]), [MIN_SELF_STAKE, amount - fee]);
    assertSameValues(await registry.read.getTransfer([id]), {
      fromPool: pool,
      toPool: otherPool,
      delegator: alice.account.address,
      amount,
      fee,
      releaseAt,
    });

    await viem.assertions.revertWithCustomErrorWithArgs(
      registry.write.finalizeTransfer([id], { account: keeper.account }),
      registry,
      "PoolRegistryTransferNotDue",
      [id, releaseAt],
    );
    await time.increaseTo(releaseAt);
    const landed = await balanceChanges(token, [alice.account.address, keeper.account.address, pool, otherPool], () =>
      registry.write.finalizeTransfer([id], { account: keeper.account }),
    );
    await expectEvents(publicClient, landed.result, registry, [
      {
        eventName: "TransferFinalized",
        args: {
          id,
          fromPool: pool,
          toPool: otherPool,
          delegator: alice.account.address,
          amount,
          fee,
          caller: keeper.account.address,
        },
      },
    ]);
    assert.deepStrictEqual(landed.changes, [0n, fee, -amount, amount - fee]);
    assert.equal(await registry.read.getStake([otherPool, alice.account.address]), amount - fee);
    assert.deepStrictEqual(await registry.read.getTotalStake([otherPool]), [MIN_SELF_STAKE + amount - fee, 0n]);
    await viem.assertions.revertWithCustomErrorWithArgs(
      registry.read.getTransfer([id]),
      registry,
      "PoolRegistryUnknownTransfer",
      [id],
    );
  });

  it("refuses an operator's self-stake, the same pool, and a pool that would not take the delegator", async () => {
    const { registry, pool, otherPool, accounts } = await loadFixture(twoPoolsFixture);
    const { operator, otherOperator, alice } = accounts;
    await viem.assertions.revertWithCustomErrorWithArgs(
      registry.write.transferDelegation([pool, otherPool, TOKEN, 0n], { account: operator.account }),
      registry,
      "PoolRegistrySelfStakeNotTransferable",
      [pool, operator.account.address],
    );
    await viem.assertions.revertWithCustomErrorWithArgs(
      registry.write.transferDelegation([pool, pool, TOKEN, 0n], { account: alice.account }),
      registry,
      "PoolRegistryTransferToSamePool",
      [pool],
    );
    await registry.write.setPoolPrivate([otherPool, true], { account: otherOperator.account });
    await viem.assertions.revertWithCustomErrorWithArgs(
      registry.write.transferDelegation([pool, otherPool, TOKEN, 0n], { account: alice.account }),
      registry,
      "PoolRegistryDelegatorNotAllowed",
      [otherPool, alice.account.address],
    );
    await registry.write.retirePool([otherPool], { account: otherOperator.account });
    await viem.assertions.revertWithCustomErrorWithArgs(
      registry.write.transferDelegation([pool, otherPool, TOKEN, 0n], { account: alice.account }),
      registry,
      "PoolRegistryPoolRetired",
      [otherPool],
    );
  });

  it("lets a delegator leave a broken pool by transfer, and lands it even if the new pool retired meanwhile", async () => {
    const { registry, pool, otherPool, accounts } = await loadFixture(twoPoolsFixture);
    const { operator, otherOperator, alice, keeper } = accounts;
    await registry.write.undelegate([pool, 1n, 0n], { account: operator.account });
    assert.equal((await registry.read.getPoolInfo([pool])).state, PoolState.Broken);
    await registry.write.transferDelegation([pool, otherPool, 1000n * TOKEN, 0n], { account: alice.account });
    await registry.write.retirePool([otherPool], { account: otherOperator.account });
    await time.increase(TRANSFER_LOCKOUT_PERIOD);
    const id = transferId(1n, 0n, 1n, alice.account.address);
    await registry.write.finalizeTransfers([[id, id, 42n]], { account: keeper.account });
    assert.equal(await registry.read.getStake([otherPool, alice.account.address]), 1000n * TOKEN);
    assert.equal((await registry.read.getPoolInfo([otherPool])).state, PoolState.Retired);
  });

  // each case: the new pool's limit, and a first transfer (amount, fee) that reserves amount - fee of its room;
  // a second transfer then takes exactly the rest (passes) and one wei more (reverts), and a delegation of 1 wei is
  // refused while the room stays reserved
  const LIMIT_CASES = [
    { limit: MIN_SELF_STAKE + 500n * TOKEN, amount: 300n * TOKEN, fee: 0n },
    { limit: MIN_SELF_STAKE + 500n * TOKEN, amount: 300n * TOKEN, fee: 7n * TOKEN + 3n },
    { limit: MIN_SELF_STAKE + 1n, amount: 1n, fee: 0n },
    { limit: MIN_SELF_STAKE + 999n * TOKEN, amount: 999n * TOKEN - 1n, fee: 0n },
  ];
  for (const [i, { limit, amount, fee }] of LIMIT_CASES.entries()) {
    it(`counts stake pending into a pool against its staking limit, to the wei:${i}`, async () => {
      const { registry, pool, otherPool, accounts } = await loadFixture(twoPoolsFixture);
      const { otherOperator, alice, bob, carol } = accounts;
      await registry.write.setStakingLimit([otherPool, limit], { account: otherOperator.account });
      await registry.write.delegate([pool, 1000n * TOKEN], { account: bob.account });
      await registry.write.transferDelegation([pool, otherPool, amount, fee], { account: alice.account });
      const committed = MIN_SELF_STAKE + amount - fee;
      const rest = limit - committed;

      await viem.assertions.revertWithCustomErrorWithArgs(
        registry.write.transferDelegation([pool, otherPool, rest + 1n, 0n], { account: bob.account }),
        registry,
        "PoolRegistryStakingLimitExceeded",
        [otherPool, committed, limit, rest + 1n],
      );
      if (rest !== 0n) {
        await registry.write.transferDelegation([pool, otherPool, rest, 0n], { account: bob.account });
      }
      assert.deepStrictEqual(await registry.read.getTotalStake([otherPool]), [MIN_SELF_STAKE, limit - MIN_SELF_STAKE]);
      await viem.assertions.revertWithCustomErrorWithArgs(
        registry.write.delegate([otherPool, 1n], { account: carol.account }),
        registry,
        "PoolRegistryStakingLimitExceeded",
        [otherPool, limit, limit, 1n],
      );
      await viem.assertions.revertWithCustomErrorWithArgs(
        registry.write.setStakingLimit([otherPool, limit - 1n], { account: otherOperator.account }),
        registry,
        "PoolRegistryLimitBelowStake",
        [otherPool, limit - 1n, limit],
      );
    });
  }
});
