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
