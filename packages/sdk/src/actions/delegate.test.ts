import assert from "node:assert/strict";
import { test } from "node:test";
import type { Address } from "viem";
import { ContractRevertError } from "../errors.ts";
import { createFakeChain, fakeAccount, fakeRegistry, fakeToken } from "../internal/fake-chain.ts";
import { delegate } from "./delegate.ts";

const pool: Address = "0xa16E02E87b7454126E5E10d957A927A7F5B5d2be";
const token = 10n ** 18n;

function chainWithAllowance(allowance: bigint) {
  let approved = allowance;
  return createFakeChain({
    token: () => ({ result: fakeToken }),
    allowance: () => ({ result: approved }),
    balanceOf: () => ({ result: 1_000n * token }),
    approve: ([, amount]) => {
      approved = amount as bigint;
      return { result: true, logs: [] };
    },
    delegate: ([, amount]) =>
      approved < (amount as bigint)
        ? { revert: { errorName: "ERC20InsufficientAllowance", args: [fakeRegistry, approved, amount] } }
        : { logs: [{ eventName: "Delegated", args: { pool, delegator: fakeAccount, amount } }] },
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
      ["call", "balanceOf", fakeAccount],
      ["call", "delegate", pool, 250n * token],
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
    assert.equal(error.message, `pool ${pool} is full: 1,200 of 1,200 staked or on its way in, cannot add 5`);
    return true;
  });
});

test("a pool that refuses is refused before the approval, so a refusal sends nothing", async () => {
  const { client, calls } = createFakeChain({
    allowance: () => ({ result: 0n }),
    balanceOf: () => ({ result: 1_000n * token }),
    delegate: () => ({ revert: { errorName: "PoolRegistryPoolDisabled", args: [pool] } }),
  });
  await assert.rejects(delegate(client, { registry: fakeRegistry, pool, amount: 5n * token, token: fakeToken }), {
    name: "ContractRevertError",
    message: `pool ${pool} is disabled: it takes no delegations`,
  });
  assert.deepEqual(
    calls.filter((call) => call.kind === "transaction"),
    [],
  );
});

test("a balance short of the amount is refused before the approval", async () => {
  const { client, calls } = createFakeChain({
    allowance: () => ({ result: 0n }),
    balanceOf: () => ({ result: 3n * token }),
  });
  await assert.rejects(delegate(client, { registry: fakeRegistry, pool, amount: 5n * token, token: fakeToken }), {
    name: "NonRetryableError",
    message: `${fakeAccount} holds 3 tokens, needs 5`,
  });
  assert.deepEqual(
    calls.map((call) => call.functionName),
    ["allowance", "balanceOf"],
  );
});

test("refuses a zero amount before sending anything", async () => {
  const { client, calls } = chainWithAllowance(0n);
  await assert.rejects(delegate(client, { registry: fakeRegistry, pool, amount: 0n }), { name: "InvalidInputError" });
  assert.equal(calls.length, 0);
});
