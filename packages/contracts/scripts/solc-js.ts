// Compiling a peer's contracts from its npm package with a pinned solc-js: the standard-JSON plumbing the Chainlink
// scripts share (the pinned compiler checked, imports read only from the package's src/, errors in one message).
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

export type CompiledContract = { abi: Abi; bytecode: Hex };

export type PackageCompilation = {
  /** The npm alias of the package holding the sources, e.g. "@chainlink/contracts-v0.8". */
  packageName: string;
  /** The npm alias of solc-js, e.g. "solc-0.6", and the version it must be. */
  solc: { module: string; version: string };
  settings: Record<string, unknown>;
  /** Contract name → its source path in the package, or a source given inline under a path of its own. */
  contracts: Record<string, string | { path: string; content: string }>;
};

const require = createRequire(import.meta.url);

/** Compiles the contracts (several seconds: solc-js is the emscripten build) and returns their ABIs and bytecode. */
export function compileFromPackage(compilation: PackageCompilation): Record<string, CompiledContract> {
  const root = dirname(require.resolve(`${compilation.packageName}/package.json`));
  const solc = require(compilation.solc.module) as Solc;
  // another compiler would optimize differently, and the peer would no longer be the contract its authors deploy
  if (!solc.version().startsWith(`${compilation.solc.version}+`)) {
    throw new Error(`${compilation.solc.module} is ${solc.version()}, expected ${compilation.solc.version}`);
  }
  const readImport = (path: string): SolcImportResult => {
    const file = join(root, path);
    if (relative(join(root, "src"), file).startsWith("..")) return { error: `${path} is outside the package` };
    try {
      return { contents: readFileSync(file, "utf8") };
    } catch (error) {
      return { error: `cannot read ${path}: ${(error as Error).message}` };
    }
  };
  const sources: Record<string, { content: string }> = {};
  const outputSelection: Record<string, Record<string, string[]>> = {};
  const paths: Record<string, string> = {};
  for (const [name, source] of Object.entries(compilation.contracts)) {
    const path = typeof source === "string" ? source : source.path;
    const content = typeof source === "string" ? readFileSync(join(root, source), "utf8") : source.content;
    paths[name] = path;
    sources[path] = { content };
    outputSelection[path] = { ...outputSelection[path], [name]: ["abi", "evm.bytecode.object"] };
  }
  const input = { language: "Solidity", sources, settings: { ...compilation.settings, outputSelection } };
  const output = JSON.parse(solc.compile(JSON.stringify(input), { import: readImport })) as SolcOutput;
  const errors = (output.errors ?? []).filter((e) => e.severity === "error");
  if (errors.length > 0) {
    throw new Error(`solc ${solc.version()}:\n${errors.map((e) => e.formattedMessage).join("\n")}`);
  }
  const compiled: Record<string, CompiledContract> = {};
  for (const [name, path] of Object.entries(paths)) {
    const contract = output.contracts?.[path]?.[name];
    if (!contract?.evm.bytecode.object) throw new Error(`solc returned no ${name} bytecode`);
    compiled[name] = { abi: contract.abi, bytecode: `0x${contract.evm.bytecode.object}` };
  }
  return compiled;
}
