// `poolnet commission …`: an operator changes its pool's commission, after a lockout that lets delegators leave.
import {
  finalizeCommissionRateChange,
  formatRate,
  parseAddress,
  parseRate,
  requestCommissionRateChange,
} from "@poolnet/sdk";
import { Command } from "commander";
import { prepareSigner } from "../context.ts";
import { printDone } from "../output.ts";
import { parseId } from "./delegation.ts";

export function commissionCommand(): Command {
  const command = new Command("commission")
    .summary("change a pool's commission (operator), after a lockout")
    .description(
      "A pool's commission changes in two steps: its operator requests the new rate, and finalizes it once the " +
        "registry's thawing period has passed, so that delegators who disagree can undelegate before it applies. " +
        "Rewards that arrived before the change is finalized are split at the old rate. One change may raise the " +
        "rate by at most the registry's maxCommissionIncrease.",
    );

  command
    .command("request")
    .summary("request a new commission rate for a pool (operator)")
    .description(
      "Requests that the pool's commission become <percent> once the lockout has passed; prints the change's id " +
        "and when it can be finalized. A new request replaces the pending one and starts its lockout again.",
    )
    .argument("<pool>", "the pool's address")
    .argument("<percent>", "the new commission, 0-100")
    .action(async (poolText: string, rateText: string, _flags: object, sub: Command) => {
      const pool = parseAddress(poolText, "pool");
      const newRate = parseRate(rateText, "commission");
      const { deployment, wallet } = await prepareSigner(sub);
      const result = await requestCommissionRateChange(wallet, { registry: deployment.registry, pool, newRate });
      const from = new Date(Number(result.effectiveAt) * 1000).toISOString().replace(".000Z", "Z").replace("T", " ");
      printDone(
        sub,
        result,
        `requested a ${formatRate(newRate)} commission for pool ${pool}: change ${result.id} can be finalized from ${from}`,
      );
    });

  command
    .command("finalize")
    .summary("apply a requested commission change once its lockout has passed (operator)")
    .description(
      "Applies a requested commission change whose lockout has passed; rewards that arrived before are split at " +
        "the old rate first. Ids are as printed by `poolnet commission request`.",
    )
    .argument("<id>", "the change's id (decimal or 0x hex)")
    .action(async (idText: string, _flags: object, sub: Command) => {
      const id = parseId(idText, "commission rate change");
      const { deployment, wallet } = await prepareSigner(sub);
      const result = await finalizeCommissionRateChange(wallet, { registry: deployment.registry, id });
      printDone(
        sub,
        result,
        `pool ${result.pool}'s commission went from ${formatRate(result.oldRate)} to ${formatRate(result.newRate)}`,
      );
    });
  return command;
}
