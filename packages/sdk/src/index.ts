// The public API of @poolnet/sdk: the contracts' ABIs, typed actions over viem, the shared math, errors.
// Everything else is internal. index.test.ts snapshots the names exported here, so a change shows in review.

export {
  ChainUnreachableError,
  ContractRevertError,
  InvalidInputError,
  NonRetryableError,
  PoolnetError,
  RetryableError,
  describeContractError,
  type ContractRevertErrorOptions,
  type PoolnetErrorOptions,
  type PoolnetErrorType,
} from "./errors.ts";
export {
  PPM,
  formatNumber,
  formatRate,
  formatShare,
  formatTokenAmount,
  parseAddress,
  parseRate,
  parseShare,
  parseTokenAmount,
} from "./format.ts";
export { parseDeployment, readDeployment, writeDeployment, type Deployment } from "./deployment.ts";
export {
  delegatorShare,
  splitReward,
  type DelegatorShareParameters,
  type RewardSplit,
  type SplitRewardParameters,
} from "./math/rewards.ts";
export {
  SECONDS_PER_YEAR,
  WEEK_OF_BLOCKS,
  apparentPerformance,
  attractiveness,
  rewardRate,
  type ApparentPerformance,
  type ApparentPerformanceParameters,
  type Attractiveness,
  type AttractivenessParameters,
  type RewardPoint,
  type RewardRate,
  type RoundSample,
} from "./math/poolMetrics.ts";
export { computeEconomics, defaultEconomicsInputs, type Economics, type EconomicsInputs } from "./math/economics.ts";
export type { ReadClient, WriteClient } from "./internal/client.ts";
export { DEV_MNEMONIC, LOCAL_CHAIN_ID, devPrivateKeys } from "./localChain.ts";
export {
  applyRegistryLogs,
  createRegistryFromLogs,
  poolStateFromLogs,
  type PoolFromLogs,
  type RegistryFromLogs,
} from "./registryLogs.ts";
export {
  deployFluxAggregator,
  type DeployFluxAggregatorErrorType,
  type DeployFluxAggregatorParameters,
  type DeployFluxAggregatorReturnType,
} from "./deployFluxAggregator.ts";
export { openRecordLog, type OpenRecordLogOptions, type RecordLog } from "./recordLog.ts";

