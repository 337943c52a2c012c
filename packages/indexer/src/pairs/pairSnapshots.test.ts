// The pair snapshot builder against the real Uniswap-v2 Factory and Pairs (@uniswap/v2-core's compiled artifacts):
// USDC/WETH, DAI/WETH, STAKE/WETH, STAKE/USDC and a thin STAKE/DAI below the price threshold, driven as the Router
// would (tokens sent to the pair, then mint / swap / burn), over 10 days of block time. Every value of every epoch is
// checked against what the test computes itself from the transactions it sent (amounts in, amounts out it chose,
// balances a burn paid) and the reserves `getReserves` answers at each block, in floating point, not through the
// indexer's code; then every job is built again, after a restart and out of order, and nothing changes.
import assert from "node:assert/strict";
import { after, before, describe, it } from "node:test";
import { stakingTokenAbi, stakingTokenBytecode } from "@poolnet/sdk";
import {
  encodeFunctionData,
  getAddress,
  parseAbi,
  parseUnits,
  type Abi,
  type Address,
  type Hash,
  type Hex,
} from "viem";
import { startTestChain, type TestChain } from "../../../oracle-node/src/internal/testChain.ts";
import { createDistributor } from "../distribute/distributor.ts";
import { createInProcessQueue } from "../distribute/jobQueue.ts";
import { createEpochFinalizer } from "../epochs/epochFinalizer.ts";
import { listEpochs, type Epoch } from "../epochs/epochStore.ts";
import { openTestStore } from "../internal/testStore.ts";
import { createRpcClient } from "../rpc/rpcClient.ts";
import type { Store } from "../store/store.ts";
import { createPairHistory, createPairSnapshotBuilder, PAIR_BUILDER } from "./pairSnapshots.ts";
import { testContracts, uniswapV2Factory, uniswapV2Pair } from "./testContracts.ts";

const EPOCH_SIZE = 4;
const THRESHOLD = 1_000; // USD on the whitelisted side: the default
const DAY = 86_400;

const erc20 = parseAbi([
  "function transfer(address to, uint256 value) returns (bool)",
  "function balanceOf(address) view returns (uint256)",
]);

type Kind = "swap" | "mint" | "burn";
/** One event the test caused, with amounts the test knows without reading logs. */
type Action = { hash: Hash; block: bigint; pair: string; kind: Kind; in: [bigint, bigint]; out: [bigint, bigint] };
type PairInfo = { name: string; address: Address; token0: string; token1: string; createdAt: bigint };

