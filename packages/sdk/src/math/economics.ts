// The oracle and pool economics of seed 000 (LinkPool whitepaper, sections 4 and 5, Figures 1-4), in exact decimals.
import { InvalidInputError } from "../errors.ts";
import { toDecimalString, toFixedPoint } from "../internal/numbers.ts";

export type EconomicsInputs = {
  /** Data requests the whole oracle network serves in a month. */
  requestsPerMonth: number;
  /** Oracle nodes answering each request. */
  nodesPerRequest: number;
  /** Oracle nodes in the network, sharing the requests evenly. */
  oracleCount: number;
  /** What a node is paid per request, in USD. */
  revenuePerRequest: number;
  /** What answering a request costs a node in gas, in USD. */
  costPerRequest: number;
  /** Tokens staked into the pools. */
  stakedTokens: number;
  /** Most tokens one node takes (its staking limit). */
  stakingLimitPerNode: number;
  /** Stakers' share of the service profit, from 0 to 1; the owners take the rest. */
  stakerShare: number;
};

/** The seed's figures: 0.001% of RapidAPI's monthly calls, four nodes each, the 19,000 interested operators. */
export const defaultEconomicsInputs: Readonly<EconomicsInputs> = Object.freeze({
  requestsPerMonth: 4_000_000,
  nodesPerRequest: 4,
  oracleCount: 19_000,
  revenuePerRequest: 0.05488,
  costPerRequest: 0.02744,
  stakedTokens: 14_000_000,
  stakingLimitPerNode: 20_000,
  stakerShare: 0.75,
});

export type Economics = {
  inputs: EconomicsInputs;
  /** Figure 1: requests one node serves a month, rounded down to whole requests as in the seed. */
  requestsPerNode: number;
  /** Figure 1: USD a node earns a month. */
  revenuePerNode: number;
  /** Figure 1: USD a node spends on gas a month. */
  costPerNode: number;
  /** Figure 1: USD a node keeps a month. */
  profitPerNode: number;
  /** Figure 2: tokens staked. */
  stakedTokens: number;
  /** Figure 3: nodes the pools run; a partly filled last node still runs, so this rounds up. */
  nodes: number;
  /** Figure 4: USD all the pools' nodes keep a month. */
  serviceProfit: number;
  /** Figure 4: the stakers' part of the service profit. */
  stakerProfit: number;
  /** Figure 4: the owners' part of the service profit (the rest, so the two add up exactly). */
  ownerProfit: number;
};

// Every figure is computed in fixed point with this many decimals, so the seed's printed values come out exactly.
const DECIMALS = 18;
const ONE = 10n ** BigInt(DECIMALS);

/** Figures 1-4 of seed 000 for the given inputs; any input left out takes its `defaultEconomicsInputs` value. */
export function computeEconomics(overrides: Partial<EconomicsInputs> = {}): Economics {
  const inputs: EconomicsInputs = { ...defaultEconomicsInputs, ...overrides };
  const requestsPerMonth = wholeNumber(inputs.requestsPerMonth, "requestsPerMonth", 0n);
  const nodesPerRequest = wholeNumber(inputs.nodesPerRequest, "nodesPerRequest", 0n);
  const oracleCount = wholeNumber(inputs.oracleCount, "oracleCount", 1n);
  const revenuePerRequest = decimal(inputs.revenuePerRequest, "revenuePerRequest");
  const costPerRequest = decimal(inputs.costPerRequest, "costPerRequest");
  const stakedTokens = decimal(inputs.stakedTokens, "stakedTokens");
  const stakingLimitPerNode = decimal(inputs.stakingLimitPerNode, "stakingLimitPerNode");
  if (stakingLimitPerNode === 0n) throw new InvalidInputError("stakingLimitPerNode must be more than 0");
  const stakerShare = decimal(inputs.stakerShare, "stakerShare");
  if (stakerShare > ONE) throw new InvalidInputError(`stakerShare must be from 0 to 1, got ${inputs.stakerShare}`);

  // Figure 1
  const requestsPerNode = (requestsPerMonth * nodesPerRequest) / oracleCount;
  const revenuePerNode = requestsPerNode * revenuePerRequest;
  const costPerNode = requestsPerNode * costPerRequest;
  const profitPerNode = revenuePerNode - costPerNode;
  // Figure 3
  const nodes = (stakedTokens + stakingLimitPerNode - 1n) / stakingLimitPerNode;
  // Figure 4
  const serviceProfit = nodes * profitPerNode;
  const stakerProfit = (serviceProfit * stakerShare) / ONE;
  const ownerProfit = serviceProfit - stakerProfit;

  return {
    inputs,
    requestsPerNode: Number(requestsPerNode),
    revenuePerNode: toNumber(revenuePerNode),
    costPerNode: toNumber(costPerNode),
    profitPerNode: toNumber(profitPerNode),
    stakedTokens: toNumber(stakedTokens),
    nodes: Number(nodes),
    serviceProfit: toNumber(serviceProfit),
    stakerProfit: toNumber(stakerProfit),
    ownerProfit: toNumber(ownerProfit),
  };
}

function wholeNumber(value: number, name: string, min: bigint): bigint {
  if (!Number.isSafeInteger(value) || BigInt(value) < min) {
    throw new InvalidInputError(`${name} must be a whole number of ${min} or more, got ${value}`);
  }
  return BigInt(value);
}

function decimal(value: number, name: string): bigint {
  const scaled = typeof value === "number" ? toFixedPoint(value, DECIMALS) : undefined;
  if (scaled === undefined || scaled < 0n) {
    throw new InvalidInputError(
      `${name} must be a number of 0 or more with at most ${DECIMALS} decimals, got ${value}`,
    );
  }
  return scaled;
}

// The nearest double to the exact decimal: it prints as that decimal whenever the decimal has 15 digits or fewer.
function toNumber(scaled: bigint): number {
  return Number(toDecimalString(scaled, DECIMALS));
}
