// Redelegates the rewards of delegators who enabled auto-redelegation, for the bounty they offer (seed 001's
// strategy 2), but only when that bounty is worth more than the gas it costs times a margin.
import { formatTokenAmount, getRewards, poolRegistryAbi, PPM } from "@poolnet/sdk";
import { formatEther, type Address } from "viem";
import {
  countSent,
  emptyReport,
  estimateOrRefusal,
  sendRegistryCall,
  type Job,
  type JobContext,
  type JobReport,
} from "./job.ts";

const WHOLE_TOKEN = 10n ** 18n;

export const autoRedelegateJob: Job = {
  name: "autoRedelegate",
  async run(context) {
    const report = emptyReport();
    for (const pool of context.registry.pools.values()) {
      for (const [delegator, feePercentage] of pool.autoRewardsDelegation) {
        // the registry does not put back a delegator who left the pool
        if ((pool.stakes.get(delegator) ?? 0n) === 0n) continue;
        await redelegate(context, report, pool.pool, delegator, feePercentage);
      }
    }
    return report;
  },
};

async function redelegate(
  context: JobContext,
  report: JobReport,
  pool: Address,
  delegator: Address,
  feePercentage: bigint,
): Promise<void> {
  const { publicClient, config, sender } = context;
  const subject = `autoRedelegation:${pool}:${delegator}`;
  const rewards = await getRewards(publicClient, { registry: config.registry, pool, delegator });
  const bounty = (rewards * feePercentage) / BigInt(PPM);
  if (rewards === 0n) return;
  const what = `redelegate ${formatTokenAmount(rewards)} of ${delegator}'s rewards in pool ${pool} for a bounty of ${formatTokenAmount(bounty)}`;
  if (context.state.isPending(subject)) {
    report.skipped += 1;
    return;
  }
  if (config.tokenPriceInWei === undefined || bounty === 0n) {
    report.skipped += 1;
    context.log(`autoRedelegate: ${what}: skipped, ${bounty === 0n ? "no bounty" : "no token price configured"}`);
    return;
  }
  const estimate = await estimateOrRefusal(() =>
    publicClient.estimateContractGas({
      address: config.registry,
      abi: poolRegistryAbi,
      functionName: "autoDelegateRewards",
      args: [pool, delegator],
      account: sender.address,
      blockTag: "latest",
    }),
  );
  if (estimate.refusal) {
    report.alreadyDone += 1;
    context.log(`autoRedelegate: ${what}: nothing to do, ${estimate.refusal.shortMessage}`);
    return;
  }
  const gasPrice = await publicClient.getGasPrice();
  const cost = estimate.gas * gasPrice;
  const bountyInWei = (bounty * config.tokenPriceInWei) / WHOLE_TOKEN;
  if (bountyInWei * BigInt(PPM) <= cost * config.bountyMarginPpm) {
    report.skipped += 1;
    context.log(
      `autoRedelegate: ${what}: skipped, worth ${formatEther(bountyInWei)} ETH against ${formatEther(cost)} ETH of gas ` +
        `× ${Number(config.bountyMarginPpm) / PPM}`,
    );
    return;
  }
  const result = await sendRegistryCall(context, report, {
    job: "autoRedelegate",
    subjects: [subject],
    functionName: "autoDelegateRewards",
    args: [pool, delegator],
    what,
    gas: estimate.gas,
  });
  if (result !== undefined) countSent(context, report, `autoRedelegate: ${what}`, result);
}
