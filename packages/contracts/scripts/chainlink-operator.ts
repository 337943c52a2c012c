// Chainlink's Operator (the oracle contract runlog jobs answer), its LINK token and ChainlinkClient consumers,
// compiled from @chainlink/contracts 1.2.0's npm sources with solc 0.8.19 as Chainlink builds them, for tests.
import { compileFromPackage, type CompiledContract } from "./solc-js.ts";

/**
 * solc 0.8.19 (Operator.sol's exact pragma), optimizer on with 1,000,000 runs, no metadata hash: Chainlink's
 * `scripts/native_solc_compile_all_operatorforwarder` and `native_solc_compile_all_shared` (LinkToken). The EVM
 * version is left to solc 0.8.19's default (paris), as those scripts leave it.
 */
export const CHAINLINK_OPERATOR_COMPILER = {
  version: "0.8.19",
  settings: { optimizer: { enabled: true, runs: 1_000_000 }, metadata: { bytecodeHash: "none" } },
} as const;

/**
 * A consumer for tests, on the package's own ChainlinkClient: requests by `oracleRequest` (data version 1) or by
 * `operatorRequest` (version 2) for any spec id, with an optional `times` and `get`, and reads a one-word answer,
 * which both versions deliver as `fulfill(requestId, value)`. Not part of the package: its test consumers cannot
 * choose a spec id per request or make version 2 requests answered with one word.
 */
const RUN_LOG_CONSUMER_SOURCE = `// SPDX-License-Identifier: MIT
pragma solidity 0.8.19;

import {Chainlink, ChainlinkClient} from "src/v0.8/ChainlinkClient.sol";

contract RunLogConsumer is ChainlinkClient {
  using Chainlink for Chainlink.Request;

  mapping(bytes32 => int256) public answers;
  mapping(bytes32 => bool) public answered;

  event Answered(bytes32 indexed requestId, int256 value);

  constructor(address link, address operator) {
    _setChainlinkToken(link);
    _setChainlinkOracle(operator);
  }

  // times 0 and get "" leave the parameter out
  function request(
    bytes32 specId,
    uint256 payment,
    bool operatorRequest,
    uint256 times,
    string calldata get
  ) external returns (bytes32 requestId) {
    Chainlink.Request memory req = _buildChainlinkRequest(specId, address(this), this.fulfill.selector);
    if (bytes(get).length > 0) req._add("get", get);
    if (times > 0) req._addUint("times", times);
    requestId = operatorRequest ? _sendOperatorRequest(req, payment) : _sendChainlinkRequest(req, payment);
  }

  function cancel(bytes32 requestId, uint256 payment, uint256 expiration) external {
    _cancelChainlinkRequest(requestId, payment, this.fulfill.selector, expiration);
  }

  function fulfill(bytes32 requestId, int256 value) external recordChainlinkFulfillment(requestId) {
    answers[requestId] = value;
    answered[requestId] = true;
    emit Answered(requestId, value);
  }
}
`;

const RUN_LOG_CONSUMER = "poolnet/RunLogConsumer.sol";

/** What is compiled: Chainlink's sources by their path in the package, and the test consumer above. */
const CONTRACTS = {
  Operator: "src/v0.8/operatorforwarder/Operator.sol",
  LinkToken: "src/v0.8/shared/token/ERC677/LinkToken.sol",
  // the package's own ChainlinkClient test consumer: a version 1 request with `get` and `path`
  BasicConsumer: "src/v0.8/operatorforwarder/test/testhelpers/BasicConsumer.sol",
  RunLogConsumer: RUN_LOG_CONSUMER,
} as const;

export type ChainlinkOperatorContract = keyof typeof CONTRACTS;
export type { CompiledContract };

/**
 * Compiles Chainlink's Operator and LinkToken, the package's BasicConsumer and the RunLogConsumer (several seconds:
 * solc-js is the emscripten build) and returns their ABIs and bytecode.
 */
export function compileChainlinkOperator(): Record<ChainlinkOperatorContract, CompiledContract> {
  return compileFromPackage({
    packageName: "@chainlink/contracts-1.2",
    // Operator.sol pins 0.8.19
    solc: { module: "solc-0.8.19", version: CHAINLINK_OPERATOR_COMPILER.version },
    settings: CHAINLINK_OPERATOR_COMPILER.settings,
    contracts: { ...CONTRACTS, RunLogConsumer: { path: RUN_LOG_CONSUMER, content: RUN_LOG_CONSUMER_SOURCE } },
  }) as Record<ChainlinkOperatorContract, CompiledContract>;
}
