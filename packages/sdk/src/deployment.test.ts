import assert from "node:assert/strict";
import { mkdtemp, readFile, rm, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { after, describe, test } from "node:test";
import { parseDeployment, readDeployment, writeDeployment, type Deployment } from "./deployment.ts";
import { InvalidInputError } from "./errors.ts";

const valid = {
  chainId: 31337,
  rpcUrl: "http://127.0.0.1:8545",
  token: "0x5fbdb2315678afecb367f032d93f642f64180aa3",
  registry: "0xe7f1725E7734CE288F8367e1Bb143E90bb3F0512",
  deployedAtBlock: "2",
};

describe("parseDeployment", () => {
  test("reads a valid deployment, checksumming addresses", () => {
    assert.deepEqual(parseDeployment(valid), {
      chainId: 31337,
      rpcUrl: "http://127.0.0.1:8545",
      token: "0x5FbDB2315678afecb367f032d93F642f64180aa3",
      registry: "0xe7f1725E7734CE288F8367e1Bb143E90bb3F0512",
      deployedAtBlock: 2n,
    });
  });

  test("takes a numeric block, accounts and contracts", () => {
    const deployment = parseDeployment({
      ...valid,
      deployedAtBlock: 7,
      accounts: { deployer: "0xf39fd6e51aad88f6f4ce6ab8827279cfffb92266" },
      contracts: { poolOwners: valid.token },
      feeds: { "LINK/USD": valid.registry.toLowerCase() },
      somethingElse: true,
    });
    assert.equal(deployment.deployedAtBlock, 7n);
    assert.deepEqual(deployment.accounts, { deployer: "0xf39Fd6e51aad88F6F4ce6aB8827279cffFb92266" });
    assert.deepEqual(deployment.contracts, { poolOwners: "0x5FbDB2315678afecb367f032d93F642f64180aa3" });
    assert.deepEqual(deployment.feeds, { "LINK/USD": "0xe7f1725E7734CE288F8367e1Bb143E90bb3F0512" });
    assert.equal("somethingElse" in deployment, false);
  });

  const broken: [string, unknown, string][] = [
    ["not an object", [], "expected a JSON object"],
    ["no chainId", { ...valid, chainId: undefined }, "chainId must be a positive whole number, got undefined"],
    ["a string chainId", { ...valid, chainId: "31337" }, 'chainId must be a positive whole number, got "31337"'],
    [
      "a bad rpcUrl",
      { ...valid, rpcUrl: "localhost:8545" },
      'rpcUrl must be an http(s) or ws(s) URL, got "localhost:8545"',
    ],
    ["a bad token", { ...valid, token: "0x12" }, 'token must be an address (0x and 40 hex digits), got "0x12"'],
    [
      "no registry",
      { ...valid, registry: undefined },
      "registry must be an address (0x and 40 hex digits), got undefined",
    ],
    ["a negative block", { ...valid, deployedAtBlock: -1 }, "deployedAtBlock must be a block number"],
    ["a hex block", { ...valid, deployedAtBlock: "0x2" }, "deployedAtBlock must be a block number"],
    ["a bad account", { ...valid, accounts: { deployer: 5 } }, "accounts.deployer must be an address"],
    ["accounts as a list", { ...valid, accounts: [] }, "accounts must be an object of names to addresses"],
    ["a bad feed", { ...valid, feeds: { "ETH/USD": "0x1" } }, "feeds.ETH/USD must be an address"],
  ];
  for (const [what, json, problem] of broken) {
    test(`refuses ${what}`, () => {
      assert.throws(
        () => parseDeployment(json, "deployment.json"),
        (error) => {
          assert.ok(error instanceof InvalidInputError);
          assert.ok(error.message.startsWith(`deployment.json is invalid: ${problem}`), error.message);
          return true;
        },
      );
    });
  }
});

describe("readDeployment / writeDeployment", async () => {
  const dir = await mkdtemp(join(tmpdir(), "poolnet-deployment-"));
  after(() => rm(dir, { recursive: true, force: true }));

  test("round-trips through a file, creating its directory", async () => {
    const path = join(dir, "nested", "deployment.json");
    const deployment: Deployment = { ...parseDeployment(valid), deployedAtBlock: 2n ** 70n, accounts: {} };
    await writeDeployment(path, deployment);
    assert.deepEqual(await readDeployment(path), deployment);
    const json = JSON.parse(await readFile(path, "utf8"));
    assert.equal(json.deployedAtBlock, "1180591620717411303424");
  });

  test("a missing file", async () => {
    const path = join(dir, "missing.json");
    await assert.rejects(readDeployment(path), {
      name: "InvalidInputError",
      message: `cannot read the deployment file ${path}: there is no such file`,
    });
  });

  test("a file that is not JSON", async () => {
    const path = join(dir, "garbage.json");
    await writeFile(path, "{ nope");
    await assert.rejects(readDeployment(path), (error: Error) => {
      assert.ok(error instanceof InvalidInputError);
      assert.match(error.message, new RegExp(`^the deployment file ${path} is not valid JSON: `));
      return true;
    });
  });

  test("a file with a broken field names the file", async () => {
    const path = join(dir, "broken.json");
    await writeFile(path, JSON.stringify({ ...valid, registry: "nope" }));
    await assert.rejects(readDeployment(path), {
      message: `${path} is invalid: registry must be an address (0x and 40 hex digits), got "nope"`,
    });
  });
});
