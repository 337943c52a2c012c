// The keeper's typed configuration: what it watches, how often, and the thresholds each job acts on. Secrets (the
// key) are not part of it: they come from the environment or a key file, straight to the wallet.
import { InvalidInputError } from "@poolnet/sdk";
import { getAddress, isAddress, parseEther, type Address } from "viem";

export type KeeperConfig = {
  /** The PoolRegistry (its proxy address). */
  registry: Address;
  /** Where the registry's logs start: the deployment's `deployedAtBlock`. */
  deployedAtBlock: bigint;
  /** FluxAggregators whose payments to pool-bound oracle nodes the keeper collects into the pools' vaults. */
  aggregators: Address[];
  /** Oracle node addresses whose ETH balance the keeper keeps above `topUpFloor`. */
  nodes: Address[];
  /** Time between runs, in milliseconds. */
  intervalMs: number;
  /** The least an aggregator must owe an oracle (token units) before collecting it is worth a transaction. */
  minOraclePayment: bigint;
  /** The most undelegations (or transfers) finalized in one transaction. */
  finalizeBatchSize: number;
  /**
   * The value of one whole stake token (10^18 units) in wei, to weigh an auto-redelegation bounty against gas.
   * Undefined: no bounty can be weighed, so auto-redelegation is skipped.
   */
  tokenPriceInWei: bigint | undefined;
  /** A bounty must be worth more than the gas cost times this, in ppm (1_500_000 = 1.5×). */
  bountyMarginPpm: bigint;
  /** A node whose balance falls below this (wei) is topped up… */
  topUpFloor: bigint;
  /** …to this (wei). */
  topUpTarget: bigint;
  /** The most blocks one `eth_getLogs` request covers. */
  logBlockRange: bigint;
};

export type KeeperConfigInput = Pick<KeeperConfig, "registry" | "deployedAtBlock"> & Partial<KeeperConfig>;

export const defaultKeeperConfig = {
  aggregators: [] as Address[],
  nodes: [] as Address[],
  intervalMs: 15_000,
  minOraclePayment: 1n,
  finalizeBatchSize: 50,
  tokenPriceInWei: undefined,
  bountyMarginPpm: 1_500_000n,
  topUpFloor: parseEther("0.1"),
  topUpTarget: parseEther("0.5"),
  logBlockRange: 10_000n,
} satisfies Omit<KeeperConfig, "registry" | "deployedAtBlock">;

/** Fills in the defaults and checks every field; a problem is an InvalidInputError naming the field. */
export function resolveKeeperConfig(input: KeeperConfigInput): KeeperConfig {
  const config: KeeperConfig = { ...defaultKeeperConfig, ...definedOnly(input) } as KeeperConfig;
  const fail = (problem: string): never => {
    throw new InvalidInputError(`the keeper configuration is invalid: ${problem}`);
  };
  const address = (value: unknown, field: string): Address =>
    typeof value === "string" && isAddress(value, { strict: false })
      ? getAddress(value)
      : fail(`${field} must be an address, got ${JSON.stringify(value)}`);
  const positiveInteger = (value: number, field: string) => {
    if (!Number.isSafeInteger(value) || value <= 0) fail(`${field} must be a whole number above 0, got ${value}`);
  };
  const nonNegative = (value: bigint | undefined, field: string) => {
    if (value !== undefined && value < 0n) fail(`${field} must not be negative, got ${value}`);
  };
  config.registry = address(config.registry, "registry");
  config.aggregators = config.aggregators.map((aggregator, i) => address(aggregator, `aggregators[${i}]`));
  config.nodes = config.nodes.map((node, i) => address(node, `nodes[${i}]`));
  positiveInteger(config.intervalMs, "intervalMs");
  positiveInteger(config.finalizeBatchSize, "finalizeBatchSize");
  nonNegative(config.deployedAtBlock, "deployedAtBlock");
  nonNegative(config.minOraclePayment, "minOraclePayment");
  nonNegative(config.tokenPriceInWei, "tokenPriceInWei");
  nonNegative(config.bountyMarginPpm, "bountyMarginPpm");
  nonNegative(config.topUpFloor, "topUpFloor");
  if (config.logBlockRange <= 0n) fail(`logBlockRange must be above 0, got ${config.logBlockRange}`);
  if (config.topUpTarget < config.topUpFloor) {
    fail(`topUpTarget (${config.topUpTarget} wei) must not be below topUpFloor (${config.topUpFloor} wei)`);
  }
  return config;
}

function definedOnly<T extends object>(input: T): Partial<T> {
  return Object.fromEntries(Object.entries(input).filter(([, value]) => value !== undefined)) as Partial<T>;
}
