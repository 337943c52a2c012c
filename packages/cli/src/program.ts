// The `poolnet` command line: global options, every command, and the one-line error contract.
import { existsSync } from "node:fs";
import { fileURLToPath } from "node:url";
import { Command, Option } from "commander";
import { errorLine } from "./context.ts";
import {
  delegateCommand,
  finalizeCommand,
  finalizeTransferCommand,
  transferCommand,
  undelegateCommand,
} from "./commands/delegation.ts";
import { autoRedelegateCommand } from "./commands/autoRedelegate.ts";
import { commissionCommand } from "./commands/commission.ts";
import { economicsCommand } from "./commands/economics.ts";
import { ownersCommand } from "./commands/owners.ts";
import { payoutsCommand } from "./commands/payouts.ts";
import { poolCommand } from "./commands/pool.ts";
import { redelegateCommand, rewardsCommand, withdrawCommand } from "./commands/rewards.ts";
import { statusCommand } from "./commands/status.ts";

// `up` lives in its own module tree (the local chain), which takes longer to load than everything else together:
// it is loaded only when it may run or be listed, and by URL, so the other commands work while it is absent.
const upModule = new URL("./commands/up.ts", import.meta.url);

// global options followed by a value, skipped when looking for the command's name
const valuedOptions = new Set(["--rpc", "--deployment", "--key-file", "--account"]);

function mayNeedUp(args: readonly string[]): boolean {
  for (let i = 0; i < args.length; i++) {
    const arg = args[i] ?? "";
    if (valuedOptions.has(arg)) i++;
    else if (!arg.startsWith("-")) return arg === "up" || arg === "help";
  }
  return true; // no command: the top-level help lists `up`
}

/** The program; `withUp: false` leaves out `up` (and its load time) for runs that cannot reach it. */
export async function createProgram({ withUp = true }: { withUp?: boolean } = {}): Promise<Command> {
  const program = new Command("poolnet")
    .description(
      "poolnet: a trust-less staking network for oracle nodes. Bring the whole network up on this machine with " +
        "`poolnet up`, then register pools, delegate, undelegate and transfer stake, and collect rewards against it, or " +
        "against any chain given a deployment file.",
    )
    .addOption(new Option("--rpc <url>", "JSON-RPC endpoint (default: the deployment's, else http://127.0.0.1:8545)"))
    .addOption(
      new Option(
        "--deployment <file>",
        "deployment file (default: <data dir>/deployment.json; data dir from POOLNET_DATA_DIR or ./.poolnet)",
      ),
    )
    .addOption(new Option("--json", "machine-readable output (amounts in the token's smallest units)"))
    .addOption(
      new Option("--key-file <path>", "file holding the hex private key to sign with (else POOLNET_PRIVATE_KEY)"),
    )
    .addOption(new Option("--account <index>", "sign with Hardhat dev account <index> (local chain only)"))
    .addHelpText(
      "after",
      [
        "",
        "Environment:",
        "  POOLNET_PRIVATE_KEY  hex private key to sign with (or --key-file; keys are never flags)",
        "  POOLNET_DATA_DIR     data directory of the local network (default ./.poolnet)",
        "  POOLNET_DEBUG=1      print stack traces with errors",
      ].join("\n"),
    )
    .configureOutput({ outputError: (text, write) => write(oneLine(text)) });

  if (withUp && existsSync(fileURLToPath(upModule))) {
    const { upCommand } = (await import(upModule.href)) as { upCommand: () => Command };
    program.addCommand(upCommand());
  }
  program
    .addCommand(statusCommand())
    .addCommand(poolCommand())
    .addCommand(delegateCommand())
    .addCommand(undelegateCommand())
    .addCommand(finalizeCommand())
    .addCommand(transferCommand())
    .addCommand(finalizeTransferCommand())
    .addCommand(rewardsCommand())
    .addCommand(withdrawCommand())
    .addCommand(redelegateCommand())
    .addCommand(autoRedelegateCommand())
    .addCommand(commissionCommand())
    .addCommand(ownersCommand())
    .addCommand(payoutsCommand())
    .addCommand(economicsCommand());
  // commander's own errors (unknown command, missing argument) keep the one-line contract too
  const configure = (command: Command) => {
    command.configureOutput(program.configureOutput());
    command.commands.forEach(configure);
  };
  program.commands.forEach(configure);
  return program;
}

function oneLine(text: string): string {
  return `${text.trim().replace(/\s*\n\s*/g, " ")}\n`;
}

/**
 * Runs the CLI. Any error becomes one line on stderr, `error: …`, and exit code 1; POOLNET_DEBUG=1 adds the stack.
 */
export async function run(argv: readonly string[]): Promise<void> {
  try {
    const program = await createProgram({ withUp: mayNeedUp(argv.slice(2)) });
    await program.parseAsync(argv);
  } catch (error) {
    console.error(`error: ${errorLine(error)}`);
    if (process.env.POOLNET_DEBUG === "1") console.error(error);
    process.exitCode = 1;
  }
}
