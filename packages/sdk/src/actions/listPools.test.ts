import assert from "node:assert/strict";
import { test } from "node:test";
import { getAddress, numberToHex, type Address } from "viem";
import { createFakeChain, fakeRegistry } from "../internal/fake-chain.ts";
import { listPools } from "./listPools.ts";

const pools: Address[] = Array.from({ length: 7 }, (_, i) => getAddress(numberToHex(i + 1, { size: 20 })));

function registryOf(list: Address[]) {
  return createFakeChain({
    getPoolCount: () => ({ result: BigInt(list.length) }),
    getPools: ([offset, limit]) => ({ result: list.slice(Number(offset), Number(offset) + Number(limit)) }),
  });
}

test("pages through getPools until it has getPoolCount pools", async () => {
  const { client, calls } = registryOf(pools);
  assert.deepEqual(await listPools(client, { registry: fakeRegistry, pageSize: 3 }), pools);
  assert.deepEqual(
    calls.map((call) => [call.functionName, ...call.args]),
    [["getPoolCount"], ["getPools", 0n, 3n], ["getPools", 3n, 3n], ["getPools", 6n, 3n]],
  );
});

test("one call for a page that holds them all; none for an empty registry", async () => {
  const full = registryOf(pools);
  assert.deepEqual(await listPools(full.client, { registry: fakeRegistry }), pools);
  assert.equal(full.calls.length, 2);
  const empty = registryOf([]);
  assert.deepEqual(await listPools(empty.client, { registry: fakeRegistry }), []);
  assert.deepEqual(
    empty.calls.map((call) => call.functionName),
    ["getPoolCount"],
  );
});

test("refuses a page size below 1", async () => {
  const { client } = registryOf(pools);
  await assert.rejects(listPools(client, { registry: fakeRegistry, pageSize: 0 }), { name: "InvalidInputError" });
});
