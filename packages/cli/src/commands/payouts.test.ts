// `poolnet payouts`: its option parsing, and the whole flow end to end against an in-process chain, the real
// `poolnet` run as child processes: ingest → build → post → pay → status → prove.
import assert from "node:assert/strict";
import { execFile } from "node:child_process";
import { mkdtemp, readFile, rm, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { after, before, describe, test } from "node:test";
import { fileURLToPath } from "node:url";
import type { Share } from "@poolnet/payouts";
import { InvalidInputError, deployShareStatePayout, shareStatePayoutAbi } from "@poolnet/sdk";
import { parseEther, zeroAddress, type Address } from "viem";
import { generatePrivateKey, privateKeyToAccount } from "viem/accounts";
import { startTestChain, type TestChain } from "../../../oracle-node/src/internal/testChain.ts";
import { parseDuration, parseRatio, parseTokenOption, score, scoringPlan, verifyLeaf } from "./payouts.ts";

const bin = fileURLToPath(new URL("../bin.ts", import.meta.url));
const miner = (n: number): Address => `0x${n.toString(16).padStart(40, "0")}` as Address;

describe("payouts: option parsing", () => {
  test("scoringPlan checks each scheme's options", () => {
    assert.deepEqual(scoringPlan({ scheme: "pplns", last: "3" }, 9), { scheme: "pplns", height: 9, last: 3 });
    assert.deepEqual(scoringPlan({ scheme: "pplns", window: "3/2", networkDifficulty: "100", height: "4" }, 9), {
      scheme: "pplns",
      height: 4,
      window: { numerator: 3n, denominator: 2n },
      networkDifficulty: 100n,
    });
    assert.deepEqual(scoringPlan({ scheme: "prop", fromHeight: "2" }, 9), { scheme: "prop", fromHeight: 2, height: 9 });
    assert.deepEqual(
      scoringPlan({ scheme: "pps", networkDifficulty: "1000", blockReward: "3.5", feePpm: "20000" }, 9),
      {
        scheme: "pps",
        fromHeight: 0,
        height: 9,
        networkDifficulty: 1000n,
        blockReward: parseEther("3.5"),
        feePpm: 20_000n,
      },
    );
    const refusals: [Parameters<typeof scoringPlan>[0], RegExp][] = [
      [{}, /give --scheme/],
      [{ scheme: "solo" }, /not one of pplns, pps, prop/],
      [{ scheme: "pplns" }, /either --last <shares> or --window/],
      [{ scheme: "pplns", last: "3", window: "2" }, /either --last/],
      [{ scheme: "pplns", last: "0" }, /--last '0' is not a whole number ≥ 1/],
      [{ scheme: "pplns", last: "2.5" }, /--last '2.5' is not a whole number/],
      [{ scheme: "pplns", window: "2" }, /--window needs --network-difficulty/],
      [{ scheme: "pplns", last: "3", fromHeight: "1" }, /--from-height does not apply to --scheme pplns/],
      [{ scheme: "prop", last: "3" }, /--last does not apply to --scheme prop/],
      [{ scheme: "prop", fromHeight: "10" }, /--from-height 10 is above --height 9/],
      [{ scheme: "pps", networkDifficulty: "10" }, /PPS needs --network-difficulty <d> and --block-reward/],
      [{ scheme: "pps", networkDifficulty: "0", blockReward: "1" }, /--network-difficulty '0' is not a whole number/],
      [{ scheme: "pps", networkDifficulty: "10", blockReward: "1", feePpm: "1000001" }, /above 1,000,000/],
    ];
    for (const [flags, message] of refusals) {
      assert.throws(
        () => scoringPlan(flags, 9),
        (error: unknown) => {
          assert.ok(error instanceof InvalidInputError);
          assert.match(error.message, message);
          return true;
        },
      );
    }
  });

  test("parseRatio, parseDuration, parseTokenOption", () => {
    assert.deepEqual(parseRatio("2", "--window"), { numerator: 2n, denominator: 1n });
    assert.deepEqual(parseRatio("0.5", "--window"), { numerator: 5n, denominator: 10n });
    assert.deepEqual(parseRatio("3/2", "--window"), { numerator: 3n, denominator: 2n });
    for (const bad of ["0", "-1", "1/0", "x", "0/3"])
      assert.throws(() => parseRatio(bad, "--window"), /positive ratio/);
    assert.equal(parseDuration("3600", "--deadline"), 3600);
    assert.equal(parseDuration("30m", "--deadline"), 1800);
    assert.equal(parseDuration("7d", "--deadline"), 604_800);
    for (const bad of ["0", "7w", "-1d", "1.5h", ""]) assert.throws(() => parseDuration(bad, "--deadline"), /duration/);
    assert.equal(parseTokenOption(undefined, undefined), zeroAddress);
    assert.equal(parseTokenOption("ETH", undefined), zeroAddress);
    assert.throws(() => parseTokenOption("stake", undefined), /needs a deployment/);
    assert.throws(() => parseTokenOption("0x12", undefined), InvalidInputError);
  });

  test("score: PPS scores the work and funds it with the PPS amounts", () => {
    const shares: Share[] = [
      { miner: miner(1), difficulty: 300n, height: 1, time: 1 },
      { miner: miner(2), difficulty: 100n, height: 2, time: 2 },
      { miner: miner(1), difficulty: 100n, height: 5, time: 3 },
    ];
    const pps = score(shares, scoringPlan({ scheme: "pps", networkDifficulty: "1000", blockReward: "10" }, 5));
    assert.deepEqual(
      [...pps.scores],
      [
        [miner(1), 400n],
        [miner(2), 100n],
      ],
    );
    assert.equal(pps.reward, parseEther("5")); // 500 / 1000 × 10
    const prop = score(shares, scoringPlan({ scheme: "prop", fromHeight: "2", height: "5" }, 5));
    assert.deepEqual(
      [...prop.scores],
      [
        [miner(2), 100n],
        [miner(1), 100n],
      ],
    );
    assert.equal(prop.reward, undefined);
  });
});

type Run = { code: number; stdout: string; stderr: string };

describe("payouts end to end on a local chain", () => {
  let chain: TestChain;
  let dir: string;
  let deploymentFile: string;
  let contract: Address;

  function poolnet(args: string[]): Promise<Run> {
    const env: NodeJS.ProcessEnv = { ...process.env, POOLNET_DATA_DIR: join(dir, "data") };
    delete env.POOLNET_PRIVATE_KEY;
    delete env.POOLNET_DEBUG;
    return new Promise((resolve) => {
      execFile(
        process.execPath,
        [bin, "--deployment", deploymentFile, ...args],
        { cwd: dir, env, timeout: 60_000 },
        (error, stdout, stderr) => {
          resolve({ code: error ? (typeof error.code === "number" ? error.code : -1) : 0, stdout, stderr });
        },
      );
    });
  }

  function ok(run: Run): string {
    assert.equal(run.code, 0, `stdout: ${run.stdout} stderr: ${run.stderr}`);
    assert.equal(run.stderr, "");
    return run.stdout;
  }

  function oneLineError(run: Run, message: RegExp): void {
    assert.equal(run.code, 1, run.stdout);
    const lines = run.stderr.trimEnd().split("\n");
    assert.equal(lines.length, 1, run.stderr);
    assert.match(lines[0]!, /^error: /);
    assert.match(lines[0]!, message);
  }

  before(async () => {
    chain = await startTestChain();
    dir = await mkdtemp(join(tmpdir(), "poolnet-payouts-cli-"));
    ({ shareStatePayout: contract } = await deployShareStatePayout(
      chain.walletOf(chain.accounts[0]!),
      chain.publicClient,
    ));
    deploymentFile = join(dir, "deployment.json");
    await writeFile(
      deploymentFile,
      JSON.stringify({
        chainId: 31337,
        rpcUrl: chain.rpcUrl,
        token: miner(0xdead),
        registry: miner(0xbeef),
        deployedAtBlock: "0",
        contracts: { shareStatePayout: contract },
      }),
    );
  });
  after(async () => {
    await chain.close();
    await rm(dir, { recursive: true, force: true });
  });

  test("ingest → build → post → pay → status → prove", async () => {
    const miners = Array.from({ length: 7 }, () => privateKeyToAccount(generatePrivateKey()).address);
    const lines = miners.flatMap((address, i) => [
      JSON.stringify({ miner: address, difficulty: 1000 * (i + 1), height: 1 + i, time: 1_700_000_000 + i }),
      JSON.stringify({ miner: address, difficulty: String(500 + i), height: 2 + i, time: 1_700_000_100 + i }),
    ]);
    lines.splice(3, 0, '{"miner":"0x12","difficulty":5,"height":1,"time":1}', "not json");
    const sharesFile = join(dir, "shares.jsonl");
    await writeFile(sharesFile, `${lines.join("\n")}\n`);

    const ingested = ok(await poolnet(["payouts", "ingest", sharesFile]));
    assert.match(ingested, /^accepted 14 shares into .*shares\.jsonl, refused 2$/m);
    assert.match(ingested, /^ {2}line 4: miner is not an address$/m);
    assert.match(ingested, /^ {2}line 5: not JSON$/m);
    oneLineError(await poolnet(["payouts", "ingest", join(dir, "missing.jsonl")]), /no file at/);

    const built = ok(await poolnet(["--json", "payouts", "build", "--scheme", "prop"]));
    const state = JSON.parse(built) as { root: string; leafCount: number; totalScore: string; path: string };
    assert.equal(state.leafCount, 7);
    oneLineError(await poolnet(["payouts", "build", "--scheme", "pplns"]), /either --last <shares> or --window/);

    oneLineError(await poolnet(["payouts", "pay", "--account", "3"]), /was not posted: run `poolnet payouts post`/);
    const posted = ok(await poolnet(["payouts", "post", "--reward", "7", "--deadline", "1d", "--account", "0"]));
    assert.match(posted, /^posted share state 0 \(7 miners\): reward 7 ETH, deadline /m);
    oneLineError(
      await poolnet(["payouts", "post", "--reward", "7", "--account", "0"]),
      /was already posted as share state 0/,
    );

    const paid = ok(await poolnet(["payouts", "pay", "--max-batch", "3", "--account", "3"]));
    const batchLines = paid.split("\n").filter((line) => line.startsWith("batch "));
    assert.equal(batchLines.length, 3, paid);
    assert.match(batchLines[0]!, /^batch 0: paid 3 miners .* ETH \(leaves 0 \.\. 2\), gas \d+, 4 left, transaction 0x/);
    assert.match(paid, /^paid 7 miners .* ETH; 0 of 7 unpaid$/m);
    assert.match(ok(await poolnet(["payouts", "pay", "--account", "3"])), /nothing to pay: all 7 miners/);

    // every miner got floor(score × reward / total)
    const reward = parseEther("7");
    const leaves = (JSON.parse(await readFile(state.path, "utf8")) as { leaves: { miner: Address; score: string }[] })
      .leaves;
    for (const leaf of leaves) {
      const balance = await chain.publicClient.getBalance({ address: leaf.miner });
      assert.equal(balance, (BigInt(leaf.score) * reward) / BigInt(state.totalScore));
    }

    const status = ok(await poolnet(["payouts", "status"]));
    assert.match(status, /^miners +7 paid, 0 unpaid of 7$/m);
    assert.match(status, /^budget left +0\.\d+ ETH of 7 ETH$/m);
    const statusJson = JSON.parse(ok(await poolnet(["--json", "payouts", "status"]))) as Record<string, unknown>;
    assert.equal(statusJson.paid, 7);
    assert.equal(statusJson.closed, false);

    const proved = ok(await poolnet(["payouts", "prove", miners[2]!]));
    assert.match(proved, /^verified +yes: the leaf and proof give the root posted on the chain$/m);
    assert.match(proved, new RegExp(`^root on chain +${state.root}`, "m"));
    assert.match(proved, /\(paid\)$/m);
    const proofJson = JSON.parse(ok(await poolnet(["--json", "payouts", "prove", miners[0]!]))) as {
      root: `0x${string}`;
      leaf: { index: number; miner: Address; score: string };
      proof: `0x${string}`[];
      verified: boolean;
    };
    assert.equal(proofJson.verified, true);
    const onChainRoot = (
      await chain.publicClient.readContract({
        address: contract,
        abi: shareStatePayoutAbi,
        functionName: "shareState",
        args: [0n],
      })
    ).root;
    assert.ok(verifyLeaf(onChainRoot, { ...proofJson.leaf, score: BigInt(proofJson.leaf.score) }, proofJson.proof));
    oneLineError(await poolnet(["payouts", "prove", miner(77)]), /has no leaf in/);
    oneLineError(await poolnet(["payouts", "prove", miners[0]!, "--id", "5"]), /there is no share state 5/);

    // a state file whose leaves were edited is refused; one posted under another id does not verify on chain
    const file = JSON.parse(await readFile(state.path, "utf8")) as { leaves: { score: string }[] };
    file.leaves[0]!.score = "1";
    const edited = join(dir, "edited.json");
    await writeFile(edited, JSON.stringify(file));
    oneLineError(await poolnet(["payouts", "prove", miners[0]!, "--state", edited]), /it was edited/);
  });
});
