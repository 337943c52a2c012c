// Keeps every oracle node's ETH above a floor, paid from the keeper's account (seed 000 §6.4.4: "ensuring enough ETH
// is on each node"). A top-up pending for a node blocks another, so a slow block never pays a node twice.
import { formatEther } from "viem";
import { countSent, emptyReport, type Job } from "./job.ts";

export const topUpNodesJob: Job = {
  name: "topUpNodes",
  async run(context) {
    const report = emptyReport();
    const { publicClient, config, sender } = context;
    for (const node of config.nodes) {
      const subject = `topUp:${node}`;
      if (context.state.isPending(subject)) {
        report.skipped += 1;
        continue;
      }
      const balance = await publicClient.getBalance({ address: node, blockTag: "latest" });
      if (balance >= config.topUpFloor) continue;
      const value = config.topUpTarget - balance;
      const gas = await publicClient.estimateGas({ account: sender.address, to: node, value });
      const result = await sender.send({ job: "topUpNodes", subjects: [subject], to: node, value, gas });
      countSent(
        context,
        report,
        `topUpNodes: sent ${formatEther(value)} ETH to node ${node} (it held ${formatEther(balance)} ETH, floor ${formatEther(config.topUpFloor)})`,
        result,
      );
    }
    return report;
  },
};
