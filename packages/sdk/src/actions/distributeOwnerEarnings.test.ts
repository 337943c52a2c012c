import assert from "node:assert/strict";
import { test } from "node:test";
import type { Address } from "viem";
import { createFakeChain, fakePoolOwners, fakeToken } from "../internal/fake-chain.ts";
import { distributeOwnerEarnings } from "./distributeOwnerEarnings.ts";

const otherToken: Address = "0x3C44CdDdB6a900fa2b585dd299e03d12FA4293BC";

test("returns the amount of the token's Distributed log from PoolOwners", async () => {
  const { client, calls } = createFakeChain({
    distribute: () => ({
      logs: [
        { eventName: "Distributed", address: fakePoolOwners, args: { token: otherToken, amount: 1_000n } },
        { eventName: "Distributed", address: fakePoolOwners, args: { token: fakeToken, amount: 42n } },
      ],
    }),
  });
  assert.equal((await distributeOwnerEarnings(client, { poolOwners: fakePoolOwners, token: fakeToken })).amount, 42n);
  assert.deepEqual(calls[0]?.args, [fakeToken]);
});

test("nothing arrived: 0, no log", async () => {
  const { client } = createFakeChain({ distribute: () => ({}) });
  assert.equal((await distributeOwnerEarnings(client, { poolOwners: fakePoolOwners, token: fakeToken })).amount, 0n);
});

test("a token not listed is a readable refusal", async () => {
  const { client } = createFakeChain({
    distribute: ([token]) => ({ revert: { errorName: "PoolOwnersUnknownToken", args: [token] } }),
  });
  await assert.rejects(distributeOwnerEarnings(client, { poolOwners: fakePoolOwners, token: otherToken }), {
    message: `token ${otherToken} is not listed for distribution among the owners`,
  });
});
