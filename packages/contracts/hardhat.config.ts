// Hardhat 3 config: the compiler is the pinned `solc` npm package (soljson.js), so nothing is downloaded.
import { createRequire } from "node:module";
import hardhatToolboxViem from "@nomicfoundation/hardhat-toolbox-viem";
import { defineConfig } from "hardhat/config";

const require = createRequire(import.meta.url);
const solcPackage = require("solc/package.json") as { version: string };

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
  test: { solidity: { fuzz: { runs: 256 }, invariant: { runs: 64, depth: 64 } } },
});
