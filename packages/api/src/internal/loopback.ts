// Real HTTP servers on 127.0.0.1 for tests: metadata hosts that behave well or badly, and a port nothing listens on.
import { createServer, type IncomingMessage, type ServerResponse } from "node:http";
import type { AddressInfo } from "node:net";

export type Loopback = { url: string; requests: () => number; close: () => Promise<void> };

export async function serve(handler: (request: IncomingMessage, response: ServerResponse) => void): Promise<Loopback> {
  let count = 0;
  const server = createServer((request, response) => {
    count++;
    handler(request, response);
  });
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  const { port } = server.address() as AddressInfo;
  return {
    url: `http://127.0.0.1:${port}`,
    requests: () => count,
    close: () =>
      new Promise<void>((resolve) => {
        server.closeAllConnections();
        server.close(() => resolve());
      }),
  };
}

/** A URL on a port that was just listened on and closed: connecting to it is refused. */
export async function deadUrl(): Promise<string> {
  const server = await serve(() => undefined);
  await server.close();
  return server.url;
}
