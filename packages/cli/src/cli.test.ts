// Runs the real `poolnet` as a child process: help, economics, and the one-line error contract.
import assert from "node:assert/strict";
import { execFile } from "node:child_process";
import { mkdtemp, rm, writeFile } from "node:fs/promises";
import { createServer } from "node:net";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { fileURLToPath } from "node:url";
import { after, before, describe, test } from "node:test";

const bin = fileURLToPath(new URL("./bin.ts", import.meta.url));
const pool = "0x5FbDB2315678afecb367f032d93F642f64180aa3";
// a dev key, public: never holds anything
const devKey = "0x59c6995e998f97a5a0044966f0945389dc9e86dae88c7a8412f4603b6b78690d";

let workDir = "";
before(async () => {
  workDir = await mkdtemp(join(tmpdir(), "poolnet-cli-"));
});
after(() => rm(workDir, { recursive: true, force: true }));

type Run = { code: number; stdout: string; stderr: string };

/** Runs `poolnet …` in an empty directory with no key and no deployment unless `env` gives them. */
function poolnet(args: string[], env: Record<string, string> = {}): Promise<Run> {
  const base = { ...process.env };
  delete base.POOLNET_PRIVATE_KEY;
  delete base.POOLNET_DEBUG;
  return new Promise((resolve) => {
    execFile(
      process.execPath,
      [bin, ...args],
      { cwd: workDir, env: { ...base, POOLNET_DATA_DIR: join(workDir, "data"), ...env }, timeout: 60_000 },
      (error, stdout, stderr) => {
        const code = error ? (typeof error.code === "number" ? error.code : -1) : 0;
        resolve({ code, stdout, stderr });
      },
    );
  });
}

/** Exit code 1 and exactly one line on stderr, `error: <message>`, with no stack trace. */
function assertOneLineError(run: Run, message: string | RegExp): void {
  assert.equal(run.code, 1, `exit code; stderr: ${run.stderr}`);
  const lines = run.stderr.trimEnd().split("\n");
  assert.equal(lines.length, 1, `one line on stderr, got:\n${run.stderr}`);
  const [line = ""] = lines;
  assert.ok(line.startsWith("error: "), line);
  assert.doesNotMatch(run.stderr, /\n\s+at |Error:/);
  if (typeof message === "string") assert.equal(line, `error: ${message}`);
  else assert.match(line, message);
}

describe("--help", { concurrency: true }, () => {
  const commands: [string[], RegExp][] = [
    [[], /Usage: poolnet \[options\] \[command\][\s\S]*Commands:[\s\S]*economics/],
    [["pool"], /Usage: poolnet pool[\s\S]*register[\s\S]*set-private/],
    [["pool", "register"], /--commission <percent>/],
    [["pool", "list"], /registration order/],
    [["pool", "show"], /<pool>/],
    [["pool", "set-limit"], /<amount>/],
    [["pool", "enable"], /disabled pool/],
    [["pool", "disable"], /Stops the pool/],
    [["pool", "allow"], /<delegator>/],
    [["pool", "disallow"], /<delegator>/],
    [["pool", "set-private"], /<on\|off>/],
    [["delegate"], /Usage: poolnet delegate \[options\] <pool> <amount>[\s\S]*approval/],
    [["undelegate"], /--fee <amount>/],
    [["finalize"], /<id\.\.\.>/],
    [["transfer"], /Usage: poolnet transfer \[options\] <fromPool> <toPool> <amount>[\s\S]*--fee <amount>/],
    [["finalize-transfer"], /Usage: poolnet finalize-transfer \[options\] <id\.\.\.>[\s\S]*lockout/],
    [["rewards"], /\[delegator\]/],
    [["withdraw"], /<pool>/],
    [["redelegate"], /<pool>/],
    [["auto-redelegate"], /Usage: poolnet auto-redelegate[\s\S]*enable[\s\S]*disable[\s\S]*run/],
    [["auto-redelegate", "enable"], /--fee <percent>/],
    [["auto-redelegate", "disable"], /<pool>/],
    [["auto-redelegate", "run"], /<pool> <delegator>/],
    [["commission"], /Usage: poolnet commission[\s\S]*request[\s\S]*finalize/],
    [["commission", "request"], /<pool> <percent>[\s\S]*lockout/],
    [["commission", "finalize"], /<id>/],
    [["owners"], /Usage: poolnet owners[\s\S]*4 ETH buys 0\.1%[\s\S]*show[\s\S]*contribute[\s\S]*add-token/],
    [["owners", "show"], /Usage: poolnet owners show \[options\] \[account\][\s\S]*share sale/],
    [["owners", "contribute"], /<eth>[\s\S]*13\.6 ETH 0\.34%/],
    [["owners", "withdraw"], /\[token\][\s\S]*the stake token[\s\S]*--amount <amount>/],
    [["owners", "transfer-share"], /<to> <share>[\s\S]*12\.5%/],
    [["owners", "distribute"], /\[token\][\s\S]*Anyone may/],
    [["owners", "set-share"], /<owner> <share>[\s\S]*not in addition[\s\S]*Only the contract owner/],
    [["owners", "lock"], /for good[\s\S]*Only the contract owner/],
    [["owners", "add-token"], /<token>[\s\S]*At most 8 tokens/],
    [["economics"], /--requests-per-month <n>[\s\S]*default: 4,000,000/],
    [["status"], /latest block/],
  ];
  for (const [command, expected] of commands) {
    test(`poolnet ${[...command, "--help"].join(" ")}`, async () => {
      const run = await poolnet([...command, "--help"]);
      assert.equal(run.code, 0, run.stderr);
      assert.match(run.stdout, expected);
      assert.match(run.stdout, /--help/);
    });
  }
});

