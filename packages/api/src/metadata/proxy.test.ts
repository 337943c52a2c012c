// The proxy's cache (positive and negative TTLs, shared loads, a new pointer at once) and its server's routes.
import assert from "node:assert/strict";
import { after, before, describe, test } from "node:test";
import { ChainUnreachableError } from "@poolnet/sdk";
import type { FastifyInstance } from "fastify";
import { keccak256, stringToHex, zeroHash, type Address } from "viem";
import { address } from "../internal/fixtures.ts";
import { serve, type Loopback } from "../internal/loopback.ts";
import type { MetadataPointer } from "./fetchMetadata.ts";
import { createMetadataProxy } from "./proxy.ts";
import { createMetadataProxyServer } from "./server.ts";

const document = JSON.stringify({ name: "Borealis" });
const hash = keccak256(stringToHex(document));
const pool = address("pool");

describe("metadata proxy", () => {
  let host: Loopback;
  let broken = false;
  before(async () => {
    host = await serve((_request, response) => {
      if (broken) response.writeHead(503).end();
      else response.writeHead(200, { "content-type": "application/json" }).end(document);
    });
  });
  after(() => host.close());

  function setUp(pointer: () => MetadataPointer | undefined) {
    let clock = 1_000_000;
    const proxy = createMetadataProxy({
      resolvePool: async () => pointer(),
      ttlMs: 60_000,
      negativeTtlMs: 5_000,
      now: () => clock,
    });
    return { proxy, advance: (ms: number) => (clock += ms) };
  }

  test("keeps a served document for its TTL and shares concurrent loads", async () => {
    broken = false;
    const before = host.requests();
    const { proxy, advance } = setUp(() => ({ metaDataUrl: `${host.url}/a.json`, metaDataContentHash: hash }));
    const answers = await Promise.all([proxy.getMetadata(pool), proxy.getMetadata(pool), proxy.getMetadata(pool)]);
    assert.equal(host.requests() - before, 1);
    assert.deepEqual(answers[0], {
      pool,
      metaDataUrl: `${host.url}/a.json`,
      metaDataContentHash: hash,
      status: "available",
      metadata: { name: "Borealis" },
      content: document,
      checkedAt: new Date(1_000_000).toISOString(),
    });
    advance(59_000);
    await proxy.getMetadata(pool);
    assert.equal(host.requests() - before, 1);
    advance(2_000);
    await proxy.getMetadata(pool);
    assert.equal(host.requests() - before, 2);
  });

  test("keeps an unavailable outcome only for the shorter negative TTL", async () => {
    broken = true;
    const before = host.requests();
    const { proxy, advance } = setUp(() => ({ metaDataUrl: `${host.url}/b.json`, metaDataContentHash: hash }));
    assert.equal((await proxy.getMetadata(pool))?.status, "unavailable");
    advance(4_000);
    await proxy.getMetadata(pool);
    assert.equal(host.requests() - before, 1);
    broken = false;
    advance(2_000);
    assert.equal((await proxy.getMetadata(pool))?.status, "available");
    assert.equal(host.requests() - before, 2);
  });

  test("a new pointer on-chain is fetched at once, whatever is cached", async () => {
    broken = false;
    let pointer: MetadataPointer = { metaDataUrl: `${host.url}/c.json`, metaDataContentHash: zeroHash };
    const { proxy } = setUp(() => pointer);
    assert.equal((await proxy.getMetadata(pool))?.status, "unavailable");
    pointer = { metaDataUrl: `${host.url}/c.json`, metaDataContentHash: hash };
    assert.equal((await proxy.getMetadata(pool))?.status, "available");
  });

  test("an unknown pool is undefined", async () => {
    const { proxy } = setUp(() => undefined);
    assert.equal(await proxy.getMetadata(pool), undefined);
  });
});

describe("metadata proxy server", () => {
  let server: FastifyInstance;
  const known: Address = address("known");
  const unreachable: Address = address("unreachable");
  before(async () => {
    const json = JSON.stringify({ name: "Cypress", website: "https://cypress.example" });
    const proxy = createMetadataProxy({
      resolvePool: async (asked) => {
        if (asked === unreachable) throw new ChainUnreachableError("http://127.0.0.1:8545");
        if (asked !== known) return undefined;
        return {
          metaDataUrl: `data:application/json;base64,${Buffer.from(json).toString("base64")}`,
          metaDataContentHash: keccak256(stringToHex(json)),
        };
      },
    });
    server = await createMetadataProxyServer({ proxy, http: { rateLimit: false, defaultMetrics: false } });
  });
  after(() => server.close());

  test("GET /metadata/:pool serves the checked document, any address case", async () => {
    const response = await server.inject({ url: `/metadata/${known.toLowerCase()}` });
    assert.equal(response.statusCode, 200);
    const body = response.json();
    assert.equal(body.pool, known);
    assert.equal(body.status, "available");
    assert.deepEqual(body.metadata, { name: "Cypress", website: "https://cypress.example" });
    assert.equal(keccak256(stringToHex(body.content)), body.metaDataContentHash);
    assert.equal(response.headers["cache-control"], "public, max-age=300");
  });

  test("answers 404 for an unknown pool, 400 for a malformed address, 503 when the chain is out of reach", async () => {
    const unknown = await server.inject({ url: `/metadata/${address("nobody")}` });
    assert.equal(unknown.statusCode, 404);
    assert.deepEqual(unknown.json(), { error: "not-found", message: `there is no pool at ${address("nobody")}` });
    const malformed = await server.inject({ url: "/metadata/0x12" });
    assert.equal(malformed.statusCode, 400);
    assert.equal(malformed.json().error, "bad-request");
    const down = await server.inject({ url: `/metadata/${unreachable}` });
    assert.equal(down.statusCode, 503);
    assert.deepEqual(down.json(), { error: "unavailable", message: "cannot reach the chain at http://127.0.0.1:8545" });
  });

  test("serves the rules as a JSON schema and documents its routes", async () => {
    const schema = await server.inject({ url: "/metadata/schema.json" });
    assert.equal(schema.json().properties.name.maxLength, 64);
    const openapi = (await server.inject({ url: "/openapi.json" })).json();
    assert.deepEqual(Object.keys(openapi.paths).sort(), ["/health", "/metadata/schema.json", "/metadata/{pool}"]);
  });
});
