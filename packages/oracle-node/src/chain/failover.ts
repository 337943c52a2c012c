// Several JSON-RPC endpoints of one chain behind one viem transport: each request goes to the healthiest endpoint and
// a read that fails on it is tried on the next; a background eth_blockNumber check marks endpoints down and up again.
import { custom, keccak256, RpcRequestError, type CustomTransport, type EIP1193RequestFn, type Hex } from "viem";
import { getHttpRpcClient, type HttpRpcClient } from "viem/utils";
import { ChainUnreachableError, InvalidInputError } from "@poolnet/sdk";

export type RpcEndpointHealth = {
  readonly url: string;
  /** False after `unhealthyAfter` failures in a row; true again after one successful check or request. */
  readonly healthy: boolean;
  readonly failures: number;
  /** The head seen by the last successful health check. */
  readonly blockNumber: bigint | undefined;
  readonly latencyMs: number | undefined;
  readonly lastError: string | undefined;
};

export type FailoverTransportParameters = {
  /** In order of preference: among the healthy endpoints that are not behind, the first one listed is used. */
  urls: readonly string[];
  /** Per request; 10 s by default, as viem's http transport. */
  timeoutMs?: number | undefined;
  /** How often every endpoint, down ones included, is asked eth_blockNumber; 5 s by default. */
  healthCheckIntervalMs?: number | undefined;
  /** The health check's own timeout; 2 s by default. */
  healthCheckTimeoutMs?: number | undefined;
  /** Failures in a row (requests or checks) that mark an endpoint down; 2 by default. */
  unhealthyAfter?: number | undefined;
  /** An endpoint this many blocks behind the best head is used only after the others; 2 by default. */
  maxBlockLag?: number | undefined;
  onHealthChange?: ((endpoint: RpcEndpointHealth) => void) | undefined;
};

export type FailoverTransport = {
  readonly transport: CustomTransport;
  /** Every endpoint's health, in the order given. */
  endpoints(): RpcEndpointHealth[];
  /** Runs one health check of every endpoint now. */
  checkHealth(): Promise<void>;
  /** Stops the health checks. */
  stop(): void;
};

type Endpoint = {
  -readonly [key in keyof RpcEndpointHealth]: RpcEndpointHealth[key];
} & { client: HttpRpcClient };

/** The endpoint did not answer (refused, timed out, an HTTP error, not JSON): another endpoint may. */
class EndpointFailure extends Error {}

