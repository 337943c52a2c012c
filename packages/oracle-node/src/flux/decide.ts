// The flux monitor's decisions as pure functions of state: whether to poll, whether to submit, which timers are due.
// No I/O and no clock here: monitor.ts reads the chain and the feeds and hands the facts in, so that every rule is
// tested with plain values and a fake clock.
import { PRICE_DECIMALS, parseDecimal, roundTo } from "../internal/decimal.ts";

/** What `oracleRoundState(oracle, roundId)` answers, as FluxAggregator (Chainlink's v0.6 and ours) returns it. */
export type RoundState = {
  eligibleToSubmit: boolean;
  roundId: number;
  latestSubmission: bigint;
  startedAt: bigint;
  timeout: bigint;
  availableFunds: bigint;
  oracleCount: number;
  paymentAmount: bigint;
};

/**
 * Why the monitor looks now: its poll timer; the idle timer (a round is due whatever the price did); another oracle's
 * `NewRound` (answer it at once); or a round it answered that timed out without an answer (answer the next one).
 */
export type PollTrigger = "poll" | "idle" | "newRound" | "roundTimeout";

export type SkipReason = "disconnected" | "notEligible" | "alreadySubmitted" | "insufficientFunds";

export type EligibilityInput = {
  connected: boolean;
  /** Undefined only when not connected: nothing could be read. */
  roundState: RoundState | undefined;
  /** Whether this node's own state records a submission to the round (sent or only signed). */
  alreadySubmitted: (roundId: number) => boolean;
  /** The aggregator must hold enough to pay every oracle this many rounds; 3 in Chainlink's node. */
  fundedRounds: bigint;
};

export type Eligibility = { ok: true; roundId: number } | { ok: false; reason: SkipReason; roundId?: number };

/** Chainlink node's number of rounds an aggregator must be able to pay every oracle before the node works for it. */
export const DEFAULT_FUNDED_ROUNDS = 3n;

/**
 * The checks before a poll, in Chainlink's order (pollIfEligible): the chain is connected; the oracle is eligible for
 * the round; it has not already submitted to it; the aggregator can pay. The first that fails is the reason.
 */
export function checkEligibility({
  connected,
  roundState,
  alreadySubmitted,
  fundedRounds,
}: EligibilityInput): Eligibility {
  if (!connected || roundState === undefined) return { ok: false, reason: "disconnected" };
  const { roundId } = roundState;
  if (!roundState.eligibleToSubmit) return { ok: false, reason: "notEligible", roundId };
  if (alreadySubmitted(roundId)) return { ok: false, reason: "alreadySubmitted", roundId };
  if (!hasSufficientFunds(roundState, fundedRounds)) return { ok: false, reason: "insufficientFunds", roundId };
  return { ok: true, roundId };
}

/** availableFunds >= paymentAmount × oracleCount × fundedRounds: the aggregator can pay everyone for a few rounds. */
export function hasSufficientFunds(
  { availableFunds, paymentAmount, oracleCount }: Pick<RoundState, "availableFunds" | "paymentAmount" | "oracleCount">,
  fundedRounds: bigint,
): boolean {
  return availableFunds >= paymentAmount * BigInt(oracleCount) * fundedRounds;
}

/** Deviation thresholds as integers scaled by 10^18: `relative` in percent, `absolute` in the answer's units. */
export type Thresholds = { relative: bigint; absolute: bigint };

/** Reads a job's thresholds ("0.5" percent, "0.01" absolute) exactly. Throws on anything but a decimal ≥ 0. */
export function parseThresholds(relative: string, absolute: string): Thresholds {
  const parsed = { relative: parseDecimal(relative), absolute: parseDecimal(absolute) };
  if (parsed.relative === undefined || parsed.relative < 0n) throw new RangeError(`bad threshold ${relative}`);
  if (parsed.absolute === undefined || parsed.absolute < 0n) throw new RangeError(`bad threshold ${absolute}`);
  return { relative: parsed.relative, absolute: parsed.absolute };
}

/** What the idle timer and a timed-out round poll with: Chainlink's pollIfEligible(0, 0). */
export const ZERO_THRESHOLDS: Thresholds = { relative: 0n, absolute: 0n };

/**
 * Chainlink's `OutsideDeviation(current, next, thresholds)`, exactly, on prices scaled by 10^18:
 *
 *   - with an absolute threshold a > 0, |next − current| must be strictly greater than a;
 *   - then, when current = 0, the deviation is infinite (true) unless next = 0 too (undefined: false);
 *   - else 100 × |next − current| / |current| must be at least the relative threshold r (percent): the boundary
 *     itself counts as outside. Compared as 100 × |next − current| ≥ r × |current|, so nothing is rounded (Chainlink
 *     divides with 16 decimal digits first).
 *
 * Both must hold: an absolute threshold of 0 disables that test; a relative threshold of 0 passes any change.
 */
