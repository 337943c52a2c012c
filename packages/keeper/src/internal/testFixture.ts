// For tests only: an in-process EDR chain with the real contracts and every kind of keeper work waiting — an oracle
// payment owed to a pool-bound node, an undelegation and a transfer that are due, and a delegator who enabled
// auto-redelegation with a fee.
import assert from "node:assert/strict";
import { mkdtemp } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import {
  bindOracle,
  delegate,
  deployPoolnet,
  devPrivateKeys,
  enableAutoRewardsDelegation,
  fluxAggregatorAbi,
  fluxAggregatorBytecode,
  registerPool,
  stakingTokenAbi,
  transferDelegation,
  undelegate,
} from "@poolnet/sdk";
import {
  createWalletClient,
  custom,
  getAddress,
  parseEther,
  type Account,
  type Address,
  type Chain,
  type Hash,
  type Transport,
  type WalletClient,
} from "viem";
import { generatePrivateKey, privateKeyToAccount } from "viem/accounts";
import { hardhat } from "viem/chains";
import { startEdrChain, type EdrChain } from "../../../sdk/src/internal/edrChain.ts";
import { resolveKeeperConfig, type KeeperConfig } from "../config.ts";
import { createKeeper, type Keeper, type KeeperParameters } from "../keeper.ts";

export const ORACLE_PAYMENT = parseEther("2");
export const THAWING_PERIOD = 600n;
export const TRANSFER_LOCKOUT = 120n;
/** The auto-redelegating delegator's fee: 10% of its rewards to whoever redelegates them. */
export const AUTO_FEE_PPM = 100_000;

export type KeeperFixture = {
  chain: EdrChain;
  rpc(method: string, params?: unknown[]): Promise<unknown>;
  dir: string;
  registry: Address;
  token: Address;
  deployedAtBlock: bigint;
  poolA: Address;
  poolB: Address;
  aggregator: Address;
  oracle: Address;
  /** Undelegated 40 (fee 1) from pool A. */
  undelegator: Address;
  undelegationId: bigint;
  /** Transferred 30 (fee 1) from pool A to pool B. */
  transferrer: Address;
  transferId: bigint;
  /** Enabled auto-redelegation in pool A. */
  autoDelegator: Address;
  /** A keeper wallet (a local account, dev account `index`). */
  keeperWallet(index?: number): WalletClient<Transport, Chain, Account>;
  config(overrides?: Partial<KeeperConfig>): KeeperConfig;
  /** A keeper on the fixture's chain, logging into `lines`. */
  keeper(parameters: Partial<KeeperParameters> & { statePath: string; lines?: string[] }): Promise<Keeper>;
  tokenBalance(account: Address): Promise<bigint>;
  /** A fresh address holding nothing. */
  emptyAddress(): Address;
  /** Moves the chain's clock on and mines a block with the new time. */
  passTime(seconds: bigint): Promise<void>;
};

