// The runlog monitor of one job: the I/O around decide.ts. It polls the Operator's logs for the job's OracleRequests
// (and the cancellations and responses that close them), checks each request, asks the feeds, and hands the answer to
// the fulfiller. Where its scan got to is kept in the node's state, so a restart catches up on what it missed.
import { NonRetryableError } from "@poolnet/sdk";
import type { Address, Hash, PublicClient } from "viem";
import type { Feed } from "../feeds/feed.ts";
import { medianOfFeeds, type FeedsMedian } from "../feeds/median.ts";
import { createJobFeeds } from "../jobs/jobFeeds.ts";
import type { RunLogJobSpec } from "../jobs/jobSpec.ts";
import type { RunLogMetrics } from "../metrics/oracleMetrics.ts";
import type { NodeState } from "../state/nodeState.ts";
import { checkRequest, scaleAnswer, type ClosedRequest, type OracleRequest, type RequestSkipReason } from "./decide.ts";
import { AlreadyFulfilledError, RequestNotPendingError, type Fulfiller } from "./fulfiller.ts";
import { operatorAbi } from "./operatorAbi.ts";

export type RunLogEvent =
  | {
      type: "request";
      job: string;
      requestId: Hash;
      requester: Address;
      payment: bigint;
      dataVersion: bigint;
      blockNumber: bigint;
    }
  | { type: "requestSkipped"; job: string; requestId: Hash; reason: RequestSkipReason; detail?: string | undefined }
  | {
      type: "fulfilled";
      job: string;
      requestId: Hash;
      answer: bigint;
      hash: Hash;
      /** Request parameters the node did not honour (`get`, `path`, …): the answer is the job's feeds' median. */
      ignored: string[];
    }
  | { type: "error"; job: string; requestId?: Hash | undefined; error: unknown };

export type RunLogMonitorParameters = {
  job: RunLogJobSpec;
  publicClient: PublicClient;
  fulfiller: Fulfiller;
  state: NodeState;
  /** The job's feed adapters by default; tests may give others. */
  feeds?: readonly Feed[] | undefined;
  /** How often to look for new logs; 1 s by default. */
  logPollMs?: number | undefined;
  onEvent?: ((event: RunLogEvent) => void) | undefined;
  metrics?: RunLogMetrics | undefined;
};

export type RunLogMonitor = {
  readonly job: RunLogJobSpec;
  start(): void;
  /** Stops polling, waits for the poll under way, and records how far the scan got. */
  stop(): Promise<void>;
};

/** Blocks asked for in one getLogs: catching up after a long stop takes several, as RPC providers cap the range. */
export const MAX_LOG_RANGE = 2_000n;
/** With no request handled, the scan's progress is recorded once it is this many blocks ahead of the last record. */
export const SCAN_RECORD_EVERY_BLOCKS = 100n;
const MAX_RETRY_MS = 30_000;

/** A request seen and not settled yet: being answered, or waiting to retry (feeds down, simulation failed). */
type Open = { request: OracleRequest; seenAt: number; attempts: number; retryAt: number; closed?: ClosedRequest };

