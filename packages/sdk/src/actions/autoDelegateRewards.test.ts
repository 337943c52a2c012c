import assert from "node:assert/strict";
import { test } from "node:test";
import type { Address } from "viem";
import { createFakeChain, fakeAccount, fakeRegistry } from "../internal/fake-chain.ts";
import { autoDelegateRewards } from "./autoDelegateRewards.ts";

const pool: Address = "0xa16E02E87b7454126E5E10d957A927A7F5B5d2be";
const delegator: Address = "0x3C44CdDdB6a900fa2b585dd299e03d12FA4293BC";

test("reports what joined the stake (the rewards less the fee) and the caller's fee", async () => {
  const { client, calls } = createFakeChain({
    autoDelegateRewards: () => ({
      logs: [
        {
          eventName: "AutoRewardsDelegated",
          args: { pool, delegator, caller: fakeAccount, amount: 100n, fee: 2n },
        },
      ],
    }),
  });
  const result = await autoDelegateRewards(client, { registry: fakeRegistry, pool, delegator });
  assert.deepEqual({ ...result, transactionHash: undefined }, { amount: 98n, fee: 2n, transactionHash: undefined });
  assert.deepEqual(calls[0]?.args, [pool, delegator]);
});

test("a delegator who did not enable it is a readable refusal", async () => {
  const { client } = createFakeChain({
    autoDelegateRewards: () => ({
      revert: { errorName: "PoolRegistryAutoDelegationNotEnabled", args: [pool, delegator] },
    }),
  });
  await assert.rejects(autoDelegateRewards(client, { registry: fakeRegistry, pool, delegator }), {
    name: "ContractRevertError",
    message: `${delegator} has not enabled auto-redelegation in pool ${pool}`,
  });
});
