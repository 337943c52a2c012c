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
    settings: {
      evmVersion: "cancun",
      // the most runs that keep PoolRegistry under the 24,576-byte code size limit (EIP-170): 24,451 bytes
      optimizer: { enabled: true, runs: 7000 },
    },
  },
  paths: { tests: { solidity: "./contracts", nodejs: "./test" } },
  test: { solidity: { fuzz: { runs: 256 }, invariant: { runs: 64, depth: 64 } } },
});
