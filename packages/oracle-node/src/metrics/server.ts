// Serves a metrics registry at /metrics over HTTP, on loopback unless told otherwise: the numbers say what the oracle
// earns and spends, which is no one else's business.
import { createServer } from "node:http";
import type { AddressInfo } from "node:net";
import { EXPOSITION_CONTENT_TYPE, type MetricsRegistry } from "./registry.ts";

export type MetricsServerParameters = {
  registry: MetricsRegistry;
  /** 0 for a free port. */
  port: number;
  /** 127.0.0.1 by default. */
  host?: string | undefined;
};

export type MetricsServer = { readonly url: string; close(): Promise<void> };

export async function startMetricsServer({
  registry,
  port,
  host = "127.0.0.1",
}: MetricsServerParameters): Promise<MetricsServer> {
  const server = createServer((request, response) => {
    if (request.method !== "GET" || request.url?.split("?")[0] !== "/metrics") {
      response.writeHead(404, { "content-type": "text/plain" }).end("not found: try GET /metrics\n");
      return;
    }
    registry.render().then(
      (text) => response.writeHead(200, { "content-type": EXPOSITION_CONTENT_TYPE }).end(text),
      (error: unknown) => response.writeHead(500, { "content-type": "text/plain" }).end(`${String(error)}\n`),
    );
  });
  await new Promise<void>((resolve, reject) => {
    server.once("error", reject);
    server.listen(port, host, resolve);
  });
  const address = server.address() as AddressInfo;
  return {
    url: `http://${host.includes(":") ? `[${host}]` : host}:${address.port}/metrics`,
    close: () =>
      new Promise<void>((resolve) => {
        server.close(() => resolve());
        server.closeAllConnections();
      }),
  };
}
