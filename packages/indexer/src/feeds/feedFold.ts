// One FluxAggregator as its logs describe it, epoch by epoch: rounds (start, answer, deviation, timeout), each
// oracle's submissions with their latency, and which oracles each round could count on. The rules are the
// aggregator's own (Chainlink's): an oracle is eligible for round r when its enrolment covers r (added while round R
// reports: from R + 1; removed while R reports: up to R + 1), fixed when r starts; a round stops taking submissions
// when it is full, when the next round starts after its timeout (it then carries the previous answer), when the next
// round is answered, or when the round after next starts. A round's eligible/answered counts are booked in the epoch
// that closes it, so an epoch's counts never change once written.
import { fluxAggregatorAbi } from "@poolnet/sdk";
import { decodeEventLog, getAddress, toEventSelector, type Address, type Log } from "viem";

/** Enrolment of one oracle, as the aggregator keeps it: eligible for rounds startingRound..endingRound. */
type Enrolment = { startingRound: bigint; endingRound: bigint };

const ROUND_MAX = 2n ** 32n - 1n;

/** The aggregator's state just before the fold's first block. */
export type FeedStart = {
  oracles: readonly Address[];
  /** The reporting round (the last started). */
  reportingRound: bigint;
  /** What rounds started from now on take. */
  timeout: bigint;
  maxSubmissions: number;
  /** The answers of the reporting round and the one before it, where they have one (deviation and carry need them). */
  answers: ReadonlyMap<bigint, { answer: bigint; answeredInRound: bigint }>;
};

export type FeedRound = {
  roundId: bigint;
  startedAt: bigint;
  startedBy: Address;
  startedAtBlock: bigint;
  /** Undefined until the round has an answer (its own, or carried after a timeout). */
  answer: bigint | undefined;
  /** 0 while it has no answer. */
  answeredInRound: bigint;
  /** 0 while it has no answer. */
  updatedAt: bigint;
  /** (answer − previous round's answer) / |previous answer| in parts per million, toward zero; undefined if either is missing or the previous is 0. */
  deviationPpm: bigint | undefined;
  submissionCount: number;
  eligibleCount: number;
  /** Superseded after its timeout: the answer is the previous round's. */
  timedOut: boolean;
  /** Takes no more submissions. */
  closed: boolean;
};

export type FeedSubmission = {
  roundId: bigint;
  oracle: Address;
  value: bigint;
  blockNumber: bigint;
  logIndex: number;
  timestamp: bigint;
  /** Seconds from the round's start; undefined for a round started before the fold's first block. */
  latency: bigint | undefined;
};

export type FeedOracleEpoch = {
  oracle: Address;
  /** Enabled at the epoch's end. */
  enabled: boolean;
  /** Rounds closed in the epoch the oracle was eligible for, and those of them it answered. */
  eligible: number;
  answered: number;
  missed: number;
  /** Submissions it made during the epoch (to any round). */
  submissions: number;
};

/** What one epoch changed: rounds touched (their state at the epoch's end), submissions made, each oracle's counts. */
export type FeedAtEpoch = { rounds: FeedRound[]; submissions: FeedSubmission[]; oracles: FeedOracleEpoch[] };

type Round = Omit<FeedRound, "submissionCount" | "eligibleCount" | "closed"> & {
  timeout: bigint;
  maxSubmissions: number;
  eligible: Set<Address>;
  submitted: Set<Address>;
  closed: boolean;
};

export type FeedFold = {
  apply(logs: readonly Log[], timestamps: ReadonlyMap<bigint, bigint>): void;
  /** What changed since the last call. */
  takeSnapshot(): FeedAtEpoch;
};

const names = ["NewRound", "AnswerUpdated", "SubmissionReceived", "OraclePermissionsUpdated", "RoundDetailsUpdated"];
const selectors = new Set(
  fluxAggregatorAbi
    .filter((item) => item.type === "event" && names.includes(item.name))
    .map((item) => toEventSelector(item as never)),
);

/** Rounds this far below the last started are forgotten once closed (deviation and carry look back two). */
const keepRounds = 4n;

