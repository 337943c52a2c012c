// The flux monitor of one job: the I/O around decide.ts. It reads the aggregator, watches its NewRound logs by polling,
// runs the poll and idle timers, asks the feeds, and hands a submission to the submitter.
import { isAddressEqual, type Address, type PublicClient } from "viem";
import type { Feed } from "../feeds/feed.ts";
import { medianOfFeeds } from "../feeds/median.ts";
import { createJobFeeds } from "../jobs/jobFeeds.ts";
import type { FluxMetrics } from "../metrics/oracleMetrics.ts";
import type { FluxMonitorJobSpec } from "../jobs/jobSpec.ts";
import type { NodeState } from "../state/nodeState.ts";
import { fluxMonitorAbi } from "./aggregatorAbi.ts";
import {
  DEFAULT_FUNDED_ROUNDS,
  checkEligibility,
  decideSubmission,
  dueTriggers,
  isTimedOutRetry,
  nextWakeAt,
  parseThresholds,
  resetIdle,
  startTimers,
  type PollTrigger,
  type RoundState,
  type SkipReason,
} from "./decide.ts";
import type { Submitter } from "./submitter.ts";

export type FluxMonitorEvent =
  | {
      type: "skipped";
      job: string;
      trigger: PollTrigger;
      reason: SkipReason | "notEnoughAnswers" | "withinThreshold";
      roundId?: number | undefined;
    }
  | { type: "submitted"; job: string; trigger: PollTrigger; roundId: number; answer: bigint; hash: string }
  | { type: "newRound"; job: string; roundId: number; startedBy: Address }
  | { type: "error"; job: string; trigger?: PollTrigger | undefined; error: unknown };

export type FluxMonitorParameters = {
  job: FluxMonitorJobSpec;
  publicClient: PublicClient;
  submitter: Submitter;
  state: NodeState;
  /** The job's feed adapters by default; tests may give others. */
  feeds?: readonly Feed[] | undefined;
  /** Rounds the aggregator must be able to pay every oracle before the node works for it; 3 as in Chainlink. */
  fundedRounds?: bigint | undefined;
  /** How often to look for NewRound logs; the poll period, at most 1 s, by default. */
  logPollMs?: number | undefined;
  /** The monitor's clock in ms; Date.now by default. */
  now?: (() => number) | undefined;
  onEvent?: ((event: FluxMonitorEvent) => void) | undefined;
  metrics?: FluxMetrics | undefined;
};

export type FluxMonitor = {
  readonly job: FluxMonitorJobSpec;
  start(): void;
  /** Stops its timers and waits for the poll under way, if any. */
  stop(): Promise<void>;
};

type Work = { trigger: PollTrigger; roundId?: number | undefined };

