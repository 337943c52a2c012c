// Chainlink's FluxAggregator v0.6, compiled from its npm sources with solc 0.6.6 as Chainlink builds it, for benchmarks.
import { readFileSync } from "node:fs";
import { createRequire } from "node:module";
import { dirname, join, relative } from "node:path";
import type { Abi, Hex } from "viem";

type SolcImportResult = { contents: string } | { error: string };
type Solc = {
  version(): string;
  compile(input: string, callbacks: { import(path: string): SolcImportResult }): string;
};
type SolcOutput = {
  errors?: { severity: "error" | "warning"; formattedMessage: string }[];
  contracts?: Record<string, Record<string, { abi: Abi; evm: { bytecode: { object: string } } }>>;
};

const require = createRequire(import.meta.url);
const CHAINLINK_ROOT = dirname(require.resolve("@chainlink/contracts-v0.8/package.json"));
const SOURCE = "src/v0.6/FluxAggregator.sol";

/** solc 0.6.6, optimizer on with 1,000,000 runs, no metadata hash: Chainlink's `scripts/native_solc_compile_all_6`. */
export const CHAINLINK_COMPILER = {
  version: "0.6.6",
  // the EVM version is left to solc 0.6.6's default (istanbul), as Chainlink's script leaves it
  settings: { optimizer: { enabled: true, runs: 1_000_000 }, metadata: { bytecodeHash: "none" } },
} as const;

/** Reads an import from the installed package, and nothing outside its `src/`. */
function readImport(path: string): SolcImportResult {
  const file = join(CHAINLINK_ROOT, path);
  if (relative(join(CHAINLINK_ROOT, "src"), file).startsWith("..")) return { error: `${path} is outside the package` };
  try {
    return { contents: readFileSync(file, "utf8") };
  } catch (error) {
    return { error: `cannot read ${path}: ${(error as Error).message}` };
  }
}

/** Compiles Chainlink's FluxAggregator (a few seconds: solc-js is the emscripten build) and returns its ABI and bytecode. */
export function compileChainlinkFluxAggregator(): { abi: Abi; bytecode: Hex } {
  const solc = require("solc-0.6") as Solc;
  // a later 0.6 compiler would optimize differently, and the peer would no longer be the contract Chainlink deployed
  if (!solc.version().startsWith(`${CHAINLINK_COMPILER.version}+`)) {
    throw new Error(`solc-0.6 is ${solc.version()}, expected ${CHAINLINK_COMPILER.version}`);
  }
  const input = {
    language: "Solidity",
    sources: { [SOURCE]: { content: readFileSync(join(CHAINLINK_ROOT, SOURCE), "utf8") } },
    settings: {
      ...CHAINLINK_COMPILER.settings,
      outputSelection: { [SOURCE]: { FluxAggregator: ["abi", "evm.bytecode.object"] } },
    },
  };
  const output = JSON.parse(solc.compile(JSON.stringify(input), { import: readImport })) as SolcOutput;
  const errors = (output.errors ?? []).filter((e) => e.severity === "error");
  if (errors.length > 0)
    throw new Error(`solc ${solc.version()}:\n${errors.map((e) => e.formattedMessage).join("\n")}`);
  const contract = output.contracts?.[SOURCE]?.FluxAggregator;
  if (!contract?.evm.bytecode.object) throw new Error("solc returned no FluxAggregator bytecode");
  return { abi: contract.abi, bytecode: `0x${contract.evm.bytecode.object}` };
}
