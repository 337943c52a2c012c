// For tests only: Chainlink's own FluxAggregator (v0.6, compiled from its npm package), deployed like ours on a test
// chain, so the node can be run against the contract it was written for.
import { devPrivateKeys } from "@poolnet/sdk";
import { zeroAddress, type Abi, type Hex } from "viem";
import { privateKeyToAccount } from "viem/accounts";
import { compileChainlinkFluxAggregator } from "../../../contracts/scripts/chainlink-flux-aggregator.ts";
import { stakingTokenAbi, stakingTokenBytecode } from "../../../sdk/src/generated/contracts.ts";
import { minedReceipt, type FluxFixture, type FluxFixtureParameters, type TestChain } from "./testChain.ts";

let compiled: { abi: Abi; bytecode: Hex } | undefined;

/** Chainlink's FluxAggregator ABI and bytecode, compiled once per process (solc-js takes a few seconds). */
export function chainlinkFluxAggregator(): { abi: Abi; bytecode: Hex } {
  compiled ??= compileChainlinkFluxAggregator();
  return compiled;
}

/**
 * Deploys LINK (our StakingToken, an ERC-677) and Chainlink's FluxAggregator with the constructor arguments
 * `deployFluxFixture` gives ours, funds it with transferAndCall and adds the oracles, each its own admin.
 */
export async function deployChainlinkFluxFixture(
  chain: TestChain,
  parameters: FluxFixtureParameters = {},
): Promise<FluxFixture> {
  const { abi, bytecode } = chainlinkFluxAggregator();
  const oracleIndexes = parameters.oracleIndexes ?? [1, 2, 3];
  const paymentAmount = parameters.paymentAmount ?? 10n ** 15n;
  const owner = chain.accounts[0]!;
  const wallet = chain.walletOf(owner);
  const mined = (hash: Hex) => minedReceipt(chain, hash);
  const token = (
    await mined(
      await wallet.deployContract({
        abi: stakingTokenAbi,
        bytecode: stakingTokenBytecode,
        args: ["ChainLink Token", "LINK", owner, 10n ** 27n],
      }),
    )
  ).contractAddress!;
  const aggregator = (
    await mined(
      await wallet.deployContract({
        abi,
        bytecode,
        args: [
          token,
          paymentAmount,
          parameters.timeout ?? 60,
          zeroAddress,
          1n,
          2n ** 200n,
          parameters.decimals ?? 8,
          "LINK / USD",
        ],
      }),
    )
  ).contractAddress!;
  const oracles = devPrivateKeys(oracleIndexes).map((privateKey) => ({
    privateKey,
    address: privateKeyToAccount(privateKey).address,
  }));
  const addresses = oracles.map((oracle) => oracle.address);
  // funded first: Chainlink's changeOracles also requires the reserve for the new oracle count
  await mined(
    await wallet.writeContract({
      address: token,
      abi: stakingTokenAbi,
      functionName: "transferAndCall",
      args: [aggregator, parameters.funds ?? paymentAmount * BigInt(oracles.length) * 1000n, "0x"],
    }),
  );
  await mined(
    await wallet.writeContract({
      address: aggregator,
      abi,
      functionName: "changeOracles",
      args: [
        [],
        addresses,
        addresses,
        parameters.minSubmissions ?? oracles.length,
        parameters.maxSubmissions ?? oracles.length,
        parameters.restartDelay ?? 0,
      ],
    }),
  );
  return { token, aggregator, oracles, owner };
}
