// Reads an HTTP response body up to a byte limit, cancelling the stream as soon as it is passed: a metadata host (or
// a proxy) cannot make us buffer more than we allow, however long the body it announces or sends.

export type LimitedBody = { bytes: Uint8Array } | { tooLarge: true; readBytes: number };

export async function readLimited(response: Response, maxBytes: number): Promise<LimitedBody> {
  const announced = Number(response.headers.get("content-length") ?? "NaN");
  if (Number.isFinite(announced) && announced > maxBytes) {
    await response.body?.cancel().catch(() => undefined);
    return { tooLarge: true, readBytes: 0 };
  }
  if (response.body === null) return { bytes: new Uint8Array(0) };
  const reader = response.body.getReader();
  const chunks: Uint8Array[] = [];
  let total = 0;
  for (;;) {
    const { done, value } = await reader.read();
    if (done) break;
    total += value.byteLength;
    if (total > maxBytes) {
      await reader.cancel().catch(() => undefined);
      return { tooLarge: true, readBytes: total };
    }
    chunks.push(value);
  }
  const bytes = new Uint8Array(total);
  let offset = 0;
  for (const chunk of chunks) {
    bytes.set(chunk, offset);
    offset += chunk.byteLength;
  }
  return { bytes };
}

/** A media type's essence (lower case, parameters dropped) and its charset parameter, if any. */
export function parseContentType(header: string): { essence: string; charset: string | undefined } {
  const [essence = "", ...parameters] = header.split(";").map((part) => part.trim());
  let charset: string | undefined;
  for (const parameter of parameters) {
    const [key, value] = parameter.split("=");
    if (key?.trim().toLowerCase() === "charset") charset = value?.trim().replace(/^"|"$/g, "").toLowerCase();
  }
  return { essence: essence.toLowerCase(), charset };
}
