import assert from "node:assert/strict";
import { describe, test } from "node:test";
import { InvalidInputError } from "@poolnet/sdk";
import { parseDecimal } from "../internal/decimal.ts";
import { WALK_DECIMALS, createRandomWalk } from "./randomWalk.ts";

const startPrices = { "LINK/USD": "15", "ETH/USD": "3000" };

describe("createRandomWalk", () => {
  test("the same seed walks the same prices, step for step", () => {
    const a = createRandomWalk({ seed: 42, startPrices, volatility: "0.01" });
    const b = createRandomWalk({ seed: "42", startPrices, volatility: 0.01 });
    for (let i = 0; i < 50; i++) {
      a.step();
      b.step();
      assert.deepEqual(a.prices(), b.prices());
    }
    assert.equal(a.steps, 50);
  });

  test("the walk of a seed is fixed: these prices, on any machine", () => {
    const walk = createRandomWalk({ seed: 1, startPrices, volatility: "0.002" });
    walk.step(10);
    // integer arithmetic only: a change here changes every demo and every test that replays one
    assert.deepEqual(walk.prices(), { "LINK/USD": "15.03286742", "ETH/USD": "3017.10635075" });
  });

  test("another seed walks elsewhere", () => {
    const a = createRandomWalk({ seed: 1, startPrices, volatility: "0.01" });
    const b = createRandomWalk({ seed: 2, startPrices, volatility: "0.01" });
    a.step(5);
    b.step(5);
    assert.notDeepEqual(a.prices(), b.prices());
  });

  test("adding a pair does not change how the others walk", () => {
    const alone = createRandomWalk({ seed: 7, startPrices: { "LINK/USD": "15" }, volatility: "0.01" });
    const together = createRandomWalk({
      seed: 7,
      startPrices: { ...startPrices, "BTC/USD": "60000" },
      volatility: "0.01",
    });
    alone.step(20);
    together.step(20);
    assert.equal(alone.price("LINK/USD"), together.price("LINK/USD"));
  });

  test("no step moves a price by more than the volatility", () => {
    const walk = createRandomWalk({ seed: "bounds", startPrices, volatility: "0.05" });
    let moved = false;
    for (let i = 0; i < 500; i++) {
      const before = parseDecimal(walk.price("ETH/USD"), WALK_DECIMALS)!;
      walk.step();
      const after = parseDecimal(walk.price("ETH/USD"), WALK_DECIMALS)!;
      const move = after > before ? after - before : before - after;
      // 5% of the price, plus half a unit of rounding
      assert.ok(move * 100n <= before * 5n + 50n, `step ${i}: ${before} → ${after}`);
      assert.ok(after > 0n);
      moved ||= move * 1000n > before * 10n;
    }
    assert.ok(moved, "some step moved the price by more than 1%");
  });

  test("no volatility, no move", () => {
    const walk = createRandomWalk({ seed: 1, startPrices, volatility: 0 });
    walk.step(100);
    assert.deepEqual(walk.prices(), startPrices);
  });

  test("a jump moves one pair by exactly that percentage", () => {
    const walk = createRandomWalk({ seed: 1, startPrices, volatility: 0 });
    assert.equal(walk.jump("LINK/USD", -20), "12");
    assert.equal(walk.jump("link/usd", "12.5"), "13.5");
    assert.equal(walk.price("ETH/USD"), "3000");
    // rounded to the walk's 8 decimals, half up
    assert.equal(walk.jump("LINK/USD", "0.0000001"), "13.50000001");
    // a price stays positive, however far it falls
    assert.equal(walk.jump("LINK/USD", "-99.999999999"), "0.00000001");
  });

  test("prices start where they are told, rounded to 8 decimals", () => {
    const walk = createRandomWalk({ seed: 1, startPrices: { "SHIB/USD": "0.000012345678" }, volatility: 0 });
    assert.equal(walk.price("SHIB/USD"), "0.00001235");
    assert.deepEqual(walk.pairs, ["SHIB/USD"]);
    assert.equal(walk.price("LINK/USD"), undefined);
  });

  test("what cannot walk is refused in one sentence", () => {
    const cases: [() => unknown, string][] = [
      [
        () => createRandomWalk({ seed: 1, startPrices, volatility: "0.6" }),
        "the volatility must be a fraction from 0 to 0.5 of the price, not 0.6",
      ],
      [
        () => createRandomWalk({ seed: 1, startPrices, volatility: -0.1 }),
        "the volatility must be a fraction from 0 to 0.5 of the price, not -0.1",
      ],
      [
        () => createRandomWalk({ seed: 1, startPrices: { "LINK/USD": "0" }, volatility: 0 }),
        'the starting price of LINK/USD must be a positive decimal, not "0"',
      ],
      [
        () => createRandomWalk({ seed: 1, startPrices: { "LINK/USD": "1", "link/usd": "2" }, volatility: 0 }),
        "LINK/USD is listed twice",
      ],
      [
        () => createRandomWalk({ seed: 1, startPrices, volatility: 0 }).jump("BTC/USD", 5),
        "the walk has no pair BTC/USD: it has LINK/USD, ETH/USD",
      ],
      [
        () => createRandomWalk({ seed: 1, startPrices, volatility: 0 }).jump("LINK/USD", -100),
        "a move is a percentage above -100, not -100",
      ],
      [
        () => createRandomWalk({ seed: 1, startPrices, volatility: 0 }).step(-1),
        "the number of steps must be a whole number, not -1",
      ],
    ];
    for (const [run, message] of cases) {
      assert.throws(run, (error: unknown) => error instanceof InvalidInputError && error.message === message);
    }
  });
});
