// deployPoolnet against Hardhat's in-process EDR chain: what it deploys, and what it refuses.
import assert from "node:assert/strict";
import { after, before, describe, it } from "node:test";
import {
  createWalletClient,
  custom,
  encodeFunctionData,
  getAddress,
  getContract,
  parseEther,
  type Account,
  type Address,
  type Chain,
  type PublicClient,
  type Transport,
  type WalletClient,
  zeroHash,
} from "viem";
import { hardhat } from "viem/chains";
import { deployPoolnet, type DeployPoolnetParameters } from "./deploy.ts";
import { InvalidInputError } from "./errors.ts";
import { startEdrChain } from "./internal/edrChain.ts";
import { poolRegistryAbi, stakingTokenAbi, timelockControllerAbi } from "./generated/contracts.ts";

type Clients = {
  wallet: WalletClient<Transport, Chain, Account>;
  publicClient: PublicClient;
  accounts: Address[];
  close(): Promise<void>;
};

async function chainFixture(): Promise<Clients> {
  const chain = await startEdrChain();
  return { ...chain, wallet: chain.walletOf(chain.accounts[0]!) };
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
      governor: governance!,
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
    assert.equal(await registry.read.owner(), deployed.timelock);
    const timelock = getContract({ address: deployed.timelock, abi: timelockControllerAbi, client: publicClient });
    assert.equal(await timelock.read.getMinDelay(), 600n + 86_400n, "thawing plus a day by default");
    assert.equal(deployed.governanceDelay, 600n + 86_400n);
    const proposer = await timelock.read.PROPOSER_ROLE();
    assert.equal(await timelock.read.hasRole([proposer, accounts[2]!]), true, "the governor proposes");
    const implementationSlot = await publicClient.getStorageAt({
      address: deployed.registry,
      slot: "0x360894a13ba1a3210667c828492db98dca3e2076cc3735a920a3ca505d382bbc",
    });
    assert.equal(getAddress(`0x${implementationSlot!.slice(26)}`), deployed.implementation, "ERC-1967 slot");
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

  for (const [delay, accepted] of [
    [601n, true],
    [600n, false],
  ] as const) {
    it(`a governance delay of ${delay} s with 600 s of thawing is ${accepted ? "accepted" : "refused"}`, async () => {
      const { wallet, publicClient } = clients;
      const before = await publicClient.getBlockNumber();
      const deploying = deployPoolnet(wallet, publicClient, { ...params, governanceDelay: delay });
      if (accepted) return void (await deploying);
      await assert.rejects(
        deploying,
        (error: unknown) =>
          error instanceof InvalidInputError &&
          error.message === "governanceDelay must be longer than the thawing period (600 s), got 600",
      );
      assert.equal(await publicClient.getBlockNumber(), before, "nothing was sent");
    });
  }

  it("lets governance change a parameter only through the timelock, once its delay has passed", async () => {
    const { wallet, publicClient, accounts } = clients;
    const deployed = await deployPoolnet(wallet, publicClient, { ...params, governanceDelay: 601n });
    const governor = createWalletClient({
      chain: hardhat,
      transport: custom({ request: (args) => publicClient.request(args as never) }),
      account: accounts[2]!,
      pollingInterval: 20,
    });
    const call = encodeFunctionData({ abi: poolRegistryAbi, functionName: "setProtocolFeeRate", args: [70_000n] });
    const operation = [deployed.registry, 0n, call, zeroHash, zeroHash] as const;
    const send = async (hash: Promise<`0x${string}`>) => {
      const receipt = await publicClient.waitForTransactionReceipt({ hash: await hash });
      assert.equal(receipt.status, "success");
    };
    // straight to the registry, even the governor is refused: only the timelock owns it
    await assert.rejects(
      publicClient.simulateContract({
        address: deployed.registry,
        abi: poolRegistryAbi,
        functionName: "setProtocolFeeRate",
        args: [70_000n],
        account: accounts[2]!,
      }),
      /OwnableUnauthorizedAccount/,
    );
    await send(
      governor.writeContract({
        address: deployed.timelock,
        abi: timelockControllerAbi,
        functionName: "schedule",
        args: [...operation, 601n],
      }),
    );
    const execute = () =>
      publicClient.simulateContract({
        address: deployed.timelock,
        abi: timelockControllerAbi,
        functionName: "execute",
        args: operation,
        account: accounts[7]!,
      });
    await publicClient.request({ method: "evm_increaseTime", params: [599] } as never);
    await publicClient.request({ method: "evm_mine", params: [] } as never);
    await assert.rejects(execute(), /TimelockUnexpectedOperationState/, "one second before the delay has passed");
    await publicClient.request({ method: "evm_increaseTime", params: [1] } as never);
    await publicClient.request({ method: "evm_mine", params: [] } as never);
    const { request } = await execute(); // anyone executes a due operation
    await send(wallet.writeContract({ ...request, account: wallet.account }));
    assert.equal(
      await publicClient.readContract({
        address: deployed.registry,
        abi: poolRegistryAbi,
        functionName: "protocolFeeRate",
      }),
      70_000n,
    );
  });
});
