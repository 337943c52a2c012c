// The sdk's one error tree, and the translation of every contract and transport failure into a readable sentence.
import {
  BaseError,
  ContractFunctionExecutionError,
  ContractFunctionRevertedError,
  ContractFunctionZeroDataError,
  HttpRequestError,
  InsufficientFundsError,
  LimitExceededRpcError,
  SocketClosedError,
  TimeoutError,
  WebSocketRequestError,
  zeroAddress,
  type Address,
} from "viem";
import { formatAmount, formatPpm } from "./internal/numbers.ts";
import { formatSharePercent } from "./internal/shares.ts";

export type PoolnetErrorOptions = {
  /** What went wrong underneath, for logs; never shown as the headline. */
  details?: string | undefined;
  cause?: unknown;
};

/** Base of every error the sdk throws: `shortMessage` is one sentence fit for a user, `details` is for logs. */
export class PoolnetError extends Error {
  override name = "PoolnetError";
  readonly shortMessage: string;
  readonly details: string | undefined;

  constructor(shortMessage: string, options: PoolnetErrorOptions = {}) {
    super(shortMessage, options.cause === undefined ? undefined : { cause: options.cause });
    this.shortMessage = shortMessage;
    this.details = options.details;
  }
}

/** The same call may succeed later (the chain was unreachable, the node was busy): a service may retry it. */
export class RetryableError extends PoolnetError {
  override name = "RetryableError";
}

/** Retrying the same call will fail the same way (a revert, bad input): a service should give up or change it. */
export class NonRetryableError extends PoolnetError {
  override name = "NonRetryableError";
}

/** Input refused before anything was sent: a malformed address or amount, a broken deployment file. */
export class InvalidInputError extends NonRetryableError {
  override name = "InvalidInputError";
}

/** The RPC endpoint did not answer (refused, timed out, closed): the chain may be down or still starting. */
export class ChainUnreachableError extends RetryableError {
  override name = "ChainUnreachableError";
  readonly url: string | undefined;

  constructor(url: string | undefined, options: PoolnetErrorOptions = {}) {
    // viem reports "http://host:port/" for "http://host:port": show the address as people write it
    super(
      url === undefined ? "cannot reach the chain" : `cannot reach the chain at ${url.replace(/(\/\/[^/]+)\/$/, "$1")}`,
      options,
    );
    this.url = url;
  }
}

export type ContractRevertErrorOptions = PoolnetErrorOptions & {
  /** The custom error's name, e.g. "PoolRegistryPoolDisabled"; undefined for a revert without a known error. */
  errorName?: string | undefined;
  args?: readonly unknown[] | undefined;
};

/** A contract refused the call; `errorName` and `args` are the decoded custom error when it is known. */
export class ContractRevertError extends NonRetryableError {
  override name = "ContractRevertError";
  readonly errorName: string | undefined;
  readonly args: readonly unknown[];

  constructor(shortMessage: string, options: ContractRevertErrorOptions = {}) {
    super(shortMessage, options);
    this.errorName = options.errorName;
    this.args = options.args ?? [];
  }
}

/** Everything an sdk action throws; narrow with `instanceof` (RetryableError or NonRetryableError decides a retry). */
export type PoolnetErrorType =
  ContractRevertError | ChainUnreachableError | InvalidInputError | RetryableError | NonRetryableError;

type Describe = (args: readonly unknown[]) => string;

const amount = (value: unknown): string => formatAmount(value as bigint);
const address = (value: unknown): Address => value as Address;
const ether = (value: unknown): string => `${formatAmount(value as bigint)} ETH`;
const share = (value: unknown): string => formatSharePercent(value as bigint);
const date = (seconds: unknown): string =>
  new Date(Number(seconds as bigint) * 1000).toISOString().replace(".000Z", "Z").replace("T", " ");

