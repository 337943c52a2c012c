// `poolnet delegate`, `undelegate`, `finalize`, `transfer` and `finalize-transfer`: moving stake into a pool, out of
// it, out of the thaw, and from one pool to another.
import {
  InvalidInputError,
  delegate,
  finalizeTransfer,
  finalizeTransfers,
  finalizeUndelegate,
  finalizeUndelegations,
  formatTokenAmount,
  parseAddress,
  parseTokenAmount,
  transferDelegation,
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
      printDone(
        command,
        result,
        `undelegated ${formatTokenAmount(amount)} from pool ${pool}: undelegation ${result.id} can be finalized ` +
          `from ${formatTime(result.releaseAt)}`,
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
      const ids = idTexts.map((text) => parseId(text, "undelegation"));
      const { deployment, wallet } = await prepareSigner(command);
      const registry = deployment.registry;
      await finalizeIds(command, ids, describeFinalized, {
        one: (id) => finalizeUndelegate(wallet, { registry, id }),
        many: () => finalizeUndelegations(wallet, { registry, ids }),
      });
    });
}

type TransferFlags = { fee: string };

export function transferCommand(): Command {
  return new Command("transfer")
    .summary("move stake from one pool to another; it lands after the transfer lockout")
    .description(
      "Moves an amount of your stake from one pool to another without leaving the network. It stops earning in " +
        "the first pool at once (your rewards there so far are paid out), earns in neither pool during the " +
        "registry's transfer lockout (shorter than the thawing period), and joins your stake in the second pool " +
        "when anyone finalizes the transfer (`poolnet finalize-transfer <id>`). The second pool must take you now " +
        "(enabled, not broken, allow-listed if private, room under its limit); its room is then reserved, so the " +
        "transfer lands even if that pool closes meanwhile. You can always transfer out of a broken pool; an " +
        "operator cannot transfer their own pool's self-stake. An optional fee, taken out of the amount, goes to " +
        "whoever finalizes it.",
    )
    .argument("<fromPool>", "the pool the stake leaves")
    .argument("<toPool>", "the pool it goes to")
    .argument("<amount>", "tokens to transfer")
    .option("--fee <amount>", "tokens out of the amount for whoever finalizes it", "0")
    .action(async (fromText: string, toText: string, amountText: string, flags: TransferFlags, command: Command) => {
      const fromPool = parseAddress(fromText, "fromPool");
      const toPool = parseAddress(toText, "toPool");
      if (fromPool === toPool)
        throw new InvalidInputError(`a transfer must go to another pool, not back to ${fromPool}`);
      const amount = positive(parseTokenAmount(amountText), amountText);
      const fee = parseTokenAmount(flags.fee, 18, "--fee");
      if (fee > amount) {
        throw new InvalidInputError(`--fee ${flags.fee} is more than the amount transferred, ${amountText}`);
      }
      const { deployment, wallet } = await prepareSigner(command);
      const result = await transferDelegation(wallet, {
        registry: deployment.registry,
        fromPool,
        toPool,
        amount,
        fee,
      });
      if (globalOptions(command).json) return printJson(result);
      printDone(
        command,
        result,
        `transferred ${formatTokenAmount(amount)} from pool ${fromPool} to pool ${toPool}: transfer ${result.id} ` +
          `can be finalized from ${formatTime(result.releaseAt)}` +
          (result.rewardsPaid > 0n ? `; your rewards there, ${formatTokenAmount(result.rewardsPaid)}, were paid` : ""),
      );
    });
}

export function finalizeTransferCommand(): Command {
  return new Command("finalize-transfer")
    .summary("land transfers whose lockout has passed")
    .description(
      "Finalizes transfers between pools whose lockout has passed: each joins its delegator's stake in the new " +
        "pool (less its fee) and pays its fee to you. Anyone may finalize anyone's transfer. Ids are as printed by " +
        "`poolnet transfer`. One id that is not due is refused with when it will be; several are finalized in one " +
        "transaction, the due ones landed and the others skipped and listed.",
    )
    .argument("<id...>", "transfer ids (decimal or 0x hex)")
    .action(async (idTexts: string[], _flags: object, command: Command) => {
      const ids = idTexts.map((text) => parseId(text, "transfer"));
      const { deployment, wallet } = await prepareSigner(command);
      const registry = deployment.registry;
      await finalizeIds(command, ids, describeLanded, {
        one: (id) => finalizeTransfer(wallet, { registry, id }),
        many: () => finalizeTransfers(wallet, { registry, ids }),
      });
    });
}

/**
 * Finalizes `ids`: one id with the single call (refused with a reason when not due), several with the batch call,
 * which lands the due ones and skips the rest; prints each finalized entry and the skipped ids.
 */
async function finalizeIds<Entry extends { id: bigint }>(
  command: Command,
  ids: readonly bigint[],
  describe: (entry: Entry) => string,
  finalize: {
    one: (id: bigint) => Promise<Omit<Entry, "id"> & { transactionHash: string }>;
    many: () => Promise<{ finalized: Entry[]; transactionHash: string }>;
  },
): Promise<void> {
  const json = globalOptions(command).json;
  if (ids.length === 1) {
    const id = ids[0]!;
    const result = await finalize.one(id);
    const entry = { id, ...result } as unknown as Entry;
    if (json) return printJson([entry]);
    return printDone(command, result, describe(entry));
  }
  const result = await finalize.many();
  if (json) return printJson(result);
  const done = new Set(result.finalized.map((entry) => entry.id));
  const skipped = ids.filter((id) => !done.has(id));
  const lines = result.finalized.map(describe);
  if (skipped.length > 0) lines.push(`skipped (not due, unknown or already finalized): ${skipped.join(", ")}`);
  printDone(command, result, lines.join("\n"));
}

function describeLanded(entry: {
  id: bigint;
  amount: bigint;
  delegator: Address;
  toPool: Address;
  fee: bigint;
}): string {
  return (
    `finalized transfer ${entry.id}: ${formatTokenAmount(entry.amount)} joined the stake of ${entry.delegator} in ` +
    `pool ${entry.toPool}` +
    (entry.fee > 0n ? `, a fee of ${formatTokenAmount(entry.fee)} to you` : "")
  );
}

/** A chain time as the "still thawing" and "still locked" refusals write it. */
function formatTime(seconds: bigint): string {
  return new Date(Number(seconds) * 1000).toISOString().replace(".000Z", "Z").replace("T", " ");
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

export function parseId(text: string, kind: "undelegation" | "transfer" | "commission rate change"): bigint {
  const trimmed = text.trim();
  if (!/^(\d+|0x[0-9a-fA-F]+)$/.test(trimmed) || BigInt(trimmed) >= 2n ** 256n) {
    throw new InvalidInputError(`${kind} id '${text}' is not a number`);
  }
  return BigInt(trimmed);
}
