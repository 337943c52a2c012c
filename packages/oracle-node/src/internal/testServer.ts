// For tests only: a loopback HTTP server that answers what a test tells it, hangs, or cuts a body short.
import { createServer, type IncomingHttpHeaders } from "node:http";

export type RecordedRequest = { method: string; url: string; headers: IncomingHttpHeaders; body: string };

export type TestAnswer = {
  status?: number;
  body?: string;
  contentType?: string;
  /** "headers": never answers; "body": sends the headers and half the body, then nothing. */
  hang?: "headers" | "body";
};

export type TestServer = { url: string; requests: RecordedRequest[]; close(): Promise<void> };

/** Starts a server on 127.0.0.1 at a free port that answers every request with `answer(request)`. */
export async function startTestServer(
  answer: TestAnswer | ((request: RecordedRequest) => TestAnswer | Promise<TestAnswer>),
): Promise<TestServer> {
  const requests: RecordedRequest[] = [];
  const server = createServer(async (req, res) => {
    const chunks: Buffer[] = [];
    for await (const chunk of req) chunks.push(chunk as Buffer);
    const request = {
      method: req.method ?? "GET",
      url: req.url ?? "/",
      headers: req.headers,
      body: Buffer.concat(chunks).toString("utf8"),
    };
    requests.push(request);
    const {
      status = 200,
      body = "",
      contentType = "application/json",
      hang,
    } = typeof answer === "function" ? await answer(request) : answer;
    if (hang === "headers") return;
    res.writeHead(status, { "content-type": contentType });
    if (hang === "body") return void res.write(body.slice(0, Math.floor(body.length / 2)));
    res.end(body);
  });
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  const address = server.address();
  const port = typeof address === "object" && address !== null ? address.port : 0;
  return {
    url: `http://127.0.0.1:${port}`,
    requests,
    close: () =>
      new Promise<void>((resolve) => {
        server.close(() => resolve());
        server.closeAllConnections();
      }),
  };
}
