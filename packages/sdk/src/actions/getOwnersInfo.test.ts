import assert from "node:assert/strict";
import { test } from "node:test";
import { parseEther, zeroAddress } from "viem";
import { createFakeChain, fakeAccount, fakePoolOwners, fakeToken } from "../internal/fake-chain.ts";
import { getOwnersInfo } from "./getOwnersInfo.ts";

test("gathers the sale, the reserve and each listed token's distribution", async () => {
  const { client, calls } = createFakeChain({
    owner: () => ({ result: fakeAccount }),
    wallet: () => ({ result: fakeAccount }),
    locked: () => ({ result: false }),
    TOTAL_SHARES: () => ({ result: parseEther("4000") }),
    CREATOR_SHARES: () => ({ result: parseEther("3000") }),
    creatorSharesGranted: () => ({ result: parseEther("3000") }),
    HARD_CAP: () => ({ result: parseEther("1000") }),
    MIN_CONTRIBUTION: () => ({ result: parseEther("4") }),
    totalContributed: () => ({ result: parseEther("53.6") }),
    shareOf: ([holder]) => ({ result: holder === zeroAddress ? parseEther("946.4") : 0n }),
    MAX_TOKENS: () => ({ result: 8n }),
    tokens: () => ({ result: [fakeToken.toLowerCase()] }),
    getTokenAccounting: () => ({ result: [500n, 120n] }),
    balanceOf: ([holder]) => ({ result: holder === fakePoolOwners ? 150n : 0n }),
  });
  const info = await getOwnersInfo(client, { poolOwners: fakePoolOwners });
  assert.deepEqual(info, {
    poolOwners: fakePoolOwners,
    contractOwner: fakeAccount,
    wallet: fakeAccount,
    locked: false,
    totalShares: parseEther("4000"),
    creatorShares: parseEther("3000"),
    creatorSharesGranted: parseEther("3000"),
    hardCap: parseEther("1000"),
    minContribution: parseEther("4"),
    totalContributed: parseEther("53.6"),
    unallocated: parseEther("946.4"),
    maxTokens: 8,
    // checksummed; what arrived beyond the accounted is the next distribution's
    tokens: [{ token: fakeToken, distributed: 500n, accounted: 120n, undistributed: 30n }],
  });
  assert.deepEqual(
    calls.filter((call) => call.functionName === "balanceOf").map((call) => [call.to, call.args]),
    [[fakeToken, [fakePoolOwners]]],
  );
});
