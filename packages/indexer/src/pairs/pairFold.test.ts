// The pair fold and the price rules on hand-made logs: the window edges to the second, one price per block, the
// threshold, a token priced through an extra whitelisted token, and a token with no price valued at its pair's rate.
import assert from "node:assert/strict";
import { describe, it } from "node:test";
import { encodeAbiParameters, encodeEventTopics, getAddress, padHex, type Address, type Log } from "viem";
import { createPairFold, DAY, WEEK, type PairTokens } from "./pairFold.ts";
import { computePrices, USD, type PairReserves } from "./prices.ts";
import { uniswapV2PairAbi } from "./uniswapV2.ts";

const address = (n: number) => getAddress(padHex(`0x${n.toString(16)}`, { size: 20 }));
const [USDC, WETH, STAKE, LINK, ODD] = [1, 2, 3, 4, 5].map(address) as [Address, Address, Address, Address, Address];
const decimals: Record<Address, number> = { [USDC]: 6, [WETH]: 18, [STAKE]: 18, [LINK]: 18, [ODD]: 18 };
const decimalsOf = (token: Address) => decimals[token]!;
const E18 = 10n ** 18n;
const E6 = 10n ** 6n;

describe("prices", () => {
  const pair = (n: number, token0: Address, token1: Address, reserve0: bigint, reserve1: bigint): PairReserves => ({
    pair: address(100 + n),
    token0,
    token1,
    reserve0,
    reserve1,
  });
  const config = { weth: WETH, stablecoins: [USDC], minLiquidityUsd: 1_000n * USD };

  it("weights the stablecoin pairs by reserves and leaves out thin pairs", () => {
    const prices = computePrices(
      [
        pair(1, USDC, WETH, 2_000_000n * E6, 1_000n * E18), // $2,000
        pair(2, USDC, WETH, 2_100_000n * E6, 1_000n * E18), // $2,100
        pair(3, USDC, WETH, 999n * E6, 1n * E18), // $999 of USDC: below the threshold
      ],
      decimalsOf,
      config,
    );
    assert.equal(prices.get(WETH)!.priceUsd, 2_050n * USD);
    assert.equal(prices.get(WETH)!.pairs.length, 2);
    assert.equal(prices.get(USDC)!.priceUsd, USD);
  });

  it("prices through an extra whitelisted token, and leaves a token with only thin pairs unpriced", () => {
    const prices = computePrices(
      [
        pair(1, USDC, WETH, 2_000_000n * E6, 1_000n * E18),
        pair(2, WETH, LINK, 10n * E18, 2_000n * E18), // LINK at $10
        pair(3, STAKE, LINK, 500n * E18, 1_000n * E18), // STAKE at $20 through LINK
        pair(4, ODD, WETH, 1n * E18, 1n * E17), // $200 of WETH: too thin
      ],
      decimalsOf,
      { ...config, whitelist: [LINK] },
    );
    assert.equal(prices.get(LINK)!.priceUsd, 10n * USD);
    assert.equal(prices.get(STAKE)!.priceUsd, 20n * USD);
    assert.equal(prices.get(STAKE)!.source, "whitelisted pairs");
    assert.equal(prices.get(ODD), undefined);
    // without LINK on the whitelist, STAKE has no price
    assert.equal(
      computePrices([pair(3, STAKE, LINK, 500n * E18, 1_000n * E18)], decimalsOf, config).get(STAKE),
      undefined,
    );
  });
});

