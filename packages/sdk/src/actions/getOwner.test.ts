import assert from "node:assert/strict";
import { test } from "node:test";
import { parseEther, type Address } from "viem";
import { createFakeChain, fakeAccount, fakePoolOwners, fakeToken } from "../internal/fake-chain.ts";
import { getOwner } from "./getOwner.ts";

const otherToken: Address = "0x3C44CdDdB6a900fa2b585dd299e03d12FA4293BC";

const handlers = {
  shareOf: () => ({ result: parseEther("40") }),
  grantedShareOf: () => ({ result: 0n }),
  contributionOf: () => ({ result: parseEther("40") }),
  tokens: () => ({ result: [fakeToken, otherToken] }),
  withdrawable: ([token]: readonly unknown[]) => ({ result: token === fakeToken ? 12n : 0n }),
};

test("reads the owner's share, grant, contribution and what it can withdraw of every listed token", async () => {
  const { client } = createFakeChain(handlers);
  assert.deepEqual(await getOwner(client, { poolOwners: fakePoolOwners, owner: fakeAccount }), {
    owner: fakeAccount,
    share: parseEther("40"),
    granted: 0n,
    contributed: parseEther("40"),
    withdrawable: [
      { token: fakeToken, amount: 12n },
      { token: otherToken, amount: 0n },
    ],
  });
});

test("only the tokens asked for, without reading the list", async () => {
  const { client, calls } = createFakeChain(handlers);
  const owner = await getOwner(client, { poolOwners: fakePoolOwners, owner: fakeAccount, tokens: [fakeToken] });
  assert.deepEqual(owner.withdrawable, [{ token: fakeToken, amount: 12n }]);
  assert.ok(!calls.some((call) => call.functionName === "tokens"));
});

test("a token not listed is a readable refusal", async () => {
  const { client } = createFakeChain({
    ...handlers,
    withdrawable: ([token]) => ({ revert: { errorName: "PoolOwnersUnknownToken", args: [token] } }),
  });
  await assert.rejects(getOwner(client, { poolOwners: fakePoolOwners, owner: fakeAccount, tokens: [otherToken] }), {
    name: "ContractRevertError",
    message: `token ${otherToken} is not listed for distribution among the owners`,
  });
});
