import assert from "node:assert/strict";
import { test } from "node:test";
import { InvalidInputError } from "@poolnet/sdk";
import { parseEther } from "viem";
import { defaultKeeperConfig, resolveKeeperConfig } from "./config.ts";

const registry = "0x5fbdb2315678afecb367f032d93f642f64180aa3";

test("fills in the defaults and checksums addresses", () => {
  const config = resolveKeeperConfig({ registry, deployedAtBlock: 3n, intervalMs: undefined });
  assert.equal(config.registry, "0x5FbDB2315678afecb367f032d93F642f64180aa3");
  assert.equal(config.intervalMs, defaultKeeperConfig.intervalMs);
  assert.equal(config.tokenPriceInWei, undefined);
});

test("each bad field is one readable InvalidInputError", () => {
  const cases: [Parameters<typeof resolveKeeperConfig>[0], RegExp][] = [
    [{ registry: "0x12", deployedAtBlock: 0n }, /registry must be an address, got "0x12"/],
    [{ registry, deployedAtBlock: 0n, nodes: ["nope" as never] }, /nodes\[0\] must be an address/],
    [{ registry, deployedAtBlock: 0n, intervalMs: 0 }, /intervalMs must be a whole number above 0, got 0/],
    [{ registry, deployedAtBlock: 0n, finalizeBatchSize: 1.5 }, /finalizeBatchSize must be a whole number/],
    [
      { registry, deployedAtBlock: 0n, topUpFloor: parseEther("2"), topUpTarget: parseEther("1") },
      /topUpTarget .* must not be below topUpFloor/,
    ],
    [{ registry, deployedAtBlock: 0n, bountyMarginPpm: -1n }, /bountyMarginPpm must not be negative/],
  ];
  for (const [input, message] of cases) {
    assert.throws(
      () => resolveKeeperConfig(input),
      (error: unknown) => error instanceof InvalidInputError && message.test(error.message),
    );
  }
});
