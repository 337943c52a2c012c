import assert from "node:assert/strict";
import { execFile, spawn } from "node:child_process";
import { once } from "node:events";
import { fileURLToPath } from "node:url";
import { describe, test } from "node:test";
import { DEFAULT_PRICE_SOURCE_PORT, parsePriceSourceArgs, usage } from "./cli.ts";

const bin = fileURLToPath(new URL("./bin.ts", import.meta.url));

describe("parsePriceSourceArgs", () => {
  test("defaults", () => {
    assert.deepEqual(parsePriceSourceArgs([]), {
      help: false,
      parameters: {
        port: DEFAULT_PRICE_SOURCE_PORT,
        host: undefined,
        pairs: undefined,
        startPrices: {},
        seed: undefined,
        volatility: undefined,
        tickMs: 1_000,
      },
    });
  });

  test("every option, pairs with and without a starting price", () => {
    const args = ["--port", "0", "--host", "::1", "--pairs", "link/usd=7.12, ETH/USD", "--seed", "demo"];
    args.push("--volatility", "0.01", "--tick-ms", "250");
    assert.deepEqual(parsePriceSourceArgs(args), {
      help: false,
      parameters: {
        port: 0,
        host: "::1",
        pairs: ["LINK/USD", "ETH/USD"],
        startPrices: { "LINK/USD": "7.12" },
        seed: "demo",
        volatility: "0.01",
        tickMs: 250,
      },
    });
    assert.deepEqual(parsePriceSourceArgs(["-h"]), { help: true });
    assert.deepEqual(parsePriceSourceArgs(["--port", "1", "--help"]), { help: true });
  });

  test("mistakes are one sentence", () => {
    const cases: [string[], string][] = [
      [["--bogus"], "unknown option --bogus: see --help"],
      [["--port"], "option --port needs a value: see --help"],
      [["serve"], 'unexpected argument "serve": see --help'],
      [["--port", "eighty"], '--port must be a whole number, not "eighty"'],
      [["--port", "65536"], "--port must be from 0 to 65535, not 65536"],
      [["--tick-ms=-5"], '--tick-ms must be a whole number, not "-5"'],
      [["--pairs", ","], "--pairs lists no pair: give e.g. LINK/USD,ETH/USD"],
      [["--pairs", "LINKUSD"], '"LINKUSD" is not a pair: write it BASE/QUOTE, e.g. LINK/USD'],
    ];
    for (const [args, message] of cases) {
      assert.throws(() => parsePriceSourceArgs(args), { name: "InvalidInputError", message }, args.join(" "));
    }
  });
});

type Run = { code: number; stdout: string; stderr: string };

function run(args: string[]): Promise<Run> {
  return new Promise((resolve) => {
    execFile(process.execPath, [bin, ...args], { timeout: 10_000 }, (error, stdout, stderr) => {
      resolve({ code: error ? (typeof error.code === "number" ? error.code : -1) : 0, stdout, stderr });
    });
  });
}

// one at a time: each run loads the sdk, and several at once only slow each other down
describe("poolnet-price-source", () => {
  test("--help prints the usage and exits 0", async () => {
    const { code, stdout, stderr } = await run(["--help"]);
    assert.equal(code, 0);
    assert.equal(stdout, usage);
    assert.equal(stderr, "");
  });

  for (const [args, line] of [
    [
      ["--volatility", "3", "--port", "0"],
      "error: the volatility must be a fraction from 0 to 0.5 of the price, not 3",
    ],
    [["--nope"], "error: unknown option --nope: see --help"],
  ] as const) {
    test(`${args.join(" ")}: one line on stderr, exit 1`, async () => {
      const { code, stdout, stderr } = await run([...args]);
      assert.equal(code, 1);
      assert.equal(stdout, "");
      assert.equal(stderr, `${line}\n`);
    });
  }

  test("serves on the port given, says where in one line, and stops cleanly on SIGTERM", async () => {
    const child = spawn(process.execPath, [bin, "--port", "0", "--pairs", "LINK/USD=7.12", "--tick-ms", "0"]);
    try {
      let stdout = "";
      child.stdout.setEncoding("utf8");
      const line = await new Promise<string>((resolve, reject) => {
        child.stdout.on("data", (chunk: string) => {
          stdout += chunk;
          if (stdout.includes("\n")) resolve(stdout);
        });
        child.once("exit", () => reject(new Error(`exited before listening: ${stdout}`)));
      });
      const match =
        /^price source at (http:\/\/127\.0\.0\.1:\d+) \(seed 1\): LINK\/USD 7\.12; state at \S+\/admin\/state\n$/.exec(
          line,
        );
      assert.ok(match, line);
      const response = await fetch(`${match[1]}/data/price?fsym=LINK&tsyms=USD`);
      assert.equal(await response.text(), '{"USD":7.12}');
      child.kill("SIGTERM");
      const [code] = (await once(child, "exit")) as [number | null];
      assert.equal(code, 0);
    } finally {
      if (child.exitCode === null) child.kill("SIGKILL");
    }
  });
});