export function createFailoverTransport(parameters: FailoverTransportParameters): FailoverTransport {
  const {
    urls,
    timeoutMs = 10_000,
    healthCheckIntervalMs = 5_000,
    healthCheckTimeoutMs = 2_000,
    unhealthyAfter = 2,
    maxBlockLag = 2,
    onHealthChange = () => undefined,
  } = parameters;
  if (urls.length === 0) throw new InvalidInputError("give at least one RPC URL");
  const endpoints: Endpoint[] = urls.map((url) => ({
    url,
    client: getHttpRpcClient(url),
    healthy: true,
    failures: 0,
    blockNumber: undefined,
    latencyMs: undefined,
    lastError: undefined,
  }));

  function failed(endpoint: Endpoint, error: unknown): void {
    endpoint.failures += 1;
    endpoint.lastError = (error as { shortMessage?: string }).shortMessage ?? String(error);
    if (endpoint.healthy && endpoint.failures >= unhealthyAfter) {
      endpoint.healthy = false;
      onHealthChange(snapshot(endpoint));
    }
  }

  function answered(endpoint: Endpoint, latencyMs: number): void {
    endpoint.failures = 0;
    endpoint.latencyMs = latencyMs;
    if (!endpoint.healthy) {
      endpoint.healthy = true;
      onHealthChange(snapshot(endpoint));
    }
  }

  /**
   * Healthy before down, up to date before behind, then the order given. Not by latency: reads that hop between
   * endpoints see heads that go back and forth, and a stable choice keeps one node's view while it is well.
   */
  function ranked(): Endpoint[] {
    let best = 0n;
    for (const { blockNumber } of endpoints) if (blockNumber !== undefined && blockNumber > best) best = blockNumber;
    const rank = (e: Endpoint) =>
      (e.healthy ? 0 : 2) + (e.blockNumber !== undefined && best - e.blockNumber > BigInt(maxBlockLag) ? 1 : 0);
    return endpoints
      .map((e, i) => ({ e, i }))
      .sort((a, b) => rank(a.e) - rank(b.e) || a.i - b.i)
      .map(({ e }) => e);
  }

  async function call(endpoint: Endpoint, method: string, params: unknown, timeout = timeoutMs): Promise<unknown> {
    const body = { method, params };
    const started = performance.now();
    let response;
    try {
      response = await endpoint.client.request({ body, timeout });
    } catch (error) {
      failed(endpoint, error);
      throw new EndpointFailure(endpoint.url, { cause: error });
    }
    answered(endpoint, performance.now() - started);
    // a JSON-RPC error is the chain's answer (a revert, a bad nonce): every endpoint would give it, none is tried
    if (response.error !== undefined) throw new RpcRequestError({ body, error: response.error, url: endpoint.url });
    return response.result;
  }

  async function read(method: string, params: unknown): Promise<unknown> {
    let lastFailure: EndpointFailure | undefined;
    for (const endpoint of ranked()) {
      try {
        return await call(endpoint, method, params);
      } catch (error) {
        if (!(error instanceof EndpointFailure)) throw error;
        lastFailure = error;
      }
    }
    throw unreachable(lastFailure!);
  }

  /**
   * A signed transaction has one hash and one nonce: sending the same bytes to two endpoints, or twice to one, can
   * mine it at most once, so a retry on the next endpoint is safe. Still, an endpoint that failed may have passed it
   * on before failing: the next one is first asked whether it knows the hash, and only sent the bytes if not.
   */
  async function sendRawTransaction(raw: Hex): Promise<Hex> {
    const hash = keccak256(raw);
    let lastFailure: EndpointFailure | undefined;
    for (const endpoint of ranked()) {
      try {
        if (lastFailure !== undefined && (await call(endpoint, "eth_getTransactionByHash", [hash])) !== null) {
          return hash;
        }
        const sent = await call(endpoint, "eth_sendRawTransaction", [raw]);
        if (typeof sent !== "string" || sent.toLowerCase() !== hash) {
          throw new RpcRequestError({
            body: { method: "eth_sendRawTransaction" },
            error: { code: -32603, message: `the endpoint answered hash ${String(sent)}, not ${hash}` },
            url: endpoint.url,
          });
        }
        return hash;
      } catch (error) {
        if (!(error instanceof EndpointFailure)) throw error;
        lastFailure = error;
      }
    }
    throw unreachable(lastFailure!);
  }

  function unreachable(failure: EndpointFailure): ChainUnreachableError {
    return new ChainUnreachableError(failure.message, {
      details: `no RPC endpoint answered (${urls.length} tried)`,
      cause: failure.cause,
    });
  }

  let checking: Promise<void> | undefined;

  /** One eth_blockNumber to every endpoint; a check still under way is joined, not doubled. */
  function checkHealth(): Promise<void> {
    checking ??= Promise.all(
      endpoints.map(async (endpoint) => {
        try {
          const head = await call(endpoint, "eth_blockNumber", [], healthCheckTimeoutMs);
          if (typeof head === "string") endpoint.blockNumber = BigInt(head);
        } catch {
          // counted by call(); an RPC error answer leaves the endpoint as it is
        }
      }),
    ).then(() => {
      checking = undefined;
    });
    return checking;
  }

  const request: EIP1193RequestFn = async ({ method, params }) => {
    if (method === "eth_sendRawTransaction") return sendRawTransaction((params as [Hex])[0]) as never;
    return read(method, params) as never;
  };
  const interval = setInterval(() => void checkHealth(), healthCheckIntervalMs);
  interval.unref();
  void checkHealth();

  return {
    // retries are ours: viem's would send a failed request to the same endpoint again
    transport: custom({ request }, { retryCount: 0, key: "failover", name: "Fail-over JSON-RPC" }),
    endpoints: () => endpoints.map(snapshot),
    checkHealth,
    stop() {
      clearInterval(interval);
    },
  };
}

function snapshot({ url, healthy, failures, blockNumber, latencyMs, lastError }: Endpoint): RpcEndpointHealth {
  return { url, healthy, failures, blockNumber, latencyMs, lastError };
}