describe("Uniswap-v2 pair snapshots", () => {
  let chain: TestChain;
  let store: Store;
  let deployer: Address;
  let trader: Address;
  let startBlock: bigint;
  let epochs: Epoch[];
  const tokens: Record<string, { address: Address; decimals: number }> = {};
  const pairs: Record<string, PairInfo> = {};
  const actions: Action[] = [];

  const mined = async (hash: Hash) => {
    const receipt = await chain.publicClient.waitForTransactionReceipt({ hash });
    assert.equal(receipt.status, "success", `transaction ${hash} reverted`);
    return receipt;
  };
  const write = async (address: Address, abi: Abi, functionName: string, args: readonly unknown[]) =>
    mined(await chain.walletOf(deployer).writeContract({ address, abi, functionName, args } as never));
  const deploy = async (abi: Abi, bytecode: Hex, args: readonly unknown[]) =>
    (await mined(await chain.walletOf(deployer).deployContract({ abi, bytecode, args } as never))).contractAddress!;
  const amount = (token: string, value: string) => parseUnits(value, tokens[token]!.decimals);
  const transfer = (token: string, to: Address, value: bigint) =>
    write(tokens[token]!.address, erc20, "transfer", [to, value]);
  const reservesAt = async (name: string, blockNumber?: bigint): Promise<[bigint, bigint]> => {
    const pair = pairs[name]!;
    if (blockNumber !== undefined && blockNumber < pair.createdAt) return [0n, 0n];
    const [reserve0, reserve1] = (await chain.publicClient.readContract({
      address: pair.address,
      abi: uniswapV2Pair.abi,
      functionName: "getReserves",
      ...(blockNumber === undefined ? {} : { blockNumber }),
    })) as [bigint, bigint, number];
    return [reserve0, reserve1];
  };
  const sideOf = (name: string, token: string) => (pairs[name]!.token0 === token ? 0 : 1);
  const amountOut = (amountIn: bigint, reserveIn: bigint, reserveOut: bigint) =>
    (amountIn * 997n * reserveOut) / (reserveIn * 1000n + amountIn * 997n);

  async function mint(name: string, deposits: Record<string, bigint>) {
    const pair = pairs[name]!;
    for (const [token, value] of Object.entries(deposits)) await transfer(token, pair.address, value);
    const receipt = await write(pair.address, uniswapV2Pair.abi, "mint", [deployer]);
    actions.push({
      hash: receipt.transactionHash,
      block: receipt.blockNumber,
      pair: name,
      kind: "mint",
      in: [deposits[pair.token0]!, deposits[pair.token1]!],
      out: [0n, 0n],
    });
  }

  /** A swap's amounts in and out at `reserves` (which it updates), taking all the pair will pay. */
  function quote(name: string, tokenIn: string, amountIn: bigint, reserves: [bigint, bigint]) {
    const side = sideOf(name, tokenIn);
    const out = amountOut(amountIn, reserves[side]!, reserves[1 - side]!);
    const amountsIn: [bigint, bigint] = side === 0 ? [amountIn, 0n] : [0n, amountIn];
    const amountsOut: [bigint, bigint] = side === 0 ? [0n, out] : [out, 0n];
    reserves[0] += amountsIn[0] - amountsOut[0];
    reserves[1] += amountsIn[1] - amountsOut[1];
    return { in: amountsIn, out: amountsOut };
  }

  async function swap(name: string, tokenIn: string, amountIn: bigint) {
    const pair = pairs[name]!;
    const trade = quote(name, tokenIn, amountIn, await reservesAt(name));
    await transfer(tokenIn, pair.address, amountIn);
    const receipt = await write(pair.address, uniswapV2Pair.abi, "swap", [trade.out[0], trade.out[1], deployer, "0x"]);
    actions.push({ hash: receipt.transactionHash, block: receipt.blockNumber, pair: name, kind: "swap", ...trade });
  }

  /** Several swaps in one transaction, through the Trader (funded first). */
  async function swapsInOneTransaction(swaps: [name: string, tokenIn: string, amountIn: bigint][]) {
    const targets: Address[] = [];
    const data: Hex[] = [];
    const trades: { name: string; in: [bigint, bigint]; out: [bigint, bigint] }[] = [];
    const reserves = new Map<string, [bigint, bigint]>();
    for (const [name, tokenIn, amountIn] of swaps) {
      await transfer(tokenIn, trader, amountIn);
      if (!reserves.has(name)) reserves.set(name, await reservesAt(name));
      const trade = quote(name, tokenIn, amountIn, reserves.get(name)!);
      const pair = pairs[name]!.address;
      targets.push(tokens[tokenIn]!.address, pair);
      data.push(encodeFunctionData({ abi: erc20, functionName: "transfer", args: [pair, amountIn] }));
      data.push(
        encodeFunctionData({
          abi: uniswapV2Pair.abi,
          functionName: "swap",
          args: [trade.out[0], trade.out[1], deployer, "0x"],
        }),
      );
      trades.push({ name, ...trade });
    }
    const receipt = await write(trader, testContracts().trader.abi, "run", [targets, data]);
    for (const trade of trades) {
      actions.push({
        hash: receipt.transactionHash,
        block: receipt.blockNumber,
        pair: trade.name,
        kind: "swap",
        in: trade.in,
        out: trade.out,
      });
    }
  }

  async function burn(name: string, percent: bigint) {
    const pair = pairs[name]!;
    const held = await chain.publicClient.readContract({
      address: pair.address,
      abi: erc20,
      functionName: "balanceOf",
      args: [deployer],
    });
    await write(pair.address, erc20, "transfer", [pair.address, (held * percent) / 100n]);
    const balances = () =>
      Promise.all(
        [pair.token0, pair.token1].map((token) =>
          chain.publicClient.readContract({
            address: tokens[token]!.address,
            abi: erc20,
            functionName: "balanceOf",
            args: [deployer],
          }),
        ),
      );
    const before = await balances();
    const receipt = await write(pair.address, uniswapV2Pair.abi, "burn", [deployer]);
    const after = await balances();
    actions.push({
      hash: receipt.transactionHash,
      block: receipt.blockNumber,
      pair: name,
      kind: "burn",
      in: [0n, 0n],
      out: [after[0]! - before[0]!, after[1]! - before[1]!],
    });
  }

  const passTime = (seconds: number) => chain.rpc("evm_increaseTime", [seconds]);

  before(async () => {
    chain = await startTestChain();
    store = await openTestStore();
    deployer = chain.accounts[0]!;
    const { testToken, trader: traderContract } = testContracts();
    const factory = await deploy(uniswapV2Factory.abi, uniswapV2Factory.bytecode, [deployer]);
    startBlock = await chain.publicClient.getBlockNumber();
    for (const [symbol, decimals] of [
      ["WETH", 18],
      ["USDC", 6],
      ["DAI", 18],
    ] as const) {
      const args = [`Test ${symbol}`, symbol, decimals, deployer, 10n ** 40n];
      tokens[symbol] = { address: await deploy(testToken.abi, testToken.bytecode, args), decimals };
    }
    const stakeArgs = ["Stake", "STAKE", deployer, 10n ** 40n];
    tokens.STAKE = { address: await deploy(stakingTokenAbi, stakingTokenBytecode, stakeArgs), decimals: 18 };
    trader = await deploy(traderContract.abi, traderContract.bytecode, []);
    for (const name of ["USDC/WETH", "DAI/WETH", "STAKE/WETH", "STAKE/USDC", "STAKE/DAI"]) {
      const [a, b] = name.split("/") as [string, string];
      const args = [tokens[a]!.address, tokens[b]!.address];
      const receipt = await write(factory, uniswapV2Factory.abi, "createPair", args);
      const address = (await chain.publicClient.readContract({
        address: factory,
        abi: uniswapV2Factory.abi,
        functionName: "getPair",
        args,
      })) as Address;
      const [token0, token1] = getAddress(tokens[a]!.address) < getAddress(tokens[b]!.address) ? [a, b] : [b, a];
      pairs[name] = { name, address: getAddress(address), token0, token1, createdAt: receipt.blockNumber };
    }

    // day 0: liquidity (ETH at about $2,000; STAKE at about $1 through WETH, $1.04 through USDC, $5 in the thin pair)
    await mint("USDC/WETH", { USDC: amount("USDC", "2000000"), WETH: amount("WETH", "1000") });
    await mint("DAI/WETH", { DAI: amount("DAI", "1010000"), WETH: amount("WETH", "500") });
    await mint("STAKE/WETH", { STAKE: amount("STAKE", "100000"), WETH: amount("WETH", "50") });
    await mint("STAKE/USDC", { STAKE: amount("STAKE", "50000"), USDC: amount("USDC", "52000") });
    await mint("STAKE/DAI", { STAKE: amount("STAKE", "100"), DAI: amount("DAI", "500") });
    await swap("USDC/WETH", "USDC", amount("USDC", "10000"));
    await swap("DAI/WETH", "WETH", amount("WETH", "2"));
    await swap("STAKE/WETH", "STAKE", amount("STAKE", "1000"));
    await swapsInOneTransaction([
      ["STAKE/WETH", "WETH", amount("WETH", "3")],
      ["STAKE/WETH", "STAKE", amount("STAKE", "500")],
      ["USDC/WETH", "WETH", amount("WETH", "5")],
    ]);
    await swap("STAKE/USDC", "USDC", amount("USDC", "2000.123456"));
    await swap("STAKE/DAI", "STAKE", amount("STAKE", "10"));
    // day 1¼
    await passTime(30 * 3600);
    await swap("USDC/WETH", "WETH", amount("WETH", "20"));
    await burn("DAI/WETH", 30n);
    await swap("STAKE/USDC", "STAKE", amount("STAKE", "1000"));
    const [r0, r1] = await reservesAt("STAKE/WETH");
    const [stakeReserve, wethReserve] = pairs["STAKE/WETH"]!.token0 === "STAKE" ? [r0, r1] : [r1, r0];
    const stake = amount("STAKE", "10000");
    await mint("STAKE/WETH", { STAKE: stake, WETH: (stake * wethReserve) / stakeReserve });
    await swap("DAI/WETH", "DAI", amount("DAI", "700"));
    // day 4¼
    await passTime(3 * DAY);
    await swap("DAI/WETH", "DAI", amount("DAI", "50000"));
    await swap("STAKE/WETH", "WETH", amount("WETH", "5"));
    await swap("USDC/WETH", "USDC", amount("USDC", "400"));
    // day 8¾: day 0 leaves the 7-day window; STAKE/USDC falls below the threshold
    await passTime(4.5 * DAY);
    await swap("USDC/WETH", "USDC", amount("USDC", "3000"));
    await burn("STAKE/USDC", 99n);
    await swap("STAKE/WETH", "STAKE", amount("STAKE", "200"));
    // two quiet days: the windows empty out with no trade
    await passTime(2 * DAY);
    for (let i = 0; i < EPOCH_SIZE; i++) await chain.rpc("evm_mine");
    // mine to the end of the last epoch, one block at a time (see epochFinalizer.test.ts)
    const head = await chain.publicClient.getBlockNumber();
    const lastEnd = startBlock + ((head - startBlock) / BigInt(EPOCH_SIZE) + 1n) * BigInt(EPOCH_SIZE) - 1n;
    for (let block = head; block < lastEnd; block++) await chain.rpc("evm_mine");

    const rpc = createRpcClient({ endpoints: [chain.rpcUrl] });
    await createEpochFinalizer({ store, rpc, startBlock, epochSize: EPOCH_SIZE, finalizationOffset: 0 }).sync();
    const queue = createInProcessQueue({ concurrency: 4, backoffMs: 1 });
    const builder = createPairSnapshotBuilder({
      store,
      rpc,
      pairs: Object.values(pairs).map((pair) => pair.address),
      fromBlock: startBlock,
      pricing: { weth: tokens.WETH!.address, stablecoins: [tokens.USDC!.address, tokens.DAI!.address] },
    });
    await createDistributor({ store, queue, builders: [builder] }).distribute();
    await queue.idle();
    await queue.close();
    epochs = await listEpochs(store);
  });

  after(async () => {
    await store?.close();
    await chain?.close();
  });

  // ---- the independent computation, in floating point, from getReserves and the actions ----

  const units = (token: string, value: bigint) => Number(value) / 10 ** tokens[token]!.decimals;
  type Prices = Map<string, { price: number; pairs: number }>;
  const reservesCache = new Map<string, Promise<[bigint, bigint]>>();
  const cachedReserves = (name: string, block: bigint) => {
    const key = `${name}@${block}`;
    if (!reservesCache.has(key)) reservesCache.set(key, reservesAt(name, block));
    return reservesCache.get(key)!;
  };
  /** Reserves of every pair at the end of `block`, in whole tokens, by pair and token. */
  async function stateAt(block: bigint) {
    const state = new Map<string, Record<string, number>>();
    for (const pair of Object.values(pairs)) {
      const [r0, r1] = await cachedReserves(pair.name, block);
      state.set(pair.name, { [pair.token0]: units(pair.token0, r0), [pair.token1]: units(pair.token1, r1) });
    }
    return state;
  }
  /** Stablecoins at $1; WETH from the stablecoin pairs, STAKE from the WETH and stablecoin pairs, above the threshold. */
  async function pricesAt(block: bigint): Promise<Prices> {
    const state = await stateAt(block);
    const prices: Prices = new Map([
      ["USDC", { price: 1, pairs: 0 }],
      ["DAI", { price: 1, pairs: 0 }],
    ]);
    const through = (token: string, anchors: string[]) => {
      let [value, held, count] = [0, 0, 0];
      for (const reserves of state.values()) {
        const other = Object.keys(reserves).find((t) => t !== token)!;
        if (!(token in reserves) || !anchors.includes(other) || !prices.has(other)) continue;
        const otherValue = reserves[other]! * prices.get(other)!.price;
        if (otherValue < THRESHOLD || reserves[token] === 0) continue;
        value += otherValue;
        held += reserves[token]!;
        count += 1;
      }
      if (count > 0) prices.set(token, { price: value / held, pairs: count });
    };
    through("WETH", ["USDC", "DAI"]);
    through("STAKE", ["USDC", "DAI", "WETH"]);
    return prices;
  }
  async function valueAt(block: bigint, name: string, side: 0 | 1, raw: bigint) {
    const pair = pairs[name]!;
    const [token, other] = side === 0 ? [pair.token0, pair.token1] : [pair.token1, pair.token0];
    const prices = await pricesAt(block);
    const amount = units(token, raw);
    if (prices.has(token)) return amount * prices.get(token)!.price;
    const reserves = (await stateAt(block)).get(name)!;
    if (!prices.has(other) || reserves[token] === 0) return 0;
    return ((amount * reserves[other]!) / reserves[token]!) * prices.get(other)!.price;
  }

  type Group = {
    pair: string;
    hash: Hash;
    kind: Kind;
    block: bigint;
    timestamp: bigint;
    logCount: number;
    in: [bigint, bigint];
    out: [bigint, bigint];
    valueUsd: number;
    fees: [bigint, bigint];
    feesUsd: number;
    sideUsd: [number, number];
    sideFeesUsd: [number, number];
  };
  let groupsCache: Group[] | undefined;
  /** The actions grouped by pair, transaction and kind, valued at the end of their block. */
  async function groups(): Promise<Group[]> {
    if (groupsCache !== undefined) return groupsCache;
    const byKey = new Map<string, Group>();
    for (const action of actions) {
      const key = `${action.pair} ${action.hash} ${action.kind}`;
      const group = byKey.get(key) ?? {
        pair: action.pair,
        hash: action.hash,
        kind: action.kind,
        block: action.block,
        timestamp: (await chain.publicClient.getBlock({ blockNumber: action.block })).timestamp,
        logCount: 0,
        in: [0n, 0n],
        out: [0n, 0n],
        valueUsd: 0,
        fees: [0n, 0n],
        feesUsd: 0,
        sideUsd: [0, 0],
        sideFeesUsd: [0, 0],
      };
      group.logCount += 1;
      group.in = [group.in[0] + action.in[0], group.in[1] + action.in[1]];
      group.out = [group.out[0] + action.out[0], group.out[1] + action.out[1]];
      byKey.set(key, group);
    }
    for (const group of byKey.values()) {
      const total = (side: 0 | 1) => valueAt(group.block, group.pair, side, group.in[side] + group.out[side]);
      group.sideUsd = [await total(0), await total(1)];
      if (group.kind === "swap") {
        group.valueUsd = (group.sideUsd[0] + group.sideUsd[1]) / 2;
        group.fees = [(group.in[0] * 3n) / 1000n, (group.in[1] * 3n) / 1000n];
        group.sideFeesUsd = [
          (await valueAt(group.block, group.pair, 0, group.in[0])) * 0.003,
          (await valueAt(group.block, group.pair, 1, group.in[1])) * 0.003,
        ];
        group.feesUsd = group.sideFeesUsd[0] + group.sideFeesUsd[1];
      } else {
        group.valueUsd = group.sideUsd[0] + group.sideUsd[1];
      }
    }
    groupsCache = [...byKey.values()];
    return groupsCache;
  }

  const close = (actual: unknown, expected: number, what: string) => {
    const value = Number(actual);
    assert.ok(Math.abs(value - expected) <= Math.abs(expected) * 1e-9 + 1e-9, `${what}: ${value} is not ${expected}`);
  };
  /** The pairs with a first mint by the end of `block`: a pair has rows from its first log on. */
  const livePairs = (block: bigint) =>
    Object.values(pairs).filter((pair) => actions.some((a) => a.pair === pair.name && a.block <= block));
  /** The epoch, the last 24 hours and the last 7 days up to an epoch's end: [column suffix, first block, after]. */
  const windowsOf = (epoch: Epoch, timestamp: bigint) =>
    [
      ["", epoch.fromBlock, 0n],
      ["_24h", 0n, timestamp - BigInt(DAY)],
      ["_7d", 0n, timestamp - BigInt(7 * DAY)],
    ] as const;

  // ---- the checks ----

  it("builds every epoch", () => {
    assert.ok(epochs.length >= 15, `only ${epochs.length} epochs`);
    for (const epoch of epochs) assert.equal(epoch.status, "done", `epoch ${epoch.epochNumber}: ${epoch.reason}`);
  });

  it("pair rows: reserves, prices, TVL, volume, fees and their 24h and 7d sums", async () => {
    const all = await groups();
    let checked = 0;
    const seen = { day: 0, weekOnly: 0 };
    for (const epoch of epochs) {
      const block = epoch.toBlock;
      const { timestamp } = await chain.publicClient.getBlock({ blockNumber: block });
      const prices = await pricesAt(block);
      const rows = await store.query<Record<string, string | bigint | null>>(
        "SELECT * FROM pair_snapshots WHERE epoch_number = $1 ORDER BY pair",
        [epoch.epochNumber],
      );
      assert.deepEqual(
        rows.map((row) => row.pair),
        livePairs(block)
          .map((pair) => pair.address)
          .sort(),
        `pairs of epoch ${epoch.epochNumber}`,
      );
      for (const row of rows) {
        const pair = Object.values(pairs).find((p) => p.address === row.pair)!;
        const at = `${pair.name} at epoch ${epoch.epochNumber}`;
        assert.equal(row.token0, getAddress(tokens[pair.token0]!.address), at);
        assert.equal(row.block_timestamp, timestamp, at);
        const [r0, r1] = await reservesAt(pair.name, block);
        assert.equal(BigInt(row.reserve0 as string), r0, `${at}: reserve0`);
        assert.equal(BigInt(row.reserve1 as string), r1, `${at}: reserve1`);
        close(row.price0_usd, prices.get(pair.token0)!.price, `${at}: price0`);
        close(row.price1_usd, prices.get(pair.token1)!.price, `${at}: price1`);
        const tvl = (await valueAt(block, pair.name, 0, r0)) + (await valueAt(block, pair.name, 1, r1));
        close(row.tvl_usd, tvl, `${at}: TVL`);
        for (const [suffix, fromBlock, after] of windowsOf(epoch, timestamp)) {
          const inWindow = all.filter(
            (g) => g.pair === pair.name && g.block >= fromBlock && g.block <= block && g.timestamp > after,
          );
          const swaps = inWindow.filter((g) => g.kind === "swap");
          const sum = (f: (g: Group) => bigint) => swaps.reduce((s, g) => s + f(g), 0n);
          const count = (kind: Kind) => BigInt(inWindow.filter((g) => g.kind === kind).length);
          const what = `${at}: ${suffix || "epoch"}`;
          assert.equal(
            BigInt(row[`volume0${suffix}`] as string),
            sum((g) => g.in[0] + g.out[0]),
            `${what} volume0`,
          );
          assert.equal(
            BigInt(row[`volume1${suffix}`] as string),
            sum((g) => g.in[1] + g.out[1]),
            `${what} volume1`,
          );
          assert.equal(
            BigInt(row[`fees0${suffix}`] as string),
            sum((g) => g.fees[0]),
            `${what} fees0`,
          );
          assert.equal(
            BigInt(row[`fees1${suffix}`] as string),
            sum((g) => g.fees[1]),
            `${what} fees1`,
          );
          close(
            row[`volume_usd${suffix}`],
            swaps.reduce((s, g) => s + g.valueUsd, 0),
            `${what} volume USD`,
          );
          close(
            row[`fees_usd${suffix}`],
            swaps.reduce((s, g) => s + g.feesUsd, 0),
            `${what} fees USD`,
          );
          assert.equal(row[`swaps${suffix}`], BigInt(swaps.length), `${what} swaps`);
          assert.equal(row[`mints${suffix}`], count("mint"), `${what} mints`);
          assert.equal(row[`burns${suffix}`], count("burn"), `${what} burns`);
        }
        if (row.swaps_24h !== row.swaps) seen.day += 1;
        if (row.swaps_7d !== row.swaps_24h) seen.weekOnly += 1;
        checked += 1;
      }
    }
    assert.ok(checked > 40, `${checked} rows checked`);
    // the windows held trades of earlier epochs, and the 7-day one some the 24-hour one had dropped
    assert.ok(seen.day > 0 && seen.weekOnly > 0);
  });

  it("transactions: swaps, mints and burns grouped by transaction", async () => {
    const rows = await store.query<Record<string, string | bigint | number>>(
      "SELECT * FROM pair_transactions ORDER BY block_number, log_index",
    );
    const all = await groups();
    assert.equal(rows.length, all.length);
    for (const group of all) {
      const at = `${group.kind} ${group.hash} on ${group.pair}`;
      const row = rows.find(
        (r) => r.tx_hash === group.hash && r.pair === pairs[group.pair]!.address && r.kind === group.kind,
      );
      assert.ok(row, `${at} is missing`);
      const epoch = epochs.find((e) => e.fromBlock <= group.block && group.block <= e.toBlock)!;
      assert.equal(row.epoch_number, epoch.epochNumber, at);
      assert.equal(row.block_number, group.block, at);
      assert.equal(row.block_timestamp, group.timestamp, at);
      assert.equal(row.log_count, group.logCount, at);
      assert.deepEqual([BigInt(row.amount0_in as string), BigInt(row.amount1_in as string)], group.in, at);
      assert.deepEqual([BigInt(row.amount0_out as string), BigInt(row.amount1_out as string)], group.out, at);
      assert.deepEqual([BigInt(row.fees0 as string), BigInt(row.fees1 as string)], group.fees, at);
      close(row.value_usd, group.valueUsd, `${at}: value`);
      close(row.fees_usd, group.feesUsd, `${at}: fees`);
    }
    // the two swaps of one transaction on one pair are one row
    assert.ok(rows.some((row) => row.log_count === 2));
  });

  it("token rows: prices through whitelisted pairs above the threshold, TVL, volume", async () => {
    const all = await groups();
    const stakePricePairs = new Set<number>();
    for (const epoch of epochs) {
      const block = epoch.toBlock;
      const { timestamp } = await chain.publicClient.getBlock({ blockNumber: block });
      const prices = await pricesAt(block);
      const rows = await store.query<Record<string, string | bigint | number | null>>(
        "SELECT * FROM token_snapshots WHERE epoch_number = $1",
        [epoch.epochNumber],
      );
      const live = livePairs(block);
      const liveTokens = [...new Set(live.flatMap((pair) => [pair.token0, pair.token1]))];
      assert.deepEqual(
        rows.map((row) => row.token).sort(),
        liveTokens.map((token) => getAddress(tokens[token]!.address)).sort(),
      );
      for (const row of rows) {
        const token = Object.keys(tokens).find((t) => getAddress(tokens[t]!.address) === row.token)!;
        const at = `${token} at epoch ${epoch.epochNumber}`;
        const price = prices.get(token);
        assert.ok(price, `${at} has a price`);
        close(row.price_usd, price.price, `${at}: price`);
        assert.equal(row.price_pairs, price.pairs, `${at}: pairs priced through`);
        const sources: Record<string, string> = {
          USDC: "stablecoin",
          DAI: "stablecoin",
          WETH: "stablecoin pairs",
          STAKE: "whitelisted pairs",
        };
        assert.equal(row.price_source, sources[token], at);
        if (token === "STAKE") stakePricePairs.add(price.pairs);
        let [reserve, tvl] = [0n, 0];
        for (const pair of live) {
          if (pair.token0 !== token && pair.token1 !== token) continue;
          const side = sideOf(pair.name, token);
          const held = (await reservesAt(pair.name, block))[side]!;
          reserve += held;
          tvl += await valueAt(block, pair.name, side, held);
        }
        assert.equal(BigInt(row.reserve as string), reserve, `${at}: reserve`);
        close(row.tvl_usd, tvl, `${at}: TVL`);
        for (const [suffix, fromBlock, after] of windowsOf(epoch, timestamp)) {
          const swaps = all.filter(
            (g) =>
              g.kind === "swap" &&
              (pairs[g.pair]!.token0 === token || pairs[g.pair]!.token1 === token) &&
              g.block >= fromBlock &&
              g.block <= block &&
              g.timestamp > after,
          );
          const side = (g: Group) => sideOf(g.pair, token);
          const what = `${at}: ${suffix || "epoch"}`;
          const volume = swaps.reduce((s, g) => s + g.in[side(g)]! + g.out[side(g)]!, 0n);
          assert.equal(BigInt(row[`volume${suffix}`] as string), volume, `${what} volume`);
          const fees = swaps.reduce((s, g) => s + g.fees[side(g)]!, 0n);
          assert.equal(BigInt(row[`fees${suffix}`] as string), fees, `${what} fees`);
          close(
            row[`volume_usd${suffix}`],
            swaps.reduce((s, g) => s + g.sideUsd[side(g)]!, 0),
            `${what} volume USD`,
          );
          close(
            row[`fees_usd${suffix}`],
            swaps.reduce((s, g) => s + g.sideFeesUsd[side(g)]!, 0),
            `${what} fees USD`,
          );
          assert.equal(row[`swaps${suffix}`], BigInt(swaps.length), `${what} swaps`);
        }
      }
    }
    // STAKE was priced through STAKE/WETH and STAKE/USDC, then STAKE/WETH alone; never through the thin STAKE/DAI
    assert.deepEqual([...stakePricePairs].sort(), [1, 2]);
  });

  it("caches token metadata", async () => {
    const rows = await store.query<{ token: string; symbol: string; name: string; decimals: number }>(
      "SELECT token, symbol, name, decimals FROM token_metadata ORDER BY symbol",
    );
    assert.deepEqual(
      rows.map((row) => [row.symbol, row.name, row.decimals]),
      [
        ["DAI", "Test DAI", 18],
        ["STAKE", "Stake", 18],
        ["USDC", "Test USDC", 6],
        ["WETH", "Test WETH", 18],
      ],
    );
    const pairRows = await store.query<{ pair: string; token0: string; token1: string }>(
      "SELECT pair, token0, token1 FROM pair_metadata",
    );
    assert.equal(pairRows.length, 5);
    for (const row of pairRows) {
      const pair = Object.values(pairs).find((p) => p.address === row.pair)!;
      assert.equal(row.token0, getAddress(tokens[pair.token0]!.address));
      assert.equal(row.token1, getAddress(tokens[pair.token1]!.address));
    }
  });

  it("building every job again, after a restart and out of order, changes nothing", async () => {
    const dump = async () => ({
      pairs: await store.query("SELECT * FROM pair_snapshots ORDER BY epoch_number, pair"),
      transactions: await store.query("SELECT * FROM pair_transactions ORDER BY epoch_number, pair, tx_hash, kind"),
      tokens: await store.query("SELECT * FROM token_snapshots ORDER BY epoch_number, token"),
      tokenMetadata: await store.query("SELECT * FROM token_metadata ORDER BY token"),
      pairMetadata: await store.query("SELECT * FROM pair_metadata ORDER BY pair"),
      jobs: await store.query("SELECT epoch_number, builder, entity, status FROM snapshot_jobs ORDER BY 1, 2, 3"),
    });
    const before = await dump();
    const rpc = createRpcClient({ endpoints: [chain.rpcUrl] });
    // a restarted process whose history keeps one epoch: going back folds again from the first block
    const history = createPairHistory({
      store,
      rpc,
      pairs: Object.values(pairs).map((pair) => pair.address),
      fromBlock: startBlock,
      pricing: { weth: tokens.WETH!.address, stablecoins: [tokens.USDC!.address, tokens.DAI!.address] },
      cacheEpochs: 1,
    });
    const builder = createPairSnapshotBuilder({ history });
    const queue = createInProcessQueue();
    const distributor = createDistributor({ store, queue, builders: [builder] });
    for (const epoch of [...epochs].reverse()) {
      for (const pair of await builder.entities(epoch)) {
        await distributor.handle({
          epochNumber: epoch.epochNumber,
          toBlockHash: epoch.toBlockHash,
          builder: PAIR_BUILDER,
          entity: pair,
        });
      }
    }
    await queue.close();
    assert.ok(history.rebuilds() > 1, "going back folded again from the first block");
    assert.deepEqual(await dump(), before);
    assert.ok(before.transactions.length > 0);
  });
});
