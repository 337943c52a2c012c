// The registry's events are complete: after a busy history, pools rebuilt from logs alone match every getter.
import assert from "node:assert/strict";
import { after, before, describe, it } from "node:test";
import { createHardhatRuntimeEnvironment } from "hardhat/hre";
import {
  createPublicClient,
  createWalletClient,
  custom,
  encodeAbiParameters,
  parseEther,
  type Address,
  type PublicClient,
} from "viem";
import { hardhat } from "viem/chains";
import { deployPoolnet } from "./deploy.ts";
import { poolRegistryAbi, stakingTokenAbi } from "./generated/contracts.ts";
import { applyRegistryLogs, createRegistryFromLogs, poolStateFromLogs } from "./registryLogs.ts";

const poolStates = ["active", "broken", "disabled", "retired"] as const;

describe("applyRegistryLogs", () => {
  let close: () => Promise<void>;
  let publicClient: PublicClient;
  let accounts: Address[];
  let registry: Address;
  let fromBlock: bigint;
  let timelock: Address;
  let send: (from: Address, functionName: string, args: readonly unknown[], to?: Address) => Promise<void>;
  let rpc: (method: string, params: unknown[]) => Promise<unknown>;

  before(async () => {
    const hre = await createHardhatRuntimeEnvironment({ networks: { local: { type: "edr-simulated" } } });
    const connection = await hre.network.create("local");
    close = () => connection.close();
    rpc = (method, params) => connection.provider.request({ method, params });
    const transport = custom({ request: (args) => connection.provider.request(args) });
    publicClient = createPublicClient({ chain: hardhat, transport, pollingInterval: 10, cacheTime: 0 });
    accounts = await createWalletClient({ chain: hardhat, transport }).getAddresses();
    const wallet = createWalletClient({ chain: hardhat, transport, account: accounts[0]!, pollingInterval: 10 });
    const deployed = await deployPoolnet(wallet, publicClient, {
      token: { name: "Stake", symbol: "STK", holder: accounts[0]!, supply: parseEther("1000000000") },
      thawingPeriod: 600n,
      transferLockoutPeriod: 120n,
      minSelfStake: parseEther("1000"),
      protocolFeeRate: 50_000n,
      feeRecipient: accounts[1]!,
      governor: accounts[0]!,
    });
    // governance is the timelock; this test is about logs, so it acts as the timelock instead of waiting out its delay
    const governance = deployed.timelock;
    await rpc("hardhat_impersonateAccount", [governance]);
    await rpc("hardhat_setBalance", [governance, "0x56bc75e2d63100000"]);
    registry = deployed.registry;
    timelock = governance;
    fromBlock = deployed.deployedAtBlock;
    const token = deployed.token;
    send = async (from, functionName, args, to = registry) => {
      const client = createWalletClient({ chain: hardhat, transport, account: from, pollingInterval: 10 });
      const abi = to === token ? stakingTokenAbi : poolRegistryAbi;
      const hash = await client.writeContract({ address: to, abi, functionName, args } as never);
      const receipt = await publicClient.waitForTransactionReceipt({ hash });
      assert.equal(receipt.status, "success", `${functionName} by ${from} reverted`);
    };
    for (const account of accounts.slice(2, 10)) {
      await send(accounts[0]!, "transfer", [account, parseEther("100000")], token);
      await send(account, "approve", [registry, 2n ** 256n - 1n], token);
    }

    // a busy history touching every event
    const [atlas, borealis, cypress] = [accounts[2]!, accounts[3]!, accounts[4]!];
    const [alice, bob, carol] = [accounts[5]!, accounts[6]!, accounts[7]!];
    const hash = `0x${"ab".repeat(32)}` as const;
    await send(atlas, "registerPool", [atlas, 50_000n, "https://atlas.example/pool.json", hash]);
    await send(borealis, "registerPool", [accounts[8]!, 100_000n, "https://borealis.example/pool.json", hash]);
    await send(cypress, "registerPool", [cypress, 0n, "", `0x${"00".repeat(32)}`]);
    await send(accounts[9]!, "registerPool", [accounts[9]!, 30_000n, "https://drift.example/pool.json", hash]);
    const pools = (await publicClient.readContract({
      address: registry,
      abi: poolRegistryAbi,
      functionName: "getPools",
      args: [0n, 10n],
    })) as readonly Address[];
    const [poolA, poolB, poolC, poolD] = [pools[0]!, pools[1]!, pools[2]!, pools[3]!];
    await send(atlas, "delegate", [poolA, parseEther("2000")]);
    await send(borealis, "delegate", [poolB, parseEther("1500")]);
    await send(cypress, "delegate", [poolC, parseEther("999")]); // broken: below the minimum
    await send(accounts[9]!, "delegate", [poolD, parseEther("1000")]);
    await send(atlas, "setStakingLimit", [poolA, parseEther("50000")]);
    await send(borealis, "setPoolPrivate", [poolB, true]);
    await send(borealis, "setDelegatorAllowed", [poolB, bob, true]);
    await send(borealis, "setDelegatorAllowed", [poolB, carol, true]);
    await send(borealis, "setDelegatorAllowed", [poolB, carol, false]);
    await send(alice, "delegate", [poolA, parseEther("3000")]);
    await send(bob, "delegate", [poolA, parseEther("1234.5")]);
    await send(bob, "delegate", [poolB, parseEther("700")]);
    // ERC-677: delegate through transferAndCall
    await send(
      carol,
      "transferAndCall",
      [registry, parseEther("55"), encodeAbiParameters([{ type: "address" }], [poolA])],
      token,
    );
    await send(accounts[0]!, "transfer", [poolA, parseEther("123.4567891")], token);
    await send(carol, "distributeRewards", [poolA]);
    await send(accounts[0]!, "transfer", [poolB, parseEther("10")], token);
    await send(alice, "undelegate", [poolA, parseEther("1000"), parseEther("1")]); // also distributes nothing new
    await send(bob, "undelegate", [poolA, parseEther("1234.5"), 0n]); // full exit
    await send(bob, "redelegateRewards", [poolB]); // distributes poolB's reward first
    await send(accounts[0]!, "transfer", [poolA, parseEther("7.25")], token); // alice's undelegate paid her so far
    await send(alice, "withdrawRewards", [poolA]);
    await send(atlas, "withdrawRewards", [poolA]);
    await send(carol, "withdrawProtocolFees", [poolA]);
    await send(accounts[0]!, "transfer", [poolA, parseEther("3.5")], token); // paid to alice as she transfers
    await send(alice, "transferDelegation", [poolA, poolD, parseEther("500"), parseEther("2")]);
    await send(atlas, "requestCommissionRateChange", [poolA, 150_000n]); // replaced by the next one
    await send(atlas, "requestCommissionRateChange", [poolA, 120_000n]);
    await send(borealis, "requestCommissionRateChange", [poolB, 80_000n]); // left pending
    await send(alice, "enableAutoRewardsDelegation", [poolA, 10_000n]);
    await send(bob, "enableAutoRewardsDelegation", [poolB, 0n]);
    await send(bob, "disableAutoRewardsDedelegation", [poolB]); // the seed's spelling
    await rpc("evm_increaseTime", [601]);
    const commissionId = (
      await publicClient.getContractEvents({
        address: registry,
        abi: poolRegistryAbi,
        eventName: "CommissionRateChangeRequested",
        fromBlock,
      })
    )[1]!.args.id!;
    await send(atlas, "finalizeCommissionRateChange", [commissionId]);
    await send(accounts[0]!, "transfer", [poolA, parseEther("20")], token);
    await send(carol, "autoDelegateRewards", [poolA, alice]);
    const firstId = (
      await publicClient.getContractEvents({
        address: registry,
        abi: poolRegistryAbi,
        eventName: "Undelegated",
        fromBlock,
      })
    )[0]!.args.id!;
    await send(carol, "finalizeUndelegate", [firstId]);
    await send(cypress, "disablePool", [poolC]);
    await send(accounts[9]!, "retirePool", [poolD]);
    const transferId = (
      await publicClient.getContractEvents({
        address: registry,
        abi: poolRegistryAbi,
        eventName: "DelegationTransferred",
        fromBlock,
      })
    )[0]!.args.id!;
    await send(carol, "finalizeTransfers", [[transferId, 42n]]); // lands in the pool retired meanwhile
    await send(atlas, "updateMetaData", [poolA, "ipfs://atlas-v2", `0x${"cd".repeat(32)}`]);
    await send(atlas, "disablePool", [poolA]);
    await send(atlas, "enablePool", [poolA]);
    await send(timelock, "setMinSelfStake", [parseEther("1600")]); // borealis (1,500 + rewards?) may break
    await send(timelock, "setProtocolFeeRate", [70_000n]);
    await send(timelock, "setFeeRecipient", [accounts[9]!]);
    await send(bob, "transferDelegation", [poolB, poolA, parseEther("100"), parseEther("1")]); // left pending
  });
  after(() => close());

  it("rebuilds every pool, stake, allow-list entry, thawing undelegation, transfer and parameter from logs alone", async () => {
    const logs = await publicClient.getLogs({ address: registry, fromBlock });
    const rebuilt = applyRegistryLogs(createRegistryFromLogs(), registry, logs);
    const read = <T>(functionName: string, args: readonly unknown[] = []) =>
      publicClient.readContract({ address: registry, abi: poolRegistryAbi, functionName, args } as never) as Promise<T>;

    assert.equal(rebuilt.minSelfStake, await read<bigint>("minSelfStake"));
    assert.equal(rebuilt.protocolFeeRate, await read<bigint>("protocolFeeRate"));
    assert.equal(rebuilt.feeRecipient, await read<Address>("feeRecipient"));
    assert.equal(rebuilt.maxCommissionIncrease, await read<bigint>("maxCommissionIncrease"));
    assert.equal(rebuilt.maxCommissionIncrease, 100_000n, "logged by the constructor");
    assert.deepEqual([...rebuilt.pools.keys()], await read<Address[]>("getPools", [0n, 100n]));

    const states = new Set<string>();
    for (const pool of rebuilt.pools.values()) {
      const info = await read<{
        operator: Address;
        signingAddress: Address;
        commissionRate: bigint;
        state: number;
        stakingLimit: bigint;
        isPrivate: boolean;
        metaDataUrl: string;
        metaDataContentHash: string;
      }>("getPoolInfo", [pool.pool]);
      assert.equal(pool.operator, info.operator);
      assert.equal(pool.signingAddress, info.signingAddress);
      assert.equal(BigInt(pool.commissionRate), info.commissionRate);
      assert.equal(pool.stakingLimit, info.stakingLimit);
      assert.equal(pool.isPrivate, info.isPrivate);
      assert.equal(pool.metaDataUrl, info.metaDataUrl);
      assert.equal(pool.metaDataContentHash, info.metaDataContentHash);
      assert.equal(poolStateFromLogs(rebuilt, pool), poolStates[info.state]);
      states.add(poolStateFromLogs(rebuilt, pool));
      assert.equal(pool.lockedInPenalties, await read<bigint>("getLockedInPenalties", [pool.pool]));
      const [total, pending] = await read<[bigint, bigint]>("getTotalStake", [pool.pool]);
      assert.equal(pool.totalStake, total);
      assert.equal(pool.pendingStake, pending);
      for (const account of accounts) {
        assert.equal(pool.stakes.get(account) ?? 0n, await read<bigint>("getStake", [pool.pool, account]), account);
        const allowed = await read<boolean>("isDelegatorAllowed", [pool.pool, account]);
        assert.equal(!pool.isPrivate || account === pool.operator || pool.allowList.has(account), allowed);
        const [enabled, feePercentage] = await read<[boolean, bigint]>("getAutoRewardsDelegation", [
          pool.pool,
          account,
        ]);
        assert.deepEqual(
          [pool.autoRewardsDelegation.has(account), pool.autoRewardsDelegation.get(account) ?? 0n],
          [enabled, feePercentage],
        );
      }
      for (const [id, undelegation] of pool.thawing) {
        const onChain = await read<{ delegator: Address; amount: bigint; fee: bigint; releaseAt: bigint }>(
          "getUndelegation",
          [id],
        );
        assert.deepEqual(
          [undelegation.delegator, undelegation.amount, undelegation.fee, undelegation.releaseAt],
          [onChain.delegator, onChain.amount, onChain.fee, onChain.releaseAt],
        );
      }
      for (const [id, transfer] of pool.transfersOut) {
        const onChain = await read<{
          fromPool: Address;
          toPool: Address;
          delegator: Address;
          amount: bigint;
          fee: bigint;
          releaseAt: bigint;
        }>("getTransfer", [id]);
        assert.deepEqual(
          [pool.pool, transfer.toPool, transfer.delegator, transfer.amount, transfer.fee, transfer.releaseAt],
          [onChain.fromPool, onChain.toPool, onChain.delegator, onChain.amount, onChain.fee, onChain.releaseAt],
        );
      }
    }
    // the history reached every state, so the comparison covered each
    assert.deepEqual([...states].sort(), ["active", "broken", "disabled", "retired"]);
    const poolA = [...rebuilt.pools.values()][0]!;
    assert.equal(poolA.thawing.size, 1, "one of pool A's two undelegations is finalized, the other thawing");
    assert.ok(poolA.rewardsDistributed > 0n && poolA.protocolFees > 0n && poolA.commission > 0n);
    const [, poolB, , poolD] = [...rebuilt.pools.values()];
    assert.equal(poolA.pendingStake, parseEther("99"), "bob's transfer from pool B, pending");
    assert.equal(poolB!.transfersOut.size, 1, "and still in pool B's vault");
    assert.equal(poolA.transfersOut.size, 0, "alice's transfer to pool D landed");
    assert.equal(poolD!.stakes.get(accounts[5]!), parseEther("498"), "in pool D, retired meanwhile");
    assert.equal(poolA.commissionRate, 120_000, "the second request finalized");
    assert.equal(poolA.commissionRateChange, undefined, "nothing pending in pool A");
    assert.equal(poolB!.commissionRateChange?.newRate, 80_000n, "pool B's request still pending");
    assert.ok(poolA.stakes.get(accounts[5]!)! > parseEther("1500"), "alice's rewards auto-redelegated");
    assert.equal(poolA.autoRewardsDelegation.get(accounts[5]!), 10_000n);
  });
});
