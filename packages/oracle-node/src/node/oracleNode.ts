// An oracle node: one key, one state file, and a flux monitor per fluxmonitor job, all on one chain.
import { InvalidInputError } from "@poolnet/sdk";
import { createPublicClient, createWalletClient, http, type Chain, type Hex } from "viem";
import { privateKeyToAccount } from "viem/accounts";
import { hardhat } from "viem/chains";
import { createFluxMonitor, type FluxMonitor, type FluxMonitorEvent } from "../flux/monitor.ts";
import { createSubmitter } from "../flux/submitter.ts";
import type { JobSpec } from "../jobs/jobSpec.ts";
import { openNodeState } from "../state/nodeState.ts";

export type OracleNodeParameters = {
  /** The chain's JSON-RPC URL. */
  rpcUrl: string;
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
  onEvent?: ((event: FluxMonitorEvent) => void) | undefined;
};

export type OracleNode = {
  readonly address: Hex;
  readonly monitors: readonly FluxMonitor[];
  stop(): Promise<void>;
};

/** Opens the state, settles or re-sends what a previous run left pending, then starts every flux monitor. */
export async function startOracleNode(parameters: OracleNodeParameters): Promise<OracleNode> {
  const chain = parameters.chain ?? hardhat;
  const pollingInterval = parameters.pollingIntervalMs ?? 1_000;
  const account = privateKeyToAccount(parameters.privateKey);
  const transport = http(parameters.rpcUrl, { retryCount: 0 });
  const publicClient = createPublicClient({ chain, transport, pollingInterval, cacheTime: 0 });
  const walletClient = createWalletClient({ chain, transport, account, pollingInterval, cacheTime: 0 });
  const onEvent = parameters.onEvent ?? (() => undefined);
  const fluxJobs = parameters.jobs.filter((job) => job.initiator === "fluxmonitor");
  const runlogJob = parameters.jobs.find((job) => job.initiator === "runlog");
  if (runlogJob !== undefined) throw new InvalidInputError(`job ${runlogJob.name}: runlog jobs do not run yet`);

  const state = await openNodeState(parameters.statePath);
  const submitter = createSubmitter({
    publicClient,
    walletClient,
    state,
    receiptPollMs: pollingInterval,
    onError: (error) => onEvent({ type: "error", job: "submitter", error }),
  });
  await submitter.recover();
  const monitors = fluxJobs.map((job) =>
    createFluxMonitor({ job, publicClient, submitter, state, fundedRounds: parameters.fundedRounds, onEvent }),
  );
  for (const monitor of monitors) monitor.start();
  return {
    address: account.address,
    monitors,
    async stop() {
      await Promise.all(monitors.map((monitor) => monitor.stop()));
      submitter.stop();
      await state.close();
    },
  };
}
