#!/usr/bin/env node
// `poolnet-price-source`: the price APIs' formats on loopback, for the local network and its demo.
import { PoolnetError } from "@poolnet/sdk";
import { parsePriceSourceArgs, usage } from "./cli.ts";
import { startPriceSource } from "./server.ts";

try {
  const command = parsePriceSourceArgs(process.argv.slice(2));
  if (command.help) {
    process.stdout.write(usage);
  } else {
    const source = await startPriceSource(command.parameters);
    const { prices, seed } = source.state();
    const listed = Object.entries(prices)
      .map(([pair, price]) => `${pair} ${price}`)
      .join(", ");
    console.log(`price source at ${source.url} (seed ${seed}): ${listed}; state at ${source.url}/admin/state`);
    const stop = () => void source.close().then(() => process.exit(0));
    process.once("SIGINT", stop);
    process.once("SIGTERM", stop);
  }
} catch (error) {
  const message =
    error instanceof PoolnetError ? error.shortMessage : error instanceof Error ? error.message : String(error);
  console.error(`error: ${message.replace(/\s*\n\s*/g, " ")}`);
  if (process.env.POOLNET_DEBUG === "1") console.error(error);
  process.exitCode = 1;
}
