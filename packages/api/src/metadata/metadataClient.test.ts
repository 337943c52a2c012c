// The client merging several proxies, against real loopback servers: an honest proxy, one forging documents, one
// hiding them, a stale one, a dead one and one that never answers. No single bad proxy can fake or hide metadata.
import assert from "node:assert/strict";
import { after, before, describe, test } from "node:test";
import type { FastifyInstance } from "fastify";
import { keccak256, stringToHex, type Address, type Hex } from "viem";
import { address } from "../internal/fixtures.ts";
import { deadUrl, serve, type Loopback } from "../internal/loopback.ts";
import type { MetadataPointer } from "./fetchMetadata.ts";
import { createMetadataClient, type MergedMetadataAnswer } from "./metadataClient.ts";
import { createMetadataProxy } from "./proxy.ts";
import { createMetadataProxyServer } from "./server.ts";

const dataUrl = (json: string) => `data:application/json;base64,${Buffer.from(json).toString("base64")}`;
const good = JSON.stringify({ name: "Ember", description: "Mid-size pool, 8% commission" });
const bad = JSON.stringify({ name: "<b>Drift</b>" });
const pools: Record<Address, MetadataPointer> = {
  [address("good")]: { metaDataUrl: dataUrl(good), metaDataContentHash: keccak256(stringToHex(good)) },
  [address("bad")]: { metaDataUrl: dataUrl(bad), metaDataContentHash: keccak256(stringToHex(bad)) },
};
const resolvePool = async (pool: Address) => pools[pool];
const goodPool = address("good");
const badPool = address("bad");

describe("merging several metadata proxies", () => {
  let honest: FastifyInstance;
  let honestUrl: string;
  let forger: Loopback;
  let hider: Loopback;
  let stale: Loopback;
  let silent: Loopback;
  let dead: string;

  /** Answers like a proxy, with a document of its own and the pool's real pointer. */
  const lying = (answer: (pool: Address, pointer: MetadataPointer) => object) =>
    serve((request, response) => {
      const pool = request.url!.split("/").at(-1) as Address;
      const pointer = pools[pool];
      if (pointer === undefined) return response.writeHead(404).end();
      response
        .writeHead(200, { "content-type": "application/json" })
        .end(JSON.stringify({ pool, ...pointer, checkedAt: new Date().toISOString(), ...answer(pool, pointer) }));
    });

  before(async () => {
    honest = await createMetadataProxyServer({
      proxy: createMetadataProxy({ resolvePool }),
      http: { rateLimit: false, defaultMetrics: false },
    });
    honestUrl = await honest.listen({ port: 0, host: "127.0.0.1" });
    const forged = JSON.stringify({ name: "Ember", website: "https://phishing.example" });
    forger = await lying(() => ({ status: "available", metadata: JSON.parse(forged), content: forged }));
    hider = await lying(() => ({
      status: "unavailable",
      reason: "hash-mismatch",
      message: "the <b>metadata</b> hashes wrong",
    }));
    stale = await lying((_pool, pointer) => ({
      status: "available",
      metaDataContentHash: keccak256("0x01") as Hex,
      metadata: { name: "Old" },
      content: JSON.stringify({ name: "Old" }),
      metaDataUrl: pointer.metaDataUrl,
    }));
    silent = await serve(() => undefined);
    dead = await deadUrl();
  });
  after(async () => {
    await honest.close();
    await Promise.all([forger.close(), hider.close(), stale.close(), silent.close()]);
  });

  const client = (proxies: string[]) => createMetadataClient({ proxies, resolvePool, timeoutMs: 500 });
  const outcomes = (answer: MergedMetadataAnswer | undefined) => answer?.proxies.map((report) => report.outcome);

  test("a forging and a dead proxy cannot fake the metadata while one honest proxy answers", async () => {
    const answer = await client([forger.url, dead, honestUrl]).getMetadata(goodPool);
    assert.equal(answer?.status, "available");
    assert.deepEqual(answer?.status === "available" && answer.metadata, JSON.parse(good));
    assert.deepEqual(outcomes(answer), ["forged", "failed", "verified"]);
  });

  test("a proxy hiding the metadata cannot hide it while one honest proxy answers", async () => {
    const answer = await client([hider.url, honestUrl]).getMetadata(goodPool);
    assert.equal(answer?.status, "available");
    assert.deepEqual(outcomes(answer), ["unavailable", "verified"]);
    assert.equal(answer?.proxies[0]?.message, "the ?b?metadata?/b? hashes wrong");
  });

  test("the document is the client's own parse of bytes it hashed, never the proxy's parsed copy", async () => {
    const sly = await lying((_pool, pointer) => ({
      status: "available",
      metadata: { name: "Evil twin" },
      content: good,
      metaDataContentHash: pointer.metaDataContentHash,
    }));
    try {
      const answer = await client([sly.url]).getMetadata(goodPool);
      assert.deepEqual(answer?.status === "available" && answer.metadata, JSON.parse(good));
    } finally {
      await sly.close();
    }
  });

  test("metadata that breaks the rules stays unavailable whatever a forger serves", async () => {
    const answer = await client([honestUrl, forger.url]).getMetadata(badPool);
    assert.equal(answer?.status, "unavailable");
    assert.equal(answer?.status === "unavailable" && answer.reason, "rules-violated");
    assert.deepEqual(outcomes(answer), ["unavailable", "forged"]);
  });

  test("with no honest proxy, lies are not served: unavailable, with who said what", async () => {
    const answer = await client([forger.url, hider.url, stale.url, dead]).getMetadata(goodPool);
    assert.equal(answer?.status, "unavailable");
    assert.equal(answer?.status === "unavailable" && answer.reason, "hash-mismatch");
    assert.deepEqual(outcomes(answer), ["forged", "unavailable", "stale", "failed"]);
    assert.equal(
      answer?.status === "unavailable" && answer.message,
      "no metadata proxy served a verifiable document; the ?b?metadata?/b? hashes wrong " +
        "(1 forged, 1 unavailable, 1 stale, 1 failed)",
    );
  });

  test("when no proxy answers in time, it says so within the timeout", async () => {
    const started = Date.now();
    const answer = await client([dead, silent.url]).getMetadata(goodPool);
    assert.ok(Date.now() - started < 2000);
    assert.equal(answer?.status === "unavailable" && answer.reason, "no-proxy-answered");
    assert.deepEqual(
      answer?.proxies.map((report) => report.message),
      ["the proxy did not answer", "the proxy did not answer within 500 ms"],
    );
  });

  test("a pool the client's chain does not know is undefined, whatever the proxies say", async () => {
    assert.equal(await client([forger.url, honestUrl]).getMetadata(address("nobody")), undefined);
  });
});
