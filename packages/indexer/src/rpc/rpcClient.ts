// The indexer's JSON-RPC client: calls made together go out in one HTTP request, each endpoint has its own token
// bucket, failures are retried with exponential backoff on the next endpoint, eth_getLogs ranges adapt to what the
// provider serves, state reads are pinned to a block, and every request is counted for benchmarks.
import { ChainUnreachableError, InvalidInputError, NonRetryableError, RetryableError } from "@poolnet/sdk";
import {
  decodeFunctionResult,
  encodeFunctionData,
  formatLog,
  numberToHex,
  type Abi,
  type Address,
  type ContractFunctionArgs,
  type ContractFunctionName,
  type ContractFunctionReturnType,
  type Hash,
  type Hex,
  type Log,
} from "viem";
import { classifyRpcError, LogRangeTooLargeError, type JsonRpcErrorObject } from "./rpcErrors.ts";
import { createTokenBucket, systemClock, type Clock, type TokenBucket } from "./tokenBucket.ts";

export type RpcEndpoint = {
  url: string;
  /** Calls a second this endpoint allows; unlimited when absent. */
  requestsPerSecond?: number | undefined;
  /** Calls that may go at once after a quiet spell; `requestsPerSecond` by default. */
  burst?: number | undefined;
};

export type RpcClientParameters = {
  /** Tried in order: the first that answers is used until it fails. */
  endpoints: readonly (string | RpcEndpoint)[];
  /** Most calls in one HTTP request. */
  maxBatchSize?: number | undefined;
  /** Attempts per call before giving up (each after the first on the next endpoint, after a backoff). */
  attempts?: number | undefined;
  /** First backoff; doubled each attempt, with jitter, up to `maxBackoffMs`. */
  backoffMs?: number | undefined;
  maxBackoffMs?: number | undefined;
  timeoutMs?: number | undefined;
  /** eth_getLogs span in blocks: where it starts, and the most it grows to after successes. */
  logRange?: { initial?: number | undefined; max?: number | undefined } | undefined;
  clock?: Clock | undefined;
};

export type RpcCall = { method: string; params?: readonly unknown[] | undefined };

export type BlockHeader = { number: bigint; hash: Hash; parentHash: Hash; timestamp: bigint };

export type LogFilter = {
  address?: Address | Address[] | undefined;
  topics?: (Hex | Hex[] | null)[] | undefined;
  fromBlock: bigint;
  toBlock: bigint;
};

export type RpcStats = {
  /** HTTP requests sent, each carrying one or more calls. */
  httpRequests: number;
  calls: number;
  callsByMethod: Record<string, number>;
  retries: number;
  /** Times a request moved on to another endpoint after one failed. */
  failovers: number;
  /** The eth_getLogs span in blocks now. */
  logSpan: number;
};

export type RpcClient = {
  /** One call; calls made in the same tick share an HTTP request. */
  request<T = unknown>(method: string, params?: readonly unknown[]): Promise<T>;
  /** Several calls in as few HTTP requests as `maxBatchSize` allows; results in the same order. */
  batch<T = unknown>(calls: readonly RpcCall[]): Promise<T[]>;
  getBlockNumber(): Promise<bigint>;
  /** The block's header, or undefined when the chain has no block at that height yet. */
  getBlockHeader(blockNumber: bigint): Promise<BlockHeader | undefined>;
  getBlockHeaders(blockNumbers: readonly bigint[]): Promise<(BlockHeader | undefined)[]>;
  /** Every log matching `filter` in [fromBlock, toBlock], in chain order, fetched in spans the provider accepts. */
  getLogs(filter: LogFilter): Promise<Log[]>;
  /** eth_call at `blockNumber`: state reads are always pinned, so one epoch's reads see one state. */
  call(parameters: { to: Address; data: Hex; blockNumber: bigint }): Promise<Hex>;
  readContract<
    const abi extends Abi,
    functionName extends ContractFunctionName<abi, "pure" | "view">,
    const args extends ContractFunctionArgs<abi, "pure" | "view", functionName>,
  >(parameters: {
    address: Address;
    abi: abi;
    functionName: functionName;
    args?: args;
    blockNumber: bigint;
  }): Promise<ContractFunctionReturnType<abi, "pure" | "view", functionName, args>>;
  stats(): RpcStats;
};

type Pending = { call: RpcCall; resolve(value: unknown): void; reject(error: unknown): void };

type Endpoint = { url: string; bucket: TokenBucket | undefined };

type Outcome = { ok: true; value: unknown } | { ok: false; error: RetryableError | NonRetryableError };

