// Fuzzes every route of the API's own /openapi.json: valid, malformed and huge path parameters, query values and
// bodies, over inject and over a real socket. No answer may be a 5xx, valid requests must be 200 or 404, and the
// server must still answer afterwards. FUZZ_SEED=<n> replays a run; FUZZ_RUNS=<n> sets requests per route.
import assert from "node:assert/strict";
import { connect } from "node:net";
import { after, before, describe, test } from "node:test";
import type { FastifyInstance } from "fastify";
import { createApp } from "./app.ts";
import { fixtureData } from "./internal/fixtures.ts";
import { createMemoryReadModel } from "./memoryReadModel.ts";
import { createMetadataProxy } from "./metadata/proxy.ts";

const seed = Number(process.env.FUZZ_SEED ?? Date.now() % 1_000_000);
const runs = Number(process.env.FUZZ_RUNS ?? 150);

/** mulberry32: small, seedable, good enough to pick cases. */
function random(seedValue: number) {
  let state = seedValue >>> 0;
  const next = () => {
    state = (state + 0x6d2b79f5) >>> 0;
    let t = state;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
  const int = (n: number) => Math.floor(next() * n);
  const pick = <T>(items: readonly T[]): T => items[int(items.length)]!;
  return { next, int, pick };
}

type Schema = { type?: string | string[]; enum?: unknown[]; pattern?: string; minimum?: number; maximum?: number };
type Parameter = { name: string; in: "path" | "query"; required?: boolean; schema: Schema };

const nasty = [
  "",
  " ",
  "0",
  "-1",
  "1.5",
  "1e309",
  "NaN",
  "Infinity",
  "-0",
  "null",
  "true",
  "[]",
  "{}",
  "__proto__",
  "constructor",
  "toString",
  "%00",
  "%",
  "%zz",
  "%2e%2e%2f",
  "../../etc/passwd",
  "' OR 1=1 --",
  "<script>alert(1)</script>",
  "😀",
  "\u202e",
  "0x",
  `0x${"g".repeat(40)}`,
  `0x${"a".repeat(39)}`,
  `0x${"a".repeat(41)}`,
  `0X${"A".repeat(40)}`,
  "9".repeat(80),
  "9".repeat(400),
  "a".repeat(5000),
  String(Number.MAX_SAFE_INTEGER + 2),
  "18446744073709551616",
];

function validValue(schema: Schema, rng: ReturnType<typeof random>, known: { addresses: string[] }): string {
  if (schema.enum !== undefined) return String(rng.pick(schema.enum));
  if (schema.pattern?.includes("{40}")) {
    const address = rng.pick(known.addresses);
    return rng.next() < 0.5 ? address.toLowerCase() : address;
  }
  if (schema.pattern?.includes("{1,78}")) return String(BigInt(rng.int(1_000_000)) * 10n ** BigInt(rng.int(19)));
  const type = Array.isArray(schema.type) ? schema.type[0] : schema.type;
  if (type === "integer" || type === "number") {
    const min = schema.minimum ?? 0;
    const max = Math.min(schema.maximum ?? 1000, min + 1000);
    const value = min + rng.next() * (max - min);
    return String(type === "integer" ? Math.floor(value) : value);
  }
  if (type === "boolean") return rng.pick(["true", "false"]);
  return "x";
}

describe("fuzzing every route from /openapi.json", { timeout: 120_000 }, () => {
  let app: FastifyInstance;
  let routes: { path: string; parameters: Parameter[] }[];
  const data = fixtureData({ pools: 30 });
  const known = {
    addresses: [
      ...data.pools!.map((pool) => pool.pool),
      ...data.delegators!.map((view) => view.delegator),
      ...data.feeds!.map((feed) => feed.feed),
      "0x0000000000000000000000000000000000000000",
    ],
  };

  before(async () => {
    const pointers = new Map(data.pools!.map((pool) => [pool.pool, pool]));
    app = await createApp({
      readModel: createMemoryReadModel(data),
      metadata: createMetadataProxy({ resolvePool: async (pool) => pointers.get(pool) }),
      http: { rateLimit: false, defaultMetrics: false },
    });
    const openapi = (await app.inject({ url: "/openapi.json" })).json() as {
      paths: Record<string, { get?: { parameters?: Parameter[] } }>;
    };
    routes = Object.entries(openapi.paths).map(([path, item]) => ({ path, parameters: item.get?.parameters ?? [] }));
  });
  after(() => app.close());

  test(`no 5xx, and valid requests answer 200 or 404 (seed ${seed}, ${runs} per route)`, async () => {
    const rng = random(seed);
    assert.ok(routes.length >= 14, `only ${routes.length} routes documented`);
    const failures: string[] = [];
    let valid = 0;
    for (const { path, parameters } of routes) {
      for (let run = 0; run < runs; run++) {
        let allValid = true;
        const value = (parameter: Parameter) => {
          if (rng.next() < 0.6) return validValue(parameter.schema, rng, known);
          allValid = false;
          return rng.pick(nasty);
        };
        const url = path.replace(/\{(\w+)\}/g, (_, name: string) =>
          encodeURIComponent(value(parameters.find((p) => p.in === "path" && p.name === name)!)),
        );
        const query = new URLSearchParams();
        for (const parameter of parameters.filter((p) => p.in === "query")) {
          if (rng.next() < 0.5) query.append(parameter.name, value(parameter));
          if (rng.next() < 0.05) {
            query.append(parameter.name, value(parameter)); // repeated: an array where one value is expected
            allValid = false;
          }
        }
        if (rng.next() < 0.1) {
          query.append(rng.pick(["__proto__", "constructor", "x", "limit[]", "a".repeat(300)]), rng.pick(nasty));
          allValid = false;
        }
        const withBody = rng.next() < 0.15;
        const method = withBody ? rng.pick(["GET", "POST", "PUT", "DELETE", "PATCH"] as const) : "GET";
        if (method !== "GET") allValid = false;
        const target = `${url}${query.size > 0 ? `?${query}` : ""}`;
        const response = await app.inject({
          method,
          url: target,
          ...(withBody
            ? {
                headers: {
                  "content-type": rng.pick([
                    "application/json",
                    "text/plain",
                    "application/x-www-form-urlencoded",
                    "x/y",
                  ]),
                },
                payload: rng.pick([
                  '{"a":1}',
                  "{",
                  "null",
                  "[]".repeat(10_000),
                  "x".repeat(100_000),
                  '{"__proto__":{"polluted":1}}',
                ]),
              }
            : {}),
        });
        if (response.statusCode >= 500 || (allValid && ![200, 404].includes(response.statusCode))) {
          failures.push(`${method} ${target.slice(0, 200)} → ${response.statusCode} ${response.body.slice(0, 200)}`);
        }
        if (allValid) valid++;
      }
    }
    assert.deepEqual(failures, [], `seed ${seed}`);
    assert.ok(valid > routes.length * 5, "too few valid requests to tell anything");
    assert.equal(({} as Record<string, unknown>).polluted, undefined);
    assert.equal((await app.inject({ url: "/health" })).statusCode, 200);
  });

  test("over a real socket: huge URLs and headers, garbage bytes, then the server still answers", async () => {
    const base = await app.listen({ port: 0, host: "127.0.0.1" });
    const port = Number(new URL(base).port);
    const huge = await fetch(`${base}/pools/${"a".repeat(100_000)}`);
    assert.ok(huge.status >= 400 && huge.status < 500, String(huge.status));
    const longQuery = await fetch(`${base}/pools?limit=${"9".repeat(12_000)}`);
    assert.equal(longQuery.status, 400);
    const header = await fetch(`${base}/pools`, { headers: { "x-filler": "y".repeat(20_000) } });
    assert.equal(header.status, 431);
    for (const garbage of [
      "GARBAGE\r\n\r\n",
      "GET / HTTP/9.9\r\n\r\n",
      "\u0000\u0001\u0002\r\n\r\n",
      "GET /pools HTTP/1.1\r\nHost: x\r\nContent-Length: -5\r\n\r\n",
    ]) {
      const answer = await new Promise<string>((resolve) => {
        const socket = connect(port, "127.0.0.1", () => socket.end(garbage));
        let text = "";
        socket.on("data", (chunk) => (text += chunk.toString("latin1")));
        socket.on("close", () => resolve(text));
        socket.on("error", () => resolve(text));
      });
      assert.doesNotMatch(answer, /^HTTP\/1\.1 5/, JSON.stringify(garbage));
    }
    const health = await fetch(`${base}/health`);
    assert.equal(health.status, 200);
  });
});
