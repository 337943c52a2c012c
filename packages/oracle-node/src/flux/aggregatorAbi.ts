// The part of FluxAggregator's ABI a flux monitor uses: the same in Chainlink's contract (v0.6) and in ours, so the
// node works with either. aggregatorAbi.test.ts checks every item against the sdk's full ABI.
import { parseAbi } from "viem";

export const fluxMonitorAbi = parseAbi([
  "function oracleRoundState(address _oracle, uint32 _queriedRoundId) view returns (bool _eligibleToSubmit, uint32 _roundId, int256 _latestSubmission, uint64 _startedAt, uint64 _timeout, uint128 _availableFunds, uint8 _oracleCount, uint128 _paymentAmount)",
  "function submit(uint256 _roundId, int256 _submission)",
  "function latestAnswer() view returns (int256)",
  "function latestRound() view returns (uint256)",
  "event NewRound(uint256 indexed roundId, address indexed startedBy, uint256 startedAt)",
]);
