import assert from "node:assert/strict";
import { after, before, test } from "node:test";
import {
  ChainUnreachableError,
  InvalidInputError,
  NonRetryableError,
  RetryableError,
  stakingTokenAbi,
  stakingTokenBytecode,
} from "@poolnet/sdk";
import { parseAbi, type Address, type Log } from "viem";
import { startTestChain, type TestChain } from "../../../oracle-node/src/internal/testChain.ts";
import { startTestProxy, type TestProxy } from "../internal/testProxy.ts";
import { RpcResponseError } from "./rpcErrors.ts";
import { createRpcClient, type RpcClientParameters } from "./rpcClient.ts";

let chain: TestChain;
let proxy: TestProxy;
let token: Address;
let deployBlock: bigint;
let lastTransferBlock: bigint;
const TRANSFERS = 24;

before(async () => {
  chain = await startTestChain();
  proxy = await startTestProxy(chain.rpcUrl);
  const owner = chain.accounts[0]!;
  const wallet = chain.walletOf(owner);
  const deployed = await chain.publicClient.waitForTransactionReceipt({
    hash: await wallet.deployContract({
      abi: stakingTokenAbi,
      bytecode: stakingTokenBytecode,
      args: ["Stake", "STK", owner, 10n ** 24n],
    }),
  });
  token = deployed.contractAddress!;
  deployBlock = deployed.blockNumber;
  // one Transfer log per block (the chain mines each transaction in its own block)
  for (let i = 1; i <= TRANSFERS; i++) {
    const hash = await wallet.writeContract({
      address: token,
      abi: stakingTokenAbi,
      functionName: "transfer",
      args: [chain.accounts[1]!, BigInt(i)],
    });
    lastTransferBlock = (await chain.publicClient.waitForTransactionReceipt({ hash })).blockNumber;
  }
});

after(async () => {
  await proxy?.close();
  await chain?.close();
});

function client(parameters: Partial<RpcClientParameters> = {}) {
  proxy.requests.length = 0;
  return createRpcClient({ endpoints: [proxy.url], backoffMs: 1, ...parameters });
}

const transferLogs = (rpc: ReturnType<typeof client>) =>
  rpc.getLogs({ address: token, fromBlock: deployBlock, toBlock: lastTransferBlock });

test("calls made in the same tick go out in one HTTP request", async () => {
  const rpc = client();
  const [blockNumber, chainId, header] = await Promise.all([
    rpc.getBlockNumber(),
    rpc.request<string>("eth_chainId"),
    rpc.getBlockHeader(deployBlock),
  ]);
  assert.equal(blockNumber, await chain.publicClient.getBlockNumber());
  assert.equal(chainId, "0x7a69");
  const block = await chain.publicClient.getBlock({ blockNumber: deployBlock });
  assert.deepEqual(header, {
    number: deployBlock,
    hash: block.hash,
    parentHash: block.parentHash,
    timestamp: block.timestamp,
  });
  assert.equal(proxy.requests.length, 1);
  assert.deepEqual(
    proxy.requests[0]!.map((call) => call.method),
    ["eth_blockNumber", "eth_chainId", "eth_getBlockByNumber"],
  );
  assert.equal(rpc.stats().httpRequests, 1);
  assert.equal(rpc.stats().calls, 3);
});

test("a batch larger than maxBatchSize is split, and the request counter counts every HTTP request", async () => {
  const rpc = client({ maxBatchSize: 4 });
  const numbers = Array.from({ length: 10 }, (_, i) => deployBlock + BigInt(i));
  const headers = await rpc.getBlockHeaders(numbers);
  assert.deepEqual(
    headers.map((header) => header?.number),
    numbers,
  );
  assert.deepEqual(
    proxy.requests.map((calls) => calls.length),
    [4, 4, 2],
  );
  assert.deepEqual(rpc.stats().callsByMethod, { eth_getBlockByNumber: 10 });
  assert.equal(rpc.stats().httpRequests, proxy.requests.length);
});

test("a block the chain does not have yet is undefined", async () => {
  const rpc = client();
  assert.equal(await rpc.getBlockHeader(10_000_000n), undefined);
});

