// The O(1) claim: every delegation operation costs the same gas in a pool of 1 delegator as in a pool of 300.
import assert from "node:assert/strict";
import { describe, it } from "node:test";
import { network } from "hardhat";
import type { NetworkConnection } from "hardhat/types/network";
import { parseEventLogs, type Address, type Hash } from "viem";
import { MIN_SELF_STAKE, THAWING_PERIOD, TOKEN, registerPool, registryFixture } from "./fixtures.ts";

const { networkHelpers } = await network.create();
const { loadFixture, time } = networkHelpers;

const SMALL_POOL_DELEGATORS = 1;
const LARGE_POOL_DELEGATORS = 300;
const STAKE_EACH = 10n * TOKEN;
const BATCH = 50; // delegators BenchDelegators creates per transaction
// the odd wei keeps every division inexact, so the registry's remainders are non-zero as in a running pool
const SELF_STAKE = MIN_SELF_STAKE + 1n;

/** Two pools of one registry: one holding only its operator's self-stake, one with 299 more delegators. */
async function filledPoolsFixture(connection: NetworkConnection) {
  const base = await registryFixture(connection);
  const { registry, token, accounts } = base;
  const { operator, otherOperator, signer, deployer } = accounts;
  const small = await registerPool(base, operator, signer.account.address);
  const large = await registerPool(base, otherOperator, signer.account.address);
  await registry.write.delegate([small.pool, SELF_STAKE], { account: operator.account });
  await registry.write.delegate([large.pool, SELF_STAKE], { account: otherOperator.account });

  const factory = await connection.viem.deployContract("BenchDelegators", [token.address, registry.address]);
  const benchDelegators = LARGE_POOL_DELEGATORS - 1; // the operator is the first
  await token.write.transfer([factory.address, STAKE_EACH * BigInt(benchDelegators)], { account: deployer.account });
  for (let made = 0; made < benchDelegators; made += BATCH) {
    const count = Math.min(BATCH, benchDelegators - made);
    await factory.write.addDelegators([large.pool, BigInt(count), STAKE_EACH], { gas: 16_000_000n });
  }
  return { ...base, pools: { small: small.pool, large: large.pool } };
}

type Context = Awaited<ReturnType<typeof filledPoolsFixture>>;
type Operation =
  | "distributeRewards"
  | "delegate (new delegator)"
  | "delegate (existing delegator)"
  | "undelegate"
  | "withdrawRewards"
  | "finalizeUndelegate";

/**
 * Runs the delegation lifecycle on `pool` in its steady state (a reward already distributed, so no counter goes from
 * zero to non-zero) and returns the gas of each operation.
 */
async function measureLifecycle({ registry, token, publicClient, accounts }: Context, pool: Address) {
  const { alice, bob, keeper, deployer } = accounts;
  const gasOf = async (hash: Promise<Hash>) => {
    const receipt = await publicClient.waitForTransactionReceipt({ hash: await hash });
    assert.equal(receipt.status, "success");
    return receipt;
  };
  const reward = async () => {
    await token.write.transfer([pool, 25n * TOKEN + 3n], { account: deployer.account });
  };

  await registry.write.delegate([pool, 500n * TOKEN], { account: alice.account });
  await reward();
  await registry.write.distributeRewards([pool], { account: keeper.account });
  await reward();
  const distribute = await gasOf(registry.write.distributeRewards([pool], { account: keeper.account }));
  const delegateNew = await gasOf(registry.write.delegate([pool, 500n * TOKEN], { account: bob.account }));
  await reward();
  await registry.write.distributeRewards([pool], { account: keeper.account });
  const delegateExisting = await gasOf(registry.write.delegate([pool, 100n * TOKEN], { account: alice.account }));
  await reward();
  await registry.write.distributeRewards([pool], { account: keeper.account });
  const undelegate = await gasOf(registry.write.undelegate([pool, 100n * TOKEN, TOKEN], { account: alice.account }));
  await reward();
  await registry.write.distributeRewards([pool], { account: keeper.account });
  const withdraw = await gasOf(registry.write.withdrawRewards([pool], { account: alice.account }));
  const [undelegated] = parseEventLogs({ abi: registry.abi, eventName: "Undelegated", logs: undelegate.logs });
  assert.ok(undelegated);
  await time.increase(THAWING_PERIOD);
  const finalize = await gasOf(registry.write.finalizeUndelegate([undelegated.args.id], { account: keeper.account }));

  const gas: Record<Operation, bigint> = {
    distributeRewards: distribute.gasUsed,
    "delegate (new delegator)": delegateNew.gasUsed,
    "delegate (existing delegator)": delegateExisting.gasUsed,
    undelegate: undelegate.gasUsed,
    withdrawRewards: withdraw.gasUsed,
    finalizeUndelegate: finalize.gasUsed,
  };
  return gas;
}

describe("PoolRegistry — flat gas", () => {
  it(`fills one pool with ${SMALL_POOL_DELEGATORS} and another with ${LARGE_POOL_DELEGATORS} distinct delegators`, async () => {
    const { registry, pools } = await loadFixture(filledPoolsFixture);
    assert.deepStrictEqual(await registry.read.getTotalStake([pools.small]), [SELF_STAKE, 0n]);
    assert.deepStrictEqual(await registry.read.getTotalStake([pools.large]), [
      SELF_STAKE + STAKE_EACH * BigInt(LARGE_POOL_DELEGATORS - 1),
      0n,
    ]);
    const delegations = await registry.getEvents.Delegated({ pool: pools.large }, { fromBlock: 0n });
    assert.equal(new Set(delegations.map((log) => log.args.delegator)).size, LARGE_POOL_DELEGATORS);
  });

  // the gas the large pool may cost above the small one: only finalizeUndelegate's calldata differs, because the
  // undelegation id carries the pool's index (1, not 0) and a non-zero calldata byte costs 12 gas more than a zero one
  const OPERATIONS: { operation: Operation; calldataExtra: bigint }[] = [
    { operation: "distributeRewards", calldataExtra: 0n },
    { operation: "delegate (new delegator)", calldataExtra: 0n },
    { operation: "delegate (existing delegator)", calldataExtra: 0n },
    { operation: "undelegate", calldataExtra: 0n },
    { operation: "withdrawRewards", calldataExtra: 0n },
    { operation: "finalizeUndelegate", calldataExtra: 12n },
  ];
  for (const { operation, calldataExtra } of OPERATIONS) {
    it(`${operation} costs the same gas with ${SMALL_POOL_DELEGATORS} and ${LARGE_POOL_DELEGATORS} delegators`, async () => {
      const ctx = await loadFixture(filledPoolsFixture);
      const small = (await measureLifecycle(ctx, ctx.pools.small))[operation];
      const large = (await measureLifecycle(ctx, ctx.pools.large))[operation];
      // gas is deterministic, so this is exact rather than a tolerance: no per-delegator work anywhere
      assert.equal(large - calldataExtra, small, `${operation}: ${small} gas with 1 delegator, ${large} with 300`);
    });
  }
});
