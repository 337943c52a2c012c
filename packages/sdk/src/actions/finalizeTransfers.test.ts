import assert from "node:assert/strict";
import { test } from "node:test";
import type { Address } from "viem";
import { createFakeChain, fakeAccount, fakeRegistry } from "../internal/fake-chain.ts";
import { finalizeTransfers } from "./finalizeTransfers.ts";

const fromPool: Address = "0xa16E02E87b7454126E5E10d957A927A7F5B5d2be";
const toPool: Address = "0xB7A5bd0345EF1Cc5E66bf61BdeC17D2461fBd968";
const delegator: Address = "0x3C44CdDdB6a900fa2b585dd299e03d12FA4293BC";
const first = (1n << 224n) | (1n << 192n) | BigInt(delegator);
const second = (2n << 224n) | (1n << 192n) | BigInt(delegator);

test("lists the transfers that landed, in order; the rest were skipped", async () => {
  const { client, calls } = createFakeChain({
    finalizeTransfers: () => ({
      result: 2n,
      logs: [
        {
          eventName: "TransferFinalized",
          args: { id: second, fromPool, toPool, delegator, amount: 50n, fee: 0n, caller: fakeAccount },
        },
        { eventName: "RewardsWithdrawn", args: { pool: toPool, delegator, amount: 9n } },
        {
          eventName: "TransferFinalized",
          args: { id: first, fromPool, toPool, delegator, amount: 100n, fee: 1n, caller: fakeAccount },
        },
      ],
    }),
  });
  const { finalized } = await finalizeTransfers(client, { registry: fakeRegistry, ids: [second, 42n, first] });
  assert.deepEqual(finalized, [
    { id: second, fromPool, toPool, delegator, amount: 50n, fee: 0n },
    { id: first, fromPool, toPool, delegator, amount: 99n, fee: 1n },
  ]);
  assert.deepEqual(calls[0]?.args, [[second, 42n, first]]);
});