test("getLogs returns every log of the range in chain order, as viem's getLogs does", async () => {
  const rpc = client();
  const logs = await transferLogs(rpc);
  const expected = await chain.publicClient.getLogs({
    address: token,
    fromBlock: deployBlock,
    toBlock: lastTransferBlock,
  });
  assert.equal(logs.length, TRANSFERS + 1);
  assert.deepEqual(stripRemoved(logs), stripRemoved(expected));
});

test("getLogs shrinks its span when the provider refuses a range, and the logs are still all there", async () => {
  const rpc = client({ logRange: { initial: 16, max: 64 } });
  proxy.limitLogRange(5);
  try {
    const logs = await transferLogs(rpc);
    assert.equal(logs.length, TRANSFERS + 1);
    assert.deepEqual(
      logs.map((log) => log.blockNumber),
      [deployBlock, ...Array.from({ length: TRANSFERS }, (_, i) => deployBlock + BigInt(i + 1))],
    );
    const ranges = proxy.requests.flat().map((call) => {
      const { fromBlock, toBlock } = call.params[0] as { fromBlock: string; toBlock: string };
      return Number(BigInt(toBlock) - BigInt(fromBlock) + 1n);
    });
    // 16 and 8 refused, 4 served three times, so 8 is tried again, refused, and 4 finishes the 25 blocks
    assert.deepEqual(ranges, [16, 8, 4, 4, 4, 8, 4, 4, 4, 1]);
  } finally {
    proxy.limitLogRange(undefined);
  }
});

test("getLogs takes the range a provider suggests in its refusal", async () => {
  const rpc = client({ logRange: { initial: 64, max: 64 } });
  proxy.limitLogRange(3, true);
  try {
    const logs = await transferLogs(rpc);
    assert.equal(logs.length, TRANSFERS + 1);
    const ranges = proxy.requests.flat().map((call) => {
      const { fromBlock, toBlock } = call.params[0] as { fromBlock: string; toBlock: string };
      return Number(BigInt(toBlock) - BigInt(fromBlock) + 1n);
    });
    assert.deepEqual(ranges.slice(0, 4), [25, 3, 3, 3]);
  } finally {
    proxy.limitLogRange(undefined);
  }
});

test("getLogs grows its span back after successes, up to the maximum", async () => {
  const rpc = client({ logRange: { initial: 1, max: 4 } });
  await transferLogs(rpc);
  const ranges = proxy.requests.flat().map((call) => {
    const { fromBlock, toBlock } = call.params[0] as { fromBlock: string; toBlock: string };
    return Number(BigInt(toBlock) - BigInt(fromBlock) + 1n);
  });
  assert.deepEqual(ranges.slice(0, 8), [1, 1, 1, 2, 2, 2, 4, 4]);
  assert.equal(rpc.stats().logSpan, 4);
});

test("getLogs gives up with a sentence when even one block is refused", async () => {
  const rpc = client({ logRange: { initial: 2, max: 2 } });
  proxy.limitLogRange(0);
  try {
    await assert.rejects(transferLogs(rpc), (error: unknown) => {
      assert.ok(error instanceof NonRetryableError);
      assert.equal(error.message, `the RPC endpoint refuses eth_getLogs even for the single block ${deployBlock}`);
      return true;
    });
  } finally {
    proxy.limitLogRange(undefined);
  }
});

test("reads are pinned to the block asked for", async () => {
  const rpc = client();
  const abi = parseAbi(["function balanceOf(address) view returns (uint256)"]);
  const read = (blockNumber: bigint) =>
    rpc.readContract({ address: token, abi, functionName: "balanceOf", args: [chain.accounts[1]!], blockNumber });
  const [atDeploy, afterThree, atEnd] = await Promise.all([
    read(deployBlock),
    read(deployBlock + 3n),
    read(lastTransferBlock),
  ]);
  assert.equal(atDeploy, 0n);
  assert.equal(afterThree, 1n + 2n + 3n);
  assert.equal(atEnd, BigInt((TRANSFERS * (TRANSFERS + 1)) / 2));
  assert.equal(proxy.requests.length, 1);
});

