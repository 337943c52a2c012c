// The oracle node's metrics: what it submitted, missed and spent, how fast it answered, which feeds failed, and what
// it holds and has earned; for runlog jobs, the requests seen, fulfilled and skipped. The flux monitor, the runlog
// monitor and the transaction sender report through the small interfaces below.
import { parseAbi, type Address, type PublicClient } from "viem";
import type { FeedFailure } from "../feeds/feed.ts";
import type { MetricsRegistry } from "./registry.ts";

/** What a flux monitor reports. */
export type FluxMetrics = {
  /** The node may submit to `roundId`, a round already started (not one it would start itself). */
  roundEligible(job: string, roundId: number): void;
  /** A NewRound log: the rounds before it are closed, and an eligible one the node never submitted to is missed. */
  roundStarted(job: string, roundId: number, hasSubmitted: (roundId: number) => boolean): void;
  /** Sent: `latencyMs` from the decision to submit (the deviation, timer or round seen) to the transaction sent. */
  submitted(job: string, roundId: number, latencyMs: number): void;
  feedFailures(job: string, failures: readonly FeedFailure[]): void;
};

/** What a runlog job reports: each request once seen, then once fulfilled (sent) or skipped for good. */
export type RunLogMetrics = {
  requestSeen(job: string): void;
  /** Sent: `latencyMs` from the request log seen to the fulfillment sent. */
  requestFulfilled(job: string, latencyMs: number): void;
  /** `reason`: a runlog `RequestSkipReason`, e.g. "paymentTooLow". */
  requestSkipped(job: string, reason: string): void;
  feedFailures(job: string, failures: readonly FeedFailure[]): void;
};

/** What the submitter reports. */
export type SubmitterMetrics = {
  /** A submission was mined (succeeded or reverted): gasUsed × effectiveGasPrice, in wei. */
  gasSpent(wei: bigint): void;
};

export type OracleMetrics = FluxMetrics & RunLogMetrics & SubmitterMetrics & { readonly registry: MetricsRegistry };

// read for the earnings gauge only: the flux monitor's ABI (aggregatorAbi.ts) lists what the monitor calls
const withdrawablePaymentAbi = parseAbi(["function withdrawablePayment(address _oracle) view returns (uint256)"]);

export const SUBMISSION_LATENCY_BUCKETS_SECONDS = [0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10, 30] as const;

export type OracleMetricsParameters = {
  registry: MetricsRegistry;
  publicClient: PublicClient;
  oracle: Address;
  /** The aggregators by job name, for the earnings gauge. */
  aggregators: ReadonlyMap<string, Address>;
};

/**
 * Registers the node's metrics. Wei amounts are exported as floats, as every Prometheus sample is: exact up to 2^53
 * wei (0.009 ETH), then to 16 significant digits.
 */
export function createOracleMetrics({
  registry,
  publicClient,
  oracle,
  aggregators,
}: OracleMetricsParameters): OracleMetrics {
  const submitted = registry.counter({
    name: "poolnet_oracle_rounds_submitted_total",
    help: "Submissions sent, by job.",
  });
  const missed = registry.counter({
    name: "poolnet_oracle_rounds_missed_total",
    help: "Rounds the node was eligible for that closed (a later round started) without its submission, by job.",
  });
  const latency = registry.histogram({
    name: "poolnet_oracle_submission_latency_seconds",
    help: "From the decision to submit (a deviation, a timer, another oracle's round) to the transaction sent.",
    buckets: SUBMISSION_LATENCY_BUCKETS_SECONDS,
  });
  const feedErrors = registry.counter({
    name: "poolnet_oracle_feed_errors_total",
    help: "Price feed requests that gave no price, by job and source.",
  });
  const gas = registry.counter({
    name: "poolnet_oracle_gas_spent_wei_total",
    help: "Gas paid for mined submissions and fulfillments, reverted ones included, in wei.",
  });
  const requestsSeen = registry.counter({
    name: "poolnet_oracle_requests_seen_total",
    help: "OracleRequest logs for a runlog job, by job.",
  });
  const requestsFulfilled = registry.counter({
    name: "poolnet_oracle_requests_fulfilled_total",
    help: "Runlog requests answered (fulfillment sent), by job.",
  });
  const requestsSkipped = registry.counter({
    name: "poolnet_oracle_requests_skipped_total",
    help: "Runlog requests left unanswered for good, by job and reason.",
  });
  const fulfillmentLatency = registry.histogram({
    name: "poolnet_oracle_fulfillment_latency_seconds",
    help: "From a runlog request's log seen to its fulfillment sent.",
    buckets: SUBMISSION_LATENCY_BUCKETS_SECONDS,
  });
  const balance = registry.gauge({ name: "poolnet_oracle_eth_balance_wei", help: "The oracle's ETH balance, in wei." });
  const earnings = registry.gauge({
    name: "poolnet_oracle_link_withdrawable_wei",
    help: "LINK the aggregator owes the oracle (withdrawablePayment), by job and aggregator, in wei.",
  });
  const eligible = new Map<string, Set<number>>();

  registry.onCollect(async () => {
    // a chain that does not answer leaves the last values: the scrape must not fail with it
    await publicClient.getBalance({ address: oracle }).then(
      (wei) => balance.set(Number(wei)),
      () => undefined,
    );
    await Promise.all(
      [...aggregators].map(([job, aggregator]) =>
        publicClient
          .readContract({
            address: aggregator,
            abi: withdrawablePaymentAbi,
            functionName: "withdrawablePayment",
            args: [oracle],
          })
          .then(
            (wei) => earnings.set({ job, aggregator }, Number(wei)),
            () => undefined,
          ),
      ),
    );
  });

  return {
    registry,
    roundEligible(job, roundId) {
      const rounds = eligible.get(job) ?? new Set();
      rounds.add(roundId);
      eligible.set(job, rounds);
    },
    roundStarted(job, roundId, hasSubmitted) {
      const rounds = eligible.get(job);
      for (const round of rounds ?? []) {
        if (round >= roundId) continue;
        rounds!.delete(round);
        if (!hasSubmitted(round)) missed.inc({ job });
      }
    },
    submitted(job, roundId, latencyMs) {
      eligible.get(job)?.delete(roundId);
      submitted.inc({ job });
      latency.observe({ job }, latencyMs / 1000);
    },
    requestSeen(job) {
      requestsSeen.inc({ job });
    },
    requestFulfilled(job, latencyMs) {
      requestsFulfilled.inc({ job });
      fulfillmentLatency.observe({ job }, latencyMs / 1000);
    },
    requestSkipped(job, reason) {
      requestsSkipped.inc({ job, reason });
    },
    feedFailures(job, failures) {
      for (const failure of failures) feedErrors.inc({ job, source: failure.source });
    },
    gasSpent(wei) {
      gas.inc({}, Number(wei));
    },
  };
}
