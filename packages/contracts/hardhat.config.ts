// Hardhat 3 config: the compiler is the pinned `solc` npm package (soljson.js), so nothing is downloaded.
import { createRequire } from "node:module";
import hardhatToolboxViem from "@nomicfoundation/hardhat-toolbox-viem";
import { defineConfig } from "hardhat/config";

const require = createRequire(import.meta.url);
const solcPackage = require("solc/package.json") as { version: string };

const invariantRuns = Number(process.env.POOLNET_INVARIANT_RUNS ?? "256");
if (!Number.isSafeInteger(invariantRuns) || invariantRuns < 1) {
  throw new Error(
    `POOLNET_INVARIANT_RUNS must be a positive whole number, got "${process.env.POOLNET_INVARIANT_RUNS}"`,
  );
}

export default defineConfig({
  plugins: [hardhatToolboxViem],
  solidity: {
    version: solcPackage.version,
    path: require.resolve("solc/soljson.js"),
    // deployed as they are, by the sdk and the tests: the registry's proxy and its governance
    npmFilesToBuild: [
      "@openzeppelin/contracts/proxy/ERC1967/ERC1967Proxy.sol",
      "@openzeppelin/contracts/governance/TimelockController.sol",
    ],
    settings: {
      evmVersion: "cancun",
      optimizer: { enabled: true, runs: 7000 },
    },
  },
  paths: { tests: { solidity: "./contracts", nodejs: "./test" } },
  test: {
    solidity: {
      fuzz: { runs: 256 },
      // `npm test`: 256 runs of 500 calls; `npm run test:deep` sets POOLNET_INVARIANT_RUNS=10000
      invariant: { runs: invariantRuns, depth: 500 },
    },
  },
});
