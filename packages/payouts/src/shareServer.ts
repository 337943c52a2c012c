// The ledger over HTTP (node:http): `POST /shares` with JSON lines (or one JSON share, or a JSON array of them);
// answers `{ accepted, refused: [{ line, reason }] }`, 200 if all were taken, 422 if any was refused (the valid ones
// are stored all the same: each share is taken or refused on its own, never half-written).
import type { IncomingMessage, ServerResponse } from "node:http";
import type { ShareLedger } from "./shareLedger.ts";

/** The largest body taken: a stratum server posts shares every few seconds, not megabytes at a time. */
export const MAX_BODY_BYTES = 1 << 20;

export function shareRequestHandler(ledger: ShareLedger) {
  return async (request: IncomingMessage, response: ServerResponse): Promise<void> => {
    const reply = (status: number, body: unknown) => {
      response.writeHead(status, { "content-type": "application/json" });
      response.end(JSON.stringify(body));
    };
    if (request.url !== "/shares") return reply(404, { error: "not found" });
    if (request.method !== "POST") return reply(405, { error: "POST shares to /shares" });
    const chunks: Buffer[] = [];
    let size = 0;
    for await (const chunk of request as AsyncIterable<Buffer>) {
      size += chunk.length;
      if (size > MAX_BODY_BYTES) return reply(413, { error: `body over ${MAX_BODY_BYTES} bytes` });
      chunks.push(chunk);
    }
    let text = Buffer.concat(chunks).toString("utf8");
    const trimmed = text.trimStart();
    if (trimmed.startsWith("[")) {
      let array: unknown;
      try {
        array = JSON.parse(trimmed);
      } catch {
        return reply(400, { error: "the body is not JSON" });
      }
      if (!Array.isArray(array)) return reply(400, { error: "the body is not an array of shares" });
      text = array.map((share) => JSON.stringify(share)).join("\n");
    }
    try {
      const result = await ledger.ingestLines(text);
      return reply(result.refused.length === 0 ? 200 : 422, result);
    } catch (error) {
      return reply(500, { error: (error as Error).message });
    }
  };
}
