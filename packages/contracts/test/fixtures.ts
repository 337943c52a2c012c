// Named fixtures for the PoolRegistry tests, each built on the one before (as Uniswap's pairFixture on factoryFixture).
import type { NetworkConnection } from "hardhat/types/network";
import type { Address } from "viem";

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

/** Deploys the registry (7-day thawing, 2-day transfer lockout, 1000-token minimum self-stake, 5% protocol fee to
 * `owners`); every funded account approves it for everything. */
export async function registryFixture(connection: NetworkConnection) {
  const base = await tokenFixture(connection);
  const { token, accounts, funded } = base;
  const registry = await connection.viem.deployContract("PoolRegistry", [
    token.address,
    THAWING_PERIOD,
    TRANSFER_LOCKOUT_PERIOD,
    MIN_SELF_STAKE,
    PROTOCOL_FEE_RATE,
    accounts.owners.account.address,
    accounts.deployer.account.address,
  ]);
  for (const wallet of funded) {
    await token.write.approve([registry.address, 2n ** 256n - 1n], { account: wallet.account });
  }
  return { ...base, registry };
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