export function createFluxMonitor(parameters: FluxMonitorParameters): FluxMonitor {
  const { job, publicClient, submitter, state, metrics } = parameters;
  const feeds = parameters.feeds ?? createJobFeeds(job);
  const fundedRounds = parameters.fundedRounds ?? DEFAULT_FUNDED_ROUNDS;
  const logPollMs = parameters.logPollMs ?? Math.min(job.pollPeriodMs, 1_000);
  const now = parameters.now ?? Date.now;
  const onEvent = parameters.onEvent ?? (() => undefined);
  const thresholds = parseThresholds(job.threshold, job.absoluteThreshold);
  const timerConfig = { pollPeriodMs: job.pollPeriodMs, idleDurationMs: job.idleDurationMs };
  const aggregator = job.address;
  const oracle = submitter.address;

  let timers = startTimers(timerConfig, now());
  let lastBlock: bigint | undefined;
  let stopped = true;
  let timer: NodeJS.Timeout | undefined;
  let running: Promise<void> = Promise.resolve();

  async function readRoundState(roundId: number): Promise<RoundState> {
    const [eligibleToSubmit, round, latestSubmission, startedAt, timeout, availableFunds, oracleCount, paymentAmount] =
      await publicClient.readContract({
        address: aggregator,
        abi: fluxMonitorAbi,
        functionName: "oracleRoundState",
        args: [oracle, roundId],
        // what is mined, as Chainlink's node reads it: submissions still pending are the node's state's to know
        blockTag: "latest",
        // oracleRoundState refuses calls from contracts: read it as the oracle, an account
        account: oracle,
      });
    return {
      eligibleToSubmit,
      roundId: round,
      latestSubmission,
      startedAt,
      timeout,
      availableFunds,
      oracleCount,
      paymentAmount,
    };
  }

  /** Collects the NewRound logs since the last look: each resets the idle timer; another oracle's is answered. */
  async function readNewRounds(): Promise<Work[]> {
    const head = await publicClient.getBlockNumber({ cacheTime: 0 });
    if (lastBlock === undefined || head <= lastBlock) {
      // the first look starts from now: the poll's round state covers a round already under way
      lastBlock ??= head;
      return [];
    }
    const logs = await publicClient.getContractEvents({
      address: aggregator,
      abi: fluxMonitorAbi,
      eventName: "NewRound",
      fromBlock: lastBlock + 1n,
      toBlock: head,
      strict: true,
    });
    lastBlock = head;
    const work: Work[] = [];
    for (const log of logs) {
      const roundId = Number(log.args.roundId);
      const { startedBy } = log.args;
      timers = resetIdle(timers, timerConfig, now());
      onEvent({ type: "newRound", job: job.name, roundId, startedBy });
      metrics?.roundStarted(job.name, roundId, (round) => state.hasSubmitted(aggregator, round));
      if (!isAddressEqual(startedBy, oracle)) work.push({ trigger: "newRound", roundId });
    }
    return work;
  }

  async function handle({ trigger: requested, roundId: queried }: Work): Promise<void> {
    let connected = true;
    let roundState: RoundState | undefined;
    try {
      await publicClient.getChainId();
      roundState = await readRoundState(queried ?? 0);
    } catch (error) {
      connected = false;
      onEvent({ type: "error", job: job.name, trigger: requested, error });
    }
    const eligibility = checkEligibility({
      connected,
      roundState,
      alreadySubmitted: (roundId) => state.hasSubmitted(aggregator, roundId),
      fundedRounds,
    });
    if (!eligibility.ok) {
      onEvent({
        type: "skipped",
        job: job.name,
        trigger: requested,
        reason: eligibility.reason,
        roundId: eligibility.roundId,
      });
      return;
    }
    const { roundId } = eligibility;
    if (roundState !== undefined && roundState.startedAt > 0n) metrics?.roundEligible(job.name, roundId);
    const [latestAnswer, latestRound, polled] = await Promise.all([
      publicClient.readContract({
        address: aggregator,
        abi: fluxMonitorAbi,
        functionName: "latestAnswer",
        blockTag: "latest",
      }),
      publicClient.readContract({
        address: aggregator,
        abi: fluxMonitorAbi,
        functionName: "latestRound",
        blockTag: "latest",
      }),
      medianOfFeeds(feeds, { minAnswers: job.minFeedAnswers }),
    ]);
    metrics?.feedFailures(job.name, polled.failures);
    const retry =
      requested !== "newRound" &&
      isTimedOutRetry({
        lastSubmittedRound: state.lastSubmittedRound(aggregator),
        latestAnsweredRound: Number(latestRound),
        suggestedRound: roundId,
      });
    const trigger: PollTrigger = retry ? "roundTimeout" : requested;
    const decision = decideSubmission({
      trigger,
      latestAnswer,
      polledPrice: polled.ok ? polled.price : undefined,
      precision: job.precision,
      thresholds,
    });
    if (decision.action === "skip") {
      if (!polled.ok) onEvent({ type: "error", job: job.name, trigger, error: polled.error });
      onEvent({ type: "skipped", job: job.name, trigger, reason: decision.reason, roundId });
      return;
    }
    const decidedAt = performance.now();
    const { hash } = await submitter.submit({ aggregator, roundId, answer: decision.answer });
    metrics?.submitted(job.name, roundId, performance.now() - decidedAt);
    onEvent({ type: "submitted", job: job.name, trigger, roundId, answer: decision.answer, hash });
  }

  async function tick(): Promise<void> {
    const work: Work[] = [];
    try {
      work.push(...(await readNewRounds()));
    } catch (error) {
      // a chain that does not answer: the poll's connection check reports it and skips
      onEvent({ type: "error", job: job.name, error });
    }
    const due = dueTriggers(timers, timerConfig, now());
    timers = due.timers;
    work.push(...due.triggers.map((trigger) => ({ trigger })));
    for (const item of work) {
      if (stopped) return;
      try {
        await handle(item);
      } catch (error) {
        onEvent({ type: "error", job: job.name, trigger: item.trigger, error });
      }
    }
  }

  function schedule(): void {
    if (stopped) return;
    const delay = Math.max(0, Math.min(nextWakeAt(timers) - now(), logPollMs));
    timer = setTimeout(() => {
      running = tick().finally(schedule);
    }, delay);
  }

  return {
    job,
    start() {
      if (!stopped) return;
      stopped = false;
      timers = startTimers(timerConfig, now());
      schedule();
    },
    async stop() {
      stopped = true;
      clearTimeout(timer);
      await running;
    },
  };
}
