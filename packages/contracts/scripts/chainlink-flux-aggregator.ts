// Chainlink's FluxAggregator v0.6, compiled from its npm sources with solc 0.6.6 as Chainlink builds it, for benchmarks.
import { compileFromPackage, type CompiledContract } from "./solc-js.ts";

const SOURCE = "src/v0.6/FluxAggregator.sol";

/** solc 0.6.6, optimizer on with 1,000,000 runs, no metadata hash: Chainlink's `scripts/native_solc_compile_all_6`. */
export const CHAINLINK_COMPILER = {
  version: "0.6.6",
  // the EVM version is left to solc 0.6.6's default (istanbul), as Chainlink's script leaves it
  settings: { optimizer: { enabled: true, runs: 1_000_000 }, metadata: { bytecodeHash: "none" } },
} as const;

/** Compiles Chainlink's FluxAggregator (a few seconds: solc-js is the emscripten build) and returns its ABI and bytecode. */
export function compileChainlinkFluxAggregator(): CompiledContract {
  const { FluxAggregator } = compileFromPackage({
    packageName: "@chainlink/contracts-v0.8",
    solc: { module: "solc-0.6", version: CHAINLINK_COMPILER.version },
    settings: CHAINLINK_COMPILER.settings,
    contracts: { FluxAggregator: SOURCE },
  });
  return FluxAggregator!;
}
