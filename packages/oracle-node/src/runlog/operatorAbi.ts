// What a runlog job reads and calls of Chainlink's Operator (operatorforwarder/Operator.sol, "Operator 1.0.0"): its
// request, cancel and response logs, the two fulfillments, and the authorized-sender check. Checked against the
// compiled contract's ABI in operator.test.ts.
import { parseAbi } from "viem";

export const operatorAbi = parseAbi([
  "event OracleRequest(bytes32 indexed specId, address requester, bytes32 requestId, uint256 payment, address callbackAddr, bytes4 callbackFunctionId, uint256 cancelExpiration, uint256 dataVersion, bytes data)",
  "event CancelOracleRequest(bytes32 indexed requestId)",
  "event OracleResponse(bytes32 indexed requestId)",
  "function fulfillOracleRequest(bytes32 requestId, uint256 payment, address callbackAddress, bytes4 callbackFunctionId, uint256 expiration, bytes32 data) returns (bool)",
  "function fulfillOracleRequest2(bytes32 requestId, uint256 payment, address callbackAddress, bytes4 callbackFunctionId, uint256 expiration, bytes data) returns (bool)",
  "function isAuthorizedSender(address sender) view returns (bool)",
]);