export {
  getPoolCount,
  type GetPoolCountErrorType,
  type GetPoolCountParameters,
  type GetPoolCountReturnType,
} from "./actions/getPoolCount.ts";
export {
  getPoolInfo,
  type GetPoolInfoErrorType,
  type GetPoolInfoParameters,
  type GetPoolInfoReturnType,
  type PoolInfo,
  type PoolState,
} from "./actions/getPoolInfo.ts";
export {
  getStake,
  type GetStakeErrorType,
  type GetStakeParameters,
  type GetStakeReturnType,
} from "./actions/getStake.ts";
export {
  getRewards,
  type GetRewardsErrorType,
  type GetRewardsParameters,
  type GetRewardsReturnType,
} from "./actions/getRewards.ts";
export {
  getTotalStake,
  type GetTotalStakeErrorType,
  type GetTotalStakeParameters,
  type GetTotalStakeReturnType,
} from "./actions/getTotalStake.ts";
export {
  listPools,
  type ListPoolsErrorType,
  type ListPoolsParameters,
  type ListPoolsReturnType,
} from "./actions/listPools.ts";
export {
  getUndelegation,
  type GetUndelegationErrorType,
  type GetUndelegationParameters,
  type GetUndelegationReturnType,
  type Undelegation,
} from "./actions/getUndelegation.ts";
export {
  getTransfer,
  type GetTransferErrorType,
  type GetTransferParameters,
  type GetTransferReturnType,
  type Transfer,
} from "./actions/getTransfer.ts";
export {
  registerPool,
  type RegisterPoolErrorType,
  type RegisterPoolParameters,
  type RegisterPoolReturnType,
} from "./actions/registerPool.ts";
export {
  delegate,
  type DelegateErrorType,
  type DelegateParameters,
  type DelegateReturnType,
} from "./actions/delegate.ts";
export {
  undelegate,
  type UndelegateErrorType,
  type UndelegateParameters,
  type UndelegateReturnType,
} from "./actions/undelegate.ts";
export {
  finalizeUndelegate,
  type FinalizeUndelegateErrorType,
  type FinalizeUndelegateParameters,
  type FinalizeUndelegateReturnType,
} from "./actions/finalizeUndelegate.ts";
export {
  finalizeUndelegations,
  type FinalizeUndelegationsErrorType,
  type FinalizeUndelegationsParameters,
  type FinalizeUndelegationsReturnType,
} from "./actions/finalizeUndelegations.ts";
export {
  transferDelegation,
  type TransferDelegationErrorType,
  type TransferDelegationParameters,
  type TransferDelegationReturnType,
} from "./actions/transferDelegation.ts";
export {
  finalizeTransfer,
  type FinalizeTransferErrorType,
  type FinalizeTransferParameters,
  type FinalizeTransferReturnType,
} from "./actions/finalizeTransfer.ts";
export {
  finalizeTransfers,
  type FinalizeTransfersErrorType,
  type FinalizeTransfersParameters,
  type FinalizeTransfersReturnType,
} from "./actions/finalizeTransfers.ts";
export {
  retirePool,
  type RetirePoolErrorType,
  type RetirePoolParameters,
  type RetirePoolReturnType,
} from "./actions/retirePool.ts";
export {
  updateMetaData,
  type UpdateMetaDataErrorType,
  type UpdateMetaDataParameters,
  type UpdateMetaDataReturnType,
} from "./actions/updateMetaData.ts";
export {
  withdrawRewards,
  type WithdrawRewardsErrorType,
  type WithdrawRewardsParameters,
  type WithdrawRewardsReturnType,
} from "./actions/withdrawRewards.ts";
export {
  bindOracle,
  type BindOracleErrorType,
  type BindOracleParameters,
  type BindOracleReturnType,
} from "./actions/bindOracle.ts";
export {
  collectOraclePayment,
  type CollectOraclePaymentErrorType,
  type CollectOraclePaymentParameters,
  type CollectOraclePaymentReturnType,
} from "./actions/collectOraclePayment.ts";
export {
  getOraclePool,
  type GetOraclePoolErrorType,
  type GetOraclePoolParameters,
  type GetOraclePoolReturnType,
} from "./actions/getOraclePool.ts";
export {
  redelegateRewards,
  type RedelegateRewardsErrorType,
  type RedelegateRewardsParameters,
  type RedelegateRewardsReturnType,
} from "./actions/redelegateRewards.ts";
export {
  enableAutoRewardsDelegation,
  type EnableAutoRewardsDelegationErrorType,
  type EnableAutoRewardsDelegationParameters,
  type EnableAutoRewardsDelegationReturnType,
} from "./actions/enableAutoRewardsDelegation.ts";
export {
  disableAutoRewardsDelegation,
  type DisableAutoRewardsDelegationErrorType,
  type DisableAutoRewardsDelegationParameters,
  type DisableAutoRewardsDelegationReturnType,
} from "./actions/disableAutoRewardsDelegation.ts";
export {
  autoDelegateRewards,
  type AutoDelegateRewardsErrorType,
  type AutoDelegateRewardsParameters,
  type AutoDelegateRewardsReturnType,
} from "./actions/autoDelegateRewards.ts";
export {
  requestCommissionRateChange,
  type RequestCommissionRateChangeErrorType,
  type RequestCommissionRateChangeParameters,
  type RequestCommissionRateChangeReturnType,
} from "./actions/requestCommissionRateChange.ts";
export {
  finalizeCommissionRateChange,
  type FinalizeCommissionRateChangeErrorType,
  type FinalizeCommissionRateChangeParameters,
  type FinalizeCommissionRateChangeReturnType,
} from "./actions/finalizeCommissionRateChange.ts";
export {
  setStakingLimit,
  type SetStakingLimitErrorType,
  type SetStakingLimitParameters,
  type SetStakingLimitReturnType,
} from "./actions/setStakingLimit.ts";
export {
  enablePool,
  type EnablePoolErrorType,
  type EnablePoolParameters,
  type EnablePoolReturnType,
} from "./actions/enablePool.ts";
export {
  disablePool,
  type DisablePoolErrorType,
  type DisablePoolParameters,
  type DisablePoolReturnType,
} from "./actions/disablePool.ts";
export {
  setPoolPrivate,
  type SetPoolPrivateErrorType,
  type SetPoolPrivateParameters,
  type SetPoolPrivateReturnType,
} from "./actions/setPoolPrivate.ts";
export {
  setDelegatorAllowed,
  type SetDelegatorAllowedErrorType,
  type SetDelegatorAllowedParameters,
  type SetDelegatorAllowedReturnType,
} from "./actions/setDelegatorAllowed.ts";
export {
  getOwnersInfo,
  type GetOwnersInfoErrorType,
  type GetOwnersInfoParameters,
  type GetOwnersInfoReturnType,
  type OwnersInfo,
  type OwnersToken,
} from "./actions/getOwnersInfo.ts";
export {
  getOwner,
  type GetOwnerErrorType,
  type GetOwnerParameters,
  type GetOwnerReturnType,
  type Owner,
} from "./actions/getOwner.ts";
export {
  contribute,
  type ContributeErrorType,
  type ContributeParameters,
  type ContributeReturnType,
} from "./actions/contribute.ts";
export {
  transferShare,
  type TransferShareErrorType,
  type TransferShareParameters,
  type TransferShareReturnType,
} from "./actions/transferShare.ts";
export {
  distributeOwnerEarnings,
  type DistributeOwnerEarningsErrorType,
  type DistributeOwnerEarningsParameters,
  type DistributeOwnerEarningsReturnType,
} from "./actions/distributeOwnerEarnings.ts";
export {
  withdrawOwnerEarnings,
  type WithdrawOwnerEarningsErrorType,
  type WithdrawOwnerEarningsParameters,
  type WithdrawOwnerEarningsReturnType,
} from "./actions/withdrawOwnerEarnings.ts";
export {
  setOwnerShare,
  type SetOwnerShareErrorType,
  type SetOwnerShareParameters,
  type SetOwnerShareReturnType,
} from "./actions/setOwnerShare.ts";
export {
  addOwnersToken,
  type AddOwnersTokenErrorType,
  type AddOwnersTokenParameters,
  type AddOwnersTokenReturnType,
} from "./actions/addOwnersToken.ts";
export {
  lockShares,
  type LockSharesErrorType,
  type LockSharesParameters,
  type LockSharesReturnType,
} from "./actions/lockShares.ts";
export {
  deployPoolnet,
  type DeployPoolnetErrorType,
  type DeployPoolnetParameters,
  type DeployPoolnetReturnType,
  type NewStakingToken,
} from "./deploy.ts";
export {
  deployPoolOwners,
  type DeployPoolOwnersErrorType,
  type DeployPoolOwnersParameters,
  type DeployPoolOwnersReturnType,
} from "./deployPoolOwners.ts";
export {
  deployShareStatePayout,
  type DeployShareStatePayoutErrorType,
  type DeployShareStatePayoutReturnType,
} from "./deployShareStatePayout.ts";
export {
  cumulativeSharePayoutAbi,
  cumulativeSharePayoutBytecode,
  fluxAggregatorAbi,
  fluxAggregatorBytecode,
  poolOwnersAbi,
  poolOwnersBytecode,
  poolRegistryAbi,
  poolRegistryBytecode,
  poolVaultAbi,
  poolVaultBytecode,
  shareStatePayoutAbi,
  shareStatePayoutBytecode,
  stakingTokenAbi,
  stakingTokenBytecode,
} from "./generated/contracts.ts";
