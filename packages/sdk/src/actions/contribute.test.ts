import assert from "node:assert/strict";
import { test } from "node:test";
import { parseEther, type Address } from "viem";
import { createFakeChain, fakeAccount, fakePoolOwners, fakeRegistry } from "../internal/fake-chain.ts";
import { contribute } from "./contribute.ts";

const other: Address = "0x3C44CdDdB6a900fa2b585dd299e03d12FA4293BC";

test("sends the ETH and returns the shares of the caller's Contributed log", async () => {
  let sent = 0n;
  const { client, calls } = createFakeChain({
    contribute: (_args, { value }) => {
      sent = value;
      return {
        logs: [
          // a look-alike from another contract and another contributor's are ignored
          { eventName: "Contributed", address: fakeRegistry, args: { contributor: fakeAccount, value: 1n } },
          { eventName: "Contributed", address: fakePoolOwners, args: { contributor: other, value: 2n } },
          { eventName: "Contributed", address: fakePoolOwners, args: { contributor: fakeAccount, value } },
        ],
      };
    },
  });
  const result = await contribute(client, { poolOwners: fakePoolOwners, value: parseEther("13.6") });
  assert.equal(sent, parseEther("13.6"));
  assert.equal(result.share, parseEther("13.6"));
  assert.deepEqual(calls[0]?.args, []);
});

test("refuses nothing, sending nothing", async () => {
  const { client, calls } = createFakeChain({});
  await assert.rejects(contribute(client, { poolOwners: fakePoolOwners, value: 0n }), {
    name: "InvalidInputError",
    message: "the contribution must be more than 0 ETH, got 0 wei",
  });
  assert.equal(calls.length, 0);
});

test("a contribution over the hard cap is a readable refusal", async () => {
  const { client } = createFakeChain({
    contribute: (_args, { value }) => ({
      revert: { errorName: "PoolOwnersHardCapExceeded", args: [value, parseEther("946.4")] },
    }),
  });
  await assert.rejects(contribute(client, { poolOwners: fakePoolOwners, value: parseEther("1000") }), {
    name: "ContractRevertError",
    message: "a contribution of 1,000 ETH would pass the share sale's hard cap: 946.4 ETH is left",
  });
});