describe("pair fold", () => {
  const PAIR = address(201);
  const ODD_PAIR = address(202);
  const tokensOf: Record<Address, PairTokens> = {
    [PAIR]: { pair: PAIR, token0: USDC, token1: WETH },
    [ODD_PAIR]: { pair: ODD_PAIR, token0: WETH, token1: ODD },
  };
  let logIndex = 0;
  const log = (pair: Address, block: bigint, tx: number, eventName: string, values: bigint[]): Log => {
    const event = uniswapV2PairAbi.find((item) => item.type === "event" && item.name === eventName)!;
    const inputs = (event as { inputs: readonly { indexed?: boolean; type: string }[] }).inputs;
    const topics = encodeEventTopics({ abi: uniswapV2PairAbi, eventName, args: {} } as never) as Log["topics"];
    const indexed = inputs.filter((input) => input.indexed).map(() => padHex(address(9), { size: 32 }));
    const data = encodeAbiParameters(inputs.filter((input) => !input.indexed) as never, values as never);
    return {
      address: pair,
      blockNumber: block,
      blockHash: padHex("0x1", { size: 32 }),
      transactionHash: padHex(`0x${tx.toString(16)}`, { size: 32 }),
      transactionIndex: 0,
      logIndex: logIndex++,
      data,
      topics: [topics[0]!, ...indexed] as Log["topics"],
      removed: false,
    } as Log;
  };
  const newFold = () =>
    createPairFold({
      pricing: { weth: WETH, stablecoins: [USDC], minLiquidityUsd: 1_000n * USD },
      pairTokens: (pair) => tokensOf[pair],
      decimalsOf,
      reserves: new Map([[PAIR, [2_000_000n * E6, 1_000n * E18] as const]]),
    });

  it("counts a trade in the windows while its block is less than 24 hours / 7 days old, to the second", () => {
    const fold = newFold();
    const t0 = 1_000_000n;
    // block 10: a swap of 1 WETH for USDC (ETH at $2,000 from the start reserves, then as the Sync says)
    fold.apply(
      [
        log(PAIR, 10n, 1, "Sync", [1_998_000n * E6, 1_001n * E18]),
        log(PAIR, 10n, 1, "Swap", [0n, 1n * E18, 2_000n * E6, 0n]),
      ],
      new Map([[10n, t0]]),
    );
    const at = (timestamp: bigint) => {
      fold.apply([], new Map());
      return fold.snapshot({ timestamp }).pairs.get(PAIR)!;
    };
    const first = fold.snapshot({ timestamp: t0 }).pairs.get(PAIR)!;
    assert.equal(first.epoch.swaps, 1n);
    assert.equal(first.epoch.volume1, E18);
    assert.equal(first.epoch.fees1, 3n * 10n ** 15n);
    assert.equal(at(t0 + DAY - 1n).day.swaps, 1n);
    const dayLater = at(t0 + DAY);
    assert.equal(dayLater.day.swaps, 0n);
    assert.equal(dayLater.day.volumeUsd, 0n);
    assert.equal(dayLater.week.swaps, 1n);
    assert.equal(dayLater.epoch.swaps, 0n);
    assert.equal(at(t0 + WEEK - 1n).week.volume1, E18);
    const weekLater = at(t0 + WEEK);
    assert.equal(weekLater.week.swaps, 0n);
    assert.equal(weekLater.week.volume1, 0n);
    assert.equal(weekLater.week.volumeUsd, 0n);
  });

  it("values a block's trades at the prices its end leaves", () => {
    const fold = newFold();
    // two swaps in one block: the first at ETH $2,000 before, but both valued after the second (ETH $1,500)
    fold.apply(
      [
        log(PAIR, 10n, 1, "Sync", [1_998_000n * E6, 1_001n * E18]),
        log(PAIR, 10n, 1, "Swap", [0n, 1n * E18, 2_000n * E6, 0n]),
        log(PAIR, 10n, 2, "Sync", [1_500_000n * E6, 1_000n * E18]),
        log(PAIR, 10n, 2, "Swap", [0n, 0n, 498_000n * E6, 0n]),
      ],
      new Map([[10n, 5n]]),
    );
    const [first, second] = fold.snapshot({ timestamp: 5n }).pairs.get(PAIR)!.transactions;
    // mean of the sides: (2,000 USDC + 1 WETH × $1,500) / 2
    assert.equal(first!.valueUsd, 1_750n * USD);
    assert.equal(first!.feesUsd, (1_500n * USD * 3n) / 1000n);
    assert.equal(second!.valueUsd, 249_000n * USD);
  });

  it("values a token with no price at its pair's rate, and groups a transaction's swaps", () => {
    const fold = newFold();
    fold.apply(
      [
        log(ODD_PAIR, 10n, 1, "Sync", [E17, 4n * E17]),
        log(ODD_PAIR, 10n, 1, "Mint", [E17, 4n * E17]),
        log(ODD_PAIR, 11n, 2, "Sync", [E17 + E16, 4n * E17 - 363n * E13]),
        log(ODD_PAIR, 11n, 2, "Swap", [E16 / 2n, 0n, 0n, 190n * E13]),
        log(ODD_PAIR, 11n, 2, "Swap", [E16 / 2n, 0n, 0n, 173n * E13]),
      ],
      new Map([
        [10n, 5n],
        [11n, 6n],
      ]),
    );
    const snapshot = fold.snapshot({ timestamp: 6n });
    const pair = snapshot.pairs.get(ODD_PAIR)!;
    assert.equal(snapshot.prices.get(ODD), undefined, "$220 of WETH is below the threshold");
    // WETH at $2,000: ODD's side is worth what WETH's is, so TVL is twice 0.11 WETH
    assert.equal(pair.tvlUsd, 440n * USD);
    const [mint, swap] = pair.transactions;
    assert.equal(mint!.kind, "mint");
    assert.equal(swap!.logCount, 2);
    assert.equal(swap!.amount0In, E16);
    assert.equal(swap!.amount1Out, 363n * E13);
    assert.equal(pair.epoch.swaps, 1n);
    assert.equal(snapshot.tokens.get(ODD)!.priceUsd, undefined);
    assert.equal(snapshot.tokens.get(ODD)!.reserve, 4n * E17 - 363n * E13);
  });
});

const E13 = 10n ** 13n;
const E16 = 10n ** 16n;
const E17 = 10n ** 17n;
