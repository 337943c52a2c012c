import assert from "node:assert/strict";
import { test } from "node:test";
import { createFakeChain, fakeAccount, fakePoolOwners } from "../internal/fake-chain.ts";
import { lockShares } from "./lockShares.ts";

test("returns the unallocated shares of the SharesLocked log", async () => {
  const { client } = createFakeChain({
    lockShares: () => ({
      logs: [{ eventName: "SharesLocked", address: fakePoolOwners, args: { owner: fakeAccount, unallocated: 7n } }],
    }),
  });
  assert.equal((await lockShares(client, { poolOwners: fakePoolOwners })).unallocated, 7n);
});

test("locking twice is a readable refusal", async () => {
  const { client } = createFakeChain({
    lockShares: () => ({ revert: { errorName: "PoolOwnersSharesLocked", args: [] } }),
  });
  await assert.rejects(lockShares(client, { poolOwners: fakePoolOwners }), {
    name: "ContractRevertError",
    message: "the owners' shares are locked: the share sale is over and shares can no longer be sold or granted",
  });
});
