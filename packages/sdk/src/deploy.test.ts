// deployPoolnet against Hardhat's in-process EDR chain: what it deploys, and what it refuses.
import assert from "node:assert/strict";
import { after, before, describe, it } from "node:test";
import { createHardhatRuntimeEnvironment } from "hardhat/hre";
import {
  createPublicClient,
  createWalletClient,
  custom,
  getContract,
  parseEther,
  type Account,
  type Address,
  type Chain,
  type PublicClient,
  type Transport,
  type WalletClient,
} from "viem";
import { hardhat } from "viem/chains";
import { deployPoolnet, type DeployPoolnetParameters } from "./deploy.ts";
import { InvalidInputError } from "./errors.ts";
import { poolRegistryAbi, stakingTokenAbi } from "./generated/contracts.ts";

type Clients = {
  wallet: WalletClient<Transport, Chain, Account>;
  publicClient: PublicClient;
  accounts: Address[];
  close(): Promise<void>;
};

async function chainFixture(): Promise<Clients> {
  const hre = await createHardhatRuntimeEnvironment({ networks: { local: { type: "edr-simulated", chainId: 31337 } } });
  const connection = await hre.network.create("local");
  const transport = custom({ request: (args) => connection.provider.request(args) });
  const publicClient = createPublicClient({ chain: hardhat, transport, pollingInterval: 20, cacheTime: 0 });
  const accounts = await createWalletClient({ chain: hardhat, transport }).getAddresses();
  const wallet = createWalletClient({ chain: hardhat, transport, account: accounts[0]!, pollingInterval: 20 });
  return { wallet, publicClient, accounts, close: () => connection.close() };
}

describe("deployPoolnet", () => {
  let clients: Clients;
  let params: DeployPoolnetParameters;
  before(async () => {
    clients = await chainFixture();
    const [deployer, owners, governance] = clients.accounts;
    params = {
      token: { name: "Stake", symbol: "STK", holder: deployer!, supply: parseEther("1000000000") },
      thawingPeriod: 600n,
      transferLockoutPeriod: 120n,
      minSelfStake: parseEther("1000"),
      protocolFeeRate: 50_000n,
      feeRecipient: owners!,
      owner: governance!,
    };
  });
  after(() => clients.close());

  it("deploys a new StakingToken and a PoolRegistry configured with every parameter", async () => {
    const { wallet, publicClient, accounts } = clients;
    const deployed = await deployPoolnet(wallet, publicClient, params);

    const registry = getContract({ address: deployed.registry, abi: poolRegistryAbi, client: publicClient });
    assert.equal(await registry.read.token(), deployed.token);
    assert.equal(await registry.read.thawingPeriod(), 600n);
    assert.equal(await registry.read.transferLockoutPeriod(), 120n);
    assert.equal(await registry.read.minSelfStake(), parseEther("1000"));
    assert.equal(await registry.read.protocolFeeRate(), 50_000n);
    assert.equal(await registry.read.feeRecipient(), accounts[1]);
    assert.equal(await registry.read.owner(), accounts[2]);
    assert.equal(
      await publicClient.readContract({
        address: deployed.token,
        abi: stakingTokenAbi,
        functionName: "balanceOf",
        args: [accounts[0]!],
      }),
      parseEther("1000000000"),
    );
    const receiptBlock = await publicClient.getBlockNumber();
    assert.equal(deployed.deployedAtBlock, receiptBlock);
  });

  it("reuses an existing stake token", async () => {
    const { wallet, publicClient } = clients;
    const first = await deployPoolnet(wallet, publicClient, params);
    const second = await deployPoolnet(wallet, publicClient, { ...params, token: { address: first.token } });
    assert.equal(second.token, first.token);
    assert.notEqual(second.registry, first.registry);
    assert.equal(
      await publicClient.readContract({ address: second.registry, abi: poolRegistryAbi, functionName: "token" }),
      first.token,
    );
  });

  it("refuses a stake token address without a contract, sending nothing", async () => {
    const { wallet, publicClient, accounts } = clients;
    const before = await publicClient.getBlockNumber();
    await assert.rejects(
      deployPoolnet(wallet, publicClient, { ...params, token: { address: accounts[5]! } }),
      (error: unknown) => error instanceof InvalidInputError && /no contract at the stake token/.test(error.message),
    );
    assert.equal(await publicClient.getBlockNumber(), before);
  });

  for (const [lockout, accepted] of [
    [599n, true],
    [600n, false],
  ] as const) {
    it(`a transfer lockout of ${lockout} s with 600 s of thawing is ${accepted ? "accepted" : "refused"}`, async () => {
      const { wallet, publicClient } = clients;
      const before = await publicClient.getBlockNumber();
      const deploying = deployPoolnet(wallet, publicClient, { ...params, transferLockoutPeriod: lockout });
      if (accepted) return void (await deploying);
      await assert.rejects(
        deploying,
        (error: unknown) =>
          error instanceof InvalidInputError &&
          error.message === "transferLockoutPeriod must be from 0 to less than the thawing period (600 s), got 600",
      );
      assert.equal(await publicClient.getBlockNumber(), before, "nothing was sent");
    });
  }

  for (const [rate, accepted] of [
    [200_000n, true],
    [200_001n, false],
  ] as const) {
    it(`protocol fee rate ${rate} ppm is ${accepted ? "accepted" : "refused"}`, async () => {
      const { wallet, publicClient } = clients;
      const deploying = deployPoolnet(wallet, publicClient, { ...params, protocolFeeRate: rate });
      if (accepted) await deploying;
      else await assert.rejects(deploying, InvalidInputError);
    });
  }
});
