// For the indexer benchmark only: generates a chain on the in-process EDR test chain (served over HTTP on loopback)
// with what the indexer tracks — the registry with pools and delegations, a FluxAggregator answering rounds, and
// Uniswap-v2 pairs (the real v2-core Factory/Pair) under a steady stream of swaps — laid out as
//   [set-up][dense: swaps, rounds, delegations in every block][sparse: empty blocks].
// Every block is mined with `evm_mine` (with a 12-second timestamp step): EDR's `hardhat_mine` blocks report a zero
// parent hash, which the head tracker rightly takes for a broken chain, and `evm_mine` is fast enough (~20,000/s).
// Swap amounts are computed here from the reserves the generator tracks itself (the v2 formula), so no state is read
// while the dense range is mined: transactions are sent with automine off and a fixed gas limit, then mined together.
import {
  delegate,
  deployPoolnet,
  fluxAggregatorAbi,
  poolRegistryAbi,
  registerPool,
  stakingTokenAbi,
  stakingTokenBytecode,
} from "@poolnet/sdk";
import { encodeFunctionData, getAddress, parseAbi, parseEther, parseUnits, type Address, type Hex } from "viem";
import {
  deployFluxFixture,
  minedReceipt,
  startTestChain,
  type TestChain,
} from "../../../oracle-node/src/internal/testChain.ts";
import type { PairPricing } from "../pairs/pairSnapshots.ts";
import { testContracts, uniswapV2Factory, uniswapV2Pair } from "../pairs/testContracts.ts";

export type BenchChainParameters = {
  /** Blocks of the dense range (swaps, rounds and delegations spread over them). */
  denseBlocks: number;
  /** Empty blocks after the dense range. */
  sparseBlocks: number;
  swaps: number;
  pairs: number;
  /** A feed round (all three oracles submit) every this many dense blocks. */
  roundEvery: number;
  /** A delegation every this many dense blocks. */
  delegationEvery: number;
};

export type BenchChainInfo = {
  rpcUrl: string;
  chainId: number;
  token: Address;
  registry: Address;
  deployedAtBlock: string;
  feeds: Record<string, Address>;
  pairs: Address[];
  pricing: { weth: Address; stablecoins: Address[] };
  /** Inclusive block ranges. */
  setup: { from: string; to: string };
  dense: { from: string; to: string };
  sparse: { from: string; to: string };
  head: string;
  sent: { swaps: number; rounds: number; delegations: number; reverted: number };
  generationSeconds: number;
};

const erc20 = parseAbi(["function transfer(address to, uint256 value) returns (bool)"]);
const BLOCK_SECONDS = 12n;
const GAS = "0x7a120"; // 500,000

