import assert from "node:assert/strict";
import { after, before, describe, test } from "node:test";
import { createPublicClient, createWalletClient, parseEther, type PublicClient } from "viem";
import { privateKeyToAccount } from "viem/accounts";
import { hardhat } from "viem/chains";
import { devPrivateKeys } from "@poolnet/sdk";
import { startTestChain, waitUntil, type TestChain } from "../internal/testChain.ts";
import { startTestServer, type TestServer } from "../internal/testServer.ts";
import { createFailoverTransport, type FailoverTransport } from "./failover.ts";

type ProxyMode = "forward" | "fail" | "hang" | "forwardThenHang";
type Proxy = TestServer & { mode: ProxyMode; methods(): string[] };

let chain: TestChain;
let first: Proxy;
let second: Proxy;
let failover: FailoverTransport;
let client: PublicClient;

/** A second endpoint of the same chain: forwards to it, fails (503), hangs, or forwards and then never answers. */
async function startProxy(): Promise<Proxy> {
  const proxy = {} as Proxy;
  const server = await startTestServer(async (request) => {
    if (proxy.mode === "fail") return { status: 503, body: "unavailable" };
    if (proxy.mode === "hang") return { hang: "headers" };
    const response = await fetch(chain.rpcUrl, {
      method: "POST",
      headers: { "content-type": "application/json" },
      body: request.body,
    });
    const body = await response.text();
    return proxy.mode === "forwardThenHang" ? { hang: "headers" } : { body };
  });
  return Object.assign(proxy, server, {
    mode: "forward" as ProxyMode,
    methods: () => server.requests.map((request) => (JSON.parse(request.body) as { method: string }).method),
  });
}

before(async () => {
  chain = await startTestChain();
  first = await startProxy();
  second = await startProxy();
  failover = createFailoverTransport({
    urls: [first.url, second.url],
    timeoutMs: 300,
    healthCheckIntervalMs: 100,
    healthCheckTimeoutMs: 200,
    unhealthyAfter: 2,
  });
  client = createPublicClient({ chain: hardhat, transport: failover.transport, cacheTime: 0 });
});

after(async () => {
  failover?.stop();
  await first?.close();
  await second?.close();
  await chain?.close();
});

const reads = (proxy: Proxy) => proxy.methods().filter((method) => method === "eth_chainId").length;

describe("fail-over between two endpoints", { timeout: 30_000 }, () => {
  test("both healthy: every read goes to the first listed", async () => {
    const before = [reads(first), reads(second)];
    for (let i = 0; i < 5; i++) assert.equal(await client.getChainId(), 31337);
    assert.deepEqual([reads(first) - before[0]!, reads(second) - before[1]!], [5, 0]);
  });

  test("the first fails: reads go on through the second, and the first is marked down", async () => {
    first.mode = "fail";
    for (let i = 0; i < 5; i++) assert.equal(await client.getChainId(), 31337);
    await waitUntil("the first is down", () => !failover.endpoints()[0]!.healthy);
    const before = reads(first);
    for (let i = 0; i < 5; i++) assert.equal(await client.getChainId(), 31337);
    assert.equal(reads(first), before, "a down endpoint gets no reads");
  });

  test("the first comes back: the health check marks it up and reads return to it", async () => {
    first.mode = "forward";
    await waitUntil("the first is up", () => failover.endpoints()[0]!.healthy, 2_000);
    const before = reads(first);
    assert.equal(await client.getChainId(), 31337);
    assert.equal(reads(first), before + 1);
  });

  test("the first hangs: a read answers within about one timeout", async () => {
    first.mode = "hang";
    const started = Date.now();
    assert.equal(await client.getBlockNumber({ cacheTime: 0 }), await chain.publicClient.getBlockNumber());
    assert.ok(Date.now() - started < 1_000, `${Date.now() - started} ms`);
    await waitUntil("the first is down", () => !failover.endpoints()[0]!.healthy, 2_000);
    first.mode = "forward";
    await waitUntil("the first is up", () => failover.endpoints()[0]!.healthy, 2_000);
  });

  test("both down: a ChainUnreachableError; then both back", async () => {
    first.mode = "fail";
    second.mode = "fail";
    await assert.rejects(client.getChainId(), (error: Error) => /cannot reach the chain/.test(error.message));
    first.mode = "forward";
    second.mode = "forward";
    await waitUntil("both are up", () => failover.endpoints().every((endpoint) => endpoint.healthy), 2_000);
    assert.equal(await client.getChainId(), 31337);
  });

  test("a revert is an answer: not retried on the next endpoint", async () => {
    const before = second.methods().length;
    await assert.rejects(
      client.request({ method: "eth_call", params: [{ to: "0x00", data: "0x" }, "latest"] } as never),
    );
    assert.equal(second.methods().filter((method) => method === "eth_call").length, 0);
    assert.ok(second.methods().length >= before);
  });
});

describe("sending a signed transaction", { timeout: 30_000 }, () => {
  const account = privateKeyToAccount(devPrivateKeys([7])[0]!);
  const wallet = () => createWalletClient({ chain: hardhat, transport: failover.transport, account, cacheTime: 0 });

  test("the first took it, then failed to answer: the second knows the hash and is not sent it again", async () => {
    const sentBefore = second.methods().filter((method) => method === "eth_sendRawTransaction").length;
    const request = await wallet().prepareTransactionRequest({ to: account.address, value: parseEther("0.01") });
    // signed first: signing asks the chain id, which would already fail over
    const serializedTransaction = await wallet().signTransaction(request as never);
    first.mode = "forwardThenHang";
    const hash = await wallet().sendRawTransaction({ serializedTransaction });
    const receipt = await chain.publicClient.waitForTransactionReceipt({ hash });
    assert.equal(receipt.status, "success");
    assert.ok(second.methods().includes("eth_getTransactionByHash"));
    assert.equal(second.methods().filter((method) => method === "eth_sendRawTransaction").length, sentBefore);
    first.mode = "forward";
    await waitUntil("the first is up", () => failover.endpoints()[0]!.healthy, 2_000);
  });

  test("the first is down: the second gets the bytes, and the chain mines them once", async () => {
    first.mode = "fail";
    const hash = await wallet().sendTransaction({ to: account.address, value: parseEther("0.01") });
    const receipt = await chain.publicClient.waitForTransactionReceipt({ hash });
    assert.equal(receipt.status, "success");
    assert.ok(second.methods().includes("eth_sendRawTransaction"));
    first.mode = "forward";
  });
});