export async function deployKeeperFixture(): Promise<KeeperFixture> {
  const chain = await startEdrChain();
  const rpc = (method: string, params: unknown[] = []) =>
    chain.publicClient.request({ method, params } as never) as Promise<unknown>;
  const [deployer, feeRecipient, operatorA, oracle, operatorB, undelegator, transferrer, autoDelegator, signerB] =
    chain.accounts as [Address, Address, Address, Address, Address, Address, Address, Address, Address];
  const deployerWallet = chain.walletOf(deployer);
  const mined = async (hash: Hash) => {
    const receipt = await chain.publicClient.waitForTransactionReceipt({ hash });
    assert.equal(receipt.status, "success", `fixture transaction ${hash} reverted`);
    return receipt;
  };

  const { registry, token, deployedAtBlock } = await deployPoolnet(deployerWallet, chain.publicClient, {
    token: { name: "Stake", symbol: "STK", holder: deployer, supply: parseEther("1000000") },
    thawingPeriod: THAWING_PERIOD,
    transferLockoutPeriod: TRANSFER_LOCKOUT,
    minSelfStake: 0n,
    protocolFeeRate: 50_000n,
    feeRecipient,
    governor: deployer,
  });
  const { pool: poolA } = await registerPool(chain.walletOf(operatorA), {
    registry,
    signingAddress: oracle,
    commissionRate: 100_000,
  });
  const { pool: poolB } = await registerPool(chain.walletOf(operatorB), {
    registry,
    signingAddress: signerB,
    commissionRate: 100_000,
  });
  for (const delegator of [undelegator, transferrer, autoDelegator]) {
    await mined(
      await deployerWallet.writeContract({
        address: token,
        abi: stakingTokenAbi,
        functionName: "transfer",
        args: [delegator, parseEther("1000")],
      }),
    );
    await delegate(chain.walletOf(delegator), { registry, pool: poolA, amount: parseEther("100"), token });
  }
  await enableAutoRewardsDelegation(chain.walletOf(autoDelegator), {
    registry,
    pool: poolA,
    feePercentage: AUTO_FEE_PPM,
  });
  const { id: undelegationId } = await undelegate(chain.walletOf(undelegator), {
    registry,
    pool: poolA,
    amount: parseEther("40"),
    fee: parseEther("1"),
  });
  const { id: transferId } = await transferDelegation(chain.walletOf(transferrer), {
    registry,
    fromPool: poolA,
    toPool: poolB,
    amount: parseEther("30"),
    fee: parseEther("1"),
  });

  // a FluxAggregator whose one oracle is pool A's node, with the registry as its admin: payments go only to the pool
  const { contractAddress } = await mined(
    await deployerWallet.deployContract({
      abi: fluxAggregatorAbi,
      bytecode: fluxAggregatorBytecode,
      args: [token, ORACLE_PAYMENT, 600, "0x0000000000000000000000000000000000000000", 1n, 10n ** 30n, 8, "STK / USD"],
    }),
  );
  const aggregator = getAddress(contractAddress!);
  await mined(
    await deployerWallet.writeContract({
      address: token,
      abi: stakingTokenAbi,
      functionName: "transferAndCall",
      args: [aggregator, parseEther("100"), "0x"],
    }),
  );
  await mined(
    await deployerWallet.writeContract({
      address: aggregator,
      abi: fluxAggregatorAbi,
      functionName: "changeOracles",
      args: [[], [oracle], [registry], 1, 1, 0],
    }),
  );
  await bindOracle(chain.walletOf(oracle), { registry, pool: poolA });
  await mined(
    await chain.walletOf(oracle).writeContract({
      address: aggregator,
      abi: fluxAggregatorAbi,
      functionName: "submit",
      args: [1n, 700_00000000n],
    }),
  );

  const dir = await mkdtemp(join(tmpdir(), "keeper-"));
  const transport = custom({ request: (args) => chain.publicClient.request(args) });
  const keeperWallet = (index = 10) =>
    createWalletClient({
      chain: hardhat,
      transport,
      account: privateKeyToAccount(devPrivateKeys([index])[0]!),
      pollingInterval: 20,
    });
  const config = (overrides: Partial<KeeperConfig> = {}) =>
    resolveKeeperConfig({ registry, deployedAtBlock, aggregators: [aggregator], ...overrides });
  return {
    chain,
    rpc,
    dir,
    registry,
    token,
    deployedAtBlock,
    poolA,
    poolB,
    aggregator,
    oracle,
    undelegator,
    undelegationId,
    transferrer,
    transferId,
    autoDelegator,
    keeperWallet,
    config,
    keeper: ({ lines = [], ...parameters }) =>
      createKeeper({
        publicClient: chain.publicClient,
        walletClient: keeperWallet(),
        config: config(),
        receiptTimeoutMs: 5_000,
        log: (line) => lines.push(line),
        ...parameters,
      }),
    tokenBalance: (account) =>
      chain.publicClient.readContract({
        address: token,
        abi: stakingTokenAbi,
        functionName: "balanceOf",
        args: [account],
      }),
    emptyAddress: () => privateKeyToAccount(generatePrivateKey()).address,
    async passTime(seconds) {
      await rpc("evm_increaseTime", [Number(seconds)]);
      await rpc("evm_mine");
    },
  };
}
