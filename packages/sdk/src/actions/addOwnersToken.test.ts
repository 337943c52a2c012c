import assert from "node:assert/strict";
import { test } from "node:test";
import { createFakeChain, fakePoolOwners, fakeToken } from "../internal/fake-chain.ts";
import { addOwnersToken } from "./addOwnersToken.ts";

test("lists the token with PoolOwners.addToken", async () => {
  const { client, calls } = createFakeChain({ addToken: () => ({}) });
  await addOwnersToken(client, { poolOwners: fakePoolOwners, token: fakeToken });
  assert.deepEqual(
    calls.map((call) => [call.to, call.functionName, call.args]),
    [[fakePoolOwners, "addToken", [fakeToken]]],
  );
});

test("a token listed already is a readable refusal", async () => {
  const { client } = createFakeChain({
    addToken: ([token]) => ({ revert: { errorName: "PoolOwnersTokenAlreadyListed", args: [token] } }),
  });
  await assert.rejects(addOwnersToken(client, { poolOwners: fakePoolOwners, token: fakeToken }), {
    name: "ContractRevertError",
    message: `token ${fakeToken} is already listed for distribution among the owners`,
  });
});