export function createRpcClient(parameters: RpcClientParameters): RpcClient {
  const clock = parameters.clock ?? systemClock;
  const endpoints = parameters.endpoints.map((endpoint) => resolveEndpoint(endpoint, clock));
  if (endpoints.length === 0) throw new InvalidInputError("the RPC client needs at least one endpoint URL");
  const maxBatchSize = positive("maxBatchSize", parameters.maxBatchSize ?? 100);
  const attempts = positive("attempts", parameters.attempts ?? 5);
  const backoffMs = parameters.backoffMs ?? 100;
  const maxBackoffMs = parameters.maxBackoffMs ?? 5_000;
  const timeoutMs = parameters.timeoutMs ?? 10_000;
  const maxLogSpan = positive("logRange.max", parameters.logRange?.max ?? 10_000);
  let logSpan = Math.min(positive("logRange.initial", parameters.logRange?.initial ?? 2_000), maxLogSpan);
  let logSuccesses = 0;
  // the endpoint that answered last: stay on it until it fails
  let preferred = 0;
  let nextId = 1;
  const stats = { httpRequests: 0, calls: 0, callsByMethod: {} as Record<string, number>, retries: 0, failovers: 0 };

  let queued: Pending[] = [];
  const flush = () => {
    const pending = queued;
    queued = [];
    for (let i = 0; i < pending.length; i += maxBatchSize) void settle(pending.slice(i, i + maxBatchSize));
  };

  /** Sends `pending` until every call has an answer or has failed for good. */
  async function settle(pending: Pending[]): Promise<void> {
    let open = pending;
    for (let attempt = 0; open.length > 0; attempt++) {
      const index = (preferred + attempt) % endpoints.length;
      if (attempt > 0) {
        stats.retries += 1;
        if (endpoints.length > 1) stats.failovers += 1;
        await clock.sleep(backoff(attempt));
      }
      const outcomes = await send(
        endpoints[index]!,
        open.map((item) => item.call),
      );
      const retry: Pending[] = [];
      let anyAnswered = false;
      outcomes.forEach((outcome, i) => {
        const item = open[i]!;
        if (outcome.ok) {
          anyAnswered = true;
          item.resolve(outcome.value);
        } else if (outcome.error instanceof RetryableError && !(outcome.error instanceof LogRangeTooLargeError)) {
          if (attempt + 1 >= attempts) item.reject(outcome.error);
          else retry.push(item);
        } else {
          anyAnswered = true;
          item.reject(outcome.error);
        }
      });
      if (anyAnswered) preferred = index;
      open = retry;
    }
  }

  function backoff(attempt: number): number {
    const base = Math.min(maxBackoffMs, backoffMs * 2 ** (attempt - 1));
    return base / 2 + Math.random() * (base / 2);
  }

  /** One HTTP request with `calls`; never throws: each call gets its outcome. */
  async function send(endpoint: Endpoint, calls: RpcCall[]): Promise<Outcome[]> {
    await endpoint.bucket?.take(calls.length);
    stats.httpRequests += 1;
    stats.calls += calls.length;
    for (const { method } of calls) stats.callsByMethod[method] = (stats.callsByMethod[method] ?? 0) + 1;
    const firstId = nextId;
    nextId += calls.length;
    const body = calls.map((call, i) => ({
      jsonrpc: "2.0",
      id: firstId + i,
      method: call.method,
      params: call.params ?? [],
    }));
    const failAll = (error: RetryableError | NonRetryableError): Outcome[] => calls.map(() => ({ ok: false, error }));
    let response: Response;
    try {
      response = await fetch(endpoint.url, {
        method: "POST",
        headers: { "content-type": "application/json" },
        body: JSON.stringify(body),
        signal: AbortSignal.timeout(timeoutMs),
      });
    } catch (error) {
      return failAll(new ChainUnreachableError(endpoint.url, { details: String(error), cause: error }));
    }
    let payload: unknown;
    try {
      payload = await response.json();
    } catch (error) {
      if (!response.ok) return failAll(httpError(endpoint.url, response.status));
      return failAll(
        new RetryableError(`the RPC endpoint at ${endpoint.url} sent a body that is not JSON`, { cause: error }),
      );
    }
    if (!Array.isArray(payload)) {
      // a provider refusing the whole request (rate limit, bad batch) answers with one error object
      const error = (payload as { error?: JsonRpcErrorObject } | null)?.error;
      if (error !== undefined) return calls.map((call) => ({ ok: false, error: classifyRpcError(call.method, error) }));
      return failAll(httpError(endpoint.url, response.status));
    }
    const byId = new Map<unknown, { result?: unknown; error?: JsonRpcErrorObject }>();
    for (const item of payload as { id: unknown; result?: unknown; error?: JsonRpcErrorObject }[])
      byId.set(item.id, item);
    return calls.map((call, i): Outcome => {
      const answer = byId.get(firstId + i);
      if (answer === undefined) {
        return {
          ok: false,
          error: new RetryableError(`the RPC endpoint at ${endpoint.url} left ${call.method} unanswered`),
        };
      }
      if (answer.error !== undefined) return { ok: false, error: classifyRpcError(call.method, answer.error) };
      return { ok: true, value: answer.result };
    });
  }

  const client: RpcClient = {
    request<T>(method: string, params: readonly unknown[] = []) {
      return new Promise<T>((resolve, reject) => {
        if (queued.length === 0) queueMicrotask(flush);
        queued.push({ call: { method, params }, resolve: resolve as (value: unknown) => void, reject });
      });
    },
    batch<T>(calls: readonly RpcCall[]) {
      return Promise.all(calls.map((call) => client.request<T>(call.method, call.params ?? [])));
    },
    async getBlockNumber() {
      return BigInt(await client.request<Hex>("eth_blockNumber"));
    },
    async getBlockHeader(blockNumber) {
      return (await client.getBlockHeaders([blockNumber]))[0];
    },
    async getBlockHeaders(blockNumbers) {
      const blocks = await client.batch<RawBlock | null>(
        blockNumbers.map((blockNumber) => ({
          method: "eth_getBlockByNumber",
          params: [numberToHex(blockNumber), false],
        })),
      );
      return blocks.map((block) =>
        block === null
          ? undefined
          : {
              number: BigInt(block.number),
              hash: block.hash,
              parentHash: block.parentHash,
              timestamp: BigInt(block.timestamp),
            },
      );
    },
    async getLogs(filter) {
      if (filter.fromBlock < 0n || filter.toBlock < filter.fromBlock) {
        throw new InvalidInputError(`the log range ${filter.fromBlock}..${filter.toBlock} is empty or negative`);
      }
      const logs: Log[] = [];
      let from = filter.fromBlock;
      while (from <= filter.toBlock) {
        const to = minBigint(from + BigInt(logSpan) - 1n, filter.toBlock);
        let chunk: RawLog[];
        try {
          chunk = await client.request<RawLog[]>("eth_getLogs", [
            { address: filter.address, topics: filter.topics, fromBlock: numberToHex(from), toBlock: numberToHex(to) },
          ]);
        } catch (error) {
          if (!(error instanceof LogRangeTooLargeError)) throw error;
          const span = Number(to - from + 1n);
          if (span <= 1) {
            throw new NonRetryableError(`the RPC endpoint refuses eth_getLogs even for the single block ${from}`, {
              cause: error,
            });
          }
          const suggested = error.suggestedSpan === undefined ? undefined : Number(error.suggestedSpan);
          logSpan = Math.max(1, suggested !== undefined && suggested < span ? suggested : Math.floor(span / 2));
          logSuccesses = 0;
          continue;
        }
        logs.push(...chunk.map((log) => formatLog(log as never) as Log));
        from = to + 1n;
        // grow back slowly: a range refused once is likely refused again if doubled at once
        logSuccesses += 1;
        if (logSuccesses >= 3 && logSpan < maxLogSpan) {
          logSpan = Math.min(maxLogSpan, logSpan * 2);
          logSuccesses = 0;
        }
      }
      return logs;
    },
    call({ to, data, blockNumber }) {
      return client.request<Hex>("eth_call", [{ to, data }, numberToHex(blockNumber)]);
    },
    async readContract({ address, abi, functionName, args, blockNumber }) {
      const data = encodeFunctionData({ abi, functionName, args } as never);
      const result = await client.call({ to: address, data, blockNumber });
      return decodeFunctionResult({ abi, functionName, args, data: result } as never) as never;
    },
    stats: () => ({ ...stats, callsByMethod: { ...stats.callsByMethod }, logSpan }),
  };
  return client;
}

