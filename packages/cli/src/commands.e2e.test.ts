// The chain commands end to end: one real `poolnet up`, and the real `poolnet` run as child processes against it,
// checking what a person sees (stdout, the one-line error on stderr, the exit code) and what reaches the chain.
import assert from "node:assert/strict";
import { execFile, spawn, type ChildProcess } from "node:child_process";
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { after, before, describe, it } from "node:test";
import { fileURLToPath } from "node:url";
import { DEV_MNEMONIC, formatTokenAmount, poolRegistryAbi, stakingTokenAbi, type Deployment } from "@poolnet/sdk";
import { createPublicClient, createWalletClient, http, parseEther, type Address, type PublicClient } from "viem";
import { mnemonicToAccount } from "viem/accounts";
import { hardhat } from "viem/chains";

const cliDir = fileURLToPath(new URL("..", import.meta.url));
const bin = join(cliDir, "src", "bin.ts");
const devAddress = (index: number): Address => mnemonicToAccount(DEV_MNEMONIC, { addressIndex: index }).address;

// the demo network's accounts (src/up/demo.ts): #0 owns the registry and PoolOwners and is granted 50% of PoolOwners,
// #1 25% and is its sale's wallet, #7 and #8 contributed 40 and 13.6 ETH, #2 operates Atlas, #11 and #12 hold 100,000
// tokens and nothing else
const DEPLOYER = 0;
const CREATOR = 1;
const CONTRIBUTOR = 7;
const SMALL_CONTRIBUTOR = 8;
const ATLAS_OPERATOR = 2;
const EMBER_OPERATOR = 6;
const DELEGATOR = 11;
const STRANGER = 12;

type Run = { code: number; stdout: string; stderr: string };

/** Exit code 1 and exactly one line on stderr, `error: <message>`, with no stack trace. */
function assertOneLineError(run: Run, message: string | RegExp): void {
  assert.equal(run.code, 1, `exit code; stdout: ${run.stdout} stderr: ${run.stderr}`);
  const lines = run.stderr.trimEnd().split("\n");
  assert.equal(lines.length, 1, `one line on stderr, got:\n${run.stderr}`);
  const [line = ""] = lines;
  assert.ok(line.startsWith("error: "), line);
  assert.ok(!run.stderr.split("\n").some((text) => text.startsWith("    at ")), `a stack trace:\n${run.stderr}`);
  if (typeof message === "string") assert.equal(line, `error: ${message}`);
  else assert.match(line, message);
}

function assertSuccess(run: Run): void {
  assert.equal(run.code, 0, `exit code; stderr: ${run.stderr}`);
  assert.equal(run.stderr, "");
}

/** Runs at most `limit` of the runs at once (each is a Node process; the machine may have few cores). */
async function inBatches<T>(tasks: readonly (() => Promise<T>)[], limit = 3): Promise<T[]> {
  const results: T[] = new Array<T>(tasks.length);
  let next = 0;
  const worker = async () => {
    while (next < tasks.length) {
      const index = next++;
      results[index] = await tasks[index]!();
    }
  };
  await Promise.all(Array.from({ length: Math.min(limit, tasks.length) }, worker));
  return results;
}