describe("economics", { concurrency: true }, () => {
  test("prints seed 000's Figures 1-4 with the defaults", async () => {
    const run = await poolnet(["economics"]);
    assert.equal(run.code, 0, run.stderr);
    for (const figure of [
      "842",
      "$46.20896",
      "$23.10448",
      "14,000,000",
      "700",
      "$16,173.136",
      "$12,129.852",
      "$4,043.284",
    ]) {
      assert.ok(run.stdout.includes(figure), `${figure} in\n${run.stdout}`);
    }
    assert.match(run.stdout, /requests per node\s+842 /);
    assert.match(run.stdout, /to stakers \(75%\)\s+\$12,129\.852/);
  });

  test("takes every input as an option", async () => {
    const run = await poolnet([
      "economics",
      "--requests-per-month",
      "8,000,000",
      "--staking-limit",
      "10000",
      "--staker-share",
      "0.8",
    ]);
    assert.equal(run.code, 0, run.stderr);
    assert.match(run.stdout, /requests per node\s+1,684 /);
    assert.match(run.stdout, /nodes\s+1,400 /);
    assert.match(run.stdout, /to stakers \(80%\)\s+\$51,754\.0352/);
  });

  test("--json", async () => {
    const run = await poolnet(["economics", "--json"]);
    const economics = JSON.parse(run.stdout);
    assert.equal(economics.serviceProfit, 16_173.136);
    assert.equal(economics.inputs.oracleCount, 19_000);
  });

  test("refuses a bad input in one line naming the flag", async () => {
    assertOneLineError(
      await poolnet(["economics", "--oracles", "many"]),
      "--oracles 'many' is not a number of 0 or more",
    );
    assertOneLineError(
      await poolnet(["economics", "--oracles", "0"]),
      "--oracles must be a whole number of 1 or more, got 0",
    );
  });
});

