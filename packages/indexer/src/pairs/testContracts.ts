// For tests only: the real Uniswap-v2 Factory and Pair (the compiled artifacts of @uniswap/v2-core 1.0.1), an ERC-20
// of any decimals (USDC has 6) and a Trader that makes several calls in one transaction (two swaps in one
// transaction, trades on two pairs in one block), the last two compiled here by the repository's solc.
import { createRequire } from "node:module";
import type { Abi, Hex } from "viem";

const require = createRequire(import.meta.url);

type Artifact = { abi: Abi; bytecode: string };

const factoryArtifact = require("@uniswap/v2-core/build/UniswapV2Factory.json") as Artifact;
const pairArtifact = require("@uniswap/v2-core/build/UniswapV2Pair.json") as Artifact;

export const uniswapV2Factory = { abi: factoryArtifact.abi, bytecode: `0x${factoryArtifact.bytecode}` as Hex };
export const uniswapV2Pair = { abi: pairArtifact.abi, bytecode: `0x${pairArtifact.bytecode}` as Hex };

const SOURCE = `
// SPDX-License-Identifier: MIT
pragma solidity 0.8.30;

contract TestToken {
    string public name;
    string public symbol;
    uint8 public decimals;
    uint256 public totalSupply;
    mapping(address => uint256) public balanceOf;
    mapping(address => mapping(address => uint256)) public allowance;

    event Transfer(address indexed from, address indexed to, uint256 value);
    event Approval(address indexed owner, address indexed spender, uint256 value);

    constructor(string memory name_, string memory symbol_, uint8 decimals_, address holder, uint256 supply) {
        name = name_;
        symbol = symbol_;
        decimals = decimals_;
        totalSupply = supply;
        balanceOf[holder] = supply;
        emit Transfer(address(0), holder, supply);
    }

    function transfer(address to, uint256 value) external returns (bool) {
        _move(msg.sender, to, value);
        return true;
    }

    function approve(address spender, uint256 value) external returns (bool) {
        allowance[msg.sender][spender] = value;
        emit Approval(msg.sender, spender, value);
        return true;
    }

    function transferFrom(address from, address to, uint256 value) external returns (bool) {
        allowance[from][msg.sender] -= value;
        _move(from, to, value);
        return true;
    }

    function _move(address from, address to, uint256 value) private {
        balanceOf[from] -= value;
        balanceOf[to] += value;
        emit Transfer(from, to, value);
    }
}

contract Trader {
    function run(address[] calldata targets, bytes[] calldata data) external {
        for (uint256 i = 0; i < targets.length; i++) {
            (bool ok, bytes memory result) = targets[i].call(data[i]);
            if (!ok) {
                assembly {
                    revert(add(result, 32), mload(result))
                }
            }
        }
    }
}
`;

type Compiled = { abi: Abi; bytecode: Hex };

let compiled: { testToken: Compiled; trader: Compiled } | undefined;

/** TestToken(name, symbol, decimals, holder, supply) and Trader.run(targets, data), compiled once per process. */
export function testContracts(): { testToken: Compiled; trader: Compiled } {
  if (compiled !== undefined) return compiled;
  const solc = require("solc") as { compile(input: string): string };
  const input = {
    language: "Solidity",
    sources: { "Test.sol": { content: SOURCE } },
    settings: { optimizer: { enabled: true, runs: 200 }, outputSelection: { "*": { "*": ["abi", "evm.bytecode"] } } },
  };
  const output = JSON.parse(solc.compile(JSON.stringify(input))) as {
    contracts?: Record<string, Record<string, { abi: Abi; evm: { bytecode: { object: string } } }>>;
    errors?: { severity: string; formattedMessage: string }[];
  };
  const errors = (output.errors ?? []).filter(({ severity }) => severity === "error");
  if (errors.length > 0) throw new Error(errors.map(({ formattedMessage }) => formattedMessage).join("\n"));
  const of = (name: string): Compiled => {
    const contract = output.contracts!["Test.sol"]![name]!;
    return { abi: contract.abi, bytecode: `0x${contract.evm.bytecode.object}` };
  };
  compiled = { testToken: of("TestToken"), trader: of("Trader") };
  return compiled;
}
