// `poolnet auto-redelegate …`: let anyone add your rewards to your stake for a fee, and collect such fees.
import {
  autoDelegateRewards,
  disableAutoRewardsDelegation,
  enableAutoRewardsDelegation,
  formatRate,
  formatTokenAmount,
  parseAddress,
  parseRate,
} from "@poolnet/sdk";
import { Command } from "commander";
import { prepareSigner } from "../context.ts";
import { printDone } from "../output.ts";

export function autoRedelegateCommand(): Command {
  const command = new Command("auto-redelegate")
    .summary("let anyone add your rewards to your stake, for a fee")
    .description(
      "Auto-redelegation lets anyone add your rewards from a pool to your stake in it, so they earn too, without " +
        "you sending a transaction each time. Whoever does it receives the fee you chose, a percentage of the " +
        "rewards, so keepers do it once the fee is worth their gas. You can disable it at any time.",
    );

  command
    .command("enable")
    .summary("let anyone redelegate your rewards from a pool")
    .description(
      "Lets anyone add your rewards from a pool to your stake in it, paying them --fee percent of the rewards " +
        "each time. You must have stake in the pool. Enabling again changes the fee.",
    )
    .argument("<pool>", "the pool's address")
    .requiredOption("--fee <percent>", "share of the rewards paid to whoever redelegates them, 0-100")
    .action(async (poolText: string, flags: { fee: string }, sub: Command) => {
      const pool = parseAddress(poolText, "pool");
      const feePercentage = parseRate(flags.fee, "--fee");
      const { deployment, wallet } = await prepareSigner(sub);
      const result = await enableAutoRewardsDelegation(wallet, { registry: deployment.registry, pool, feePercentage });
      printDone(sub, result, `enabled auto-redelegation in pool ${pool} for a ${formatRate(feePercentage)} fee`);
    });

  command
    .command("disable")
    .summary("stop others redelegating your rewards from a pool")
    .description("Stops anyone else adding your rewards from a pool to your stake in it. Your stake stays.")
    .argument("<pool>", "the pool's address")
    .action(async (poolText: string, _flags: object, sub: Command) => {
      const pool = parseAddress(poolText, "pool");
      const { deployment, wallet } = await prepareSigner(sub);
      const result = await disableAutoRewardsDelegation(wallet, { registry: deployment.registry, pool });
      printDone(sub, result, `disabled auto-redelegation in pool ${pool}`);
    });

  command
    .command("run")
    .summary("redelegate a delegator's rewards and collect its fee")
    .description(
      "Adds a delegator's rewards from a pool to its stake there, if it enabled auto-redelegation, and pays you " +
        "the fee it chose. Anyone may run it. The pool must still take the delegator's stake.",
    )
    .argument("<pool>", "the pool's address")
    .argument("<delegator>", "the delegator's address")
    .action(async (poolText: string, delegatorText: string, _flags: object, sub: Command) => {
      const pool = parseAddress(poolText, "pool");
      const delegator = parseAddress(delegatorText, "delegator");
      const { deployment, wallet } = await prepareSigner(sub);
      const result = await autoDelegateRewards(wallet, { registry: deployment.registry, pool, delegator });
      printDone(
        sub,
        result,
        `added ${formatTokenAmount(result.amount)} of rewards to the stake of ${delegator} in pool ${pool}` +
          (result.fee > 0n ? `, a fee of ${formatTokenAmount(result.fee)} to you` : ""),
      );
    });
  return command;
}
