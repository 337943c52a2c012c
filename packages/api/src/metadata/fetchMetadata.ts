// Fetches one pool's metadata from its metaDataUrl and decides whether it may be served: the right scheme, in time,
// small enough, JSON, hashing to the on-chain metaDataContentHash, and within the rules. Anything else is unavailable,
// with a machine-readable reason and one sentence.
import { keccak256, type Hex } from "viem";
import { parseContentType, readLimited } from "../internal/readLimited.ts";
import { METADATA_MAX_BYTES, validateMetadata, type PoolMetadata } from "./rules.ts";

/** Where a pool says its metadata is, and the hash it committed to on-chain. */
export type MetadataPointer = { metaDataUrl: string; metaDataContentHash: Hex };

export type MetadataUnavailableReason =
  | "no-metadata"
  | "unsupported-scheme"
  | "bad-url"
  | "unreachable"
  | "timeout"
  | "http-error"
  | "wrong-content-type"
  | "too-large"
  | "hash-mismatch"
  | "malformed"
  | "rules-violated";

export const metadataUnavailableReasons: readonly MetadataUnavailableReason[] = [
  "no-metadata",
  "unsupported-scheme",
  "bad-url",
  "unreachable",
  "timeout",
  "http-error",
  "wrong-content-type",
  "too-large",
  "hash-mismatch",
  "malformed",
  "rules-violated",
];

export type MetadataFetchResult =
  | {
      status: "available";
      metadata: PoolMetadata;
      /** The exact document, so any client can hash it again and compare with the chain. */
      content: string;
    }
  | { status: "unavailable"; reason: MetadataUnavailableReason; message: string };

export type FetchMetadataOptions = {
  /** The whole fetch, body included, must finish within this; default 4 s (under the routes' 5 s). */
  timeoutMs?: number;
  /** Default METADATA_MAX_BYTES. */
  maxBytes?: number;
  /** An IPFS HTTP gateway (e.g. "https://ipfs.io") to fetch ipfs:// URLs through; without one they are refused. */
  ipfsGateway?: string | undefined;
  fetch?: typeof fetch;
};

const unavailable = (reason: MetadataUnavailableReason, message: string): MetadataFetchResult => ({
  status: "unavailable",
  reason,
  message,
});

export async function fetchMetadata(
  pointer: MetadataPointer,
  options: FetchMetadataOptions = {},
): Promise<MetadataFetchResult> {
  const maxBytes = options.maxBytes ?? METADATA_MAX_BYTES;
  const url = pointer.metaDataUrl;
  if (url === "") return unavailable("no-metadata", "the pool has published no metadata URL");
  const scheme = /^([a-z][a-z0-9+.-]*):/i.exec(url)?.[1]?.toLowerCase();
  let body: { bytes: Uint8Array } | MetadataFetchResult;
  if (scheme === "data") body = readDataUrl(url, maxBytes);
  else if (scheme === "http" || scheme === "https") body = await readHttp(url, maxBytes, options);
  else if (scheme === "ipfs" && options.ipfsGateway !== undefined) {
    body = await readHttp(ipfsThroughGateway(url, options.ipfsGateway), maxBytes, options);
  } else {
    return unavailable(
      "unsupported-scheme",
      `the metadata URL's scheme ${scheme === undefined ? "is missing" : `${scheme}: is not served`}: use https:, http:, data:${options.ipfsGateway === undefined ? "" : " or ipfs:"}`,
    );
  }
  if ("status" in body) return body;
  return checkContent(body.bytes, pointer.metaDataContentHash);
}

/** Hash, decode, parse and validate a metadata document's exact bytes. */
export function checkContent(bytes: Uint8Array, expectedHash: Hex): MetadataFetchResult {
  const hash = keccak256(bytes);
  if (hash.toLowerCase() !== expectedHash.toLowerCase()) {
    return unavailable(
      "hash-mismatch",
      `the metadata hashes to ${hash}, not to the pool's on-chain metaDataContentHash ${expectedHash}`,
    );
  }
  let content: string;
  try {
    // fatal: bytes that are not UTF-8 would not survive a round trip through a JSON string; ignoreBOM keeps a BOM,
    // which JSON.parse then refuses
    content = new TextDecoder("utf-8", { fatal: true, ignoreBOM: true }).decode(bytes);
  } catch {
    return unavailable("malformed", "the metadata is not UTF-8 text");
  }
  let value: unknown;
  try {
    value = JSON.parse(content);
  } catch {
    return unavailable("malformed", "the metadata is not JSON");
  }
  const validation = validateMetadata(value);
  if (!validation.valid) return unavailable("rules-violated", validation.message);
  return { status: "available", metadata: validation.metadata, content };
}

