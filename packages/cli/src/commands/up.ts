// `poolnet up`: the whole network on this machine, resumed from its data directory, until Ctrl-C.
import { resolve } from "node:path";
import { Command, InvalidArgumentError, Option } from "commander";
import { startNetwork, type RunningNetwork, type UpOptions } from "../up/network.ts";

type UpFlags = {
  host?: string;
  port: number;
  dataDir?: string;
  fresh?: boolean;
  rewardInterval: number;
  services: boolean;
};

function wholeNumber(min: number, max: number) {
  return (text: string): number => {
    const value = Number(text);
    if (!/^\d+$/.test(text.trim()) || value < min || value > max) {
      throw new InvalidArgumentError(`expected a whole number from ${min} to ${max}`);
    }
    return value;
  };
}

export function upCommand(): Command {
  return new Command("up")
    .description("start a local chain with poolnet deployed, demo pools and delegators; resumes its data directory")
    .addOption(new Option("--host <address>", "address to listen on (loopback unless given)"))
    .addOption(
      new Option("--port <number>", "JSON-RPC port (0 picks a free one)")
        .default(8545)
        .argParser(wholeNumber(0, 65535)),
    )
    .addOption(
      new Option("--data-dir <path>", "where the network's state lives").env("POOLNET_DATA_DIR").default(".poolnet"),
    )
    .addOption(new Option("--fresh", "move the existing state aside and start a new network"))
    .addOption(
      new Option("--reward-interval <seconds>", "seconds between demo rewards (0: none)")
        .default(5)
        .argParser(wholeNumber(0, 86_400)),
    )
    .addOption(new Option("--no-services", "run the chain and the demo only: no price source, oracle nodes or keeper"))
    .action(async (flags: UpFlags) => {
      const options: UpOptions = {
        host: flags.host ?? "127.0.0.1",
        hostExplicit: flags.host !== undefined,
        port: flags.port,
        // an empty POOLNET_DATA_DIR means the default, never the current directory itself
        dataDir: resolve(flags.dataDir || ".poolnet"),
        fresh: flags.fresh === true,
        rewardInterval: flags.rewardInterval,
        services: flags.services,
      };
      await runUntilStopped(options);
    });
}

/** Runs the network until SIGINT or SIGTERM. A failure to start is thrown, for the CLI's one-line error. */
async function runUntilStopped(options: UpOptions): Promise<void> {
  const log = (line: string) => console.log(line);
  let stopRequested: (() => void) | undefined;
  const stopSignal = new Promise<void>((resolveStop) => (stopRequested = resolveStop));
  let signals = 0;
  const onSignal = () => {
    // a second Ctrl-C while stopping (or still starting) means now
    if (++signals > 1) process.exit(130);
    stopRequested?.();
  };
  process.on("SIGINT", onSignal);
  process.on("SIGTERM", onSignal);

  let network: RunningNetwork;
  try {
    network = await startNetwork(options, log);
  } catch (error) {
    process.off("SIGINT", onSignal);
    process.off("SIGTERM", onSignal);
    throw error;
  }
  await stopSignal;
  log(await network.stop());
  process.exit(0);
}
