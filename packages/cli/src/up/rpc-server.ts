// The HTTP JSON-RPC endpoint of the local chain (single and batch requests, CORS for the web dashboard).
import { createServer, type IncomingMessage, type ServerResponse } from "node:http";
import type { RequestFn } from "./journal.ts";

export type RpcServer = {
  readonly url: string;
  /** Starts answering with `request`; until then every call gets a "still starting" error. */
  serve(request: RequestFn): void;
  close(): Promise<void>;
};

/** The port is taken: another chain (or anything else) listens there. */
export class PortInUseError extends Error {
  override name = "PortInUseError";
}

const MAX_BODY_BYTES = 64 * 1024 * 1024;

type JsonRpcRequest = { jsonrpc?: string; id?: unknown; method?: unknown; params?: unknown };

/** Binds host:port at once (so a taken port is known before anything else starts). */
export async function startRpcServer(host: string, port: number): Promise<RpcServer> {
  let backend: RequestFn | undefined;

  async function answer(call: JsonRpcRequest): Promise<object> {
    const id = call.id ?? null;
    if (typeof call.method !== "string") return failure(id, -32600, "invalid request: method must be a string");
    if (call.params !== undefined && !Array.isArray(call.params)) {
      return failure(id, -32602, "invalid params: expected an array");
    }
    if (!backend) return failure(id, -32000, "poolnet up is still starting: the chain is not ready yet");
    try {
      const result = await backend({ method: call.method, params: call.params as unknown[] | undefined });
      return { jsonrpc: "2.0", id, result: result ?? null };
    } catch (error) {
      const { code, message, data } = error as { code?: unknown; message?: string; data?: unknown };
      return failure(id, typeof code === "number" ? code : -32603, message ?? String(error), data);
    }
  }

  async function handle(req: IncomingMessage, res: ServerResponse): Promise<void> {
    res.setHeader("Access-Control-Allow-Origin", "*");
    res.setHeader("Access-Control-Allow-Methods", "POST, GET, OPTIONS");
    res.setHeader("Access-Control-Allow-Headers", "Content-Type");
    if (req.method === "OPTIONS") return void res.writeHead(204).end();
    if (req.method !== "POST") {
      return void res.writeHead(200, { "Content-Type": "text/plain" }).end("poolnet local chain: POST JSON-RPC here\n");
    }
    const chunks: Buffer[] = [];
    let size = 0;
    for await (const chunk of req) {
      size += (chunk as Buffer).length;
      if (size > MAX_BODY_BYTES) return void res.writeHead(413).end();
      chunks.push(chunk as Buffer);
    }
    let body: unknown;
    try {
      body = JSON.parse(Buffer.concat(chunks).toString("utf8"));
    } catch {
      return send(res, failure(null, -32700, "parse error: the body is not JSON"));
    }
    if (Array.isArray(body)) {
      // a batch runs in order: its writes may depend on each other
      const answers: object[] = [];
      for (const call of body) answers.push(await answer(call as JsonRpcRequest));
      return send(res, answers);
    }
    send(res, await answer(body as JsonRpcRequest));
  }

  const server = createServer((req, res) => {
    handle(req, res).catch((error: unknown) => {
      if (!res.headersSent) send(res, failure(null, -32603, (error as Error).message));
    });
  });
  server.keepAliveTimeout = 5_000;
  await new Promise<void>((resolve, reject) => {
    server.once("error", (error: NodeJS.ErrnoException) => {
      reject(
        error.code === "EADDRINUSE"
          ? new PortInUseError(
              `port ${port} on ${host} is already in use: is a chain running? Pick another with --port`,
            )
          : error.code === "EADDRNOTAVAIL"
            ? new Error(`cannot listen on ${host}: it is not an address of this machine`)
            : error,
      );
    });
    server.listen(port, host, () => resolve());
  });
  const address = server.address();
  const boundPort = typeof address === "object" && address ? address.port : port;
  const urlHost = host.includes(":") ? `[${host}]` : host;
  return {
    url: `http://${urlHost}:${boundPort}`,
    serve(request) {
      backend = request;
    },
    close: () =>
      new Promise<void>((resolve) => {
        server.close(() => resolve());
        server.closeAllConnections();
      }),
  };
}

function failure(id: unknown, code: number, message: string, data?: unknown): object {
  return { jsonrpc: "2.0", id, error: data === undefined ? { code, message } : { code, message, data } };
}

function send(res: ServerResponse, payload: unknown): void {
  const text = JSON.stringify(payload, (_key, value: unknown) =>
    typeof value === "bigint" ? `0x${value.toString(16)}` : value,
  );
  res.writeHead(200, { "Content-Type": "application/json" }).end(text);
}
