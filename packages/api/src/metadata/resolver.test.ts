import assert from "node:assert/strict";
import { test } from "node:test";
import { ChainUnreachableError, poolRegistryAbi } from "@poolnet/sdk";
import {
  createPublicClient,
  custom,
  decodeFunctionData,
  encodeErrorResult,
  encodeFunctionResult,
  http,
  keccak256,
  stringToHex,
  zeroAddress,
  type Address,
} from "viem";
import { address } from "../internal/fixtures.ts";
import { createRegistryResolver } from "./resolver.ts";

const registry = address("registry");
const pool = address("pool");
const hash = keccak256(stringToHex("{}"));

/** A chain whose registry knows one pool; every other pool reverts with PoolRegistryUnknownPool. */
const client = createPublicClient({
  transport: custom({
    async request({ method, params }) {
      if (method === "eth_chainId") return "0x7a69";
      if (method !== "eth_call") throw new Error(`unexpected ${method}`);
      const { args } = decodeFunctionData({
        abi: poolRegistryAbi,
        data: (params as [{ data: `0x${string}` }])[0].data,
      });
      const asked = (args as [Address])[0];
      if (asked !== pool) {
        const data = encodeErrorResult({ abi: poolRegistryAbi, errorName: "PoolRegistryUnknownPool", args: [asked] });
        throw Object.assign(new Error("execution reverted"), { code: 3, data });
      }
      return encodeFunctionResult({
        abi: poolRegistryAbi,
        functionName: "getPoolInfo",
        result: {
          operator: zeroAddress,
          signingAddress: zeroAddress,
          commissionRate: 0n,
          selfStakeSatisfied: true,
          state: 0,
          stakingLimit: 0n,
          isPrivate: false,
          metaDataUrl: "https://example.org/pool.json",
          metaDataContentHash: hash,
          selfStake: 0n,
          index: 0n,
        },
      });
    },
  }),
});

test("reads a pool's pointer from getPoolInfo; an unknown pool is undefined", async () => {
  const resolve = createRegistryResolver({ client, registry });
  assert.deepEqual(await resolve(pool), { metaDataUrl: "https://example.org/pool.json", metaDataContentHash: hash });
  assert.equal(await resolve(address("other")), undefined);
});

test("a chain out of reach throws, so the proxy answers 503 rather than 'no such pool'", async () => {
  const down = createPublicClient({ transport: custom({ request: async () => Promise.reject(new Error("down")) }) });
  await assert.rejects(createRegistryResolver({ client: down, registry })(pool));
  const unreachable = createPublicClient({
    transport: http("http://127.0.0.1:9/", { retryCount: 0 }),
  });
  await assert.rejects(createRegistryResolver({ client: unreachable, registry })(pool), ChainUnreachableError);
});