export function outsideDeviation(current: bigint, next: bigint, { relative, absolute }: Thresholds): boolean {
  const difference = abs(next - current);
  if (absolute > 0n && difference <= absolute) return false;
  if (current === 0n) return next !== 0n;
  // both sides scaled by 10^18 once more: `relative` is a percentage scaled by 10^18
  return difference * 100n * 10n ** BigInt(PRICE_DECIMALS) >= relative * abs(current);
}

export type SubmissionInput = {
  trigger: PollTrigger;
  /** The aggregator's latest answer, an integer with `precision` decimals (0 before any round). */
  latestAnswer: bigint;
  /** The median of the feeds, as decimal text, or undefined when too few feeds answered. */
  polledPrice: string | undefined;
  precision: number;
  thresholds: Thresholds;
};

export type SubmissionDecision =
  { action: "submit"; answer: bigint } | { action: "skip"; reason: "notEnoughAnswers" | "withinThreshold" };

/**
 * After the checks passed and the feeds were polled: submit the median scaled by 10^precision (rounded half away
 * from zero), or skip. A poll tick submits only outside the job's thresholds; the idle timer and a timed-out round
 * use thresholds of zero (any change, or a first answer); another oracle's new round is answered whatever the price.
 */
export function decideSubmission({
  trigger,
  latestAnswer,
  polledPrice,
  precision,
  thresholds,
}: SubmissionInput): SubmissionDecision {
  const polled = polledPrice === undefined ? undefined : parseDecimal(polledPrice);
  if (polled === undefined) return { action: "skip", reason: "notEnoughAnswers" };
  const answer = roundTo(polled, PRICE_DECIMALS, precision);
  if (trigger === "newRound") return { action: "submit", answer };
  const current = latestAnswer * 10n ** BigInt(PRICE_DECIMALS - precision);
  const applied = trigger === "poll" ? thresholds : ZERO_THRESHOLDS;
  return outsideDeviation(current, polled, applied)
    ? { action: "submit", answer }
    : { action: "skip", reason: "withinThreshold" };
}

/**
 * A round this node answered timed out without an answer, and the aggregator has moved on: the node's reason to
 * report still stands (the latest answer did not change), so the next round is answered as the idle timer would.
 */
export function isTimedOutRetry({
  lastSubmittedRound,
  latestAnsweredRound,
  suggestedRound,
}: {
  lastSubmittedRound: number | undefined;
  latestAnsweredRound: number;
  suggestedRound: number;
}): boolean {
  return (
    lastSubmittedRound !== undefined && suggestedRound > lastSubmittedRound && latestAnsweredRound < lastSubmittedRound
  );
}

// ------------------------------------------------------------------ timers

export type TimerConfig = { pollPeriodMs: number; idleDurationMs: number | undefined };

/** When each timer next fires, in the monitor's clock (ms). */
export type Timers = { nextPollAt: number; idleAt: number | undefined };

export function startTimers({ idleDurationMs }: TimerConfig, now: number): Timers {
  // the first poll at once: a node that starts (or restarts) catches up before waiting a period
  return { nextPollAt: now, idleAt: idleDurationMs === undefined ? undefined : now + idleDurationMs };
}

/**
 * The triggers due at `now`, and the timers after they fire. One poll however many periods were missed (a slow
 * poll or a suspended process does not cause a burst); when the idle timer is due it replaces the poll tick, since
 * an idle poll submits whenever a tick would. Both restart from `now`.
 */
export function dueTriggers(
  timers: Timers,
  { pollPeriodMs, idleDurationMs }: TimerConfig,
  now: number,
): { triggers: PollTrigger[]; timers: Timers } {
  const idleDue = timers.idleAt !== undefined && now >= timers.idleAt;
  const pollDue = now >= timers.nextPollAt;
  if (!idleDue && !pollDue) return { triggers: [], timers };
  return {
    triggers: idleDue ? ["idle"] : ["poll"],
    timers: {
      nextPollAt: pollDue || idleDue ? now + pollPeriodMs : timers.nextPollAt,
      idleAt: idleDue && idleDurationMs !== undefined ? now + idleDurationMs : timers.idleAt,
    },
  };
}

/** A round started (anyone's, ours included): the idle timer counts from now again. */
export function resetIdle(timers: Timers, { idleDurationMs }: TimerConfig, now: number): Timers {
  return { ...timers, idleAt: idleDurationMs === undefined ? undefined : now + idleDurationMs };
}

/** When the monitor must next wake for its timers. */
export function nextWakeAt(timers: Timers): number {
  return timers.idleAt === undefined ? timers.nextPollAt : Math.min(timers.nextPollAt, timers.idleAt);
}

function abs(value: bigint): bigint {
  return value < 0n ? -value : value;
}
