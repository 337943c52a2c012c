import assert from "node:assert/strict";
import { test } from "node:test";
import type { Address } from "viem";
import { createFakeChain, fakeAccount, fakeRegistry } from "../internal/fake-chain.ts";
import { transferDelegation } from "./transferDelegation.ts";

const fromPool: Address = "0xa16E02E87b7454126E5E10d957A927A7F5B5d2be";
const toPool: Address = "0xB7A5bd0345EF1Cc5E66bf61BdeC17D2461fBd968";
const id = (1n << 224n) | (1n << 192n) | BigInt(fakeAccount);

test("returns the id, release time and rewards paid from the logs", async () => {
  const { client, calls } = createFakeChain({
    transferDelegation: ([, , amount, fee]) => ({
      logs: [
        {
          eventName: "DelegationTransferred",
          args: { id, fromPool, toPool, delegator: fakeAccount, amount, fee, releaseAt: 1_767_225_600n },
        },
        { eventName: "RewardsWithdrawn", args: { pool: fromPool, delegator: fakeAccount, amount: 7n } },
      ],
    }),
  });
  const result = await transferDelegation(client, { registry: fakeRegistry, fromPool, toPool, amount: 100n, fee: 1n });
  assert.deepEqual(
    { id: result.id, releaseAt: result.releaseAt, rewardsPaid: result.rewardsPaid },
    { id, releaseAt: 1_767_225_600n, rewardsPaid: 7n },
  );
  assert.deepEqual(calls[0]?.args, [fromPool, toPool, 100n, 1n]);
});

test("refuses, before sending, a zero amount, a fee above it and the same pool; the fee defaults to 0", async () => {
  const { client, calls } = createFakeChain({
    transferDelegation: ([, , amount, fee]) => ({
      logs: [
        {
          eventName: "DelegationTransferred",
          args: { id, fromPool, toPool, delegator: fakeAccount, amount, fee, releaseAt: 1n },
        },
      ],
    }),
  });
  const params = { registry: fakeRegistry, fromPool, toPool };
  await assert.rejects(transferDelegation(client, { ...params, amount: 0n }), { name: "InvalidInputError" });
  await assert.rejects(transferDelegation(client, { ...params, amount: 1n, fee: 2n }), { name: "InvalidInputError" });
  await assert.rejects(transferDelegation(client, { ...params, toPool: fromPool, amount: 1n }), {
    name: "InvalidInputError",
    message: `a transfer must go to another pool, not back to ${fromPool}`,
  });
  assert.equal(calls.length, 0);
  assert.equal((await transferDelegation(client, { ...params, amount: 5n })).rewardsPaid, 0n);
  assert.deepEqual(calls[0]?.args, [fromPool, toPool, 5n, 0n]);
});

test("an operator's self-stake is a readable refusal", async () => {
  const { client } = createFakeChain({
    transferDelegation: () => ({
      revert: { errorName: "PoolRegistrySelfStakeNotTransferable", args: [fromPool, fakeAccount] },
    }),
  });
  await assert.rejects(transferDelegation(client, { registry: fakeRegistry, fromPool, toPool, amount: 1n }), {
    name: "ContractRevertError",
    message: `${fakeAccount} operates pool ${fromPool}: an operator's self-stake cannot be transferred, only undelegated`,
  });
});
