// @poolnet/payouts: share states for mining-pool payouts, their Merkle trees and multiproofs, and batch sizing.
export {
  MAX_LEAF_COUNT,
  MAX_SCORE,
  SHARE_STATE_LEAF_ENCODING,
  ShareStateError,
  batchProof,
  buildShareState,
  leafProof,
  packEntry,
  packFlags,
  payoutOf,
  type BatchProof,
  type BuildShareStateParameters,
  type MinerScore,
  type ShareState,
  type ShareStateLeaf,
} from "./shareState.ts";
export {
  BatchSizeError,
  fitBatch,
  linearGasModel,
  type FitBatchParameters,
  type FitBatchReturnType,
} from "./batchSizer.ts";
export {
  CUMULATIVE_LEAF_ENCODING,
  MAX_CUMULATIVE,
  accumulate,
  buildCumulativeState,
  cumulativeBatchProof,
  cumulativeLeafProof,
  owedOf,
  packCumulativeEntry,
  type CumulativeBatchProof,
  type CumulativeLeaf,
  type CumulativeState,
  type MinerCumulative,
} from "./cumulativeState.ts";
export { MAX_DIFFICULTY, checkShare, parseShareLine, shareLine, type Share, type ShareCheck } from "./shares.ts";
export { ShareLedger, ShareLedgerError, type IngestResult } from "./shareLedger.ts";
export { MAX_BODY_BYTES, shareRequestHandler } from "./shareServer.ts";
export {
  ScoringError,
  pplnsLastShares,
  pplnsWindow,
  ppsAmounts,
  prop,
  proRata,
  toMinerScores,
  type Scores,
} from "./scoring.ts";
export {
  DEFAULT_BATCH_GAS_LIMIT,
  checkPostedState,
  isPaidAll,
  payShareState,
  type BatchProgress,
  type PayShareStateParameters,
  type PayShareStateReturnType,
} from "./executor.ts";
export { Journal, JournalError, type IntentRecord, type JournalRecord, type SettledRecord } from "./journal.ts";
export {
  ShareStateFileError,
  readShareStateFile,
  shareStateOf,
  toShareStateFile,
  writeShareStateFile,
  type ShareStateFile,
} from "./stateFile.ts";