function readDataUrl(url: string, maxBytes: number): { bytes: Uint8Array } | MetadataFetchResult {
  const comma = url.indexOf(",");
  if (comma < 0) return unavailable("bad-url", "the metadata data: URL has no comma before its data");
  const parameters = url.slice("data:".length, comma).split(";");
  const base64 = parameters.at(-1)?.toLowerCase() === "base64";
  const mediaType = (base64 ? parameters.slice(0, -1) : parameters).join(";");
  const typeProblem = contentTypeProblem(mediaType === "" ? "text/plain" : mediaType);
  if (typeProblem !== undefined) return unavailable("wrong-content-type", typeProblem);
  const data = url.slice(comma + 1);
  // a lower bound of the decoded size (base64: 3 bytes per 4 characters; percent-encoding: at least 1 byte per 3),
  // so an enormous URL is refused before it is decoded
  if ((base64 ? Math.floor((data.length * 3) / 4) - 2 : Math.floor(data.length / 3)) > maxBytes) {
    return unavailable("too-large", `the metadata is larger than ${maxBytes} bytes`);
  }
  let bytes: Uint8Array;
  if (base64) {
    if (!/^[A-Za-z0-9+/]*={0,2}$/.test(data) || data.length % 4 !== 0) {
      return unavailable("bad-url", "the metadata data: URL's base64 is malformed");
    }
    bytes = new Uint8Array(Buffer.from(data, "base64"));
  } else {
    const decoded = percentDecode(data);
    if (decoded === undefined) return unavailable("bad-url", "the metadata data: URL's percent-encoding is malformed");
    bytes = decoded;
  }
  if (bytes.byteLength > maxBytes) {
    return unavailable("too-large", `the metadata is ${bytes.byteLength} bytes, more than the ${maxBytes} allowed`);
  }
  return { bytes };
}

function percentDecode(data: string): Uint8Array | undefined {
  const bytes: number[] = [];
  const raw = Buffer.from(data, "utf8");
  for (let i = 0; i < raw.length; i++) {
    if (raw[i] !== 0x25) {
      bytes.push(raw[i]!);
      continue;
    }
    const hex = raw.subarray(i + 1, i + 3).toString("latin1");
    if (!/^[0-9a-fA-F]{2}$/.test(hex)) return undefined;
    bytes.push(parseInt(hex, 16));
    i += 2;
  }
  return new Uint8Array(bytes);
}

function contentTypeProblem(header: string): string | undefined {
  const { essence, charset } = parseContentType(header);
  if (essence !== "application/json") return `the metadata is served as ${essence || "nothing"}, not application/json`;
  if (charset !== undefined && charset !== "utf-8" && charset !== "utf8") {
    return `the metadata is served in charset ${charset}, not utf-8`;
  }
  return undefined;
}

function ipfsThroughGateway(url: string, gateway: string): string {
  return `${gateway.replace(/\/+$/, "")}/ipfs/${url.replace(/^ipfs:\/\//i, "")}`;
}

async function readHttp(
  url: string,
  maxBytes: number,
  options: FetchMetadataOptions,
): Promise<{ bytes: Uint8Array } | MetadataFetchResult> {
  try {
    new URL(url);
  } catch {
    return unavailable("bad-url", "the metadata URL is not a valid URL");
  }
  const timeoutMs = options.timeoutMs ?? 4000;
  const controller = new AbortController();
  let timedOut = false;
  const timer = setTimeout(() => {
    timedOut = true;
    controller.abort();
  }, timeoutMs);
  try {
    // redirects are refused: each hop would need its own scheme and address checks, and an operator can publish
    // the final URL on-chain instead
    const response = await (options.fetch ?? fetch)(url, {
      signal: controller.signal,
      redirect: "error",
      headers: { accept: "application/json" },
    });
    if (!response.ok) {
      await response.body?.cancel().catch(() => undefined);
      return unavailable("http-error", `the metadata host answered HTTP ${response.status}`);
    }
    const typeProblem = contentTypeProblem(response.headers.get("content-type") ?? "");
    if (typeProblem !== undefined) {
      await response.body?.cancel().catch(() => undefined);
      return unavailable("wrong-content-type", typeProblem);
    }
    const body = await readLimited(response, maxBytes);
    if ("tooLarge" in body) return unavailable("too-large", `the metadata is larger than ${maxBytes} bytes`);
    return body;
  } catch (error) {
    if (timedOut) return unavailable("timeout", `the metadata host did not answer in full within ${timeoutMs} ms`);
    // only the error code: the full cause names addresses the URL resolved to, which is no one else's business
    const code = (error as { cause?: { code?: unknown } }).cause?.code;
    const detail = typeof code === "string" && /^[A-Z_]{1,40}$/.test(code) ? ` (${code})` : "";
    return unavailable("unreachable", `the metadata host could not be reached${detail}`);
  } finally {
    clearTimeout(timer);
  }
}
