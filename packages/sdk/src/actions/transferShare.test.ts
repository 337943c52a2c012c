import assert from "node:assert/strict";
import { test } from "node:test";
import { parseEther, type Address } from "viem";
import { createFakeChain, fakeAccount, fakePoolOwners } from "../internal/fake-chain.ts";
import { transferShare } from "./transferShare.ts";

const to: Address = "0x3C44CdDdB6a900fa2b585dd299e03d12FA4293BC";

test("gives the share to the address", async () => {
  const { client, calls } = createFakeChain({ transferShare: () => ({}) });
  await transferShare(client, { poolOwners: fakePoolOwners, to, share: parseEther("500") });
  assert.deepEqual(calls[0]?.args, [to, parseEther("500")]);
});

test("refuses no share, sending nothing", async () => {
  const { client, calls } = createFakeChain({});
  await assert.rejects(transferShare(client, { poolOwners: fakePoolOwners, to, share: 0n }), {
    name: "InvalidInputError",
    message: "the share to transfer must be more than 0, got 0",
  });
  assert.equal(calls.length, 0);
});

test("more than the caller holds is a readable refusal", async () => {
  const { client } = createFakeChain({
    transferShare: ([, share]) => ({
      revert: { errorName: "PoolOwnersInsufficientShare", args: [fakeAccount, parseEther("4"), share] },
    }),
  });
  await assert.rejects(transferShare(client, { poolOwners: fakePoolOwners, to, share: parseEther("200") }), {
    name: "ContractRevertError",
    message: `${fakeAccount} holds 0.1% of the shares, cannot give up 5%`,
  });
});
