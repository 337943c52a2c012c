// Named fixtures for the PoolRegistry tests, each built on the one before (as Uniswap's pairFixture on factoryFixture).
import type { NetworkConnection } from "hardhat/types/network";
import { zeroHash, type Address } from "viem";
import { deployRegistry } from "../scripts/registry-deployment.ts";

/** One whole token (18 decimals). */
export const TOKEN = 10n ** 18n;
export const SUPPLY = 1_000_000_000n * TOKEN;
/** What every named account receives from the deployer. */
export const FUNDING = 1_000_000n * TOKEN;
export const THAWING_PERIOD = 7n * 24n * 3600n;
/** How long a transfer between pools waits; shorter than the thawing period, as the registry requires. */
export const TRANSFER_LOCKOUT_PERIOD = 2n * 24n * 3600n;
export const MIN_SELF_STAKE = 1000n * TOKEN;
export const PPM = 1_000_000n;
export const PROTOCOL_FEE_RATE = 50_000n;
export const COMMISSION_RATE = 100_000n;
/** The registry's default (and highest) staking limit. */
export const MAX_STAKING_LIMIT = 2n ** 96n - 1n;
export const REWARD_PRECISION = 10n ** 27n;
export const POOL_METADATA_URL = "https://pools.example.org/pool-1.json";
export const POOL_METADATA_HASH = `0x${"ab".repeat(32)}` as const;
/** How long governance waits: a day longer than the thawing period, as the registry requires (longer than it). */
export const GOVERNANCE_DELAY = THAWING_PERIOD + 24n * 3600n;

/** `IPoolRegistry.PoolState` as the ABI returns it. */
export const PoolState = { Active: 0, Broken: 1, Disabled: 2, Retired: 3 } as const;

/** Deploys the stake token and funds every named account with `FUNDING`. */
export async function tokenFixture(connection: NetworkConnection) {
  const { viem } = connection;
  const publicClient = await viem.getPublicClient();
  const [deployer, owners, operator, signer, alice, bob, carol, dave, erin, keeper, stranger, otherOperator] =
    await viem.getWalletClients();
  const accounts = {
    deployer,
    owners,
    operator,
    signer,
    alice,
    bob,
    carol,
    dave,
    erin,
    keeper,
    stranger,
    otherOperator,
  };
  const token = await viem.deployContract("StakingToken", ["Stake", "STK", deployer.account.address, SUPPLY]);
  const funded = [operator, alice, bob, carol, dave, erin, keeper, stranger, otherOperator];
  for (const wallet of funded) {
    await token.write.transfer([wallet.account.address, FUNDING]);
  }
  return { connection, publicClient, token, accounts, funded };
}

/** Deploys the registry as production does (7-day thawing, 2-day transfer lockout, 1000-token minimum self-stake, 5%
 * protocol fee to `owners`): an implementation behind an ERC-1967 proxy, initialized in the same transaction, and
 * governed by a TimelockController whose delay is a day longer than thawing, where the deployer proposes and anyone
 * executes. `governance` is the timelock's address, which the tests impersonate to check what a governance action does;
 * `govern` goes through the timelock for real. Every funded account approves the registry for everything. */
export async function registryFixture(connection: NetworkConnection) {
  const base = await tokenFixture(connection);
  const { token, accounts, funded } = base;
  const { networkHelpers } = connection;
  const { registry, implementation, timelock } = await deployRegistry(connection, {
    token: token.address,
    thawingPeriod: THAWING_PERIOD,
    transferLockoutPeriod: TRANSFER_LOCKOUT_PERIOD,
    minSelfStake: MIN_SELF_STAKE,
    protocolFeeRate: PROTOCOL_FEE_RATE,
    feeRecipient: accounts.owners.account.address,
    proposer: accounts.deployer.account.address,
    governanceDelay: GOVERNANCE_DELAY,
  });
  for (const wallet of funded) {
    await token.write.approve([registry.address, 2n ** 256n - 1n], { account: wallet.account });
  }
  await networkHelpers.impersonateAccount(timelock.address);
  await networkHelpers.setBalance(timelock.address, 10n ** 20n);
  const governance = timelock.address;

  /** Schedules `data` as a call to the registry through the timelock, waits the delay and executes it. */
  async function govern(data: `0x${string}`) {
    const { deployer } = accounts;
    await timelock.write.schedule([registry.address, 0n, data, zeroHash, zeroHash, GOVERNANCE_DELAY], {
      account: deployer.account,
    });
    await networkHelpers.time.increase(GOVERNANCE_DELAY);
    return timelock.write.execute([registry.address, 0n, data, zeroHash, zeroHash], { account: deployer.account });
  }
  return { ...base, registry, implementation, timelock, governance, govern };
}

type RegistryContext = Awaited<ReturnType<typeof registryFixture>>;
type Wallet = RegistryContext["accounts"]["operator"];

/** Registers a pool for `operator` and returns its address and the registering transaction. */
export async function registerPool(
  { registry }: Pick<RegistryContext, "registry">,
  operator: Wallet,
  signingAddress: Address,
  commissionRate = COMMISSION_RATE,
  metaDataUrl = POOL_METADATA_URL,
  metaDataContentHash: `0x${string}` = POOL_METADATA_HASH,
) {
  const args = [signingAddress, commissionRate, metaDataUrl, metaDataContentHash] as const;
  const { result: pool } = await registry.simulate.registerPool(args, { account: operator.account.address });
  const hash = await registry.write.registerPool(args, { account: operator.account });
  return { pool, hash };
}

/** The operator registers a pool (10% commission) and self-stakes exactly the 1000-token minimum: an Active pool. */
export async function poolFixture(connection: NetworkConnection) {
  const base = await registryFixture(connection);
  const { registry, accounts } = base;
  const { operator, signer } = accounts;
  const { pool } = await registerPool(base, operator, signer.account.address);
  await registry.write.delegate([pool, MIN_SELF_STAKE], { account: operator.account });
  return { ...base, pool, selfStake: MIN_SELF_STAKE };
}
