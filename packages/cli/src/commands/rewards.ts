// `poolnet rewards`, `withdraw` and `redelegate`: what a pool has earned you, paid out or staked again.
import {
  InvalidInputError,
  formatTokenAmount,
  getRewards,
  getStake,
  parseAddress,
  redelegateRewards,
  withdrawRewards,
  type ReadClient,
} from "@poolnet/sdk";
import { Command } from "commander";
import type { Address } from "viem";
import { globalOptions, hasKey, loadAccount, prepareReader, prepareSigner } from "../context.ts";
import { printDone, printFields, printJson } from "../output.ts";

export function rewardsCommand(): Command {
  return new Command("rewards")
    .summary("show a delegator's rewards and stake in a pool")
    .description(
      "Shows the rewards a delegator could withdraw from a pool now, counting tokens that reached the pool's " +
        "vault but are not distributed yet, and its stake. For the pool's operator the rewards include the " +
        "pool's commission. Without a delegator, the signing account's address is used.",
    )
    .argument("<pool>", "the pool's address")
    .argument("[delegator]", "the delegator's address (default: your account)")
    .action(async (poolText: string, delegatorText: string | undefined, _flags: object, command: Command) => {
      const pool = parseAddress(poolText, "pool");
      const options = globalOptions(command);
      if (delegatorText === undefined && !hasKey(options)) {
        throw new InvalidInputError(
          "name a delegator, or give a key (POOLNET_PRIVATE_KEY, --key-file or --account) to use its address",
        );
      }
      const delegator: Address =
        delegatorText === undefined ? (await loadAccount(options)).address : parseAddress(delegatorText, "delegator");
      const { deployment, client } = await prepareReader(command);
      const { rewards, stake } = await rewardsOf(client, deployment.registry, pool, delegator);
      if (options.json) return printJson({ pool, delegator, rewards, stake });
      printFields([
        ["pool", pool],
        ["delegator", delegator],
        ["rewards", formatTokenAmount(rewards)],
        ["stake", formatTokenAmount(stake)],
      ]);
    });
}

export function withdrawCommand(): Command {
  return new Command("withdraw")
    .summary("pay your rewards from a pool to your account")
    .description(
      "Pays the rewards your stake in a pool has earned (and, for the pool's operator, its commission) to your " +
        "account. Your stake stays in the pool.",
    )
    .argument("<pool>", "the pool's address")
    .action(async (poolText: string, _flags: object, command: Command) => {
      const pool = parseAddress(poolText, "pool");
      const { deployment, wallet } = await prepareSigner(command);
      const result = await withdrawRewards(wallet, { registry: deployment.registry, pool });
      printDone(command, result, `withdrew ${formatTokenAmount(result.amount)} of rewards from pool ${pool}`);
    });
}

export function redelegateCommand(): Command {
  return new Command("redelegate")
    .summary("add your rewards from a pool to your stake in it")
    .description(
      "Adds the rewards your stake in a pool has earned (and, for the operator, its commission) to your stake in " +
        "the same pool, so they earn too. The pool must take delegations and have room under its limit.",
    )
    .argument("<pool>", "the pool's address")
    .action(async (poolText: string, _flags: object, command: Command) => {
      const pool = parseAddress(poolText, "pool");
      const { deployment, wallet } = await prepareSigner(command);
      const result = await redelegateRewards(wallet, { registry: deployment.registry, pool });
      printDone(command, result, `added ${formatTokenAmount(result.amount)} of rewards to your stake in pool ${pool}`);
    });
}

async function rewardsOf(client: ReadClient, registry: Address, pool: Address, delegator: Address) {
  const [rewards, stake] = await Promise.all([
    getRewards(client, { registry, pool, delegator }),
    getStake(client, { registry, pool, delegator }),
  ]);
  return { rewards, stake };
}
