// For tests only: a loopback JSON-RPC proxy in front of a test chain that records every HTTP request and can refuse
// them the way real providers do — HTTP errors, dropped connections, rate limits, log ranges too large.
import { createServer } from "node:http";
import type { AddressInfo } from "node:net";

export type RpcRequestBody = { jsonrpc: string; id: number; method: string; params: unknown[] };

export type TestProxy = {
  url: string;
  /** Each HTTP request received, as the calls it carried. */
  requests: RpcRequestBody[][];
  /** The next `count` HTTP requests get this status with no body. */
  failNext(count: number, status?: number): void;
  /** The next `count` HTTP requests have their connection dropped. */
  dropNext(count: number): void;
  /** The next `count` HTTP requests get a JSON-RPC rate-limit error for every call. */
  rateLimitNext(count: number): void;
  /** eth_getLogs over more than `blocks` blocks is refused; `hint` adds Alchemy's suggested range. */
  limitLogRange(blocks: number | undefined, hint?: boolean): void;
  close(): Promise<void>;
};

export async function startTestProxy(targetUrl: string): Promise<TestProxy> {
  const requests: RpcRequestBody[][] = [];
  let failures: { count: number; status: number } = { count: 0, status: 503 };
  let drops = 0;
  let rateLimits = 0;
  let logRange: { blocks: number; hint: boolean } | undefined;
  const server = createServer(async (request, response) => {
    const chunks: Buffer[] = [];
    for await (const chunk of request) chunks.push(chunk as Buffer);
    const text = Buffer.concat(chunks).toString("utf8");
    const parsed = JSON.parse(text) as RpcRequestBody | RpcRequestBody[];
    const calls = Array.isArray(parsed) ? parsed : [parsed];
    requests.push(calls);
    if (drops > 0) {
      drops -= 1;
      request.socket.destroy();
      return;
    }
    if (failures.count > 0) {
      failures.count -= 1;
      response.writeHead(failures.status).end();
      return;
    }
    const reply = (answers: unknown[]) =>
      response
        .writeHead(200, { "content-type": "application/json" })
        .end(JSON.stringify(Array.isArray(parsed) ? answers : answers[0]));
    if (rateLimits > 0) {
      rateLimits -= 1;
      reply(calls.map(({ id }) => ({ jsonrpc: "2.0", id, error: { code: 429, message: "Too Many Requests" } })));
      return;
    }
    const refused = new Map<number, unknown>();
    for (const call of calls) {
      if (call.method !== "eth_getLogs" || logRange === undefined) continue;
      const { fromBlock, toBlock } = call.params[0] as { fromBlock: string; toBlock: string };
      const from = BigInt(fromBlock);
      if (BigInt(toBlock) - from + 1n > BigInt(logRange.blocks)) {
        const hint = `this block range should work: [0x${from.toString(16)}, 0x${(from + BigInt(logRange.blocks) - 1n).toString(16)}]`;
        refused.set(call.id, {
          code: -32602,
          message: `Log response size exceeded. You can make eth_getLogs requests with up to a ${logRange.blocks} block range${logRange.hint ? `, ${hint}` : ""}`,
        });
      }
    }
    const forward = calls.filter((call) => !refused.has(call.id));
    let forwarded: { id: number }[] = [];
    if (forward.length > 0) {
      const answer = await fetch(targetUrl, {
        method: "POST",
        headers: { "content-type": "application/json" },
        body: JSON.stringify(forward),
      });
      forwarded = (await answer.json()) as { id: number }[];
    }
    const byId = new Map(forwarded.map((answer) => [answer.id, answer]));
    reply(calls.map(({ id }) => (refused.has(id) ? { jsonrpc: "2.0", id, error: refused.get(id) } : byId.get(id))));
  });
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  const { port } = server.address() as AddressInfo;
  return {
    url: `http://127.0.0.1:${port}`,
    requests,
    failNext(count, status = 503) {
      failures = { count, status };
    },
    dropNext(count) {
      drops = count;
    },
    rateLimitNext(count) {
      rateLimits = count;
    },
    limitLogRange(blocks, hint = false) {
      logRange = blocks === undefined ? undefined : { blocks, hint };
    },
    async close() {
      server.closeAllConnections();
      await new Promise((resolve) => server.close(resolve));
    },
  };
}