test("HTTP failures are retried with backoff until the call succeeds", async () => {
  const rpc = client();
  proxy.failNext(2, 503);
  assert.equal(await rpc.getBlockNumber(), await chain.publicClient.getBlockNumber());
  assert.equal(proxy.requests.length, 3);
  assert.equal(rpc.stats().retries, 2);
});

test("a rate-limit answer and a dropped connection are retried too", async () => {
  const rpc = client();
  proxy.rateLimitNext(1);
  await rpc.getBlockNumber();
  proxy.dropNext(1);
  await rpc.getBlockNumber();
  assert.equal(rpc.stats().retries, 2);
  assert.equal(proxy.requests.length, 4);
});

test("after the last attempt the call fails with a retryable error", async () => {
  const rpc = client({ attempts: 3 });
  proxy.failNext(5, 502);
  try {
    await assert.rejects(rpc.getBlockNumber(), (error: unknown) => {
      assert.ok(error instanceof RetryableError);
      assert.match(error.message, /answered HTTP 502/);
      return true;
    });
    assert.equal(proxy.requests.length, 3);
  } finally {
    proxy.failNext(0);
  }
});

test("a call the node refuses for good is not retried", async () => {
  const rpc = client();
  await assert.rejects(
    rpc.call({ to: token, data: "0xdeadbeef", blockNumber: lastTransferBlock }),
    (error: unknown) => {
      assert.ok(error instanceof RpcResponseError);
      assert.ok(error instanceof NonRetryableError);
      assert.match(error.message, /^the RPC endpoint refused eth_call: /);
      return true;
    },
  );
  assert.equal(proxy.requests.length, 1);
});

test("an endpoint that is down fails over to the next, which is then kept", async () => {
  const down = await startTestProxy(chain.rpcUrl);
  await down.close();
  const rpc = client({ endpoints: [down.url, proxy.url] });
  assert.equal(await rpc.getBlockNumber(), await chain.publicClient.getBlockNumber());
  await rpc.getBlockNumber();
  assert.equal(rpc.stats().failovers, 1);
  assert.equal(rpc.stats().httpRequests, 3);
  assert.equal(proxy.requests.length, 2);
});

test("when every endpoint is down the error names the chain as unreachable", async () => {
  const down = await startTestProxy(chain.rpcUrl);
  await down.close();
  const rpc = client({ endpoints: [down.url], attempts: 2 });
  await assert.rejects(rpc.getBlockNumber(), (error: unknown) => {
    assert.ok(error instanceof ChainUnreachableError);
    assert.equal(error.message, `cannot reach the chain at ${down.url}`);
    return true;
  });
});

test("an endpoint's rate limit spaces its calls", async () => {
  const rpc = client({ endpoints: [{ url: proxy.url, requestsPerSecond: 50, burst: 1 }] });
  const started = performance.now();
  for (let i = 0; i < 6; i++) await rpc.getBlockNumber();
  // the first is free, five more at 20 ms each
  assert.ok(performance.now() - started >= 95, `6 calls at 50/s took ${performance.now() - started} ms`);
});

test("bad parameters are refused with a sentence", () => {
  assert.throws(() => createRpcClient({ endpoints: [] }), InvalidInputError);
  assert.throws(
    () => createRpcClient({ endpoints: ["ws://x"] }),
    /the RPC endpoint "ws:\/\/x" is not an http\(s\) URL/,
  );
  assert.throws(
    () => createRpcClient({ endpoints: [{ url: "http://x", requestsPerSecond: 0 }] }),
    /requestsPerSecond of http:\/\/x must be a positive number, not 0/,
  );
  const rpc = createRpcClient({ endpoints: ["http://127.0.0.1:1"] });
  return assert.rejects(rpc.getLogs({ fromBlock: 5n, toBlock: 4n }), /the log range 5..4 is empty or negative/);
});

function stripRemoved(logs: Log[]) {
  return logs.map(({ removed: _removed, ...log }) => log);
}
