import assert from "node:assert/strict";
import { after, before, test } from "node:test";
import { deployShareStatePayout } from "./deployShareStatePayout.ts";
import { shareStatePayoutAbi } from "./generated/contracts.ts";
import { startEdrChain, type EdrChain } from "./internal/edrChain.ts";

let chain: EdrChain;
before(async () => {
  chain = await startEdrChain();
});
after(() => chain.close());

test("deployShareStatePayout deploys an empty ShareStatePayout", async () => {
  const { shareStatePayout, deployedAtBlock } = await deployShareStatePayout(
    chain.walletOf(chain.accounts[0]!),
    chain.publicClient,
  );
  assert.ok(deployedAtBlock > 0n);
  const count = await chain.publicClient.readContract({
    address: shareStatePayout,
    abi: shareStatePayoutAbi,
    functionName: "shareStateCount",
  });
  assert.equal(count, 0n);
});
