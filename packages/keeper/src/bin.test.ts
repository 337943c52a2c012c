// poolnet-keeper's command line: help, and bad input as one readable line with exit code 2.
import assert from "node:assert/strict";
import { execFile } from "node:child_process";
import { mkdtemp, rm, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { after, before, test } from "node:test";
import { fileURLToPath } from "node:url";

const bin = fileURLToPath(new URL("./bin.ts", import.meta.url));
const KEY = `0x${"11".repeat(32)}`;

function run(args: string[], env: Record<string, string> = {}) {
  return new Promise<{ code: number; stdout: string; stderr: string }>((resolve) => {
    execFile(
      process.execPath,
      [bin, ...args],
      { env: { ...process.env, POOLNET_KEEPER_PRIVATE_KEY: "", ...env }, timeout: 10_000 },
      (error, stdout, stderr) => resolve({ code: typeof error?.code === "number" ? error.code : 0, stdout, stderr }),
    );
  });
}

let dir: string;
let deployment: string;
before(async () => {
  dir = await mkdtemp(join(tmpdir(), "keeper-bin-"));
  deployment = join(dir, "deployment.json");
  await writeFile(
    deployment,
    JSON.stringify({
      chainId: 31337,
      rpcUrl: "http://127.0.0.1:1",
      token: "0x5FbDB2315678afecb367f032d93F642f64180aa3",
      registry: "0xe7f1725E7734CE288F8367e1Bb143E90bb3F0512",
      deployedAtBlock: "1",
    }),
  );
});
after(() => rm(dir, { recursive: true }));

test("--help prints the usage", { timeout: 15_000 }, async () => {
  const { code, stdout } = await run(["--help"]);
  assert.equal(code, 0);
  assert.match(stdout, /^usage: poolnet-keeper --deployment FILE --state FILE/);
});

test("bad input is one readable line and exit code 2", { timeout: 60_000 }, async () => {
  const state = join(dir, "state.jsonl");
  const cases: [string[], Record<string, string>, RegExp][] = [
    [["--bogus"], {}, /^Unknown option '--bogus'.*\(see --help\)$/],
    [["--state", state], {}, /^--deployment FILE is required/],
    [["--deployment", deployment, "--state", state], {}, /^give the keeper's key with --key-file FILE/],
    [
      ["--deployment", deployment, "--state", state],
      { POOLNET_KEEPER_PRIVATE_KEY: "0x12" },
      /does not hold a 0x-prefixed/,
    ],
    [
      ["--deployment", join(dir, "none.json"), "--state", state],
      { POOLNET_KEEPER_PRIVATE_KEY: KEY },
      /there is no such file/,
    ],
    [["--deployment", deployment, "--state", state, "--node", "0xabc"], { POOLNET_KEEPER_PRIVATE_KEY: KEY }, /--node/],
    [
      ["--deployment", deployment, "--state", state, "--interval", "soon"],
      { POOLNET_KEEPER_PRIVATE_KEY: KEY },
      /^--interval must be a number of seconds above 0, got 'soon'$/,
    ],
  ];
  for (const [args, env, message] of cases) {
    const { code, stderr } = await run(args, env);
    assert.equal(code, 2, stderr);
    assert.equal(stderr.trim().split("\n").length, 1, stderr);
    assert.match(stderr.trim(), message);
    assert.doesNotMatch(stderr, new RegExp(KEY.slice(2)));
  }
});
