// For tests only: Chainlink's own FluxAggregator (v0.6, compiled from its npm package), deployed like ours on a test
// chain, so the node can be run against the contract it was written for.
import type { Abi, Hex } from "viem";
import { compileChainlinkFluxAggregator } from "../../../contracts/scripts/chainlink-flux-aggregator.ts";
import { deployFluxFixture, type FluxFixture, type FluxFixtureParameters, type TestChain } from "./testChain.ts";

let compiled: { abi: Abi; bytecode: Hex } | undefined;

/** Chainlink's FluxAggregator ABI and bytecode, compiled once per process (solc-js takes a few seconds). */
export function chainlinkFluxAggregator(): { abi: Abi; bytecode: Hex } {
  compiled ??= compileChainlinkFluxAggregator();
  return compiled;
}

/** Deploys LINK and Chainlink's FluxAggregator exactly as `deployFluxFixture` deploys ours. */
export function deployChainlinkFluxFixture(
  chain: TestChain,
  parameters: FluxFixtureParameters = {},
): Promise<FluxFixture> {
  return deployFluxFixture(chain, parameters, chainlinkFluxAggregator());
}
