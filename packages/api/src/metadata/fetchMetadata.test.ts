// fetchMetadata against real loopback hosts: every way a document can fail is unavailable with its reason.
import assert from "node:assert/strict";
import { after, before, describe, test } from "node:test";
import { keccak256, stringToHex, zeroHash, type Hex } from "viem";
import { deadUrl, serve, type Loopback } from "../internal/loopback.ts";
import { fetchMetadata, type MetadataFetchResult } from "./fetchMetadata.ts";

const document = JSON.stringify({ name: "Atlas", description: "Large, low-commission pool with room to grow" });
const hash = keccak256(stringToHex(document));
const reasonOf = (result: MetadataFetchResult) => (result.status === "unavailable" ? result.reason : "available");

describe("over http", () => {
  let host: Loopback;
  before(async () => {
    host = await serve((request, response) => {
      const json = { "content-type": "application/json" };
      switch (request.url) {
        case "/ok":
          return response.writeHead(200, { "content-type": "application/json; charset=utf-8" }).end(document);
        case "/slow":
          response.writeHead(200, json);
          response.write(document.slice(0, 5)); // headers and a first byte in time, the rest never
          return;
        case "/endless":
          response.writeHead(200, json);
          // no content-length: the body streams past the limit and must be cut off
          for (let i = 0; i < 64; i++) response.write("x".repeat(1024));
          return response.end();
        case "/announced-huge":
          response.writeHead(200, { ...json, "content-length": "100000000" });
          return response.write("{");
        case "/html":
          return response.writeHead(200, { "content-type": "text/html" }).end(document);
        case "/latin1":
          return response.writeHead(200, { "content-type": "application/json; charset=iso-8859-1" }).end(document);
        case "/error":
          return response.writeHead(500, json).end("{}");
        case "/redirect":
          return response.writeHead(302, { location: "/ok" }).end();
        case "/not-json":
          return response.writeHead(200, json).end("{name: Atlas}");
        case "/script":
          return response.writeHead(200, json).end(JSON.stringify({ name: "<script>alert(1)</script>" }));
        case "/not-utf8":
          return response.writeHead(200, json).end(Buffer.from([0x7b, 0xff, 0x7d]));
        default:
          return response.writeHead(404).end();
      }
    });
  });
  after(() => host.close());
  const at = (path: string, contentHash: Hex = hash) => ({
    metaDataUrl: host.url + path,
    metaDataContentHash: contentHash,
  });

  test("serves a document that hashes to the on-chain hash and follows the rules", async () => {
    assert.deepEqual(await fetchMetadata(at("/ok")), {
      status: "available",
      metadata: JSON.parse(document),
      content: document,
    });
  });

  test("a document that does not hash to the on-chain hash is unavailable, naming both hashes", async () => {
    const result = await fetchMetadata(at("/ok", zeroHash));
    assert.deepEqual(result, {
      status: "unavailable",
      reason: "hash-mismatch",
      message: `the metadata hashes to ${hash}, not to the pool's on-chain metaDataContentHash ${zeroHash}`,
    });
  });

  test("a host that stops sending mid-body times out, the body included", async () => {
    const started = Date.now();
    const result = await fetchMetadata(at("/slow"), { timeoutMs: 300 });
    assert.deepEqual(result, {
      status: "unavailable",
      reason: "timeout",
      message: "the metadata host did not answer in full within 300 ms",
    });
    assert.ok(Date.now() - started < 3000);
  });

  test("a body past the size limit is cut off, announced or not", async () => {
    assert.equal(reasonOf(await fetchMetadata(at("/endless"), { maxBytes: 4096 })), "too-large");
    assert.equal(reasonOf(await fetchMetadata(at("/announced-huge"))), "too-large");
  });

  const cases: [string, string, Hex?][] = [
    ["/html", "wrong-content-type"],
    ["/latin1", "wrong-content-type"],
    ["/error", "http-error"],
    ["/redirect", "unreachable"],
    ["/not-json", "malformed", keccak256(stringToHex("{name: Atlas}"))],
    ["/not-utf8", "malformed", keccak256(new Uint8Array([0x7b, 0xff, 0x7d]))],
    ["/script", "rules-violated", keccak256(stringToHex(JSON.stringify({ name: "<script>alert(1)</script>" })))],
  ];
  for (const [path, reason, contentHash] of cases) {
    test(`${path} is unavailable: ${reason}`, async () => {
      assert.equal(reasonOf(await fetchMetadata(at(path, contentHash))), reason);
    });
  }
});

test("a host nothing listens on is unreachable", async () => {
  const result = await fetchMetadata({ metaDataUrl: `${await deadUrl()}/pool.json`, metaDataContentHash: hash });
  assert.deepEqual(result, {
    status: "unavailable",
    reason: "unreachable",
    message: "the metadata host could not be reached (ECONNREFUSED)",
  });
});

test("reads the demo's data: URLs, base64 or percent-encoded", async () => {
  const base64 = `data:application/json;base64,${Buffer.from(document).toString("base64")}`;
  assert.equal((await fetchMetadata({ metaDataUrl: base64, metaDataContentHash: hash })).status, "available");
  const percent = `data:application/json,${encodeURIComponent(document)}`;
  assert.equal((await fetchMetadata({ metaDataUrl: percent, metaDataContentHash: hash })).status, "available");
  const plain = `data:,${encodeURIComponent(document)}`;
  assert.equal(reasonOf(await fetchMetadata({ metaDataUrl: plain, metaDataContentHash: hash })), "wrong-content-type");
  const huge = `data:application/json;base64,${"A".repeat(20_000)}`;
  assert.equal(reasonOf(await fetchMetadata({ metaDataUrl: huge, metaDataContentHash: hash })), "too-large");
  const broken = "data:application/json;base64,@@@@";
  assert.equal(reasonOf(await fetchMetadata({ metaDataUrl: broken, metaDataContentHash: hash })), "bad-url");
});

test("refuses every other scheme, and ipfs: without a gateway", async () => {
  for (const metaDataUrl of [
    "file:///etc/passwd",
    "ftp://example.org/pool.json",
    "javascript:alert(1)",
    "ipfs://bafy/pool.json",
    "pool.json",
  ]) {
    assert.equal(
      reasonOf(await fetchMetadata({ metaDataUrl, metaDataContentHash: hash })),
      "unsupported-scheme",
      metaDataUrl,
    );
  }
  assert.equal(reasonOf(await fetchMetadata({ metaDataUrl: "", metaDataContentHash: zeroHash })), "no-metadata");
});

test("fetches ipfs: URLs through the configured gateway", async () => {
  const gateway = await serve((request, response) => {
    if (request.url === "/ipfs/bafyexample/pool.json")
      response.writeHead(200, { "content-type": "application/json" }).end(document);
    else response.writeHead(404).end();
  });
  try {
    const result = await fetchMetadata(
      { metaDataUrl: "ipfs://bafyexample/pool.json", metaDataContentHash: hash },
      { ipfsGateway: `${gateway.url}/` },
    );
    assert.equal(result.status, "available");
  } finally {
    await gateway.close();
  }
});
