// An oracle node: one key, one state file, one transaction sender, a flux monitor per fluxmonitor job and a runlog
// monitor per runlog job, all on one chain.
import { ChainUnreachableError } from "@poolnet/sdk";
import { createPublicClient, createWalletClient, type Chain, type Hex } from "viem";
import { privateKeyToAccount } from "viem/accounts";
import { hardhat } from "viem/chains";
import { createFailoverTransport } from "../chain/failover.ts";
import { createTransactionSender } from "../chain/transactionSender.ts";
import { createFluxMonitor, type FluxMonitor, type FluxMonitorEvent } from "../flux/monitor.ts";
import { createSubmitter } from "../flux/submitter.ts";
import type { FluxMonitorJobSpec, JobSpec, RunLogJobSpec } from "../jobs/jobSpec.ts";
import { createOracleMetrics } from "../metrics/oracleMetrics.ts";
import { createMetricsRegistry } from "../metrics/registry.ts";
import { startMetricsServer, type MetricsServer } from "../metrics/server.ts";
import { createFulfiller } from "../runlog/fulfiller.ts";
import { createRunLogMonitor, type RunLogEvent, type RunLogMonitor } from "../runlog/monitor.ts";
import { openNodeState } from "../state/nodeState.ts";

/** What a node reports: its flux monitors' events and its runlog monitors'. */
export type OracleNodeEvent = FluxMonitorEvent | RunLogEvent;

export type OracleNodeParameters = {
  /** The chain's JSON-RPC URL, or several endpoints of the chain, in order of preference, to fail over between. */
  rpcUrl: string | readonly string[];
  /** The oracle's key: from the environment or a key file, never from the repo or a log. */
  privateKey: Hex;
  jobs: readonly JobSpec[];
  /** The node's state file (JSON lines). */
  statePath: string;
  /** The local chain (31337) by default. */
  chain?: Chain | undefined;
  /** How often viem polls the RPC (receipts, logs); 1 s by default. */
  pollingIntervalMs?: number | undefined;
  fundedRounds?: bigint | undefined;
  onEvent?: ((event: OracleNodeEvent) => void) | undefined;
  /** Serves Prometheus metrics at http://127.0.0.1:PORT/metrics (0: a free port); none without it. */
  metricsPort?: number | undefined;
};

export type OracleNode = {
  readonly address: Hex;
  readonly monitors: readonly FluxMonitor[];
  readonly runLogMonitors: readonly RunLogMonitor[];
  /** Where the metrics are served, if they are. */
  readonly metricsUrl: string | undefined;
  stop(): Promise<void>;
};

/** Opens the state, settles or re-sends what a previous run left pending, then starts every job's monitor. */
export async function startOracleNode(parameters: OracleNodeParameters): Promise<OracleNode> {
  const chain = parameters.chain ?? hardhat;
  const pollingInterval = parameters.pollingIntervalMs ?? 1_000;
  const account = privateKeyToAccount(parameters.privateKey);
  const onEvent = parameters.onEvent ?? (() => undefined);
  const failover = createFailoverTransport({
    urls: typeof parameters.rpcUrl === "string" ? [parameters.rpcUrl] : parameters.rpcUrl,
    onHealthChange(endpoint) {
      if (!endpoint.healthy) {
        onEvent({
          type: "error",
          job: "rpc",
          error: new ChainUnreachableError(endpoint.url, { details: endpoint.lastError }),
        });
      }
    },
  });
  const { transport } = failover;
  const publicClient = createPublicClient({ chain, transport, pollingInterval, cacheTime: 0 });
  const walletClient = createWalletClient({ chain, transport, account, pollingInterval, cacheTime: 0 });
  const fluxJobs = parameters.jobs.filter((job): job is FluxMonitorJobSpec => job.initiator === "fluxmonitor");
  const runLogJobs = parameters.jobs.filter((job): job is RunLogJobSpec => job.initiator === "runlog");

  const metrics = createOracleMetrics({
    registry: createMetricsRegistry(),
    publicClient,
    oracle: account.address,
    aggregators: new Map(fluxJobs.map((job) => [job.name, job.address])),
  });
  const state = await openNodeState(parameters.statePath);
  // one sender for every job: their transactions take the account's nonces in turn
  const sender = createTransactionSender({
    publicClient,
    walletClient,
    state,
    receiptPollMs: pollingInterval,
    metrics,
    onError: (error) => onEvent({ type: "error", job: "submitter", error }),
  });
  await sender.recover();
  const submitter = createSubmitter({ sender, state });
  const fulfiller = createFulfiller({ sender, state });
  const monitors = fluxJobs.map((job) =>
    createFluxMonitor({ job, publicClient, submitter, state, fundedRounds: parameters.fundedRounds, onEvent, metrics }),
  );
  const runLogMonitors = runLogJobs.map((job) =>
    createRunLogMonitor({ job, publicClient, fulfiller, state, logPollMs: pollingInterval, onEvent, metrics }),
  );
  let metricsServer: MetricsServer | undefined;
  if (parameters.metricsPort !== undefined) {
    metricsServer = await startMetricsServer({ registry: metrics.registry, port: parameters.metricsPort });
  }
  for (const monitor of [...monitors, ...runLogMonitors]) monitor.start();
  return {
    address: account.address,
    monitors,
    runLogMonitors,
    metricsUrl: metricsServer?.url,
    async stop() {
      await metricsServer?.close();
      await Promise.all([...monitors, ...runLogMonitors].map((monitor) => monitor.stop()));
      await sender.stop();
      failover.stop();
      await state.close();
    },
  };
}
