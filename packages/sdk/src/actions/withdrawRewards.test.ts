import assert from "node:assert/strict";
import { test } from "node:test";
import type { Address } from "viem";
import { createFakeChain, fakeAccount, fakeRegistry } from "../internal/fake-chain.ts";
import { withdrawRewards } from "./withdrawRewards.ts";

const pool: Address = "0xa16E02E87b7454126E5E10d957A927A7F5B5d2be";
const other: Address = "0x3C44CdDdB6a900fa2b585dd299e03d12FA4293BC";

test("sums the caller's RewardsWithdrawn logs for the pool", async () => {
  const { client } = createFakeChain({
    withdrawRewards: () => ({
      logs: [
        { eventName: "RewardsWithdrawn", args: { pool, delegator: fakeAccount, amount: 40n } },
        { eventName: "RewardsWithdrawn", args: { pool, delegator: other, amount: 1_000n } },
        { eventName: "RewardsWithdrawn", args: { pool, delegator: fakeAccount, amount: 2n } },
      ],
    }),
  });
  assert.equal((await withdrawRewards(client, { registry: fakeRegistry, pool })).amount, 42n);
});

test("nothing to withdraw is a readable refusal", async () => {
  const { client } = createFakeChain({
    withdrawRewards: () => ({ revert: { errorName: "PoolRegistryNothingToWithdraw", args: [pool, fakeAccount] } }),
  });
  await assert.rejects(withdrawRewards(client, { registry: fakeRegistry, pool }), {
    name: "ContractRevertError",
    message: `${fakeAccount} has nothing to withdraw from pool ${pool}`,
  });
});
