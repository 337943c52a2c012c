import assert from "node:assert/strict";
import { test } from "node:test";
import { zeroHash, type Address } from "viem";
import { ContractRevertError } from "../errors.ts";
import { createFakeChain, fakeAccount, fakeRegistry } from "../internal/fake-chain.ts";
import { getPoolInfo } from "./getPoolInfo.ts";

const pool: Address = "0xa16E02E87b7454126E5E10d957A927A7F5B5d2be";
const info = (state: number) => ({
  operator: fakeAccount,
  signingAddress: fakeAccount,
  commissionRate: 100_000n,
  selfStakeSatisfied: state !== 1,
  state,
  stakingLimit: 2n ** 96n - 1n,
  isPrivate: false,
  metaDataUrl: "https://example.org/pool.json",
  metaDataContentHash: zeroHash,
  selfStake: 10n ** 21n,
  index: 3n,
});

test("names the pool state and turns small integers into numbers", async () => {
  for (const [state, name] of [
    [0, "active"],
    [1, "broken"],
    [2, "disabled"],
  ] as const) {
    const { client } = createFakeChain({ getPoolInfo: () => ({ result: info(state) }) });
    const result = await getPoolInfo(client, { registry: fakeRegistry, pool });
    assert.equal(result.state, name);
    assert.equal(result.pool, pool);
    assert.equal(result.commissionRate, 100_000);
    assert.equal(result.index, 3);
    assert.equal(result.selfStake, 10n ** 21n);
  }
});

test("an unknown pool is a readable ContractRevertError", async () => {
  const { client } = createFakeChain({
    getPoolInfo: () => ({ revert: { errorName: "PoolRegistryUnknownPool", args: [pool] } }),
  });
  await assert.rejects(getPoolInfo(client, { registry: fakeRegistry, pool }), (error) => {
    assert.ok(error instanceof ContractRevertError);
    assert.equal(error.message, `there is no pool at ${pool}`);
    assert.equal(error.errorName, "PoolRegistryUnknownPool");
    return true;
  });
});
