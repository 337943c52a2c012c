// `poolnet delegate`, `undelegate` and `finalize`: moving stake into a pool, out of it, and out of the thaw.
import {
  InvalidInputError,
  delegate,
  finalizeUndelegate,
  finalizeUndelegations,
  formatTokenAmount,
  parseAddress,
  parseTokenAmount,
  undelegate,
} from "@poolnet/sdk";
import { Command } from "commander";
import type { Address } from "viem";
import { globalOptions, prepareSigner } from "../context.ts";
import { printDone, printJson } from "../output.ts";

export function delegateCommand(): Command {
  return new Command("delegate")
    .summary("stake tokens into a pool")
    .description(
      "Stakes an amount of the stake token from your account into a pool. The registry pulls the tokens, so if " +
        "its allowance is short an approval is sent first. The pool must be enabled, have room under its staking " +
        "limit, and, if private, have you on its allow-list. From then on you earn a share of the pool's rewards " +
        "in proportion to your stake.",
    )
    .argument("<pool>", "the pool's address")
    .argument("<amount>", "tokens to stake, e.g. 250 or 0.5")
    .action(async (poolText: string, amountText: string, _flags: object, command: Command) => {
      const pool = parseAddress(poolText, "pool");
      const amount = positive(parseTokenAmount(amountText), amountText);
      const { deployment, wallet } = await prepareSigner(command);
      const result = await delegate(wallet, { registry: deployment.registry, pool, amount, token: deployment.token });
      if (globalOptions(command).json) return printJson(result);
      if (result.approvalTransactionHash) console.log(`approved the registry to take ${formatTokenAmount(amount)}`);
      printDone(command, result, `delegated ${formatTokenAmount(amount)} to pool ${pool}`);
    });
}

type UndelegateFlags = { fee: string };

export function undelegateCommand(): Command {
  return new Command("undelegate")
    .summary("take stake out of a pool; it thaws before it can be finalized")
    .description(
      "Takes an amount of your stake out of a pool at once: it stops earning, your rewards so far are paid out, " +
        "and the tokens thaw for the registry's thawing period. Then anyone can finalize the undelegation " +
        "(`poolnet finalize <id>`) to pay the tokens to you. An optional fee, taken out of the amount, goes to " +
        "whoever finalizes it, so a keeper does it for you.",
    )
    .argument("<pool>", "the pool's address")
    .argument("<amount>", "tokens to undelegate")
    .option("--fee <amount>", "tokens out of the amount for whoever finalizes it", "0")
    .action(async (poolText: string, amountText: string, flags: UndelegateFlags, command: Command) => {
      const pool = parseAddress(poolText, "pool");
      const amount = positive(parseTokenAmount(amountText), amountText);
      const fee = parseTokenAmount(flags.fee, 18, "--fee");
      if (fee > amount) {
        throw new InvalidInputError(`--fee ${flags.fee} is more than the amount undelegated, ${amountText}`);
      }
      const { deployment, wallet } = await prepareSigner(command);
      const result = await undelegate(wallet, { registry: deployment.registry, pool, amount, fee });
      if (globalOptions(command).json) return printJson(result);
      // written as the "still thawing" refusal writes it
      const releaseAt = new Date(Number(result.releaseAt) * 1000).toISOString().replace(".000Z", "Z").replace("T", " ");
      printDone(
        command,
        result,
        `undelegated ${formatTokenAmount(amount)} from pool ${pool}: undelegation ${result.id} can be finalized ` +
          `from ${releaseAt}`,
      );
    });
}

export function finalizeCommand(): Command {
  return new Command("finalize")
    .summary("pay out thawed undelegations")
    .description(
      "Finalizes undelegations whose thawing period has passed: each pays its tokens to its delegator and its fee " +
        "to you. Anyone may finalize anyone's undelegation. Ids are as printed by `poolnet undelegate`. One id " +
        "that is not due is refused with when it will be; several are finalized in one transaction, the due ones " +
        "paid and the others skipped and listed.",
    )
    .argument("<id...>", "undelegation ids (decimal or 0x hex)")
    .action(async (idTexts: string[], _flags: object, command: Command) => {
      const ids = idTexts.map(parseId);
      const { deployment, wallet } = await prepareSigner(command);
      const json = globalOptions(command).json;
      if (ids.length === 1) {
        const id = ids[0]!;
        const result = await finalizeUndelegate(wallet, { registry: deployment.registry, id });
        if (json) return printJson([{ id, ...result }]);
        return printDone(command, result, describeFinalized({ id, ...result }));
      }
      const result = await finalizeUndelegations(wallet, { registry: deployment.registry, ids });
      if (json) return printJson(result);
      const done = new Set(result.finalized.map((entry) => entry.id));
      const skipped = ids.filter((id) => !done.has(id));
      printDone(
        command,
        result,
        [
          ...result.finalized.map(describeFinalized),
          ...(skipped.length === 0 ? [] : [`skipped (not due, unknown or already finalized): ${skipped.join(", ")}`]),
        ].join("\n"),
      );
    });
}

function describeFinalized(entry: { id: bigint; amount: bigint; delegator: Address; fee: bigint }): string {
  return (
    `finalized undelegation ${entry.id}: ${formatTokenAmount(entry.amount)} to ${entry.delegator}` +
    (entry.fee > 0n ? `, a fee of ${formatTokenAmount(entry.fee)} to you` : "")
  );
}

function positive(amount: bigint, text: string): bigint {
  if (amount === 0n) throw new InvalidInputError(`amount '${text}' must be more than 0`);
  return amount;
}

function parseId(text: string): bigint {
  const trimmed = text.trim();
  if (!/^(\d+|0x[0-9a-fA-F]+)$/.test(trimmed) || BigInt(trimmed) >= 2n ** 256n) {
    throw new InvalidInputError(`undelegation id '${text}' is not a number`);
  }
  return BigInt(trimmed);
}
