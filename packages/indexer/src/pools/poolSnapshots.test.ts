// The pool snapshot builder against a deployed registry: after delegations, rewards (distributed and not yet),
// undelegations, a transfer, a full exit, a broken and a retired pool, every value of every epoch's snapshot equals
// what the registry's getters answer at that epoch's last block, and building again changes nothing.
import assert from "node:assert/strict";
import { after, before, describe, it } from "node:test";
import { deployPoolnet, poolRegistryAbi, registerPool, stakingTokenAbi } from "@poolnet/sdk";
import { parseEther, type Address, type Hash } from "viem";
import { startTestChain, type TestChain } from "../../../oracle-node/src/internal/testChain.ts";
import { createDistributor } from "../distribute/distributor.ts";
import { createInProcessQueue } from "../distribute/jobQueue.ts";
import { createEpochFinalizer } from "../epochs/epochFinalizer.ts";
import { listEpochs, type Epoch } from "../epochs/epochStore.ts";
import { openTestStore } from "../internal/testStore.ts";
import { createRpcClient } from "../rpc/rpcClient.ts";
import type { Store } from "../store/store.ts";
import { createPoolSnapshotBuilder, POOL_BUILDER } from "./poolSnapshots.ts";
import { createRegistryHistory } from "./registryFold.ts";

const states = ["active", "broken", "disabled", "retired"] as const;
const EPOCH_SIZE = 3;

