// What every job shares: the context a run gives it, its report, and how a contract's refusal and a mined result
// become counts and one log line.
import { ContractRevertError, describeContractError, poolRegistryAbi, type RegistryFromLogs } from "@poolnet/sdk";
import { encodeFunctionData, type ContractFunctionArgs, type ContractFunctionName, type PublicClient } from "viem";
import type { KeeperConfig } from "../config.ts";
import type { SendResult, TransactionSender } from "../send/transactionSender.ts";
import type { JobName, KeeperState } from "../state/keeperState.ts";

export type JobContext = {
  publicClient: PublicClient;
  sender: TransactionSender;
  state: KeeperState;
  config: KeeperConfig;
  /** The registry as its logs describe it, read up to `blockNumber`. */
  registry: RegistryFromLogs;
  /** The latest block when the run started, and its timestamp (seconds): what "due" is measured against. */
  blockNumber: bigint;
  blockTimestamp: bigint;
  /** One readable line per action. */
  log(line: string): void;
};

/** What one run of a job did. */
export type JobReport = {
  /** Transactions mined that did the work. */
  done: number;
  /** Work the contract refused because it was already done (by another keeper, the delegator, a previous run). */
  alreadyDone: number;
  /** Work looked at and left: below a threshold, not worth the gas, or already pending. */
  skipped: number;
  /** Transactions sent and not mined yet: settled on a later run. */
  pending: number;
};

export type Job = { name: JobName; run(context: JobContext): Promise<JobReport> };

export const emptyReport = (): JobReport => ({ done: 0, alreadyDone: 0, skipped: 0, pending: 0 });

/**
 * Runs a gas estimate, which runs the call on the latest block: a refusal by the contract comes back as a
 * ContractRevertError (the work needs no transaction), anything else (the chain unreachable) is thrown.
 */
export async function estimateOrRefusal(
  estimate: () => Promise<bigint>,
): Promise<{ gas: bigint; refusal?: undefined } | { gas?: undefined; refusal: ContractRevertError }> {
  try {
    // a margin over the estimate: state may move between the estimate and the block
    return { gas: ((await estimate()) * 6n) / 5n };
  } catch (error) {
    const described = describeContractError(error);
    if (described instanceof ContractRevertError) return { refusal: described };
    throw described;
  }
}

/** Counts a sent transaction and logs its line: a revert on chain means another did the work first. */
export function countSent(context: JobContext, report: JobReport, what: string, result: SendResult): void {
  if (result.status === "success") {
    report.done += 1;
    context.log(`${what} (tx ${result.hash})`);
  } else if (result.status === "reverted") {
    report.alreadyDone += 1;
    context.log(`${what}: refused on chain, already done by another (tx ${result.hash})`);
  } else {
    report.pending += 1;
    context.log(`${what}: sent, not mined yet (tx ${result.hash})`);
  }
}

type RegistryWrite = ContractFunctionName<typeof poolRegistryAbi, "nonpayable">;

/** A call to the registry as one job makes it. */
export type RegistryCall<name extends RegistryWrite> = {
  job: Job["name"];
  subjects: string[];
  functionName: name;
  args: ContractFunctionArgs<typeof poolRegistryAbi, "nonpayable", name>;
  /** The action in words, for the log line. */
  what: string;
  /** The gas limit, when the job already estimated it. */
  gas?: bigint | undefined;
};

/**
 * Estimates a registry call (which runs it) and sends it. A refusal is counted as already done and logged, and
 * returns undefined: the contract refuses work done twice, and the keeper takes its word for it.
 */
export async function sendRegistryCall<name extends RegistryWrite>(
  context: JobContext,
  report: JobReport,
  { job, subjects, functionName, args, what, gas }: RegistryCall<name>,
): Promise<SendResult | undefined> {
  const { publicClient, sender, config } = context;
  const call = { address: config.registry, abi: poolRegistryAbi, functionName, args } as never;
  const estimate =
    gas !== undefined
      ? { gas }
      : await estimateOrRefusal(() =>
          publicClient.estimateContractGas({
            ...(call as object),
            account: sender.address,
            blockTag: "latest",
          } as never),
        );
  if (estimate.refusal) {
    report.alreadyDone += 1;
    context.log(`${job}: ${what}: nothing to do, ${estimate.refusal.shortMessage}`);
    return undefined;
  }
  return sender.send({ job, subjects, to: config.registry, data: encodeFunctionData(call), gas: estimate.gas });
}