describe("refusals before any transaction", { concurrency: true }, () => {
  test("a malformed pool address", async () => {
    assertOneLineError(
      await poolnet(["delegate", "0x12", "5"], { POOLNET_PRIVATE_KEY: devKey }),
      "pool '0x12' is not an address: expected 0x followed by 40 hex digits",
    );
  });

  test("a mistyped checksum", async () => {
    const typo = "0x5fbDB2315678afecb367f032d93F642f64180aa3";
    assertOneLineError(
      await poolnet(["pool", "show", typo]),
      `pool '${typo}' has a wrong checksum: check it for a typo, or write it in lower case`,
    );
  });

  test("a malformed amount", async () => {
    assertOneLineError(
      await poolnet(["delegate", pool, "12abc"], { POOLNET_PRIVATE_KEY: devKey }),
      "amount '12abc' is not a number of tokens: write it like 250 or 0.5",
    );
  });

  test("a negative amount", async () => {
    assertOneLineError(
      await poolnet(["undelegate", pool, "-5"], { POOLNET_PRIVATE_KEY: devKey }),
      "amount '-5' is negative: it must be 0 or more",
    );
  });

  test("too many decimals", async () => {
    assertOneLineError(
      await poolnet(["pool", "set-limit", pool, "0.0000000000000000001"]),
      "limit '0.0000000000000000001' has 19 decimals: the token has only 18",
    );
  });

  test("a fee above the amount", async () => {
    assertOneLineError(
      await poolnet(["undelegate", pool, "1", "--fee", "2"], { POOLNET_PRIVATE_KEY: devKey }),
      "--fee 2 is more than the amount undelegated, 1",
    );
  });

  test("a transfer's fee above the amount, to the same pool, and a malformed transfer id", async () => {
    const other = "0xa16E02E87b7454126E5E10d957A927A7F5B5d2be";
    const env = { POOLNET_PRIVATE_KEY: devKey };
    const [fee, same, id] = await Promise.all([
      poolnet(["transfer", pool, other, "1", "--fee", "2"], env),
      poolnet(["transfer", pool, pool.toLowerCase(), "1"], env),
      poolnet(["finalize-transfer", "0x12g"], env),
    ]);
    assertOneLineError(fee, "--fee 2 is more than the amount transferred, 1");
    assertOneLineError(same, `a transfer must go to another pool, not back to ${pool}`);
    assertOneLineError(id, "transfer id '0x12g' is not a number");
  });

  test("an auto-redelegation fee, a commission above 100% and a malformed commission change id", async () => {
    const env = { POOLNET_PRIVATE_KEY: devKey };
    const [fee, rate, id] = await Promise.all([
      poolnet(["auto-redelegate", "enable", pool, "--fee", "lots"], env),
      poolnet(["commission", "request", pool, "101"], env),
      poolnet(["commission", "finalize", "12x"], env),
    ]);
    assertOneLineError(fee, "--fee 'lots' is not a percentage from 0 to 100 with at most 4 decimals");
    assertOneLineError(rate, "commission '101' is above 100%");
    assertOneLineError(id, "commission rate change id '12x' is not a number");
  });

  test("a malformed share or ETH amount for the owners' commands", async () => {
    const env = { POOLNET_PRIVATE_KEY: devKey };
    const [share, above, zero, eth, noEth, amount] = await Promise.all([
      poolnet(["owners", "transfer-share", pool, "12.5.5%"], env),
      poolnet(["owners", "set-share", pool, "101%"], env),
      poolnet(["owners", "transfer-share", pool, "0%"], env),
      poolnet(["owners", "contribute", "four"], env),
      poolnet(["owners", "contribute", "0"], env),
      poolnet(["owners", "withdraw", "--amount", "0"], env),
    ]);
    assertOneLineError(
      share,
      "share '12.5.5%' is not a share: write a percentage like 12.5% or shares as ETH at the sale's valuation " +
        "like 13.6 (= 0.34%)",
    );
    assertOneLineError(above, "share '101%' is above 100% (4,000 ETH at the sale's valuation)");
    assertOneLineError(zero, "share '0%' must be more than 0");
    assertOneLineError(eth, "contribution 'four' is not an amount of ETH: write it like 4 or 13.6");
    assertOneLineError(noEth, "contribution '0' must be more than 0");
    assertOneLineError(amount, "--amount must be more than 0");
  });

  test("a deployment file without PoolOwners, before asking the chain", async () => {
    // the chain named is unreachable: the refusal comes first
    const path = join(workDir, "no-owners.json");
    await writeFile(path, JSON.stringify(deployment(31337, `http://127.0.0.1:${await closedPort()}`)));
    const missing =
      `the deployment file ${path} names no PoolOwners (contracts.poolOwners): add its address there, or start a ` +
      "new local network with `poolnet up --fresh`";
    const [show, contribute] = await Promise.all([
      poolnet(["--deployment", path, "owners", "show"]),
      poolnet(["--deployment", path, "owners", "contribute", "4", "--account", "7"]),
    ]);
    assertOneLineError(show, missing);
    assertOneLineError(contribute, missing);
  });

  test("no key", async () => {
    assertOneLineError(
      await poolnet(["delegate", pool, "5"]),
      "no key to sign with: set POOLNET_PRIVATE_KEY, pass --key-file <path>, or on a local chain --account <index>",
    );
  });

  test("a malformed key, without echoing it", async () => {
    const run = await poolnet(["withdraw", pool], { POOLNET_PRIVATE_KEY: "0xdeadbeef" });
    assertOneLineError(
      run,
      "POOLNET_PRIVATE_KEY does not hold a private key: expected 64 hex digits, with or without 0x",
    );
    assert.doesNotMatch(run.stderr, /deadbeef/);
  });

  test("a missing key file", async () => {
    assertOneLineError(
      await poolnet(["--key-file", join(workDir, "nope.key"), "withdraw", pool]),
      `cannot read the key file ${join(workDir, "nope.key")}: there is no such file`,
    );
  });

  test("no deployment file", async () => {
    assertOneLineError(
      await poolnet(["delegate", pool, "5"], { POOLNET_PRIVATE_KEY: devKey }),
      /^error: no deployment file at .*deployment\.json: start a local network with `npm start`, or pass --deployment <file>$/,
    );
  });

  test("a dev account on a chain that is not local", async () => {
    const path = join(workDir, "mainnet.json");
    await writeFile(path, JSON.stringify(deployment(1, "http://127.0.0.1:1")));
    assertOneLineError(
      await poolnet(["--deployment", path, "delegate", pool, "5", "--account", "3"]),
      /^error: --account names a dev account of a local chain \(id 31337\), but the deployment is on chain 1: /,
    );
  });

  test("an unknown command, and a missing argument", async () => {
    assertOneLineError(await poolnet(["stake"]), /^error: unknown command 'stake'/);
    assertOneLineError(await poolnet(["delegate", pool]), "missing required argument 'amount'");
  });
});

