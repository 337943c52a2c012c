// poolnet-api: its command line, one-line errors, and the app it serves over a store (no done epoch yet, so no
// chain read is made: the deployment's rpcUrl points nowhere).
import assert from "node:assert/strict";
import { execFile } from "node:child_process";
import { test } from "node:test";
import { promisify } from "node:util";
import { openStore } from "@poolnet/indexer";
import { InvalidInputError } from "@poolnet/sdk";
import { zeroAddress } from "viem";
import { parseApiArgs } from "./apiConfig.ts";
import { createStoreApi } from "./serve.ts";

const run = promisify(execFile);
const bin = new URL("./bin.ts", import.meta.url).pathname;

test("parses the command line", () => {
  assert.deepEqual(
    parseApiArgs(
      ["--deployment", "net/deployment.json", "--metadata-proxy", "http://a", "--metadata-proxy", "https://b"],
      {},
    ),
    {
      deploymentPath: "net/deployment.json",
      databaseUrl: undefined,
      dataDir: "net/indexer",
      rpcUrl: undefined,
      port: 8787,
      host: "127.0.0.1",
      metadataProxies: ["http://a", "https://b"],
      help: false,
    },
  );
  assert.equal(parseApiArgs(["--deployment", "d"], { DATABASE_URL: "postgres://x/y" }).databaseUrl, "postgres://x/y");
  for (const args of [
    [],
    ["--deployment", "d", "--port", "70000"],
    ["--deployment", "d", "--database-url", "postgres://x", "--data-dir", "x"],
    ["--deployment", "d", "--metadata-proxy", "ftp://x"],
    ["--deployment", "d", "--nope"],
  ]) {
    assert.throws(() => parseApiArgs(args, {}), InvalidInputError, args.join(" "));
  }
});

test("prints help, and one line per error", async () => {
  assert.match((await run(process.execPath, [bin, "--help"])).stdout, /^usage: poolnet-api/);
  await assert.rejects(
    run(process.execPath, [bin, "--deployment", "/no/such/file.json"]),
    (error: { stderr: string }) => {
      assert.equal(error.stderr, "cannot read the deployment file /no/such/file.json: there is no such file\n");
      return true;
    },
  );
});

test("serves the app over a store", async () => {
  const store = await openStore();
  const app = await createStoreApi({
    store,
    deployment: {
      chainId: 31337,
      rpcUrl: "http://127.0.0.1:9",
      token: zeroAddress,
      registry: zeroAddress,
      deployedAtBlock: 0n,
    },
  });
  try {
    const pools = await app.inject({ method: "GET", url: "/pools" });
    assert.equal(pools.statusCode, 200, pools.body);
    assert.equal((pools.json() as { total: number }).total, 0);
    assert.equal((await app.inject({ method: "GET", url: "/epochs" })).statusCode, 200);
    assert.equal((await app.inject({ method: "GET", url: "/metadata/schema.json" })).statusCode, 200);
  } finally {
    await app.close();
    await store.close();
  }
});
