// `poolnet economics`: seed 000's oracle and pool economics (Figures 1-4) for any inputs.
import {
  InvalidInputError,
  computeEconomics,
  defaultEconomicsInputs,
  formatNumber,
  formatRate,
  type Economics,
  type EconomicsInputs,
} from "@poolnet/sdk";
import { Command, Option } from "commander";
import { globalOptions } from "../context.ts";
import { printJson } from "../output.ts";

/** One option per input: the input, its flag, what it is. */
const inputOptions: readonly (readonly [keyof EconomicsInputs, string, string])[] = [
  ["requestsPerMonth", "--requests-per-month <n>", "data requests the whole network serves a month"],
  ["nodesPerRequest", "--nodes-per-request <n>", "oracle nodes answering each request"],
  ["oracleCount", "--oracles <n>", "oracle nodes in the network"],
  ["revenuePerRequest", "--revenue-per-request <usd>", "what a node is paid per request, USD"],
  ["costPerRequest", "--cost-per-request <usd>", "gas a node spends per request, USD"],
  ["stakedTokens", "--staked <tokens>", "tokens staked into the pools"],
  ["stakingLimitPerNode", "--staking-limit <tokens>", "most tokens one node takes"],
  ["stakerShare", "--staker-share <fraction>", "stakers' share of the service profit, 0-1 (owners get the rest)"],
];

export function economicsCommand(): Command {
  const command = new Command("economics")
    .summary("oracle and pool economics (seed 000, Figures 1-4)")
    .description(
      "Works out what an oracle node earns and what the pools' operators and stakers make, the way the LinkPool " +
        "whitepaper does in its Figures 1-4: requests are shared evenly among the network's nodes (rounded down " +
        "to whole requests), each node earns the request price and pays the gas per request, the staked tokens " +
        "fill nodes up to the staking limit (a partly filled last node still runs), and the nodes' profit is split " +
        "between stakers and owners. Every input is an option; the defaults are the whitepaper's.",
    );
  const options = inputOptions.map(([key, flags, description]) => {
    const fallback = defaultEconomicsInputs[key];
    const option = new Option(flags, description).default(String(fallback), formatNumber(fallback));
    command.addOption(option);
    return [key, option] as const;
  });
  return command.action((flags: Record<string, string>, self: Command) => {
    const inputs = Object.fromEntries(
      options.map(([key, option]) => [key, parseNumber(flags[option.attributeName()] ?? "", option.long ?? key)]),
    ) as EconomicsInputs;
    let economics: Economics;
    try {
      economics = computeEconomics(inputs);
    } catch (error) {
      // the sdk names its inputs; say the flag instead
      if (!(error instanceof InvalidInputError)) throw error;
      const [, option] = options.find(([key]) => error.message.startsWith(`${key} `)) ?? [];
      throw option?.long
        ? new InvalidInputError(`${option.long}${error.message.slice(error.message.indexOf(" "))}`)
        : error;
    }
    if (globalOptions(self).json) return printJson(economics);
    printEconomics(economics);
  });
}

function parseNumber(text: string, flag: string): number {
  const plain = text.trim().replace(/[,_]/g, "");
  if (!/^(\d+(\.\d*)?|\.\d+)$/.test(plain)) {
    throw new InvalidInputError(`${flag} '${text}' is not a number of 0 or more`);
  }
  return Number(plain);
}

function printEconomics(e: Economics): void {
  const usd = (value: number) => `$${formatNumber(value)}`;
  const n = formatNumber;
  const { inputs } = e;
  const stakerPercent = formatRate(Math.round(inputs.stakerShare * 1_000_000));
  const ownerPercent = formatRate(1_000_000 - Math.round(inputs.stakerShare * 1_000_000));
  const sections: [string, [string, string, string][]][] = [
    [
      "Figure 1 - revenue and profit of one node, per month",
      [
        [
          "requests per node",
          n(e.requestsPerNode),
          `(${n(inputs.requestsPerMonth)} requests × ${n(inputs.nodesPerRequest)} nodes) / ${n(inputs.oracleCount)} oracles, rounded down`,
        ],
        ["revenue per node", usd(e.revenuePerNode), `${n(e.requestsPerNode)} × ${usd(inputs.revenuePerRequest)}`],
        ["operational cost per node", usd(e.costPerNode), `${n(e.requestsPerNode)} × ${usd(inputs.costPerRequest)}`],
        ["profit per node", usd(e.profitPerNode), `${usd(e.revenuePerNode)} - ${usd(e.costPerNode)}`],
      ],
    ],
    ["Figure 2 - staking interest", [["tokens staked", n(e.stakedTokens), ""]]],
    [
      "Figure 3 - nodes run",
      [["nodes", n(e.nodes), `${n(e.stakedTokens)} / ${n(inputs.stakingLimitPerNode)} per node, rounded up`]],
    ],
    [
      "Figure 4 - service profit, per month",
      [
        ["service profit", usd(e.serviceProfit), `${n(e.nodes)} × ${usd(e.profitPerNode)}`],
        [`to stakers (${stakerPercent})`, usd(e.stakerProfit), `${usd(e.serviceProfit)} × ${inputs.stakerShare}`],
        [`to owners (${ownerPercent})`, usd(e.ownerProfit), "the rest"],
      ],
    ],
  ];
  const rows = sections.flatMap(([, lines]) => lines);
  const labelWidth = Math.max(...rows.map(([label]) => label.length));
  const valueWidth = Math.max(...rows.map(([, value]) => value.length));
  sections.forEach(([title, lines], index) => {
    if (index > 0) console.log("");
    console.log(title);
    for (const [label, value, how] of lines) {
      console.log(`  ${label.padEnd(labelWidth)}  ${value.padStart(valueWidth)}  ${how}`.trimEnd());
    }
  });
}
