import assert from "node:assert/strict";
import { after, before, test } from "node:test";
import { parseEther, type Address } from "viem";
import { deployFluxAggregator } from "./deployFluxAggregator.ts";
import { PoolnetError } from "./errors.ts";
import { fluxAggregatorAbi, stakingTokenAbi, stakingTokenBytecode } from "./generated/contracts.ts";
import { startEdrChain, type EdrChain } from "./internal/edrChain.ts";

let chain: EdrChain;
before(async () => {
  chain = await startEdrChain();
});
after(() => chain.close());

test("deployFluxAggregator deploys, funds and adds the oracles with their admins", async () => {
  const owner = chain.accounts[0]!;
  const wallet = chain.walletOf(owner);
  const receipt = await chain.publicClient.waitForTransactionReceipt({
    hash: await wallet.deployContract({
      abi: stakingTokenAbi,
      bytecode: stakingTokenBytecode,
      args: ["Stake", "STK", owner, parseEther("1000000")],
    }),
  });
  const token = receipt.contractAddress!;
  const oracles = chain.accounts.slice(1, 4) as Address[];
  const admin = chain.accounts[5]!;
  const { aggregator } = await deployFluxAggregator(wallet, chain.publicClient, {
    token,
    payment: parseEther("5"),
    timeout: 60,
    decimals: 8,
    description: "LINK / USD",
    funds: parseEther("1000"),
    oracles,
    admins: oracles.map(() => admin),
    minSubmissions: 2,
    maxSubmissions: 3,
    restartDelay: 1,
  });
  const read = <T>(functionName: string, args: readonly unknown[] = []) =>
    chain.publicClient.readContract({
      address: aggregator,
      abi: fluxAggregatorAbi,
      functionName,
      args,
    } as never) as Promise<T>;
  assert.deepEqual(await read<Address[]>("getOracles"), oracles);
  assert.equal(await read<Address>("getAdmin", [oracles[0]]), admin);
  assert.equal(await read<bigint>("availableFunds"), parseEther("1000"));
  assert.equal(await read<string>("description"), "LINK / USD");
  assert.deepEqual([await read<number>("minSubmissionCount"), await read<number>("maxSubmissionCount")], [2, 3]);
});

test("a refused step is one error: oracles the funds cannot pay for", async () => {
  const owner = chain.accounts[0]!;
  const wallet = chain.walletOf(owner);
  const receipt = await chain.publicClient.waitForTransactionReceipt({
    hash: await wallet.deployContract({
      abi: stakingTokenAbi,
      bytecode: stakingTokenBytecode,
      args: ["Stake", "STK", owner, parseEther("1000000")],
    }),
  });
  await assert.rejects(
    deployFluxAggregator(wallet, chain.publicClient, {
      token: receipt.contractAddress!,
      payment: parseEther("5"),
      timeout: 60,
      decimals: 8,
      description: "ETH / USD",
      funds: 1n,
      oracles: chain.accounts.slice(1, 4) as Address[],
      admins: chain.accounts.slice(1, 4) as Address[],
      minSubmissions: 3,
      maxSubmissions: 3,
      restartDelay: 0,
    }),
    (error: Error) => {
      // the contract's custom error, turned into the sdk's sentence
      assert.ok(error instanceof PoolnetError, `${error.name}: ${error.message}`);
      assert.match(error.message, /fund|payment|reserve/i);
      return true;
    },
  );
});
