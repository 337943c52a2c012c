// The price source's command line: options to parameters, with one readable sentence for every mistake.
import { parseArgs } from "node:util";
import { InvalidInputError } from "@poolnet/sdk";
import { parsePair, formatPair } from "../feeds/feed.ts";
import { DEFAULT_PAIRS, DEFAULT_TICK_MS, DEFAULT_VOLATILITY, type PriceSourceParameters } from "./server.ts";

export const DEFAULT_PRICE_SOURCE_PORT = 8600;

export const usage = `Usage: poolnet-price-source [options]

Serves the price APIs of CoinGecko, CoinMarketCap, CryptoCompare, Coinbase and Kraken on this
machine, in their own formats and at their own paths: give a feed adapter this base URL instead
of the real API's. Prices follow a seeded random walk, one per pair.

Options:
  --port <port>         port to listen on (default ${DEFAULT_PRICE_SOURCE_PORT}; 0 for any free one)
  --host <address>      address to listen on (default 127.0.0.1)
  --pairs <list>        pairs to serve, comma-separated, each with an optional starting price:
                        LINK/USD=15,ETH/USD (default ${DEFAULT_PAIRS.join(",")})
  --seed <seed>         the same seed walks the same prices (default 1)
  --volatility <frac>   largest move of one step, as a fraction of the price (default ${DEFAULT_VOLATILITY})
  --tick-ms <ms>        milliseconds between steps, 0 for none (default ${DEFAULT_TICK_MS})
  -h, --help            show this help

Admin API (JSON bodies):
  GET  /admin/state     prices, steps taken, outages and lying APIs
  POST /admin/step      {"steps": 10}
  POST /admin/jump      {"pair": "LINK/USD", "percent": -20}
  POST /admin/outage    {"api": "kraken", "mode": "error" | "hang" | "none", "status": 503, "durationMs": 5000}
  POST /admin/skew      {"api": "coinbase", "pair": "LINK/USD", "percent": 50}
`;

export type PriceSourceCommand = { help: true } | { help: false; parameters: PriceSourceParameters };

/** Reads the command line (without node and the script); throws InvalidInputError with one sentence. */
export function parsePriceSourceArgs(args: readonly string[]): PriceSourceCommand {
  let values: Record<string, string | boolean | undefined>;
  try {
    ({ values } = parseArgs({
      args: [...args],
      strict: true,
      allowPositionals: false,
      options: {
        port: { type: "string" },
        host: { type: "string" },
        pairs: { type: "string" },
        seed: { type: "string" },
        volatility: { type: "string" },
        "tick-ms": { type: "string" },
        help: { type: "boolean", short: "h" },
      },
    }));
  } catch (error) {
    throw new InvalidInputError(describeParseError(error), { cause: error });
  }
  if (values.help === true) return { help: true };

  const port = wholeNumber("--port", values.port, DEFAULT_PRICE_SOURCE_PORT);
  if (port > 65_535) throw new InvalidInputError(`--port must be from 0 to 65535, not ${port}`);
  const tickMs = wholeNumber("--tick-ms", values["tick-ms"], DEFAULT_TICK_MS);
  const pairs: string[] = [];
  const startPrices: Record<string, string> = {};
  if (typeof values.pairs === "string") {
    for (const entry of values.pairs.split(",").map((text) => text.trim())) {
      if (entry === "") continue;
      const [pairText = "", price] = entry.split("=");
      const pair = formatPair(parsePair(pairText));
      pairs.push(pair);
      if (price !== undefined) startPrices[pair] = price.trim();
    }
    if (pairs.length === 0) throw new InvalidInputError("--pairs lists no pair: give e.g. LINK/USD,ETH/USD");
  }
  const text = (value: string | boolean | undefined) => (typeof value === "string" ? value : undefined);
  return {
    help: false,
    parameters: {
      port,
      host: text(values.host),
      pairs: pairs.length > 0 ? pairs : undefined,
      startPrices,
      seed: text(values.seed),
      volatility: text(values.volatility),
      tickMs,
    },
  };
}

function wholeNumber(option: string, value: string | boolean | undefined, fallback: number): number {
  if (typeof value !== "string") return fallback;
  if (!/^\d+$/.test(value.trim())) throw new InvalidInputError(`${option} must be a whole number, not "${value}"`);
  return Number(value);
}

/** node:util's parse errors are long and suggest `--`; one short sentence instead. */
function describeParseError(error: unknown): string {
  const { code, message } = error as { code?: string; message?: string };
  const option = /'([^']+)'/.exec(message ?? "")?.[1] ?? "";
  if (code === "ERR_PARSE_ARGS_UNKNOWN_OPTION") return `unknown option ${option}: see --help`;
  if (code === "ERR_PARSE_ARGS_INVALID_OPTION_VALUE") return `option ${option.split(" ")[0]} needs a value: see --help`;
  if (code === "ERR_PARSE_ARGS_UNEXPECTED_POSITIONAL") return `unexpected argument "${option}": see --help`;
  return message ?? String(error);
}
