// Reads a pool's metadata through several proxies and merges their answers so that one lying or dead proxy can
// neither fake nor hide it. The rule: the client learns the on-chain hash itself; a proxy's document counts only if
// the client hashes it to that hash and it passes the rules here; the metadata is available if any proxy gives such
// a document, and unavailable only if none does. Every proxy that did not agree is reported.
import { keccak256, stringToBytes, type Address, type Hex } from "viem";
import { readLimited } from "../internal/readLimited.ts";
import { checkContent, metadataUnavailableReasons, type MetadataUnavailableReason } from "./fetchMetadata.ts";
import type { MetadataAnswer } from "./proxy.ts";
import type { ResolvePool } from "./resolver.ts";

/**
 * How one proxy's answer fared: `verified` (its document hashes to the chain's hash and passes the rules),
 * `unavailable` (it said so; its reason is in `reason`), `forged` (it served a document that does not hash to the
 * chain's hash, or breaks the rules), `stale` (it checked against another pointer than the chain's now),
 * `failed` (no usable answer: unreachable, timed out, an error status, not JSON).
 */
export type ProxyOutcome = "verified" | "unavailable" | "forged" | "stale" | "failed";

export type ProxyReport = {
  proxy: string;
  outcome: ProxyOutcome;
  reason?: MetadataUnavailableReason | "unknown-pool" | undefined;
  message: string;
};

/** Why no proxy gave a verifiable document, when none of them said why themselves. */
export type MergedUnavailableReason =
  MetadataUnavailableReason | "unknown-pool" | "no-proxy-answered" | "no-verifiable-answer";

export type MergedMetadataAnswer =
  | (Extract<MetadataAnswer, { status: "available" }> & { proxies: ProxyReport[] })
  | ({ pool: Address; metaDataUrl: string; metaDataContentHash: Hex; checkedAt: string } & {
      status: "unavailable";
      reason: MergedUnavailableReason;
      message: string;
      proxies: ProxyReport[];
    });

export type MetadataClient = { getMetadata(pool: Address): Promise<MergedMetadataAnswer | undefined> };

export type CreateMetadataClientParameters = {
  /** Base URLs of the proxies, e.g. ["http://127.0.0.1:8790", "https://meta.example.org"]. */
  proxies: readonly string[];
  /** The client's own view of the chain: the hash every document is checked against comes from here. */
  resolvePool: ResolvePool;
  /** Per proxy, body included; default 4 s (under the routes' 5 s). */
  timeoutMs?: number;
  /** The most bytes read of one proxy's answer; default 64 KiB. */
  maxBytes?: number;
  fetch?: typeof fetch;
  now?: () => number;
};

export function createMetadataClient({
  proxies,
  resolvePool,
  timeoutMs = 4000,
  maxBytes = 65_536,
  fetch: fetchFn = fetch,
  now = Date.now,
}: CreateMetadataClientParameters): MetadataClient {
  if (proxies.length === 0) throw new TypeError("a metadata client needs at least one proxy");
  return {
    async getMetadata(pool) {
      const pointer = await resolvePool(pool);
      if (pointer === undefined) return undefined;
      const checkedAt = new Date(now()).toISOString();
      const asked = await Promise.all(
        proxies.map((proxy) => askProxy(proxy, pool, pointer.metaDataContentHash, { timeoutMs, maxBytes, fetchFn })),
      );
      const reports = asked.map(({ report }) => report);
      const verified = asked.find((answer) => answer.report.outcome === "verified");
      if (verified?.content !== undefined) {
        // the document is the client's own parse of bytes it hashed itself, never a proxy's parsed copy
        const checked = checkContent(stringToBytes(verified.content), pointer.metaDataContentHash);
        if (checked.status === "available") {
          return { pool, ...pointer, ...checked, checkedAt, proxies: reports };
        }
      }
      return { pool, ...pointer, checkedAt, status: "unavailable", ...mergeUnavailable(reports), proxies: reports };
    },
  };
}

function mergeUnavailable(reports: readonly ProxyReport[]): { reason: MergedUnavailableReason; message: string } {
  const said = reports.filter((report) => report.outcome === "unavailable" && report.reason !== undefined);
  if (said.length === 0) {
    const answered = reports.filter((report) => report.outcome !== "failed").length;
    return answered === 0
      ? { reason: "no-proxy-answered", message: `none of the ${reports.length} metadata proxies answered` }
      : {
          reason: "no-verifiable-answer",
          message: `no metadata proxy served a document matching the pool's on-chain hash (${summary(reports)})`,
        };
  }
  // the most common reason the proxies gave (the first proxy's on a tie): informative only, since a lying proxy
  // can give any reason; the per-proxy reports say who said what
  const counts = new Map<string, number>();
  for (const report of said) counts.set(report.reason!, (counts.get(report.reason!) ?? 0) + 1);
  let best = said[0]!;
  for (const report of said) if (counts.get(report.reason!)! > counts.get(best.reason!)!) best = report;
  return {
    reason: best.reason!,
    message: `no metadata proxy served a verifiable document; ${best.message} (${summary(reports)})`,
  };
}

