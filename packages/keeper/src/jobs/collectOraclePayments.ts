// Collects what each configured aggregator owes each pool-bound oracle node into the pool's vault, where the
// registry shares it as a reward: seed 000's "withdrawal of operational income" and the pools' rewards in one call.
import { fluxAggregatorAbi, formatTokenAmount, getOraclePool, poolRegistryAbi } from "@poolnet/sdk";
import { isAddressEqual, parseEventLogs, type Address } from "viem";
import { countSent, emptyReport, sendRegistryCall, type Job, type JobContext, type JobReport } from "./job.ts";

export const collectOraclePaymentsJob: Job = {
  name: "collectOraclePayments",
  async run(context) {
    const report = emptyReport();
    for (const aggregator of context.config.aggregators) {
      const oracles = await context.publicClient.readContract({
        address: aggregator,
        abi: fluxAggregatorAbi,
        functionName: "getOracles",
      });
      for (const oracle of oracles) await collect(context, report, aggregator, oracle);
    }
    return report;
  },
};

async function collect(context: JobContext, report: JobReport, aggregator: Address, oracle: Address): Promise<void> {
  const { publicClient, config } = context;
  const registry = config.registry;
  const pool = await getOraclePool(publicClient, { registry, oracle });
  // a node bound to no pool, or whose payments the registry may not withdraw, is not the keeper's to collect
  if (pool === undefined) return;
  const admin = await publicClient.readContract({
    address: aggregator,
    abi: fluxAggregatorAbi,
    functionName: "getAdmin",
    args: [oracle],
  });
  if (!isAddressEqual(admin, registry)) return;
  const owed = await publicClient.readContract({
    address: aggregator,
    abi: fluxAggregatorAbi,
    functionName: "withdrawablePayment",
    args: [oracle],
  });
  if (owed === 0n) return;
  const subject = `oraclePayment:${aggregator}:${oracle}`;
  if (owed < config.minOraclePayment || context.state.isPending(subject)) {
    report.skipped += 1;
    return;
  }
  const result = await sendRegistryCall(context, report, {
    job: "collectOraclePayments",
    subjects: [subject],
    functionName: "collectOraclePayment",
    args: [aggregator, oracle],
    what: `collect ${formatTokenAmount(owed)} owed by ${aggregator} to ${oracle} into pool ${pool}`,
  });
  if (result === undefined) return;
  const [collected] = parseEventLogs({
    abi: poolRegistryAbi,
    eventName: "OraclePaymentCollected",
    logs: result.receipt?.logs ?? [],
  });
  const amount = collected?.args.amount ?? owed;
  countSent(
    context,
    report,
    `collectOraclePayments: collected ${formatTokenAmount(amount)} from ${aggregator} for ${oracle} into pool ${pool}`,
    result,
  );
}
