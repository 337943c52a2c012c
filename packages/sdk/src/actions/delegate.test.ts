import assert from "node:assert/strict";
import { test } from "node:test";
import type { Address } from "viem";
import { ContractRevertError } from "../errors.ts";
import { createFakeChain, fakeAccount, fakeRegistry, fakeToken } from "../internal/fake-chain.ts";
import { delegate } from "./delegate.ts";

const pool: Address = "0xa16E02E87b7454126E5E10d957A927A7F5B5d2be";
const token = 10n ** 18n;

function chainWithAllowance(allowance: bigint) {
  return createFakeChain({
    token: () => ({ result: fakeToken }),
    allowance: () => ({ result: allowance }),
    approve: () => ({ result: true, logs: [] }),
    delegate: ([, amount]) => ({
      logs: [{ eventName: "Delegated", args: { pool, delegator: fakeAccount, amount } }],
    }),
  });
}

test("approves the registry first when the allowance is short", async () => {
  const { client, calls } = chainWithAllowance(5n * token);
  const result = await delegate(client, { registry: fakeRegistry, pool, amount: 250n * token });
  assert.ok(result.approvalTransactionHash);
  assert.notEqual(result.approvalTransactionHash, result.transactionHash);
  assert.deepEqual(
    calls.map((call) => [call.kind, call.functionName, ...call.args]),
    [
      ["call", "token"],
      ["call", "allowance", fakeAccount, fakeRegistry],
      ["transaction", "approve", fakeRegistry, 250n * token],
      ["transaction", "delegate", pool, 250n * token],
    ],
  );
});

test("skips the approval when the allowance covers the amount, and the token read when it is given", async () => {
  const { client, calls } = chainWithAllowance(250n * token);
  const result = await delegate(client, { registry: fakeRegistry, pool, amount: 250n * token, token: fakeToken });
  assert.equal(result.approvalTransactionHash, undefined);
  assert.deepEqual(
    calls.map((call) => call.functionName),
    ["allowance", "delegate"],
  );
});

test("a full pool is refused with the numbers", async () => {
  const { client } = createFakeChain({
    token: () => ({ result: fakeToken }),
    allowance: () => ({ result: 10n ** 30n }),
    delegate: ([, amount]) => ({
      revert: { errorName: "PoolRegistryStakingLimitExceeded", args: [pool, 1_200n * token, 1_200n * token, amount] },
    }),
  });
  await assert.rejects(delegate(client, { registry: fakeRegistry, pool, amount: 5n * token }), (error) => {
    assert.ok(error instanceof ContractRevertError);
    assert.equal(error.message, `pool ${pool} is full: 1,200 of 1,200 staked, cannot add 5`);
    return true;
  });
});

test("refuses a zero amount before sending anything", async () => {
  const { client, calls } = chainWithAllowance(0n);
  await assert.rejects(delegate(client, { registry: fakeRegistry, pool, amount: 0n }), { name: "InvalidInputError" });
  assert.equal(calls.length, 0);
});
