// Finalizes undelegations whose thawing is over and transfers whose lockout is over, in batches (seed 001's
// strategy 3). The registry skips ids not due or already finalized, so a batch sent twice finalizes nothing twice.
import { poolRegistryAbi } from "@poolnet/sdk";
import { parseEventLogs } from "viem";
import type { SendResult } from "../send/transactionSender.ts";
import { countSent, emptyReport, sendRegistryCall, type Job, type JobContext, type JobReport } from "./job.ts";

export const finalizeUndelegationsJob: Job = {
  name: "finalizeUndelegations",
  run: (context) =>
    finalizeDue(context, {
      kind: "undelegation",
      due: [...context.registry.pools.values()].flatMap((pool) =>
        [...pool.thawing].map(([id, { releaseAt }]) => ({ id, releaseAt })),
      ),
      send: (report, ids, subjects) =>
        sendRegistryCall(context, report, {
          job: "finalizeUndelegations",
          subjects,
          functionName: "finalizeUndelegations",
          args: [ids],
          what: `finalize undelegations ${ids.join(", ")}`,
        }),
      eventName: "UndelegationFinalized",
    }),
};

export const finalizeTransfersJob: Job = {
  name: "finalizeTransfers",
  run: (context) =>
    finalizeDue(context, {
      kind: "transfer",
      due: [...context.registry.pools.values()].flatMap((pool) =>
        [...pool.transfersOut].map(([id, { releaseAt }]) => ({ id, releaseAt })),
      ),
      send: (report, ids, subjects) =>
        sendRegistryCall(context, report, {
          job: "finalizeTransfers",
          subjects,
          functionName: "finalizeTransfers",
          args: [ids],
          what: `finalize transfers ${ids.join(", ")}`,
        }),
      eventName: "TransferFinalized",
    }),
};

type FinalizeParameters = {
  kind: "undelegation" | "transfer";
  /** Every pending entry the logs know of. */
  due: { id: bigint; releaseAt: bigint }[];
  send: (report: JobReport, ids: bigint[], subjects: string[]) => Promise<SendResult | undefined>;
  eventName: "UndelegationFinalized" | "TransferFinalized";
};

async function finalizeDue(
  context: JobContext,
  { kind, due, send, eventName }: FinalizeParameters,
): Promise<JobReport> {
  const report = emptyReport();
  const ready: bigint[] = [];
  for (const { id, releaseAt } of due) {
    if (releaseAt > context.blockTimestamp) continue;
    if (context.state.isPending(`${kind}:${id}`)) report.skipped += 1;
    else ready.push(id);
  }
  ready.sort((a, b) => (a < b ? -1 : a > b ? 1 : 0));
  for (let start = 0; start < ready.length; start += context.config.finalizeBatchSize) {
    const ids = ready.slice(start, start + context.config.finalizeBatchSize);
    const job = kind === "undelegation" ? "finalizeUndelegations" : "finalizeTransfers";
    // the batch call skips what is not due instead of reverting: ask it first how many it would finalize
    const { result: wouldFinalize } = await context.publicClient.simulateContract({
      address: context.config.registry,
      abi: poolRegistryAbi,
      functionName: job,
      args: [ids],
      account: context.sender.address,
      blockTag: "latest",
    });
    if (wouldFinalize === 0n) {
      report.alreadyDone += 1;
      context.log(`${job}: ${kind}s ${ids.join(", ")}: nothing to do, already finalized`);
      continue;
    }
    const result = await send(
      report,
      ids,
      ids.map((id) => `${kind}:${id}`),
    );
    if (result === undefined) continue;
    const finalized = parseEventLogs({ abi: poolRegistryAbi, eventName, logs: result.receipt?.logs ?? [] });
    if (result.status === "success" && finalized.length === 0) {
      // mined, and every id in it had been finalized by someone else since the logs were read
      report.alreadyDone += 1;
      context.log(`${job}: ${kind}s ${ids.join(", ")} were already finalized (tx ${result.hash})`);
      continue;
    }
    const names = finalized.map((event) => event.args.id).join(", ");
    countSent(context, report, `${job}: finalized ${finalized.length} of ${ids.length} ${kind}s (${names})`, result);
  }
  return report;
}