/** One sentence per custom error the registry, its vaults, the stake token and PoolOwners can revert with. */
const contractErrors: Record<string, Describe> = {
  PoolRegistryUnknownPool: ([pool]) => `there is no pool at ${address(pool)}`,
  PoolRegistryZeroAmount: () => "the amount must be more than 0",
  PoolRegistryZeroAddress: () => "an address given is the zero address",
  PoolRegistryRateTooHigh: ([rate, maxRate]) =>
    `the rate ${formatPpm(rate as bigint)} is above the highest allowed, ${formatPpm(maxRate as bigint)}`,
  PoolRegistryNotOperator: ([pool, caller]) => `${address(caller)} is not the operator of pool ${address(pool)}`,
  PoolRegistryPoolDisabled: ([pool]) => `pool ${address(pool)} is disabled: it takes no delegations`,
  PoolRegistryPoolRetired: ([pool]) =>
    `pool ${address(pool)} is retired: it takes no delegations and cannot be enabled again (stake in it can leave)`,
  PoolRegistryPoolBroken: ([pool, selfStake, minSelfStake]) =>
    `pool ${address(pool)} is broken: its operator's self-stake is ${amount(selfStake)} of the ` +
    `${amount(minSelfStake)} required, so it takes no delegations from others`,
  PoolRegistryDelegatorNotAllowed: ([pool, delegator]) =>
    `pool ${address(pool)} is private and ${address(delegator)} is not on its allow-list`,
  // the registry counts stake on its way in by transfer as taken: its room is reserved
  PoolRegistryStakingLimitExceeded: ([pool, totalStake, stakingLimit, added]) =>
    `pool ${address(pool)} is full: ${amount(totalStake)} of ${amount(stakingLimit)} staked or on its way in, ` +
    `cannot add ${amount(added)}`,
  PoolRegistryLimitBelowStake: ([pool, stakingLimit, totalStake]) =>
    `the staking limit ${amount(stakingLimit)} is below the ${amount(totalStake)} already staked or on its way ` +
    `into pool ${address(pool)}`,
  PoolRegistryLimitTooLarge: ([stakingLimit, maxLimit]) =>
    `the staking limit ${amount(stakingLimit)} is above the largest possible, ${amount(maxLimit)}`,
  PoolRegistryInsufficientStake: ([pool, delegator, stake, requested]) =>
    `${address(delegator)} has ${amount(stake)} staked in pool ${address(pool)}, cannot take ${amount(requested)} ` +
    "out of it",
  PoolRegistryFeeExceedsAmount: ([fee, requested]) =>
    `the finalization fee ${amount(fee)} is more than the amount it comes out of, ${amount(requested)}`,
  PoolRegistryUnknownUndelegation: ([id]) => `there is no pending undelegation with id ${String(id)}`,
  PoolRegistryUndelegationNotDue: ([id, releaseAt]) =>
    `undelegation ${String(id)} is still thawing: it can be finalized from ${date(releaseAt)}`,
  PoolRegistryNothingToWithdraw: ([pool, account]) =>
    `${address(account)} has nothing to withdraw from pool ${address(pool)}`,
  PoolRegistryUnsupportedToken: ([token]) =>
    `${address(token)} is not the stake token: the registry only takes its own token`,
  PoolRegistryInvalidPoolData: ([data]) =>
    `the data sent with the tokens must be one ABI-encoded pool address, got ${String(data)}`,
  PoolRegistryVaultFull: ([pool, accounted, added]) =>
    `the vault of pool ${address(pool)} is full: it holds ${amount(accounted)} and cannot take ${amount(added)} more`,
  PoolRegistryTooManyPools: () => "the registry holds as many pools as it can",
  PoolRegistryTransferLockoutTooLong: ([lockout, thawingPeriod]) =>
    `the transfer lockout (${String(lockout)} s) must be shorter than the thawing period (${String(thawingPeriod)} s)`,
  PoolRegistryTransferToSamePool: ([pool]) => `a transfer must go to another pool, not back to ${address(pool)}`,
  PoolRegistrySelfStakeNotTransferable: ([pool, operator]) =>
    `${address(operator)} operates pool ${address(pool)}: an operator's self-stake cannot be transferred, only ` +
    "undelegated",
  PoolRegistryUnknownTransfer: ([id]) => `there is no pending transfer with id ${String(id)}`,
  PoolRegistryTransferNotDue: ([id, releaseAt]) =>
    `transfer ${String(id)} is still locked: it can be finalized from ${date(releaseAt)}`,
  PoolRegistryAutoDelegationWithoutStake: ([pool, delegator]) =>
    `${address(delegator)} has no stake in pool ${address(pool)}: delegate before enabling auto-redelegation`,
  PoolRegistryAutoDelegationNotEnabled: ([pool, delegator]) =>
    `${address(delegator)} has not enabled auto-redelegation in pool ${address(pool)}`,
  PoolRegistryCommissionIncreaseTooLarge: ([pool, currentRate, newRate, maxIncrease]) =>
    `pool ${address(pool)} cannot raise its commission from ${formatPpm(currentRate as bigint)} to ` +
    `${formatPpm(newRate as bigint)} in one change: at most ${formatPpm(maxIncrease as bigint)} more`,
  PoolRegistryUnknownCommissionRateChange: ([id]) => `there is no pending commission rate change with id ${String(id)}`,
  PoolRegistryCommissionRateChangeNotDue: ([id, effectiveAt]) =>
    `commission rate change ${String(id)} is still locked: it can be finalized from ${date(effectiveAt)}`,
  PoolRegistryGovernanceNotTimelocked: ([governor]) =>
    `the registry's owner ${address(governor)} is not a timelock, so it cannot govern: every governance action must ` +
    "wait out a timelock longer than the thawing period",
  PoolRegistryGovernanceDelayTooShort: ([governor, delay, thawingPeriod]) =>
    `the governance timelock ${address(governor)} waits ${String(delay)} s, not longer than the ` +
    `${String(thawingPeriod)}-second thawing period, so it cannot govern`,
  PoolRegistryIncompatibleUpgrade: ([implementation]) =>
    `the implementation ${address(implementation)} is for another stake token: the registry cannot be upgraded to it`,
  PoolRegistryInvalidPenaltyContract: ([target]) =>
    `${address(target)} cannot take penalties: it must be a contract, and not the token, the registry or a pool`,
  PoolRegistryPenaltyContractListed: ([target]) => `${address(target)} is already on the penalty whitelist`,
  PoolRegistryNotPenaltyContract: ([target]) => `${address(target)} is not on the penalty whitelist`,
  PoolRegistryTooManyPenaltyContracts: () => "the penalty whitelist is full: remove a contract first",
  PoolRegistryPenaltyExceedsSelfStake: ([pool, locked, selfStake, requested]) =>
    `pool ${address(pool)} cannot lock ${amount(requested)} more in penalties: ${amount(locked)} are locked and the ` +
    `operator's self-stake of ${amount(selfStake)} must back all of it`,
  PoolRegistryExceedsLockedPenalties: ([pool, locked, requested]) =>
    `pool ${address(pool)} has ${amount(locked)} tokens locked in penalties, fewer than ${amount(requested)}`,
  PoolRegistryStakeLockedInPenalties: ([pool, selfStakeAfter, locked]) =>
    `the operator's self-stake in pool ${address(pool)} would drop to ${amount(selfStakeAfter)}, below the ` +
    `${amount(locked)} it backs in locked penalties: return or write them off first`,
  PoolRegistryNotSigningAddress: ([pool, caller]) =>
    `${address(caller)} is not the signing address of pool ${address(pool)}: only its oracle node's key binds to it`,
  PoolRegistryOracleAlreadyBound: ([oracle, pool]) =>
    `the oracle ${address(oracle)} is already bound to pool ${address(pool)}, for good`,
  PoolRegistryOracleNotBound: ([oracle]) =>
    `the oracle ${address(oracle)} is bound to no pool: its key must call bindOracle first`,
  PoolRegistryExtensionCalledDirectly: () =>
    "that is the registry's extension contract, not the registry: send the call to the registry's address",
  PoolOwnersZeroAddress: () => "an address given is the zero address",
  PoolOwnersZeroAmount: () => "the amount must be more than 0",
  PoolOwnersSharesLocked: () =>
    "the owners' shares are locked: the share sale is over and shares can no longer be sold or granted",
  PoolOwnersContributionTooSmall: ([value, minimum]) =>
    `a contribution of ${ether(value)} is below the minimum, ${ether(minimum)}`,
  PoolOwnersHardCapExceeded: ([value, room]) =>
    room === 0n
      ? "the share sale is sold out: its hard cap is reached"
      : `a contribution of ${ether(value)} would pass the share sale's hard cap: ${ether(room)} is left`,
  PoolOwnersCreatorSharesExceeded: ([owner, granted, maxGranted]) =>
    `${address(owner)} can be granted at most ${share(maxGranted)} of the shares out of the creators' part, not ` +
    share(granted),
  PoolOwnersInsufficientShare: ([owner, held, requested]) =>
    `${address(owner)} holds ${share(held)} of the shares, cannot give up ${share(requested)}`,
  PoolOwnersUnknownToken: ([token]) => `token ${address(token)} is not listed for distribution among the owners`,
  PoolOwnersTokenAlreadyListed: ([token]) =>
    `token ${address(token)} is already listed for distribution among the owners`,
  PoolOwnersTooManyTokens: ([maxTokens]) =>
    `the owners' contract already lists ${String(maxTokens)} tokens, the most it distributes`,
  PoolOwnersNothingToWithdraw: ([token, owner]) =>
    `${address(owner)} has nothing to withdraw of token ${address(token)}`,
  PoolOwnersInsufficientBalance: ([token, owner, balance, requested]) =>
    `${address(owner)} can withdraw ${amount(balance)} of token ${address(token)}, not ${amount(requested)}`,
  PoolOwnersPaymentFailed: ([wallet, value]) =>
    `the share sale's wallet ${address(wallet)} did not accept the ${ether(value)} contributed`,
  ShareStatePayoutUnknownState: ([id]) => `there is no share state ${String(id)}`,
  ShareStatePayoutClosed: ([id]) => `share state ${String(id)} is closed: what it did not pay was carried forward`,
  ShareStatePayoutExpired: ([id, deadline]) =>
    `share state ${String(id)} passed its deadline (${date(deadline)}): it pays no more, close it to carry the rest`,
  ShareStatePayoutStillOpen: ([id, deadline, paidScore, totalScore]) =>
    `share state ${String(id)} cannot close yet: ${String(paidScore)} of its ${String(totalScore)} score is paid ` +
    `and its deadline is ${date(deadline)}`,
  ShareStatePayoutZeroRoot: () => "the share state's Merkle root must not be zero",
  ShareStatePayoutZeroTotalScore: () => "the share state's total score must be more than 0",
  ShareStatePayoutZeroLeafCount: () => "the share state must have at least one miner",
  ShareStatePayoutDeadlineNotInFuture: ([deadline, timestamp]) =>
    `the deadline ${date(deadline)} is not after the chain's time, ${date(timestamp)}`,
  ShareStatePayoutBudgetTooLarge: ([budget, max]) =>
    `the share state's budget ${amount(budget)} is above the largest possible, ${amount(max)}`,
  ShareStatePayoutBountiesExceedBudget: ([bounties, budget]) =>
    `the bounties (${amount(bounties)}) are more than the share state's budget, ${amount(budget)}`,
  ShareStatePayoutWrongValue: ([sent, expected]) =>
    `the ETH sent (${ether(sent)}) must equal the amount posted (${ether(expected)}); send none with a token`,
  ShareStatePayoutFundingShort: ([received, expected]) =>
    `the contract received ${amount(received)} of the ${amount(expected)} tokens posted: fee-on-transfer tokens ` +
    "are not supported",
  ShareStatePayoutNotAToken: ([token]) => `there is no token contract at ${address(token)}`,
  ShareStatePayoutEmptyBatch: ([id]) => `a batch of share state ${String(id)} must pay at least one miner`,
  ShareStatePayoutInvalidProof: ([id]) =>
    `the proof does not match share state ${String(id)}'s root: the leaves or proof are not of the posted state`,
  ShareStatePayoutIndexOutOfRange: ([id, index, leafCount]) =>
    `leaf ${String(index)} is not in share state ${String(id)}, which has ${String(leafCount)} miners`,
  ShareStatePayoutAlreadyPaid: ([id, index]) => `leaf ${String(index)} of share state ${String(id)} is already paid`,
  ShareStatePayoutNothingToPay: ([id]) => `every miner of that batch of share state ${String(id)} is already paid`,
  ShareStatePayoutScoreExceedsTotal: ([id, paidScore, totalScore]) =>
    `share state ${String(id)} would pay a score of ${String(paidScore)}, more than its posted total ` +
    `${String(totalScore)}: the pool posted a wrong total`,
  ShareStateLeavesInvalidFlags: ([words, count]) =>
    `the proof flags (${String(words)} words) do not hold the ${String(count)} flags the multiproof needs`,
  ShareStateLeavesInvalidMultiproof: () => "the multiproof is malformed: a proof element is missing or left over",
  PayoutCreditsNothingToWithdraw: ([token, account]) =>
    `${address(account)} has no payout credited in ${token === zeroAddress ? "ETH" : `token ${address(token)}`}`,
  PayoutCreditsTransferFailed: ([token, to, value]) =>
    `sending the credited ${amount(value)} ${token === zeroAddress ? "ETH" : `of token ${address(token)}`} to ` +
    `${address(to)} failed`,
  CumulativePayoutUnknownLedger: ([id]) => `there is no cumulative payout ledger ${String(id)}`,
  CumulativePayoutNotThePool: ([id, caller, pool]) =>
    `${address(caller)} is not the pool of ledger ${String(id)}: only ${address(pool)} may`,
  CumulativePayoutZeroRoot: () => "the cumulative root must not be zero",
  CumulativePayoutNoRoot: ([id]) => `ledger ${String(id)} has no root posted yet`,
  CumulativePayoutUnderfunded: ([id, total, funded]) =>
    `ledger ${String(id)} would owe ${amount(total)} but holds ${amount(funded)}: fund it first`,
  CumulativePayoutTotalDecreased: ([id, total, previous]) =>
    `ledger ${String(id)}'s total cannot go down, from ${amount(previous)} to ${amount(total)}`,
  CumulativePayoutFundingTooLarge: ([funded, max]) =>
    `the funding ${amount(funded)} is above the largest possible, ${amount(max)}`,
  CumulativePayoutWrongValue: ([sent, expected]) =>
    `the ETH sent (${ether(sent)}) must equal the amount (${ether(expected)}); send none with a token`,
  CumulativePayoutFundingShort: ([received, expected]) =>
    `the contract received ${amount(received)} of the ${amount(expected)} tokens sent: fee-on-transfer tokens are ` +
    "not supported",
  CumulativePayoutNotAToken: ([token]) => `there is no token contract at ${address(token)}`,
  CumulativePayoutNothingToWithdraw: ([id]) => `ledger ${String(id)} holds no surplus over its total`,
  CumulativePayoutStaleEpoch: ([id, epoch, current]) =>
    `the batch was built against root ${String(epoch)} of ledger ${String(id)}, which is now at root ` +
    `${String(current)}: rebuild it`,
  CumulativePayoutEmptyBatch: ([id]) => `a batch of ledger ${String(id)} must pay at least one miner`,
  CumulativePayoutInvalidProof: ([id]) => `the proof does not match ledger ${String(id)}'s current root`,
  CumulativePayoutNothingToPay: ([id]) => `every miner of that batch of ledger ${String(id)} is already paid`,
  CumulativePayoutExceedsTotal: ([id, paid, total]) =>
    `ledger ${String(id)} would pay ${amount(paid)} in all, more than its total ${amount(total)}`,
  PoolVaultUnauthorized: ([caller]) => `${address(caller)} may not pay out of a pool vault: only the registry may`,
  ERC20InsufficientBalance: ([sender, balance, needed]) =>
    `${address(sender)} holds ${amount(balance)} tokens, needs ${amount(needed)}`,
  ERC20InsufficientAllowance: ([spender, allowance, needed]) =>
    `${address(spender)} is allowed to spend ${amount(allowance)} tokens, needs ${amount(needed)}: approve more first`,
  OwnableUnauthorizedAccount: ([account]) => `${address(account)} is not the owner of the contract`,
  SafeERC20FailedOperation: ([token]) => `a transfer of token ${address(token)} failed`,
  ReentrancyGuardReentrantCall: () => "the contract refused a re-entrant call",
  InvalidInitialization: () => "the contract is already initialized (or is an implementation, which never is)",
  NotInitializing: () => "that may only run while the contract is being initialized",
  UUPSUnauthorizedCallContext: () => "upgrades go through the registry's proxy, not its implementation",
  UUPSUnsupportedProxiableUUID: ([slot]) =>
    `the new implementation uses another proxy slot (${String(slot)}): the registry cannot be upgraded to it`,
  ERC1967InvalidImplementation: ([implementation]) => `${address(implementation)} has no code to upgrade to`,
  AddressEmptyCode: ([target]) => `there is no contract at ${address(target)}`,
  FailedCall: () => "a call the contract made failed without a reason",
};