function summary(reports: readonly ProxyReport[]): string {
  const counts = new Map<ProxyOutcome, number>();
  for (const report of reports) counts.set(report.outcome, (counts.get(report.outcome) ?? 0) + 1);
  return [...counts].map(([outcome, count]) => `${count} ${outcome}`).join(", ");
}

// what the metadata rules forbid in a string, replaced in a proxy's sentence before anyone shows it
// eslint-disable-next-line no-control-regex
const unsafeCharacters = /[\u0000-\u001f\u007f-\u009f\u202a-\u202e\u2066-\u2069<>]/gu;

type Asked = { report: ProxyReport; content?: string };

async function askProxy(
  proxy: string,
  pool: Address,
  expectedHash: Hex,
  { timeoutMs, maxBytes, fetchFn }: { timeoutMs: number; maxBytes: number; fetchFn: typeof fetch },
): Promise<Asked> {
  const failed = (message: string): Asked => ({ report: { proxy, outcome: "failed", message } });
  const controller = new AbortController();
  const timer = setTimeout(() => controller.abort(), timeoutMs);
  let body: unknown;
  try {
    const response = await fetchFn(`${proxy.replace(/\/+$/, "")}/metadata/${pool}`, {
      signal: controller.signal,
      redirect: "error",
      headers: { accept: "application/json" },
    });
    if (response.status === 404) {
      await response.body?.cancel().catch(() => undefined);
      return {
        report: { proxy, outcome: "unavailable", reason: "unknown-pool", message: "the proxy knows no such pool" },
      };
    }
    if (!response.ok) {
      await response.body?.cancel().catch(() => undefined);
      return failed(`the proxy answered HTTP ${response.status}`);
    }
    const read = await readLimited(response, maxBytes);
    if ("tooLarge" in read) return failed(`the proxy's answer is larger than ${maxBytes} bytes`);
    body = JSON.parse(new TextDecoder().decode(read.bytes));
  } catch {
    return failed(
      controller.signal.aborted ? `the proxy did not answer within ${timeoutMs} ms` : "the proxy did not answer",
    );
  } finally {
    clearTimeout(timer);
  }
  return judge(proxy, body, expectedHash);
}

function judge(proxy: string, body: unknown, expectedHash: Hex): Asked {
  const answer = (typeof body === "object" && body !== null ? body : {}) as Record<string, unknown>;
  const claimedHash = typeof answer.metaDataContentHash === "string" ? answer.metaDataContentHash.toLowerCase() : "";
  const stale = claimedHash !== expectedHash.toLowerCase();
  if (answer.status === "available" && typeof answer.content === "string") {
    const hash = keccak256(stringToBytes(answer.content));
    if (hash.toLowerCase() !== expectedHash.toLowerCase()) {
      return {
        report: {
          proxy,
          outcome: stale ? "stale" : "forged",
          message: stale
            ? `the proxy served the document of another pointer (hash ${claimedHash.slice(0, 66)})`
            : `the proxy served a document hashing to ${hash}, not to the on-chain hash`,
        },
      };
    }
    const checked = checkContent(stringToBytes(answer.content), expectedHash);
    if (checked.status === "unavailable") {
      return {
        report: {
          proxy,
          outcome: "forged",
          message: `the proxy served a document that breaks the rules: ${checked.message}`,
        },
      };
    }
    return {
      report: { proxy, outcome: "verified", message: "the document hashes to the on-chain hash" },
      content: answer.content,
    };
  }
  if (answer.status === "unavailable") {
    if (stale) {
      return {
        report: { proxy, outcome: "stale", message: "the proxy checked another pointer than the pool's on-chain one" },
      };
    }
    const reason = (metadataUnavailableReasons as readonly unknown[]).includes(answer.reason)
      ? (answer.reason as MetadataUnavailableReason)
      : undefined;
    // a proxy's sentence is shown to people: keep it short and free of markup whoever wrote it
    const message =
      typeof answer.message === "string"
        ? answer.message.slice(0, 300).replace(unsafeCharacters, "?")
        : "the proxy gave no reason";
    return { report: { proxy, outcome: "unavailable", reason, message } };
  }
  return { report: { proxy, outcome: "failed", message: "the proxy's answer is not a metadata answer" } };
}
