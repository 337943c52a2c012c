import assert from "node:assert/strict";
import { test } from "node:test";
import type { Address } from "viem";
import { createFakeChain, fakeAccount, fakePoolOwners, fakeToken } from "../internal/fake-chain.ts";
import { withdrawOwnerEarnings } from "./withdrawOwnerEarnings.ts";

const other: Address = "0x3C44CdDdB6a900fa2b585dd299e03d12FA4293BC";
const withdrawn = (owner: Address, amount: bigint) => ({
  eventName: "Withdrawn",
  address: fakePoolOwners,
  args: { token: fakeToken, owner, amount },
});

test("withdraws everything with PoolOwners.withdraw and sums the caller's Withdrawn logs", async () => {
  const { client, calls } = createFakeChain({
    withdraw: () => ({ logs: [withdrawn(other, 1_000n), withdrawn(fakeAccount, 42n)] }),
  });
  const result = await withdrawOwnerEarnings(client, { poolOwners: fakePoolOwners, token: fakeToken });
  assert.equal(result.amount, 42n);
  assert.deepEqual(
    calls.map((call) => [call.functionName, call.args]),
    [["withdraw", [fakeToken]]],
  );
});

test("an amount is withdrawn with PoolOwners.withdrawAmount", async () => {
  const { client, calls } = createFakeChain({
    withdrawAmount: ([, amount]) => ({ logs: [withdrawn(fakeAccount, amount as bigint)] }),
  });
  const result = await withdrawOwnerEarnings(client, { poolOwners: fakePoolOwners, token: fakeToken, amount: 7n });
  assert.equal(result.amount, 7n);
  assert.deepEqual(
    calls.map((call) => [call.functionName, call.args]),
    [["withdrawAmount", [fakeToken, 7n]]],
  );
});

test("nothing to withdraw is a readable refusal", async () => {
  const { client } = createFakeChain({
    withdraw: ([token]) => ({ revert: { errorName: "PoolOwnersNothingToWithdraw", args: [token, fakeAccount] } }),
  });
  await assert.rejects(withdrawOwnerEarnings(client, { poolOwners: fakePoolOwners, token: fakeToken }), {
    name: "ContractRevertError",
    message: `${fakeAccount} has nothing to withdraw of token ${fakeToken}`,
  });
});

test("refuses an amount of 0, sending nothing", async () => {
  const { client, calls } = createFakeChain({});
  await assert.rejects(withdrawOwnerEarnings(client, { poolOwners: fakePoolOwners, token: fakeToken, amount: 0n }), {
    name: "InvalidInputError",
    message: "the amount to withdraw must be more than 0, got 0",
  });
  assert.equal(calls.length, 0);
});
