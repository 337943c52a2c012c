import assert from "node:assert/strict";
import { test } from "node:test";
import { zeroHash, type Address } from "viem";
import { createFakeChain, fakeAccount, fakeRegistry, fakeToken } from "../internal/fake-chain.ts";
import { registerPool } from "./registerPool.ts";

const pool: Address = "0xa16E02E87b7454126E5E10d957A927A7F5B5d2be";

test("returns the pool from the registry's PoolRegistered log", async () => {
  const registered = (address: Address, registeredPool: Address) => ({
    eventName: "PoolRegistered",
    address,
    args: {
      pool: registeredPool,
      operator: fakeAccount,
      signingAddress: fakeAccount,
      commissionRate: 100_000n,
      metaDataUrl: "",
      metaDataContentHash: zeroHash,
    },
  });
  const { client, calls } = createFakeChain({
    // a look-alike event from another contract comes first and must be ignored
    registerPool: () => ({ logs: [registered(fakeToken, fakeToken), registered(fakeRegistry, pool)] }),
  });
  const result = await registerPool(client, {
    registry: fakeRegistry,
    signingAddress: fakeAccount,
    commissionRate: 100_000,
  });
  assert.equal(result.pool, pool);
  assert.deepEqual(calls[0]?.args, [fakeAccount, 100_000n, "", zeroHash]);
});

test("refuses a commission above 100%", async () => {
  const { client, calls } = createFakeChain({});
  await assert.rejects(
    registerPool(client, { registry: fakeRegistry, signingAddress: fakeAccount, commissionRate: 1_000_001 }),
    { name: "InvalidInputError", message: "commissionRate must be from 0 to 1000000 ppm, got 1000001" },
  );
  assert.equal(calls.length, 0);
});
