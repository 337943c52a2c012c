import assert from "node:assert/strict";
import { test } from "node:test";
import { parseEther, type Address } from "viem";
import { createFakeChain, fakeAccount, fakePoolOwners } from "../internal/fake-chain.ts";
import { setOwnerShare } from "./setOwnerShare.ts";

const creator: Address = "0x3C44CdDdB6a900fa2b585dd299e03d12FA4293BC";

test("sets the owner's whole grant", async () => {
  const { client, calls } = createFakeChain({ setOwnerShare: () => ({}) });
  await setOwnerShare(client, { poolOwners: fakePoolOwners, owner: creator, granted: parseEther("1000") });
  assert.deepEqual(calls[0]?.args, [creator, parseEther("1000")]);
});

test("a caller other than the contract owner is a readable refusal", async () => {
  const { client } = createFakeChain({
    setOwnerShare: () => ({ revert: { errorName: "OwnableUnauthorizedAccount", args: [fakeAccount] } }),
  });
  await assert.rejects(setOwnerShare(client, { poolOwners: fakePoolOwners, owner: creator, granted: 1n }), {
    name: "ContractRevertError",
    message: `${fakeAccount} is not the owner of the contract`,
  });
});

test("refuses a negative grant, sending nothing", async () => {
  const { client, calls } = createFakeChain({});
  await assert.rejects(setOwnerShare(client, { poolOwners: fakePoolOwners, owner: creator, granted: -1n }), {
    name: "InvalidInputError",
  });
  assert.equal(calls.length, 0);
});
