import assert from "node:assert/strict";
import { test } from "node:test";
import type { Address } from "viem";
import { createFakeChain, fakeRegistry } from "../internal/fake-chain.ts";
import { requestCommissionRateChange } from "./requestCommissionRateChange.ts";

const pool: Address = "0xa16E02E87b7454126E5E10d957A927A7F5B5d2be";
const id = (1n << 160n) | BigInt(pool);

test("returns the id and when it can be finalized from the log", async () => {
  const { client, calls } = createFakeChain({
    requestCommissionRateChange: () => ({
      logs: [
        {
          eventName: "CommissionRateChangeRequested",
          args: { id, pool, newRate: 150_000n, effectiveAt: 1_767_225_600n },
        },
      ],
    }),
  });
  const result = await requestCommissionRateChange(client, { registry: fakeRegistry, pool, newRate: 150_000 });
  assert.deepEqual(
    { ...result, transactionHash: undefined },
    { id, effectiveAt: 1_767_225_600n, transactionHash: undefined },
  );
  assert.deepEqual(calls[0]?.args, [pool, 150_000n]);
});

test("refuses a rate above 100% before sending anything", async () => {
  const { client, calls } = createFakeChain({});
  await assert.rejects(requestCommissionRateChange(client, { registry: fakeRegistry, pool, newRate: 1_000_001 }), {
    name: "InvalidInputError",
  });
  assert.equal(calls.length, 0);
});
