import assert from "node:assert/strict";
import { test } from "node:test";
import type { Address } from "viem";
import { createFakeChain, fakeAccount, fakeRegistry } from "../internal/fake-chain.ts";
import { undelegate } from "./undelegate.ts";

const pool: Address = "0xa16E02E87b7454126E5E10d957A927A7F5B5d2be";
const id = (1n << 192n) | (2n << 160n) | BigInt(fakeAccount);

test("returns the id and release time from the Undelegated log", async () => {
  const { client, calls } = createFakeChain({
    undelegate: ([, amount, fee]) => ({
      logs: [
        { eventName: "RewardsWithdrawn", args: { pool, delegator: fakeAccount, amount: 3n } },
        {
          eventName: "Undelegated",
          args: { id, pool, delegator: fakeAccount, amount, fee, releaseAt: 1_767_225_600n },
        },
      ],
    }),
  });
  const result = await undelegate(client, { registry: fakeRegistry, pool, amount: 100n, fee: 1n });
  assert.equal(result.id, id);
  assert.equal(result.releaseAt, 1_767_225_600n);
  assert.deepEqual(calls[0]?.args, [pool, 100n, 1n]);
});

test("the fee defaults to 0 and may not exceed the amount", async () => {
  const { client, calls } = createFakeChain({
    undelegate: ([, amount, fee]) => ({
      logs: [{ eventName: "Undelegated", args: { id, pool, delegator: fakeAccount, amount, fee, releaseAt: 1n } }],
    }),
  });
  await undelegate(client, { registry: fakeRegistry, pool, amount: 100n });
  assert.deepEqual(calls[0]?.args, [pool, 100n, 0n]);
  await assert.rejects(undelegate(client, { registry: fakeRegistry, pool, amount: 1n, fee: 2n }), {
    name: "InvalidInputError",
  });
});