describe("pool snapshots", () => {
  let chain: TestChain;
  let store: Store;
  let registry: Address;
  let deployedAtBlock: bigint;
  let epochs: Epoch[];
  let pools: Address[];

  const send = async (from: Address, functionName: string, args: readonly unknown[], to?: Address) => {
    const abi = to === undefined ? poolRegistryAbi : stakingTokenAbi;
    const hash: Hash = await chain
      .walletOf(from)
      .writeContract({ address: to ?? registry, abi, functionName, args } as never);
    const receipt = await chain.publicClient.waitForTransactionReceipt({ hash });
    assert.equal(receipt.status, "success", `${functionName} by ${from} reverted`);
    return receipt;
  };
  const eventsUpTo = (eventName: string, toBlock: bigint) =>
    chain.publicClient.getContractEvents({
      address: registry,
      abi: poolRegistryAbi,
      eventName,
      fromBlock: deployedAtBlock,
      toBlock,
    } as never) as Promise<{ args: Record<string, unknown> }[]>;
  const read = <T>(functionName: string, args: readonly unknown[], blockNumber: bigint) =>
    chain.publicClient.readContract({
      address: registry,
      abi: poolRegistryAbi,
      functionName,
      args,
      blockNumber,
    } as never) as Promise<T>;

  const dump = async () => ({
    pools: await store.query("SELECT * FROM pool_snapshots ORDER BY epoch_number, pool"),
    delegators: await store.query("SELECT * FROM delegator_snapshots ORDER BY epoch_number, pool, delegator"),
  });

  before(async () => {
    chain = await startTestChain();
    store = await openTestStore();
    const [deployer, feeRecipient, opA, opB, alice, bob, carol, signer] = chain.accounts as Address[];
    const deployed = await deployPoolnet(chain.walletOf(deployer!), chain.publicClient, {
      token: { name: "Stake", symbol: "STK", holder: deployer!, supply: parseEther("1000000") },
      thawingPeriod: 600n,
      transferLockoutPeriod: 120n,
      minSelfStake: parseEther("1000"),
      protocolFeeRate: 50_000n,
      feeRecipient: feeRecipient!,
      governor: deployer!,
    });
    registry = deployed.registry;
    deployedAtBlock = deployed.deployedAtBlock;
    const token = deployed.token;
    for (const account of [opA!, opB!, alice!, bob!, carol!]) {
      await send(deployer!, "transfer", [account, parseEther("10000")], token);
      await send(account, "approve", [registry, 2n ** 256n - 1n], token);
    }
    const { pool: poolA } = await registerPool(chain.walletOf(opA!), {
      registry,
      signingAddress: signer!,
      commissionRate: 100_000,
    });
    const { pool: poolB } = await registerPool(chain.walletOf(opB!), {
      registry,
      signingAddress: opB!,
      commissionRate: 50_000,
    });
    pools = [poolA, poolB];
    await send(opA!, "delegate", [poolA, parseEther("2000")]);
    await send(opB!, "delegate", [poolB, parseEther("1500")]);
    await send(alice!, "delegate", [poolA, parseEther("3000")]);
    await send(bob!, "delegate", [poolA, parseEther("1000")]);
    await send(carol!, "delegate", [poolB, parseEther("500")]);
    await send(deployer!, "transfer", [poolA, parseEther("100")], token); // a reward
    await send(carol!, "distributeRewards", [poolA]);
    await send(deployer!, "transfer", [poolA, parseEther("30")], token); // left undistributed for a while
    await send(deployer!, "transfer", [poolB, parseEther("12.345")], token);
    await send(alice!, "undelegate", [poolA, parseEther("1000"), parseEther("1")]); // distributes A's 30 first
    const transfer = await send(bob!, "transferDelegation", [poolA, poolB, parseEther("400"), parseEther("2")]);
    await send(deployer!, "transfer", [poolA, parseEther("5")], token); // paid out by the next two
    await send(alice!, "withdrawRewards", [poolA]);
    await send(opA!, "withdrawRewards", [poolA]); // commission and its own share
    await send(deployer!, "transfer", [poolB, parseEther("50")], token);
    await send(carol!, "distributeRewards", [poolB]);
    await send(carol!, "withdrawProtocolFees", [poolB]);
    await chain.rpc("evm_increaseTime", [121]);
    const transferId = (await eventsUpTo("DelegationTransferred", transfer.blockNumber))[0]!.args.id as bigint;
    await send(carol!, "finalizeTransfer", [transferId]); // bob lands in B
    await send(carol!, "redelegateRewards", [poolB]);
    await send(bob!, "undelegate", [poolA, parseEther("600"), 0n]); // bob leaves A altogether
    await chain.rpc("evm_increaseTime", [601]);
    const aliceUndelegation = (await eventsUpTo("Undelegated", await chain.publicClient.getBlockNumber()))[0]!.args
      .id as bigint;
    await send(carol!, "finalizeUndelegate", [aliceUndelegation]);
    await send(opB!, "undelegate", [poolB, parseEther("600"), 0n]); // B broken: self-stake below 1,000
    await send(deployer!, "transfer", [poolA, parseEther("7")], token); // undistributed at the end
    await send(opA!, "retirePool", [poolA]);
    // mine to the end of the last epoch, one block at a time (see epochFinalizer.test.ts)
    const head = await chain.publicClient.getBlockNumber();
    const lastEnd = deployedAtBlock + ((head - deployedAtBlock) / BigInt(EPOCH_SIZE) + 1n) * BigInt(EPOCH_SIZE) - 1n;
    for (let block = head; block < lastEnd; block++) await chain.rpc("evm_mine");

    const rpc = createRpcClient({ endpoints: [chain.rpcUrl] });
    const finalizer = createEpochFinalizer({
      store,
      rpc,
      startBlock: deployedAtBlock,
      epochSize: EPOCH_SIZE,
      finalizationOffset: 0,
    });
    await finalizer.sync();
    const queue = createInProcessQueue({ concurrency: 4, backoffMs: 1 });
    const history = createRegistryHistory({ store, rpc, registry, deployedAtBlock });
    const builder = createPoolSnapshotBuilder({ rpc, registry, history });
    await createDistributor({ store, queue, builders: [builder] }).distribute();
    await queue.idle();
    await queue.close();
    epochs = await listEpochs(store);
  });

  after(async () => {
    await store?.close();
    await chain?.close();
  });

  it("builds every epoch, each pool registered by its end", async () => {
    assert.ok(epochs.length >= 12, `only ${epochs.length} epochs`);
    assert.equal(epochs.at(-1)!.toBlock, await chain.publicClient.getBlockNumber());
    for (const epoch of epochs) {
      assert.equal(epoch.status, "done", `epoch ${epoch.epochNumber}: ${epoch.reason}`);
      const onChain = await read<Address[]>("getPools", [0n, 100n], epoch.toBlock);
      const rows = await store.query<{ pool: string }>(
        "SELECT pool FROM pool_snapshots WHERE epoch_number = $1 ORDER BY pool",
        [epoch.epochNumber],
      );
      assert.deepEqual(
        rows.map((row) => row.pool),
        [...onChain].sort(),
      );
    }
  });

  it("every pool value equals the registry's getters at the epoch's last block", async () => {
    const seen = { states: new Set<string>(), pendingUndelegations: 0, pendingTransfers: 0, pendingStake: 0 };
    for (const epoch of epochs) {
      const block = epoch.toBlock;
      const rows = await store.query<Record<string, string | number | bigint>>(
        "SELECT * FROM pool_snapshots WHERE epoch_number = $1",
        [epoch.epochNumber],
      );
      for (const row of rows) {
        const pool = row.pool as Address;
        const at = `pool ${pool} at epoch ${epoch.epochNumber}`;
        const info = await read<{
          operator: Address;
          signingAddress: Address;
          commissionRate: bigint;
          state: number;
          stakingLimit: bigint;
          selfStake: bigint;
        }>("getPoolInfo", [pool], block);
        assert.equal(row.operator, info.operator, at);
        assert.equal(row.signing_address, info.signingAddress, at);
        assert.equal(BigInt(row.commission_rate!), info.commissionRate, at);
        assert.equal(row.state, states[info.state], at);
        assert.equal(BigInt(row.staking_limit!), info.stakingLimit, at);
        assert.equal(BigInt(row.self_stake!), info.selfStake, at);
        const [total, pending] = await read<[bigint, bigint]>("getTotalStake", [pool], block);
        assert.equal(BigInt(row.total_stake!), total, at);
        assert.equal(BigInt(row.pending_stake!), pending, at);

        // each delegation: stake, unpaid rewards (undistributed ones included) and rewards paid so far
        const delegations = await store.query<Record<string, string>>(
          "SELECT * FROM delegator_snapshots WHERE epoch_number = $1 AND pool = $2",
          [epoch.epochNumber, pool],
        );
        const byDelegator = new Map(delegations.map((d) => [d.delegator, d]));
        let withStake = 0;
        for (const account of chain.accounts.slice(0, 10)) {
          const stake = await read<bigint>("getStake", [pool, account], block);
          const rewards = await read<bigint>("getRewards", [pool, account], block);
          const stored = byDelegator.get(account);
          if (stake > 0n) withStake += 1;
          if (stake > 0n || rewards > 0n) assert.ok(stored, `${account} missing from ${at}`);
          if (stored === undefined) continue;
          assert.equal(BigInt(stored.stake!), stake, `${account}'s stake in ${at}`);
          assert.equal(BigInt(stored.rewards!), rewards, `${account}'s rewards in ${at}`);
          let paid = 0n;
          for (const eventName of ["RewardsWithdrawn", "RewardsRedelegated", "AutoRewardsDelegated"]) {
            for (const { args } of await eventsUpTo(eventName, block)) {
              if (args.pool === pool && args.delegator === account) paid += args.amount as bigint;
            }
          }
          assert.equal(BigInt(stored.rewards_paid!), paid, `${account}'s rewards paid in ${at}`);
        }
        assert.equal(row.delegator_count, withStake, at);

        // what came in and where it went
        let [amount, protocolFee, commission] = [0n, 0n, 0n];
        for (const { args } of await eventsUpTo("RewardsDistributed", block)) {
          if (args.pool !== pool) continue;
          amount += args.amount as bigint;
          protocolFee += args.protocolFee as bigint;
          commission += args.commission as bigint;
        }
        assert.equal(BigInt(row.rewards_distributed!), amount, at);
        assert.equal(BigInt(row.commission!), commission, at);
        assert.equal(BigInt(row.protocol_fees!), protocolFee, at);
        const [, , , , feesOwed] = await read<bigint[]>("getPoolAccounting", [pool], block);
        let feesWithdrawn = 0n;
        for (const { args } of await eventsUpTo("ProtocolFeesWithdrawn", block)) {
          if (args.pool === pool) feesWithdrawn += args.amount as bigint;
        }
        assert.equal(BigInt(row.protocol_fees!), feesOwed! + feesWithdrawn, at);

        // undelegations and transfers out not finalized: the ids getUndelegation/getTransfer still know
        const pendingOf = async (eventName: string, getter: string, poolField: string) => {
          let [count, sum] = [0, 0n];
          for (const { args } of await eventsUpTo(eventName, block)) {
            if (args[poolField] !== pool) continue;
            try {
              const entry = await read<{ amount: bigint }>(getter, [args.id], block);
              count += 1;
              sum += entry.amount;
            } catch {
              // finalized by then
            }
          }
          return [count, sum] as const;
        };
        const [undelegations, undelegated] = await pendingOf("Undelegated", "getUndelegation", "pool");
        assert.equal(row.pending_undelegation_count, undelegations, at);
        assert.equal(BigInt(row.pending_undelegations!), undelegated, at);
        const [transfers, transferred] = await pendingOf("DelegationTransferred", "getTransfer", "fromPool");
        assert.equal(row.pending_transfer_count, transfers, at);
        assert.equal(BigInt(row.pending_transfers_out!), transferred, at);

        const { timestamp } = await chain.publicClient.getBlock({ blockNumber: block });
        assert.equal(row.block_timestamp, timestamp, at);
        seen.states.add(row.state as string);
        seen.pendingUndelegations += undelegations;
        seen.pendingTransfers += transfers;
        if (pending > 0n) seen.pendingStake += 1;
      }
    }
    // the history reached what the comparison is meant to cover
    assert.deepEqual([...seen.states].sort(), ["active", "broken", "retired"]);
    assert.ok(seen.pendingUndelegations > 0 && seen.pendingTransfers > 0 && seen.pendingStake > 0);
  });

  it("records a full exit with zero stake and the rewards paid on the way out", async () => {
    const [poolA] = pools;
    const bob = chain.accounts[5]!;
    const rows = await store.query<{ epoch_number: bigint; stake: string; rewards_paid: string }>(
      "SELECT epoch_number, stake, rewards_paid FROM delegator_snapshots WHERE pool = $1 AND delegator = $2 ORDER BY epoch_number",
      [poolA, bob],
    );
    const exit = rows.findIndex((row) => row.stake === "0");
    assert.ok(exit > 0, "bob's exit is recorded");
    assert.ok(BigInt(rows[exit]!.rewards_paid) > 0n);
    assert.equal(rows.length, exit + 1, "and he is not listed after it");
  });

  it("building every job again, after a restart and out of order, changes nothing", async () => {
    const before = await dump();
    const rpc = createRpcClient({ endpoints: [chain.rpcUrl] });
    // a fresh history (a restarted process) that keeps one epoch: going back starts the fold over
    const history = createRegistryHistory({ store, rpc, registry, deployedAtBlock, cacheEpochs: 1 });
    const builder = createPoolSnapshotBuilder({ rpc, registry, history });
    const queue = createInProcessQueue();
    const distributor = createDistributor({ store, queue, builders: [builder] });
    for (const epoch of [...epochs].reverse()) {
      for (const pool of await builder.entities(epoch)) {
        await distributor.handle({
          epochNumber: epoch.epochNumber,
          toBlockHash: epoch.toBlockHash,
          builder: POOL_BUILDER,
          entity: pool,
        });
      }
    }
    await queue.close();
    assert.ok(history.rebuilds() > 1, "going back folded again from the deployment block");
    assert.deepEqual(await dump(), before);
    assert.ok(before.delegators.length > 0);
  });
});