describe("poolnet commands against a running `poolnet up`", { timeout: 180_000 }, () => {
  let root = "";
  let up: ChildProcess | undefined;
  let upExited: Promise<number | null> = Promise.resolve(null);
  let upOutput = "";
  let deploymentFile = "";
  let deployment: Deployment;
  let client: PublicClient;
  let rpcUrl = "";
  let pools: { atlas: Address; borealis: Address; cypress: Address; drift: Address; ember: Address };

  /** `poolnet --deployment <file> [--account N] …`, in an empty directory, with no key from the environment. */
  function poolnet(args: string[], account?: number): Promise<Run> {
    const env = { ...process.env };
    delete env.POOLNET_PRIVATE_KEY;
    delete env.POOLNET_DEBUG;
    delete env.POOLNET_DATA_DIR;
    const accountArgs = account === undefined ? [] : ["--account", String(account)];
    return new Promise((resolve) => {
      execFile(
        process.execPath,
        [bin, "--deployment", deploymentFile, ...accountArgs, ...args],
        { cwd: root, env, timeout: 60_000 },
        (error, stdout, stderr) => {
          const code = error ? (typeof error.code === "number" ? error.code : -1) : 0;
          resolve({ code, stdout, stderr });
        },
      );
    });
  }

  const blockNumber = () => client.getBlockNumber({ cacheTime: 0 });
  const balanceOf = (owner: Address) =>
    client.readContract({ address: deployment.token, abi: stakingTokenAbi, functionName: "balanceOf", args: [owner] });
  const json = <T>(run: Run): T => {
    assertSuccess(run);
    return JSON.parse(run.stdout) as T;
  };
  type RewardsJson = { pool: Address; delegator: Address; rewards: string; stake: string };

  /** Runs the refusals, checks each, and checks the chain did not move: nothing was sent. */
  async function assertRefusedBeforeSending(cases: readonly [() => Promise<Run>, string | RegExp][]): Promise<void> {
    const before = await blockNumber();
    const runs = await inBatches(cases.map(([run]) => run));
    runs.forEach((run, index) => assertOneLineError(run, cases[index]![1]));
    assert.equal(await blockNumber(), before, "no transaction was sent");
  }

  before(async () => {
    root = mkdtempSync(join(tmpdir(), "poolnet-commands-"));
    const dataDir = join(root, "data");
    deploymentFile = join(dataDir, "deployment.json");
    const env = { ...process.env };
    delete env.POOLNET_DATA_DIR;
    // no demo rewards: the chain moves only when a test sends something
    const child = spawn(
      process.execPath,
      [bin, "up", "--port", "0", "--data-dir", dataDir, "--reward-interval", "0", "--no-services"],
      {
        cwd: root,
        env,
        stdio: ["ignore", "pipe", "pipe"],
      },
    );
    up = child;
    upExited = new Promise((resolve) => child.on("exit", (code) => resolve(code)));
    rpcUrl = await new Promise<string>((resolve, reject) => {
      const timer = setTimeout(() => reject(new Error(`poolnet up was not ready in 60 s:\n${upOutput}`)), 60_000);
      const collect = (chunk: Buffer) => {
        upOutput += chunk.toString("utf8");
        const match = /poolnet is up at (http:\/\/\S+) \(ready in/.exec(upOutput);
        if (match) {
          clearTimeout(timer);
          resolve(match[1]!);
        }
      };
      child.stdout.on("data", collect);
      child.stderr.on("data", collect);
      child.once("exit", (code) => {
        clearTimeout(timer);
        reject(new Error(`poolnet up exited (${code}) before it was ready:\n${upOutput}`));
      });
    });
    deployment = JSON.parse(readFileSync(deploymentFile, "utf8")) as Deployment;
    client = createPublicClient({ chain: hardhat, transport: http(rpcUrl), pollingInterval: 50 }) as PublicClient;
    // the demo pools in registration order, as `poolnet up` printed them
    const names = ["Atlas", "Borealis", "Cypress", "Drift", "Ember"];
    const addresses = names.map((name) => {
      const match = new RegExp(`pool ${name} (0x[0-9a-fA-F]{40}):`).exec(upOutput);
      assert.ok(match, `pool ${name} in the output of poolnet up:\n${upOutput}`);
      return match[1] as Address;
    });
    const [atlas, borealis, cypress, drift, ember] = addresses as [Address, Address, Address, Address, Address];
    pools = { atlas, borealis, cypress, drift, ember };
  });

  after(async () => {
    if (up && up.exitCode === null) {
      up.kill("SIGINT");
      const code = await upExited;
      assert.equal(code, 0, `poolnet up stopped with ${code}:\n${upOutput}`);
      assert.match(upOutput, /poolnet stopped: \d+ blocks journaled/);
    }
    if (root) rmSync(root, { recursive: true, force: true });
  });

  it("status shows the local chain and the pool count", async () => {
    const [text, machine] = await inBatches([() => poolnet(["status"]), () => poolnet(["status", "--json"])]);
    assertSuccess(text!);
    assert.match(text!.stdout, /^chain id +31337$/m);
    assert.match(text!.stdout, /^pools +5$/m);
    assert.match(text!.stdout, new RegExp(`^registry +${deployment.registry}$`, "m"));
    assert.match(text!.stdout, new RegExp(`^rpc +${rpcUrl}$`, "m"));
    assert.match(text!.stdout, new RegExp(`^pool owners +${deployment.contracts!.poolOwners}$`, "m"));
    const status = json<{ chainId: number; poolCount: number; block: string; registry: string }>(machine!);
    assert.equal(status.chainId, 31337);
    assert.equal(status.poolCount, 5);
    assert.equal(status.registry, deployment.registry);
    assert.equal(BigInt(status.block), await blockNumber());
  });

  it("pool list lists the demo pools, as a table and as JSON", async () => {
    const [text, machine] = await inBatches([
      () => poolnet(["pool", "list"]),
      () => poolnet(["pool", "list", "--json"]),
    ]);
    assertSuccess(text!);
    const lines = text!.stdout.trimEnd().split("\n");
    assert.match(lines[0]!, /^POOL +STATE +COMMISSION +STAKE +LIMIT +PRIVATE +OPERATOR$/);
    assert.equal(lines.length, 6);
    assert.match(lines[1]!, new RegExp(`^${pools.atlas} +active +5% +400,000 +2,000,000 +no +${devAddress(2)}$`));
    assert.match(lines[2]!, new RegExp(`^${pools.borealis} +active +10% +470,000 +500,000 +no `));
    assert.match(lines[3]!, new RegExp(`^${pools.cypress} +active +2% +85,000 +1,000,000 +yes `));
    assert.match(lines[4]!, new RegExp(`^${pools.drift} +broken +15% +500 +300,000 +no `));

    type Row = {
      pool: string;
      operator: string;
      state: string;
      commissionRate: number;
      totalStake: string;
      stakingLimit: string;
      isPrivate: boolean;
      selfStake: string;
      index: number;
    };
    const rows = json<Row[]>(machine!);
    assert.deepEqual(
      rows.map((row) => row.pool),
      Object.values(pools),
    );
    assert.deepEqual(
      rows.map((row) => [row.state, row.isPrivate]),
      [
        ["active", false],
        ["active", false],
        ["active", true],
        ["broken", false],
        ["active", false],
      ],
    );
    for (const row of rows) {
      assert.deepEqual(Object.keys(row).sort(), [
        "commissionRate",
        "index",
        "isPrivate",
        "metaDataContentHash",
        "metaDataUrl",
        "operator",
        "pendingStake",
        "pool",
        "selfStake",
        "selfStakeSatisfied",
        "signingAddress",
        "stakingLimit",
        "state",
        "totalStake",
      ]);
    }
    const { operator, commissionRate, totalStake, stakingLimit, selfStake, index } = rows[0]!;
    assert.deepEqual(
      { operator, commissionRate, totalStake, stakingLimit, selfStake, index },
      {
        operator: devAddress(ATLAS_OPERATOR),
        commissionRate: 50_000,
        totalStake: parseEther("400000").toString(),
        stakingLimit: parseEther("2000000").toString(),
        selfStake: parseEther("50000").toString(),
        index: 0,
      },
    );
  });

  it("pool show shows a broken pool and a private one", async () => {
    const [drift, cypress, cypressJson] = await inBatches([
      () => poolnet(["pool", "show", pools.drift]),
      () => poolnet(["pool", "show", pools.cypress.toLowerCase()]),
      () => poolnet(["pool", "show", pools.cypress, "--json"]),
    ]);
    assertSuccess(drift!);
    assert.match(drift!.stdout, new RegExp(`^pool +${pools.drift}$`, "m"));
    assert.match(drift!.stdout, /^state +broken$/m);
    assert.match(drift!.stdout, /^operator self-stake +500 \(below the minimum\)$/m);
    assert.match(drift!.stdout, /^staking limit +300,000$/m);
    assertSuccess(cypress!);
    assert.match(cypress!.stdout, new RegExp(`^pool +${pools.cypress}$`, "m"), "the address is checksummed");
    assert.match(cypress!.stdout, /^state +active$/m);
    assert.match(cypress!.stdout, /^private +yes$/m);
    assert.match(cypress!.stdout, /^total stake +85,000$/m);
    const info = json<{ state: string; isPrivate: boolean; totalStake: string }>(cypressJson!);
    assert.deepEqual([info.state, info.isPrivate, info.totalStake], ["active", true, parseEther("85000").toString()]);
  });

  it("a delegator delegates to a public pool", async () => {
    const delegation = await poolnet(["delegate", pools.atlas, "1,000"], DELEGATOR);
    assertSuccess(delegation);
    assert.match(
      delegation.stdout,
      new RegExp(
        `^approved the registry to take 1,000\ndelegated 1,000 to pool ${pools.atlas}\ntransaction 0x[0-9a-f]{64}\n$`,
      ),
    );
    const [text, machine] = await inBatches([
      () => poolnet(["rewards", pools.atlas], DELEGATOR),
      () => poolnet(["rewards", pools.atlas, devAddress(DELEGATOR), "--json"]),
    ]);
    assertSuccess(text!);
    assert.match(text!.stdout, new RegExp(`^delegator +${devAddress(DELEGATOR)}$`, "m"));
    assert.match(text!.stdout, /^stake +1,000$/m);
    assert.match(text!.stdout, /^rewards +0$/m);
    assert.deepEqual(json<RewardsJson>(machine!), {
      pool: pools.atlas,
      delegator: devAddress(DELEGATOR),
      rewards: "0",
      stake: parseEther("1000").toString(),
    });
  });

  it("refuses, in one line and before sending anything, what the chain or the input would refuse", async () => {
    const allowanceBefore = await client.readContract({
      address: deployment.token,
      abi: stakingTokenAbi,
      functionName: "allowance",
      args: [devAddress(STRANGER), deployment.registry],
    });
    const delegator = devAddress(DELEGATOR);
    const stranger = devAddress(STRANGER);
    await assertRefusedBeforeSending([
      [
        () => poolnet(["delegate", pools.borealis, "40000"], STRANGER),
        `pool ${pools.borealis} is full: 470,000 of 500,000 staked or on its way in, cannot add 40,000`,
      ],
      [
        () => poolnet(["delegate", pools.drift, "10"], STRANGER),
        `pool ${pools.drift} is broken: its operator's self-stake is 500 of the 1,000 required, so it takes no ` +
          "delegations from others",
      ],
      [
        () => poolnet(["delegate", pools.cypress, "10"], STRANGER),
        `pool ${pools.cypress} is private and ${stranger} is not on its allow-list`,
      ],
      [() => poolnet(["delegate", pools.ember, "200000"], STRANGER), `${stranger} holds 100,000 tokens, needs 200,000`],
      [
        () => poolnet(["undelegate", pools.atlas, "1000.5"], DELEGATOR),
        `${delegator} has 1,000 staked in pool ${pools.atlas}, cannot take 1,000.5 out of it`,
      ],
      [
        () => poolnet(["withdraw", pools.atlas], STRANGER),
        `${stranger} has nothing to withdraw from pool ${pools.atlas}`,
      ],
      [
        () => poolnet(["pool", "set-limit", pools.atlas, "3000000"], DELEGATOR),
        `${delegator} is not the operator of pool ${pools.atlas}`,
      ],
      [() => poolnet(["delegate", deployment.token, "10"], DELEGATOR), `there is no pool at ${deployment.token}`],
      [() => poolnet(["pool", "show", deployment.registry]), `there is no pool at ${deployment.registry}`],
      [
        () => poolnet(["delegate", pools.atlas, "12.3.4"], DELEGATOR),
        "amount '12.3.4' is not a number of tokens: write it like 250 or 0.5",
      ],
      [() => poolnet(["delegate", pools.atlas, "-5"], DELEGATOR), "amount '-5' is negative: it must be 0 or more"],
      [() => poolnet(["delegate", pools.atlas, "0"], DELEGATOR), "amount '0' must be more than 0"],
      [
        () => poolnet(["delegate", "0x12345", "5"], DELEGATOR),
        "pool '0x12345' is not an address: expected 0x followed by 40 hex digits",
      ],
      [
        () => poolnet(["rewards", pools.atlas, "alice"]),
        "delegator 'alice' is not an address: expected 0x followed by 40 hex digits",
      ],
    ]);
    // a delegation the pool refuses leaves no approval behind either
    const allowanceAfter = await client.readContract({
      address: deployment.token,
      abi: stakingTokenAbi,
      functionName: "allowance",
      args: [stranger, deployment.registry],
    });
    assert.equal(allowanceAfter, allowanceBefore);
  });

  it("the operator sets the limit, disables the pool (delegating is refused) and enables it again", async () => {
    const limit = await poolnet(["pool", "set-limit", pools.atlas, "2,500,000"], ATLAS_OPERATOR);
    assertSuccess(limit);
    assert.match(limit.stdout, new RegExp(`^pool ${pools.atlas} now takes at most 2,500,000\ntransaction 0x`));
    const disable = await poolnet(["pool", "disable", pools.atlas], ATLAS_OPERATOR);
    assertSuccess(disable);
    assert.match(disable.stdout, new RegExp(`^pool ${pools.atlas} is disabled\n`));
    await assertRefusedBeforeSending([
      [
        () => poolnet(["delegate", pools.atlas, "10"], STRANGER),
        `pool ${pools.atlas} is disabled: it takes no delegations`,
      ],
    ]);
    const [shown] = await inBatches([() => poolnet(["pool", "show", pools.atlas])]);
    assert.match(shown!.stdout, /^state +disabled$/m);
    const enable = await poolnet(["pool", "enable", pools.atlas], ATLAS_OPERATOR);
    assertSuccess(enable);
    assert.match(enable.stdout, new RegExp(`^pool ${pools.atlas} is enabled\n`));
    const info = json<{ state: string; stakingLimit: string }>(await poolnet(["pool", "show", pools.atlas, "--json"]));
    assert.deepEqual([info.state, info.stakingLimit], ["active", parseEther("2500000").toString()]);
  });

  it("undelegate prints the id; finalize waits for the thaw, then pays the tokens", async () => {
    const delegator = devAddress(DELEGATOR);
    const undelegation = await poolnet(["undelegate", pools.atlas, "400", "--fee", "1"], DELEGATOR);
    assertSuccess(undelegation);
    const match = new RegExp(
      `^undelegated 400 from pool ${pools.atlas}: undelegation (\\d+) can be finalized from ` +
        `(\\d{4}-\\d\\d-\\d\\d \\d\\d:\\d\\d:\\d\\dZ)\ntransaction 0x[0-9a-f]{64}\n$`,
    ).exec(undelegation.stdout);
    assert.ok(match, undelegation.stdout);
    const [, id, releaseAt] = match as unknown as [string, string, string];

    await assertRefusedBeforeSending([
      [
        () => poolnet(["finalize", id], STRANGER),
        `undelegation ${id} is still thawing: it can be finalized from ${releaseAt}`,
      ],
      [() => poolnet(["finalize", "12abc"], STRANGER), "undelegation id '12abc' is not a number"],
    ]);

    // the thawing period (10 minutes) passes on the chain's clock
    await client.request({ method: "evm_increaseTime", params: [601] } as never);
    await client.request({ method: "evm_mine", params: [] } as never);
    const [delegatorBefore, keeperBefore] = await Promise.all([balanceOf(delegator), balanceOf(devAddress(STRANGER))]);
    const finalized = await poolnet(["finalize", id], STRANGER);
    assertSuccess(finalized);
    assert.match(
      finalized.stdout,
      new RegExp(`^finalized undelegation ${id}: 399 to ${delegator}, a fee of 1 to you\ntransaction 0x`),
    );
    assert.equal((await balanceOf(delegator)) - delegatorBefore, parseEther("399"));
    assert.equal((await balanceOf(devAddress(STRANGER))) - keeperBefore, parseEther("1"));
    const [again, stake] = await inBatches([
      () => poolnet(["finalize", id], STRANGER),
      () => poolnet(["rewards", pools.atlas, delegator, "--json"]),
    ]);
    assertOneLineError(again!, `there is no pending undelegation with id ${id}`);
    assert.equal(json<RewardsJson>(stake!).stake, parseEther("600").toString());
  });

  it("rewards sent to a pool's vault show up and are withdrawn", async () => {
    const delegator = devAddress(DELEGATOR);
    const treasury = createWalletClient({
      chain: hardhat,
      transport: http(rpcUrl),
      account: mnemonicToAccount(DEV_MNEMONIC, { addressIndex: DEPLOYER }),
    });
    const hash = await treasury.writeContract({
      address: deployment.token,
      abi: stakingTokenAbi,
      functionName: "transfer",
      args: [pools.atlas, parseEther("100000")],
    });
    assert.equal((await client.waitForTransactionReceipt({ hash })).status, "success");

    const [text, machine] = await inBatches([
      () => poolnet(["rewards", pools.atlas], DELEGATOR),
      () => poolnet(["rewards", pools.atlas, delegator, "--json"]),
    ]);
    const rewards = BigInt(json<RewardsJson>(machine!).rewards);
    assert.ok(rewards > 0n, "rewards are owed");
    assertSuccess(text!);
    assert.match(text!.stdout, new RegExp(`^rewards +${formatTokenAmount(rewards).replaceAll(".", "\\.")}$`, "m"));

    const balanceBefore = await balanceOf(delegator);
    const withdrawal = await poolnet(["withdraw", pools.atlas], DELEGATOR);
    assertSuccess(withdrawal);
    assert.match(
      withdrawal.stdout,
      new RegExp(
        `^withdrew ${formatTokenAmount(rewards).replaceAll(".", "\\.")} of rewards from pool ${pools.atlas}\n`,
      ),
    );
    assert.equal((await balanceOf(delegator)) - balanceBefore, rewards);
    await assertRefusedBeforeSending([
      [
        () => poolnet(["withdraw", pools.atlas], DELEGATOR),
        `${delegator} has nothing to withdraw from pool ${pools.atlas}`,
      ],
    ]);
  });

  it("finalize with several ids pays the due ones in one transaction and lists the others", async () => {
    const undelegateId = async (amount: string) => {
      const run = await poolnet(["undelegate", pools.atlas, amount], DELEGATOR);
      assertSuccess(run);
      return /undelegation (\d+) can be finalized/.exec(run.stdout)![1]!;
    };
    const first = await undelegateId("100");
    const second = await undelegateId("50");
    await client.request({ method: "evm_increaseTime", params: [601] } as never);
    await client.request({ method: "evm_mine", params: [] } as never);
    const notDue = await undelegateId("10");
    const delegator = devAddress(DELEGATOR);
    const before = await balanceOf(delegator);
    const blockBefore = await blockNumber();
    const batch = await poolnet(["finalize", first, notDue, second], STRANGER);
    assertSuccess(batch);
    assert.equal(await blockNumber(), blockBefore + 1n, "one transaction");
    assert.match(
      batch.stdout,
      new RegExp(
        `^finalized undelegation ${first}: 100 to ${delegator}\n` +
          `finalized undelegation ${second}: 50 to ${delegator}\n` +
          `skipped \\(not due, unknown or already finalized\\): ${notDue}\ntransaction 0x[0-9a-f]{64}\n$`,
      ),
    );
    assert.equal((await balanceOf(delegator)) - before, parseEther("150"));
  });

  it("the operator points a pool at new metadata and retires it: it stays listed and takes no more stake", async () => {
    const hash = `0x${"ab".repeat(32)}`;
    const metadata = await poolnet(
      ["pool", "metadata", pools.ember, "ipfs://ember-v2", "--metadata-hash", hash],
      EMBER_OPERATOR,
    );
    assertSuccess(metadata);
    assert.match(metadata.stdout, new RegExp(`^pool ${pools.ember} now points at ipfs://ember-v2\n`));
    const retire = await poolnet(["pool", "retire", pools.ember], EMBER_OPERATOR);
    assertSuccess(retire);
    assert.match(retire.stdout, new RegExp(`^pool ${pools.ember} is retired\n`));

    const info = json<{ state: string; metaDataUrl: string; metaDataContentHash: string }>(
      await poolnet(["pool", "show", pools.ember, "--json"]),
    );
    assert.deepEqual([info.state, info.metaDataUrl, info.metaDataContentHash], ["retired", "ipfs://ember-v2", hash]);
    const listed = json<{ pool: Address; state: string }[]>(await poolnet(["pool", "list", "--json"]));
    assert.equal(listed.find((row) => row.pool === pools.ember)?.state, "retired");

    const retired = `pool ${pools.ember} is retired: it takes no delegations and cannot be enabled again (stake in it can leave)`;
    await assertRefusedBeforeSending([
      [() => poolnet(["delegate", pools.ember, "10"], STRANGER), retired],
      [() => poolnet(["pool", "enable", pools.ember], EMBER_OPERATOR), retired],
      [() => poolnet(["pool", "retire", pools.ember], EMBER_OPERATOR), retired],
      [
        () => poolnet(["pool", "metadata", pools.ember, "ipfs://evil"], STRANGER),
        new RegExp(`^error: .*${devAddress(STRANGER)}.* not the operator of pool ${pools.ember}`),
      ],
    ]);
  });

  it("transfer moves stake to another pool: pending during the lockout, then landed by anyone, fee to them", async () => {
    const delegator = devAddress(DELEGATOR);
    const transfer = await poolnet(["transfer", pools.atlas, pools.borealis, "100", "--fee", "1"], DELEGATOR);
    assertSuccess(transfer);
    const match = new RegExp(
      `^transferred 100 from pool ${pools.atlas} to pool ${pools.borealis}: transfer (\\d+) can be finalized ` +
        `from (\\d{4}-\\d\\d-\\d\\d \\d\\d:\\d\\d:\\d\\dZ)\ntransaction 0x[0-9a-f]{64}\n$`,
    ).exec(transfer.stdout);
    assert.ok(match, transfer.stdout);
    const [, id, releaseAt] = match as unknown as [string, string, string];

    const [shown, shownJson] = await inBatches([
      () => poolnet(["pool", "show", pools.borealis]),
      () => poolnet(["pool", "show", pools.borealis, "--json"]),
    ]);
    assertSuccess(shown!);
    assert.match(shown!.stdout, /^total stake +470,000$/m);
    assert.match(shown!.stdout, /^on its way in +99$/m);
    assert.equal(json<{ pendingStake: string }>(shownJson!).pendingStake, parseEther("99").toString());
    await assertRefusedBeforeSending([
      [
        () => poolnet(["finalize-transfer", id], STRANGER),
        `transfer ${id} is still locked: it can be finalized from ${releaseAt}`,
      ],
    ]);

    // the transfer lockout (2 minutes) passes on the chain's clock
    await client.request({ method: "evm_increaseTime", params: [121] } as never);
    await client.request({ method: "evm_mine", params: [] } as never);
    const keeperBefore = await balanceOf(devAddress(STRANGER));
    const landed = await poolnet(["finalize-transfer", id], STRANGER);
    assertSuccess(landed);
    assert.match(
      landed.stdout,
      new RegExp(
        `^finalized transfer ${id}: 99 joined the stake of ${delegator} in pool ${pools.borealis}, a fee of 1 ` +
          "to you\ntransaction 0x",
      ),
    );
    assert.equal((await balanceOf(devAddress(STRANGER))) - keeperBefore, parseEther("1"));
    const [again, stake, total] = await inBatches([
      () => poolnet(["finalize-transfer", id], STRANGER),
      () => poolnet(["rewards", pools.borealis, delegator, "--json"]),
      () => poolnet(["pool", "show", pools.borealis, "--json"]),
    ]);
    assertOneLineError(again!, `there is no pending transfer with id ${id}`);
    assert.equal(json<RewardsJson>(stake!).stake, parseEther("99").toString());
    const info = json<{ totalStake: string; pendingStake: string }>(total!);
    assert.deepEqual([info.totalStake, info.pendingStake], [parseEther("470099").toString(), "0"]);
  });

  it("refuses, in one line and before sending, a transfer the registry would refuse", async () => {
    const operator = devAddress(ATLAS_OPERATOR);
    const delegator = devAddress(DELEGATOR);
    const stranger = devAddress(STRANGER);
    await assertRefusedBeforeSending([
      [
        () => poolnet(["transfer", pools.atlas, pools.borealis, "10"], ATLAS_OPERATOR),
        `${operator} operates pool ${pools.atlas}: an operator's self-stake cannot be transferred, only undelegated`,
      ],
      [
        () => poolnet(["transfer", pools.atlas, pools.drift, "10"], DELEGATOR),
        `pool ${pools.drift} is broken: its operator's self-stake is 500 of the 1,000 required, so it takes no ` +
          "delegations from others",
      ],
      [
        () => poolnet(["transfer", pools.atlas, pools.cypress, "10"], DELEGATOR),
        `pool ${pools.cypress} is private and ${delegator} is not on its allow-list`,
      ],
      [
        () => poolnet(["transfer", pools.atlas, pools.ember, "10"], DELEGATOR),
        `pool ${pools.ember} is retired: it takes no delegations and cannot be enabled again (stake in it can leave)`,
      ],
      [
        () => poolnet(["transfer", pools.atlas, pools.borealis, "40000"], 7),
        `pool ${pools.borealis} is full: 470,099 of 500,000 staked or on its way in, cannot add 40,000`,
      ],
      [
        () => poolnet(["transfer", pools.atlas, pools.borealis, "5"], STRANGER),
        `${stranger} has 0 staked in pool ${pools.atlas}, cannot take 5 out of it`,
      ],
      [
        () => poolnet(["transfer", pools.atlas, pools.atlas, "5"], DELEGATOR),
        `a transfer must go to another pool, not back to ${pools.atlas}`,
      ],
    ]);
  });

  it("finalize-transfer with several ids lands the due ones in one transaction and lists the others", async () => {
    const transferId = async (amount: string) => {
      const run = await poolnet(["transfer", pools.atlas, pools.borealis, amount], 7);
      assertSuccess(run);
      return /transfer (\d+) can be finalized/.exec(run.stdout)![1]!;
    };
    const first = await transferId("100");
    const second = await transferId("50");
    await client.request({ method: "evm_increaseTime", params: [121] } as never);
    await client.request({ method: "evm_mine", params: [] } as never);
    const notDue = await transferId("10");
    const delegator = devAddress(7);
    const blockBefore = await blockNumber();
    const batch = await poolnet(["finalize-transfer", first, notDue, second], STRANGER);
    assertSuccess(batch);
    assert.equal(await blockNumber(), blockBefore + 1n, "one transaction");
    assert.match(
      batch.stdout,
      new RegExp(
        `^finalized transfer ${first}: 100 joined the stake of ${delegator} in pool ${pools.borealis}\n` +
          `finalized transfer ${second}: 50 joined the stake of ${delegator} in pool ${pools.borealis}\n` +
          `skipped \\(not due, unknown or already finalized\\): ${notDue}\ntransaction 0x[0-9a-f]{64}\n$`,
      ),
    );
  });

  describe("owners", () => {
    type OwnerJson = { owner: Address; share: string; granted: string; contributed: string };
    type OwnersJson = {
      locked: boolean;
      totalContributed: string;
      unallocated: string;
      tokens: { token: Address; distributed: string; accounted: string; undistributed: string }[];
      account: (OwnerJson & { withdrawable: { token: Address; amount: string }[] }) | null;
    };
    const escaped = (text: string) => text.replaceAll(".", "\\.");
    const poolOwners = () => deployment.contracts!.poolOwners!;
    const stakeToken = () => `the stake token ${deployment.token}`;
    const ownerJson = async (index: number) =>
      json<OwnersJson>(await poolnet(["owners", "show", devAddress(index), "--json"])).account!;

    it("show shows the share sale, the creators' shares and an owner's holdings", async () => {
      const [text, contributor, machine] = await inBatches([
        () => poolnet(["owners", "show"]),
        () => poolnet(["owners", "show"], SMALL_CONTRIBUTOR),
        () => poolnet(["owners", "show", devAddress(CONTRIBUTOR), "--json"]),
      ]);
      assertSuccess(text!);
      for (const line of [
        `pool owners +${poolOwners()}`,
        `contract owner +${devAddress(DEPLOYER)}`,
        `sale wallet +${devAddress(CREATOR)}`,
        "share sale +open: 53\\.6 of 1,000 ETH sold \\(1\\.34%\\), at least 4 ETH a contribution",
        "creators' shares +75% of 75% granted",
        "unallocated +23\\.66% \\(the contract owner's when the shares are locked\\)",
        `token +${stakeToken()}: 0 distributed so far, 0 arrived and not distributed yet`,
      ]) {
        assert.match(text!.stdout, new RegExp(`^${line}$`, "m"));
      }
      assert.doesNotMatch(text!.stdout, /^account/m, "no account without a key or an address");
      assertSuccess(contributor!);
      assert.match(contributor!.stdout, new RegExp(`^account +${devAddress(SMALL_CONTRIBUTOR)}$`, "m"));
      assert.match(contributor!.stdout, /^share +0\.34%$/m);
      assert.match(contributor!.stdout, /^contributed +13\.6 ETH$/m);
      assert.match(contributor!.stdout, new RegExp(`^withdrawable +0 of ${stakeToken()}$`, "m"));
      const shown = json<OwnersJson>(machine!);
      assert.deepEqual(shown.account, {
        owner: devAddress(CONTRIBUTOR),
        share: parseEther("40").toString(),
        granted: "0",
        contributed: parseEther("40").toString(),
        withdrawable: [{ token: deployment.token, amount: "0" }],
      });
      assert.equal(shown.totalContributed, parseEther("53.6").toString());
      const creator = await ownerJson(CREATOR);
      assert.deepEqual(
        [creator.share, creator.granted],
        [parseEther("1000").toString(), parseEther("1000").toString()],
      );
    });

    it("contribute buys shares and pays the sale's wallet; what the contract would refuse is refused before sending", async () => {
      const walletBefore = await client.getBalance({ address: devAddress(CREATOR) });
      const bought = await poolnet(["owners", "contribute", "4"], DELEGATOR);
      assertSuccess(bought);
      assert.match(bought.stdout, /^bought 0\.1% of the shares for 4 ETH\ntransaction 0x[0-9a-f]{64}\n$/);
      assert.equal((await client.getBalance({ address: devAddress(CREATOR) })) - walletBefore, parseEther("4"));
      assert.equal((await ownerJson(DELEGATOR)).share, parseEther("4").toString());

      const stranger = devAddress(STRANGER);
      await assertRefusedBeforeSending([
        [() => poolnet(["owners", "contribute", "3"], STRANGER), "a contribution of 3 ETH is below the minimum, 4 ETH"],
        [
          () => poolnet(["owners", "contribute", "1000"], STRANGER),
          "a contribution of 1,000 ETH would pass the share sale's hard cap: 942.4 ETH is left",
        ],
        [
          () => poolnet(["owners", "set-share", stranger, "1%"], STRANGER),
          `${stranger} is not the owner of the contract`,
        ],
        [
          () => poolnet(["owners", "set-share", stranger, "1%"], DEPLOYER),
          `${stranger} can be granted at most 0% of the shares out of the creators' part, not 1%`,
        ],
        [
          () => poolnet(["owners", "add-token", deployment.token], STRANGER),
          `${stranger} is not the owner of the contract`,
        ],
        [
          () => poolnet(["owners", "add-token", deployment.token], DEPLOYER),
          `token ${deployment.token} is already listed for distribution among the owners`,
        ],
        [() => poolnet(["owners", "lock"], STRANGER), `${stranger} is not the owner of the contract`],
        [
          () => poolnet(["owners", "transfer-share", stranger, "1%"], DELEGATOR),
          `${devAddress(DELEGATOR)} holds 0.1% of the shares, cannot give up 1%`,
        ],
        [
          () => poolnet(["owners", "withdraw"], STRANGER),
          `${stranger} has nothing to withdraw of token ${deployment.token}`,
        ],
        [
          () => poolnet(["owners", "withdraw", deployment.registry], CONTRIBUTOR),
          `token ${deployment.registry} is not listed for distribution among the owners`,
        ],
      ]);
    });

    it("protocol fees paid to PoolOwners are withdrawable at once, distributed, and withdrawn pro rata to shares", async () => {
      // the protocol fees of the rewards Atlas received above, paid on to the fee recipient by anyone
      const collector = createWalletClient({
        chain: hardhat,
        transport: http(rpcUrl),
        account: mnemonicToAccount(DEV_MNEMONIC, { addressIndex: STRANGER }),
      });
      const hash = await collector.writeContract({
        address: deployment.registry,
        abi: poolRegistryAbi,
        functionName: "withdrawProtocolFees",
        args: [pools.atlas],
      });
      assert.equal((await client.waitForTransactionReceipt({ hash })).status, "success");
      const fees = await balanceOf(poolOwners());
      assert.ok(fees > 0n, "fees arrived");

      const [shown, text] = await inBatches([
        () => poolnet(["owners", "show", devAddress(CONTRIBUTOR), "--json"]),
        () => poolnet(["owners", "show"]),
      ]);
      const before = json<OwnersJson>(shown!);
      // 1% of the shares: a hundredth of what arrived, rounded down to the wei
      assert.deepEqual(before.account!.withdrawable, [{ token: deployment.token, amount: String(fees / 100n) }]);
      assert.deepEqual(before.tokens, [
        { token: deployment.token, distributed: "0", accounted: "0", undistributed: fees.toString() },
      ]);
      assert.match(text!.stdout, new RegExp(`arrived and not distributed yet$`, "m"));

      const distributed = await poolnet(["owners", "distribute"], STRANGER);
      assertSuccess(distributed);
      assert.match(
        distributed.stdout,
        new RegExp(`^distributed ${escaped(formatTokenAmount(fees))} of ${stakeToken()} among the owners\ntransaction`),
      );
      const again = await poolnet(["owners", "distribute", deployment.token], STRANGER);
      assertSuccess(again);
      assert.match(again.stdout, new RegExp(`^nothing new of ${stakeToken()} to distribute\n`));

      const balanceBefore = await balanceOf(devAddress(CONTRIBUTOR));
      const withdrawal = await poolnet(["owners", "withdraw"], CONTRIBUTOR);
      assertSuccess(withdrawal);
      assert.match(
        withdrawal.stdout,
        new RegExp(`^withdrew ${escaped(formatTokenAmount(fees / 100n))} of ${stakeToken()}\ntransaction 0x`),
      );
      assert.equal((await balanceOf(devAddress(CONTRIBUTOR))) - balanceBefore, fees / 100n);

      const small = BigInt((await ownerJson(SMALL_CONTRIBUTOR)).withdrawable[0]!.amount);
      await assertRefusedBeforeSending([
        [
          () => poolnet(["owners", "withdraw"], CONTRIBUTOR),
          `${devAddress(CONTRIBUTOR)} has nothing to withdraw of token ${deployment.token}`,
        ],
        [
          () => poolnet(["owners", "withdraw", "--amount", "1000000"], SMALL_CONTRIBUTOR),
          `${devAddress(SMALL_CONTRIBUTOR)} can withdraw ${formatTokenAmount(small)} of token ${deployment.token}, ` +
            "not 1,000,000",
        ],
      ]);
      const part = await poolnet(["owners", "withdraw", deployment.token, "--amount", "1"], SMALL_CONTRIBUTOR);
      assertSuccess(part);
      assert.match(part.stdout, new RegExp(`^withdrew 1 of ${stakeToken()}\n`));
    });

    it("shares move by transfer and by grant; lock ends the sale for good", async () => {
      const stranger = devAddress(STRANGER);
      const given = await poolnet(["owners", "transfer-share", stranger, "0.5%"], CONTRIBUTOR);
      assertSuccess(given);
      assert.match(given.stdout, new RegExp(`^gave 0\\.5% of the shares to ${stranger}\ntransaction 0x`));
      const lowered = await poolnet(["owners", "set-share", devAddress(CREATOR), "800"], DEPLOYER);
      assertSuccess(lowered);
      assert.match(lowered.stdout, new RegExp(`^${devAddress(CREATOR)} is now granted 20% of the shares\n`));
      const granted = await poolnet(["owners", "set-share", stranger, "5%"], DEPLOYER);
      assertSuccess(granted);
      const [strangerNow, creatorNow] = await Promise.all([ownerJson(STRANGER), ownerJson(CREATOR)]);
      assert.deepEqual(
        [strangerNow.share, strangerNow.granted, creatorNow.share],
        [parseEther("220").toString(), parseEther("200").toString(), parseEther("800").toString()],
      );

      const locked = await poolnet(["owners", "lock"], DEPLOYER);
      assertSuccess(locked);
      // 100% - 75% granted - 57.6 ETH sold
      assert.match(
        locked.stdout,
        new RegExp(
          `^locked the shares: the sale is over, and the 23\\.56% unallocated went to ${devAddress(DEPLOYER)}\n`,
        ),
      );
      const shown = await poolnet(["owners", "show"]);
      assertSuccess(shown);
      assert.match(shown.stdout, /^share sale +closed \(the shares are locked\): 57\.6 of 1,000 ETH sold$/m);
      assert.match(shown.stdout, /^unallocated +0%$/m);
      assert.equal((await ownerJson(DEPLOYER)).share, parseEther("2942.4").toString());

      const closed =
        "the owners' shares are locked: the share sale is over and shares can no longer be sold or granted";
      await assertRefusedBeforeSending([
        [() => poolnet(["owners", "contribute", "4"], STRANGER), closed],
        [() => poolnet(["owners", "set-share", stranger, "0"], DEPLOYER), closed],
        [() => poolnet(["owners", "lock"], DEPLOYER), closed],
      ]);
    });

    it("refuses a deployment file that names no PoolOwners", async () => {
      const path = join(root, "no-owners.json");
      const { contracts: _contracts, ...withoutOwners } = JSON.parse(
        readFileSync(deploymentFile, "utf8"),
      ) as Deployment;
      writeFileSync(path, JSON.stringify(withoutOwners));
      const missing =
        `the deployment file ${path} names no PoolOwners (contracts.poolOwners): add its address there, or start ` +
        "a new local network with `poolnet up --fresh`";
      await assertRefusedBeforeSending([
        [() => poolnet(["owners", "show", "--deployment", path]), missing],
        [() => poolnet(["owners", "withdraw", "--deployment", path], CONTRIBUTOR), missing],
      ]);
    });
  });
});