type RawBlock = { number: Hex; hash: Hash; parentHash: Hash; timestamp: Hex };
type RawLog = Record<string, unknown>;

function resolveEndpoint(endpoint: string | RpcEndpoint, clock: Clock): Endpoint {
  const { url, requestsPerSecond, burst } = typeof endpoint === "string" ? { url: endpoint } : endpoint;
  if (!/^https?:\/\//.test(url)) throw new InvalidInputError(`the RPC endpoint "${url}" is not an http(s) URL`);
  if (requestsPerSecond === undefined) return { url, bucket: undefined };
  positive(`requestsPerSecond of ${url}`, requestsPerSecond);
  return {
    url,
    bucket: createTokenBucket(requestsPerSecond, positive(`burst of ${url}`, burst ?? requestsPerSecond), clock),
  };
}

function httpError(url: string, status: number): RetryableError | NonRetryableError {
  if (status === 429 || status >= 500) {
    return new RetryableError(`the RPC endpoint at ${url} answered HTTP ${status}`);
  }
  return new NonRetryableError(`the RPC endpoint at ${url} answered HTTP ${status}`);
}

function positive(name: string, value: number): number {
  if (!Number.isFinite(value) || value <= 0) {
    throw new InvalidInputError(`${name} must be a positive number, not ${value}`);
  }
  return value;
}

const minBigint = (a: bigint, b: bigint) => (a < b ? a : b);