describe("an unreachable chain", { concurrency: true }, () => {
  let url = "";
  let path = "";
  before(async () => {
    url = `http://127.0.0.1:${await closedPort()}`;
    path = join(workDir, "unreachable.json");
    await writeFile(path, JSON.stringify(deployment(31337, url)));
  });

  for (const args of [["status"], ["pool", "list"], ["delegate", pool, "5", "--account", "1"]]) {
    test(`poolnet ${args.join(" ")}`, async () => {
      assertOneLineError(
        await poolnet(["--deployment", path, ...args]),
        `cannot reach the chain at ${url}: is \`npm start\` running?`,
      );
    });
  }

  test("--rpc wins over the deployment's endpoint; status needs no deployment", async () => {
    assertOneLineError(
      await poolnet(["status", "--rpc", url]),
      `cannot reach the chain at ${url}: is \`npm start\` running?`,
    );
  });

  test("POOLNET_DEBUG=1 adds the stack", async () => {
    const run = await poolnet(["--deployment", path, "status"], { POOLNET_DEBUG: "1" });
    assert.equal(run.code, 1);
    assert.match(run.stderr, /^error: cannot reach the chain/);
    assert.match(run.stderr, /\n\s+at /);
  });
});

function deployment(chainId: number, rpcUrl: string) {
  return { chainId, rpcUrl, token: pool, registry: pool, deployedAtBlock: "1" };
}

/** A port nothing listens on: bound, then released. */
async function closedPort(): Promise<number> {
  const server = createServer();
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  const address = server.address();
  await new Promise<void>((resolve) => server.close(() => resolve()));
  if (address === null || typeof address === "string") throw new Error("no port");
  return address.port;
}
