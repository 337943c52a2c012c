// The metadata cache's concurrent lookups: a pair that does not exist yet at one block exists at a later one, and an
// answer for the first block must not be reused for the second (found by bench:indexer).
import assert from "node:assert/strict";
import { test } from "node:test";
import { encodeFunctionResult, getAddress, type Address } from "viem";
import { openTestStore } from "../internal/testStore.ts";
import type { RpcClient } from "../rpc/rpcClient.ts";
import { createMetadataCache } from "./tokenMetadata.ts";

const pair = getAddress("0x00000000000000000000000000000000000000a1");
const token0 = getAddress("0x00000000000000000000000000000000000000b1");
const token1 = getAddress("0x00000000000000000000000000000000000000b2");
const CREATED_AT = 10n;

const stringAbi = [
  { type: "function", name: "s", inputs: [], outputs: [{ type: "string" }], stateMutability: "view" },
] as const;
const uintAbi = [
  { type: "function", name: "u", inputs: [], outputs: [{ type: "uint8" }], stateMutability: "view" },
] as const;

/** An endpoint where the pair's code appears at CREATED_AT, answering slowly so two lookups overlap. */
const rpc = {
  async request<T>(method: string, params: unknown[]): Promise<T> {
    assert.equal(method, "eth_getCode");
    await new Promise((resolve) => setTimeout(resolve, 30));
    return (BigInt(params[1] as string) >= CREATED_AT ? "0x60016000" : "0x") as T;
  },
  async readContract({ functionName }: { functionName: string }) {
    return functionName === "token0" ? token0 : token1;
  },
  async call({ data }: { to: Address; data: string }) {
    // decimals() is 0x313ce567; symbol() and name() return strings
    return data === "0x313ce567"
      ? encodeFunctionResult({ abi: uintAbi, functionName: "u", result: 18 })
      : encodeFunctionResult({ abi: stringAbi, functionName: "s", result: "TKN" });
  },
} as unknown as RpcClient;

test("a lookup before the pair exists does not answer a concurrent lookup after it", async (t) => {
  const store = await openTestStore();
  t.after(() => store.close());
  const cache = createMetadataCache({ store, rpc });
  const [before, after] = await Promise.all([cache.pair(pair, CREATED_AT - 1n), cache.pair(pair, CREATED_AT + 5n)]);
  assert.equal(before, undefined);
  assert.deepEqual(after, { pair, token0, token1 });
  assert.equal(cache.knownToken(token0)?.decimals, 18);
});