/**
 * Turns anything thrown while talking to the chain into a PoolnetError: a decoded custom error becomes a
 * ContractRevertError with one readable sentence, an unreachable endpoint a ChainUnreachableError (retryable).
 */
export function describeContractError(error: unknown): PoolnetError {
  if (error instanceof PoolnetError) return error;
  if (!(error instanceof BaseError)) {
    const message = error instanceof Error ? error.message : String(error);
    return new NonRetryableError(message, { cause: error });
  }

  const reverted = error.walk((e) => e instanceof ContractFunctionRevertedError);
  if (reverted instanceof ContractFunctionRevertedError) return describeRevert(reverted, error);

  const zeroData = error.walk((e) => e instanceof ContractFunctionZeroDataError);
  if (zeroData) {
    const execution = error.walk((e) => e instanceof ContractFunctionExecutionError);
    const at = execution instanceof ContractFunctionExecutionError ? ` at ${execution.contractAddress}` : "";
    return new NonRetryableError(
      `no contract answered${at}: is the deployment file for this chain, and the chain the one it was deployed on?`,
      { details: error.shortMessage, cause: error },
    );
  }

  const transport = error.walk(
    (e) =>
      e instanceof HttpRequestError ||
      e instanceof TimeoutError ||
      e instanceof WebSocketRequestError ||
      e instanceof SocketClosedError,
  );
  if (transport) {
    const url = "url" in transport && typeof transport.url === "string" ? transport.url : undefined;
    return new ChainUnreachableError(url, { details: error.shortMessage, cause: error });
  }

  if (error.walk((e) => e instanceof InsufficientFundsError)) {
    return new NonRetryableError("the account does not hold enough of the chain's native coin to pay for gas", {
      details: error.shortMessage,
      cause: error,
    });
  }
  if (error.walk((e) => e instanceof LimitExceededRpcError)) {
    return new RetryableError("the RPC endpoint is rate-limiting requests", {
      details: error.shortMessage,
      cause: error,
    });
  }
  return new NonRetryableError(error.shortMessage, { details: error.details, cause: error });
}

function describeRevert(reverted: ContractFunctionRevertedError, outer: BaseError): ContractRevertError {
  const options = { details: outer.shortMessage, cause: outer };
  const data = reverted.data;
  if (data !== undefined && data.errorName !== "Error" && data.errorName !== "Panic") {
    const args = data.args ?? [];
    const describe = contractErrors[data.errorName];
    const sentence = describe
      ? describe(args)
      : `the contract refused: ${data.errorName}(${args.map((arg) => String(arg)).join(", ")})`;
    return new ContractRevertError(sentence, { ...options, errorName: data.errorName, args });
  }
  if (reverted.reason !== undefined) {
    return new ContractRevertError(`the contract refused: ${reverted.reason}`, options);
  }
  if (reverted.signature !== undefined) {
    return new ContractRevertError(
      `the contract refused with an error the sdk does not know (selector ${reverted.signature})`,
      options,
    );
  }
  return new ContractRevertError("the contract call reverted without a reason", options);
}