export function createFeedFold(feedAddress: Address, start: FeedStart): FeedFold {
  const address = getAddress(feedAddress);
  const enrolments = new Map<Address, Enrolment>(
    start.oracles.map((oracle) => [getAddress(oracle), { startingRound: 1n, endingRound: ROUND_MAX }]),
  );
  let reporting = start.reportingRound;
  let future = { timeout: start.timeout, maxSubmissions: start.maxSubmissions };
  const rounds = new Map<bigint, Round>();
  const touched = new Set<bigint>();
  /** A round's answer, from the fold or, for rounds before its first block, from the start. */
  const answerOf = (roundId: bigint) => {
    const round = rounds.get(roundId);
    if (round !== undefined) {
      return round.answer === undefined ? undefined : { answer: round.answer, answeredInRound: round.answeredInRound };
    }
    return start.answers.get(roundId);
  };
  let submissions: FeedSubmission[] = [];
  const counts = new Map<Address, { eligible: number; answered: number; submissions: number }>();

  const countsOf = (oracle: Address) => {
    let entry = counts.get(oracle);
    if (entry === undefined) counts.set(oracle, (entry = { eligible: 0, answered: 0, submissions: 0 }));
    return entry;
  };
  const close = (round: Round) => {
    if (round.closed) return;
    round.closed = true;
    touched.add(round.roundId);
    for (const oracle of round.eligible) {
      const entry = countsOf(oracle);
      entry.eligible += 1;
      if (round.submitted.has(oracle)) entry.answered += 1;
    }
  };
  const deviation = (answer: bigint, previous: bigint | undefined) => {
    if (previous === undefined || previous === 0n) return undefined;
    return ((answer - previous) * 1_000_000n) / (previous < 0n ? -previous : previous);
  };

  const handlers: Record<string, (args: Record<string, unknown>, log: Log, timestamp: bigint) => void> = {
    RoundDetailsUpdated(args) {
      future = { timeout: BigInt(args.timeout as number), maxSubmissions: Number(args.maxSubmissionCount) };
    },
    OraclePermissionsUpdated(args) {
      const oracle = getAddress(args.oracle as Address);
      const enrolment = enrolments.get(oracle) ?? { startingRound: 0n, endingRound: 0n };
      if (args.whitelisted === true) {
        // FluxAggregatorOracles._addOracle: back in the reporting round if it was removed during the one before
        enrolment.startingRound = reporting !== 0n && reporting === enrolment.endingRound ? reporting : reporting + 1n;
        enrolment.endingRound = ROUND_MAX;
      } else {
        enrolment.endingRound = reporting + 1n;
      }
      enrolments.set(oracle, enrolment);
    },
    NewRound(args, log) {
      const roundId = args.roundId as bigint;
      const startedAt = args.startedAt as bigint;
      const previous = rounds.get(roundId - 1n);
      if (previous !== undefined && !previous.closed) {
        // a full round was closed already; one that timed out is superseded and carries the answer before it
        if (previous.timeout > 0n && previous.startedAt + previous.timeout < startedAt) {
          const before = rounds.get(roundId - 2n);
          previous.answer = before?.answer;
          previous.answeredInRound = before?.answeredInRound ?? 0n;
          previous.updatedAt = startedAt;
          previous.deviationPpm =
            previous.answer === undefined ? undefined : deviation(previous.answer, before?.answer);
          previous.timedOut = true;
          close(previous);
        }
      }
      const beforePrevious = rounds.get(roundId - 2n);
      if (beforePrevious !== undefined) close(beforePrevious);
      reporting = roundId;
      const eligible = new Set<Address>();
      for (const [oracle, { startingRound, endingRound }] of enrolments) {
        if (startingRound !== 0n && startingRound <= roundId && roundId <= endingRound) eligible.add(oracle);
      }
      rounds.set(roundId, {
        roundId,
        startedAt,
        startedBy: getAddress(args.startedBy as Address),
        startedAtBlock: log.blockNumber!,
        answer: undefined,
        answeredInRound: 0n,
        updatedAt: 0n,
        deviationPpm: undefined,
        timedOut: false,
        timeout: future.timeout,
        maxSubmissions: future.maxSubmissions,
        eligible,
        submitted: new Set(),
        closed: false,
      });
      touched.add(roundId);
      for (const [id, round] of rounds) if (id + keepRounds < roundId && round.closed) rounds.delete(id);
    },
    SubmissionReceived(args, log, timestamp) {
      const roundId = BigInt(args.round as number);
      const oracle = getAddress(args.oracle as Address);
      const round = rounds.get(roundId);
      submissions.push({
        roundId,
        oracle,
        value: args.submission as bigint,
        blockNumber: log.blockNumber!,
        logIndex: log.logIndex!,
        timestamp,
        latency: round === undefined ? undefined : timestamp - round.startedAt,
      });
      countsOf(oracle).submissions += 1;
      if (round === undefined) return;
      round.submitted.add(oracle);
      touched.add(roundId);
      if (round.submitted.size >= round.maxSubmissions) close(round);
    },
    AnswerUpdated(args) {
      const roundId = args.roundId as bigint;
      const round = rounds.get(roundId);
      if (round === undefined) return;
      round.answer = args.current as bigint;
      round.answeredInRound = roundId;
      round.updatedAt = args.updatedAt as bigint;
      round.deviationPpm = deviation(round.answer, answerOf(roundId - 1n)?.answer);
      touched.add(roundId);
      // the round before can no longer take submissions once this one has an answer
      const previous = rounds.get(roundId - 1n);
      if (previous !== undefined && roundId === reporting) close(previous);
    },
  };

  return {
    apply(logs, timestamps) {
      for (const log of logs) {
        if (log.address === undefined || getAddress(log.address) !== address) continue;
        if (log.topics[0] === undefined || !selectors.has(log.topics[0])) continue;
        const event = decodeEventLog({ abi: fluxAggregatorAbi, data: log.data, topics: log.topics as never });
        handlers[event.eventName]!(event.args as Record<string, unknown>, log, timestamps.get(log.blockNumber!) ?? 0n);
      }
    },
    takeSnapshot() {
      const changed = [...touched]
        .sort((a, b) => (a < b ? -1 : 1))
        .flatMap((id) => {
          const round = rounds.get(id);
          if (round === undefined) return [];
          const { timeout: _t, maxSubmissions: _m, eligible, submitted, ...plain } = round;
          return [{ ...plain, submissionCount: submitted.size, eligibleCount: eligible.size }];
        });
      const oracles = new Set<Address>([...counts.keys()]);
      for (const [oracle, enrolment] of enrolments) if (enrolment.endingRound === ROUND_MAX) oracles.add(oracle);
      const snapshot: FeedAtEpoch = {
        rounds: changed,
        submissions,
        oracles: [...oracles].sort().map((oracle) => {
          const entry = counts.get(oracle) ?? { eligible: 0, answered: 0, submissions: 0 };
          return {
            oracle,
            enabled: enrolments.get(oracle)?.endingRound === ROUND_MAX,
            eligible: entry.eligible,
            answered: entry.answered,
            missed: entry.eligible - entry.answered,
            submissions: entry.submissions,
          };
        }),
      };
      touched.clear();
      counts.clear();
      submissions = [];
      return snapshot;
    },
  };
}