export function createRunLogMonitor(parameters: RunLogMonitorParameters): RunLogMonitor {
  const { job, publicClient, fulfiller, state, metrics } = parameters;
  const feeds = parameters.feeds ?? createJobFeeds(job);
  const logPollMs = parameters.logPollMs ?? 1_000;
  const onEvent = parameters.onEvent ?? (() => undefined);
  const operator = job.address;
  const specId = job.specId.toLowerCase();

  // in the order their logs came: oldest first
  const open = new Map<Hash, Open>();
  /** The next block to scan; undefined until the first poll reads the state's record. */
  let nextBlock: bigint | undefined;
  let recordedBlock: bigint | undefined;
  let settledSinceRecord = false;
  let stopped = true;
  let timer: NodeJS.Timeout | undefined;
  let running: Promise<void> = Promise.resolve();

  async function begin(head: bigint): Promise<void> {
    const scanned = state.scannedBlock(operator, job.specId);
    if (scanned === undefined) {
      // the job's first run starts from now, and says so at once: a crash from here on catches up from this block
      await state.recordScan({ operator, specId: job.specId, block: head.toString() });
      recordedBlock = head;
    } else {
      recordedBlock = scanned;
    }
    nextBlock = recordedBlock + 1n;
    const authorized = await publicClient
      .readContract({
        address: operator,
        abi: operatorAbi,
        functionName: "isAuthorizedSender",
        args: [fulfiller.address],
      })
      .catch(() => undefined);
    if (authorized === false) {
      const error = new NonRetryableError(
        `${fulfiller.address} is not an authorized sender of the Operator ${operator}: its owner must add it with setAuthorizedSenders`,
      );
      onEvent({ type: "error", job: job.name, error });
    }
  }

  /** Reads the logs up to `toBlock`: new requests open, cancellations and responses close open ones. */
  async function scan(toBlock: bigint): Promise<void> {
    while (nextBlock !== undefined && nextBlock <= toBlock && !stopped) {
      const last = nextBlock + MAX_LOG_RANGE - 1n < toBlock ? nextBlock + MAX_LOG_RANGE - 1n : toBlock;
      const logs = await publicClient.getContractEvents({
        address: operator,
        abi: operatorAbi,
        fromBlock: nextBlock,
        toBlock: last,
        strict: true,
      });
      for (const log of logs) {
        if (log.eventName === "OracleRequest") {
          if (log.args.specId.toLowerCase() !== specId || open.has(log.args.requestId)) continue;
          const request: OracleRequest = { ...log.args, blockNumber: log.blockNumber };
          open.set(request.requestId, { request, seenAt: performance.now(), attempts: 0, retryAt: 0 });
          metrics?.requestSeen(job.name);
          onEvent({
            type: "request",
            job: job.name,
            requestId: request.requestId,
            requester: request.requester,
            payment: request.payment,
            dataVersion: request.dataVersion,
            blockNumber: request.blockNumber,
          });
        } else if (log.eventName === "CancelOracleRequest" || log.eventName === "OracleResponse") {
          const entry = open.get(log.args.requestId);
          if (entry !== undefined) entry.closed = log.eventName === "CancelOracleRequest" ? "cancelled" : "answered";
        }
      }
      nextBlock = last + 1n;
    }
  }

  function skip(entry: Open, reason: RequestSkipReason, detail?: string): void {
    const { requestId } = entry.request;
    open.delete(requestId);
    settledSinceRecord = true;
    metrics?.requestSkipped(job.name, reason);
    onEvent({ type: "requestSkipped", job: job.name, requestId, reason, detail });
  }

  function retryLater(entry: Open, error: unknown): void {
    entry.attempts += 1;
    entry.retryAt = Date.now() + Math.min(MAX_RETRY_MS, logPollMs * 2 ** (entry.attempts - 1));
    onEvent({ type: "error", job: job.name, requestId: entry.request.requestId, error });
  }

  /** Answers or settles every open request due; `now` is the latest block's timestamp. */
  async function handleOpen(now: bigint): Promise<void> {
    // one ask of the feeds per poll, shared by the requests it answers
    let polled: Promise<FeedsMedian> | undefined;
    for (const entry of open.values()) {
      if (stopped) return;
      if (entry.retryAt > Date.now()) continue;
      const { request } = entry;
      const check = checkRequest({
        job,
        request,
        now,
        fulfilled: state.hasFulfilled(operator, request.requestId),
        closed: entry.closed,
      });
      if (!check.ok) {
        skip(entry, check.reason, check.detail);
        continue;
      }
      polled ??= medianOfFeeds(feeds, { minAnswers: job.minFeedAnswers }).then((median) => {
        metrics?.feedFailures(job.name, median.failures);
        return median;
      });
      const median = await polled;
      if (!median.ok) {
        retryLater(entry, median.error);
        continue;
      }
      const answer = scaleAnswer(median.price, check.multiplier);
      if (answer === undefined) {
        skip(entry, "invalidParameters", `${median.price} times ${check.multiplier} does not fit an int256`);
        continue;
      }
      try {
        const { hash } = await fulfiller.fulfill({ operator, request, answer, gasLimit: job.gasLimit });
        open.delete(request.requestId);
        settledSinceRecord = true;
        metrics?.requestFulfilled(job.name, performance.now() - entry.seenAt);
        onEvent({
          type: "fulfilled",
          job: job.name,
          requestId: request.requestId,
          answer,
          hash,
          ignored: check.ignored,
        });
      } catch (error) {
        if (error instanceof AlreadyFulfilledError) skip(entry, "alreadyFulfilled");
        else if (error instanceof RequestNotPendingError) skip(entry, "notPending");
        else retryLater(entry, error);
      }
    }
  }

  /**
   * Records how far every request log is settled: up to the scan, or to just before the oldest open request (which a
   * restart must see again). Only when it moved: after a request was settled, or every SCAN_RECORD_EVERY_BLOCKS.
   */
  async function recordScan(force: boolean): Promise<void> {
    if (nextBlock === undefined || recordedBlock === undefined) return;
    let settled = nextBlock - 1n;
    for (const { request } of open.values()) {
      if (request.blockNumber - 1n < settled) settled = request.blockNumber - 1n;
    }
    if (settled <= recordedBlock) return;
    if (!force && !settledSinceRecord && settled - recordedBlock < SCAN_RECORD_EVERY_BLOCKS) return;
    await state.recordScan({ operator, specId: job.specId, block: settled.toString() });
    recordedBlock = settled;
    settledSinceRecord = false;
  }

  async function tick(): Promise<void> {
    try {
      const head = await publicClient.getBlock({ blockTag: "latest" });
      if (nextBlock === undefined) await begin(head.number);
      await scan(head.number - BigInt(job.minIncomingConfirmations));
      await handleOpen(head.timestamp);
      await recordScan(false);
    } catch (error) {
      onEvent({ type: "error", job: job.name, error });
    }
  }

  function schedule(): void {
    if (stopped) return;
    timer = setTimeout(() => {
      running = tick().finally(schedule);
    }, logPollMs);
  }

  return {
    job,
    start() {
      if (!stopped) return;
      stopped = false;
      running = tick().finally(schedule);
    },
    async stop() {
      stopped = true;
      clearTimeout(timer);
      await running;
      await recordScan(true).catch((error: unknown) => onEvent({ type: "error", job: job.name, error }));
    },
  };
}