export async function generateBenchChain(
  parameters: BenchChainParameters,
  progress: (line: string) => void = () => {},
): Promise<{ chain: TestChain; info: BenchChainInfo }> {
  const started = performance.now();
  const chain = await startTestChain();
  const [deployer, , operatorA, operatorB, operatorC, operatorD, operatorE, d1, d2, d3, d4, feeRecipient] =
    chain.accounts as Address[];
  const wallet = chain.walletOf(deployer!);
  const deploy = async (abi: unknown, bytecode: Hex, args: unknown[]) =>
    (await minedReceipt(chain, await wallet.deployContract({ abi, bytecode, args } as never))).contractAddress!;
  const write = async (from: Address, to: Address, abi: unknown, functionName: string, args: unknown[]) =>
    minedReceipt(chain, await chain.walletOf(from).writeContract({ address: to, abi, functionName, args } as never));

  // Uniswap-v2 pairs exist long before the registry on any real chain: they are created first, so the indexed range
  // (from the registry's deployment) starts with every pair deployed, its reserves read at the block before
  const setupFrom = (await chain.publicClient.getBlockNumber()) + 1n;
  const stake = getAddress(
    await deploy(stakingTokenAbi, stakingTokenBytecode, ["Stake", "STAKE", deployer, parseEther("1000000000")]),
  );
  // a FluxAggregator with three oracles
  const flux = await deployFluxFixture(chain, { oracleIndexes: [1, 2, 3], timeout: 600, funds: parseEther("100000") });

  // tokens, the factory, the pairs, liquidity
  const { testToken, trader: traderContract } = testContracts();
  const weth = getAddress(
    await deploy(testToken.abi, testToken.bytecode, ["Wrapped Ether", "WETH", 18, deployer, 10n ** 40n]),
  );
  const usdc = getAddress(
    await deploy(testToken.abi, testToken.bytecode, ["USD Coin", "USDC", 6, deployer, 10n ** 40n]),
  );
  const dai = getAddress(await deploy(testToken.abi, testToken.bytecode, ["Dai", "DAI", 18, deployer, 10n ** 40n]));
  const others: Address[] = [];
  const othersNeeded = Math.max(0, Math.ceil((parameters.pairs - 4) / 2));
  for (let i = 0; i < othersNeeded; i++) {
    others.push(
      getAddress(await deploy(testToken.abi, testToken.bytecode, [`Token ${i}`, `TK${i}`, 18, deployer, 10n ** 40n])),
    );
  }
  const decimals = new Map<Address, number>([
    [weth, 18],
    [usdc, 6],
    [dai, 18],
    [stake, 18],
  ]);
  for (const other of others) decimals.set(other, 18);
  // [token a, token b, whole tokens of a, whole tokens of b]: ETH at $2,000, STAKE at $2, others at $5
  const plans: [Address, Address, number, number][] = [
    [usdc, weth, 20_000_000, 10_000],
    [dai, weth, 10_000_000, 5_000],
    [stake, weth, 5_000_000, 5_000],
    [stake, usdc, 2_000_000, 4_000_000],
  ];
  for (const other of others) {
    plans.push([other, weth, 2_000_000, 5_000]);
    plans.push([other, usdc, 1_000_000, 5_000_000]);
  }
  plans.length = Math.min(plans.length, parameters.pairs);
  const factory = await deploy(uniswapV2Factory.abi, uniswapV2Factory.bytecode, [deployer]);
  const trader = await deploy(traderContract.abi, traderContract.bytecode, []);
  type PairState = { address: Address; token0: Address; token1: Address; reserve0: bigint; reserve1: bigint };
  const pairs: PairState[] = [];
  for (const [a, b, amountA, amountB] of plans) {
    await write(deployer!, factory, uniswapV2Factory.abi, "createPair", [a, b]);
    const address = getAddress(
      (await chain.publicClient.readContract({
        address: factory,
        abi: uniswapV2Factory.abi,
        functionName: "getPair",
        args: [a, b],
      })) as Address,
    );
    const unitsA = parseUnits(String(amountA), decimals.get(a)!);
    const unitsB = parseUnits(String(amountB), decimals.get(b)!);
    await write(deployer!, a, erc20, "transfer", [address, unitsA]);
    await write(deployer!, b, erc20, "transfer", [address, unitsB]);
    await write(deployer!, address, uniswapV2Pair.abi, "mint", [deployer]);
    const [token0, token1] = a.toLowerCase() < b.toLowerCase() ? [a, b] : [b, a];
    const [reserve0, reserve1] = token0 === a ? [unitsA, unitsB] : [unitsB, unitsA];
    pairs.push({ address, token0, token1, reserve0, reserve1 });
  }
  // the trader holds a float of every token: a swap is one transaction (transfer in, then swap)
  for (const tokenAddress of decimals.keys()) {
    await write(deployer!, tokenAddress, erc20, "transfer", [
      trader,
      parseUnits("100000000", decimals.get(tokenAddress)!),
    ]);
  }
  // the registry, five pools and their delegations (the demo's shape)
  const deployed = await deployPoolnet(wallet, chain.publicClient, {
    token: { address: stake },
    thawingPeriod: 600n,
    transferLockoutPeriod: 120n,
    minSelfStake: 0n,
    protocolFeeRate: 50_000n,
    feeRecipient: feeRecipient!,
    governor: deployer!,
  });
  const { registry } = deployed;
  const operators = [operatorA!, operatorB!, operatorC!, operatorD!, operatorE!];
  const pools: Address[] = [];
  for (const [i, operator] of operators.entries()) {
    const { pool } = await registerPool(chain.walletOf(operator), {
      registry,
      signingAddress: operator,
      commissionRate: 20_000 * (i + 1),
    });
    pools.push(pool);
  }
  const delegators = [d1!, d2!, d3!, d4!];
  for (const delegator of delegators) {
    await write(deployer!, stake, stakingTokenAbi, "transfer", [delegator, parseEther("10000000")]);
    for (const [i, pool] of pools.entries()) {
      if ((i + delegators.indexOf(delegator)) % 2 === 0) {
        await delegate(chain.walletOf(delegator), { registry, pool, amount: parseEther(String(1_000 * (i + 1))) });
      }
    }
    // the dense range's delegations go out without waiting, so they need their allowance now
    await write(delegator, stake, stakingTokenAbi, "approve", [registry, 2n ** 255n]);
  }

  const setupTo = await chain.publicClient.getBlockNumber();
  progress(`set-up: blocks ${setupFrom}–${setupTo} (${pairs.length} pairs, ${pools.length} pools, 1 feed)`);

  // the dense range: automine off, transactions sent with a fixed gas limit, one evm_mine per block
  await chain.rpc("evm_setAutomine", [false]);
  const head = await chain.publicClient.getBlock();
  let timestamp = head.timestamp;
  const mine = async () => {
    timestamp += BLOCK_SECONDS;
    await chain.rpc("evm_mine", [Number(timestamp)]);
  };
  const send = (from: Address, to: Address, data: Hex) =>
    chain.rpc("eth_sendTransaction", [{ from, to, data, gas: GAS }]) as Promise<Hex>;
  const sentHashes: Hex[] = [];
  let swaps = 0;
  let rounds = 0;
  let delegations = 0;
  let seed = 12345;
  const random = () => {
    seed = (seed * 1103515245 + 12345) % 2 ** 31;
    return seed / 2 ** 31;
  };
  const denseFrom = setupTo + 1n;
  for (let block = 0; block < parameters.denseBlocks; block++) {
    const due = Math.floor(((block + 1) * parameters.swaps) / parameters.denseBlocks) - swaps;
    for (let s = 0; s < due; s++) {
      const pair = pairs[Math.floor(random() * pairs.length)]!;
      const zeroForOne = random() < 0.5;
      const [reserveIn, reserveOut] = zeroForOne ? [pair.reserve0, pair.reserve1] : [pair.reserve1, pair.reserve0];
      // between 0.01% and 0.1% of the input reserve
      const amountIn = (reserveIn * BigInt(1 + Math.floor(random() * 10))) / 10_000n;
      const amountOut = (amountIn * 997n * reserveOut) / (reserveIn * 1000n + amountIn * 997n);
      const tokenIn = zeroForOne ? pair.token0 : pair.token1;
      const data = encodeFunctionData({
        abi: traderContract.abi,
        functionName: "run",
        args: [
          [tokenIn, pair.address],
          [
            encodeFunctionData({ abi: erc20, functionName: "transfer", args: [pair.address, amountIn] }),
            encodeFunctionData({
              abi: uniswapV2Pair.abi,
              functionName: "swap",
              args: zeroForOne ? [0n, amountOut, trader, "0x"] : [amountOut, 0n, trader, "0x"],
            }),
          ],
        ],
      });
      sentHashes.push(await send(deployer!, trader, data));
      if (zeroForOne) {
        pair.reserve0 += amountIn;
        pair.reserve1 -= amountOut;
      } else {
        pair.reserve1 += amountIn;
        pair.reserve0 -= amountOut;
      }
      swaps += 1;
    }
    if (block % parameters.roundEvery === 0) {
      rounds += 1;
      for (const [i, oracle] of flux.oracles.entries()) {
        const data = encodeFunctionData({
          abi: fluxAggregatorAbi,
          functionName: "submit",
          args: [BigInt(rounds), 1_500_000_000n + BigInt(rounds * 100 + i)],
        });
        sentHashes.push(await send(oracle.address, flux.aggregator, data));
      }
    }
    if (block % parameters.delegationEvery === parameters.delegationEvery - 1) {
      const delegator = delegators[delegations % delegators.length]!;
      const pool = pools[delegations % pools.length]!;
      const data = encodeFunctionData({
        abi: poolRegistryAbi,
        functionName: "delegate",
        args: [pool, parseEther("10")],
      });
      sentHashes.push(await send(delegator, registry, data));
      delegations += 1;
    }
    await mine();
    if (block % 2_000 === 1_999) progress(`dense: ${block + 1}/${parameters.denseBlocks} blocks, ${swaps} swaps`);
  }
  const denseTo = denseFrom + BigInt(parameters.denseBlocks) - 1n;
  // every transaction must have gone through (a revert would silently thin the events)
  let reverted = 0;
  for (let i = 0; i < sentHashes.length; i += 500) {
    const receipts = await Promise.all(
      sentHashes.slice(i, i + 500).map((hash) => chain.publicClient.getTransactionReceipt({ hash })),
    );
    reverted += receipts.filter((receipt) => receipt.status !== "success").length;
  }
  for (let block = 0; block < parameters.sparseBlocks; block++) await mine();
  const last = await chain.publicClient.getBlockNumber();
  progress(`dense: blocks ${denseFrom}–${denseTo}; sparse: ${denseTo + 1n}–${last}; ${reverted} reverted`);
  return {
    chain,
    info: {
      rpcUrl: chain.rpcUrl,
      chainId: 31337,
      token: stake,
      registry,
      deployedAtBlock: String(deployed.deployedAtBlock),
      feeds: { "LINK/USD": getAddress(flux.aggregator) },
      pairs: pairs.map((pair) => pair.address),
      pricing: { weth, stablecoins: [usdc, dai] },
      setup: { from: String(setupFrom), to: String(setupTo) },
      dense: { from: String(denseFrom), to: String(denseTo) },
      sparse: { from: String(denseTo + 1n), to: String(last) },
      head: String(last),
      sent: { swaps, rounds, delegations, reverted },
      generationSeconds: (performance.now() - started) / 1000,
    },
  };
}

export type { PairPricing };
