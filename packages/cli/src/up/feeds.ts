// The demo's price feeds: one FluxAggregator per pair, paid in the stake token, answered by the oracle node of every
// active demo pool. Each node's key is bound to its pool and the registry is every oracle's admin, so the payments
// can only be collected into the pool's vault, where they become its delegators' rewards.
import {
  bindOracle,
  formatTokenAmount,
  deployFluxAggregator,
  getOraclePool,
  getPoolInfo,
  listPools,
  type Deployment,
} from "@poolnet/sdk";
import { getAddress, parseEther, type Address } from "viem";
import { clientsFor } from "./demo.ts";
import type { RequestFn } from "./journal.ts";

export type DemoFeed = {
  pair: string;
  /** The price the price source starts the pair's random walk at. */
  startPrice: string;
};

export const DEMO_FEEDS: readonly DemoFeed[] = [
  { pair: "LINK/USD", startPrice: "15" },
  { pair: "ETH/USD", startPrice: "3000" },
];

/** The aggregators' settings: Chainlink's usual 8 decimals, 5 STK per submission. */
export const FEED_SETTINGS = {
  payment: parseEther("5"),
  /** Seconds after which a round that did not complete may be superseded. */
  timeout: 60,
  decimals: 8,
  /** Enough for thousands of rounds of the demo's four oracles. */
  funds: parseEther("100000"),
  /** Rounds an oracle waits before it may start another; the others start rounds meanwhile. */
  restartDelay: 1,
} as const;

/** An active pool whose signing key is one of the chain's unlocked dev accounts: its node can run here. */
export type OraclePool = { pool: Address; name: string | undefined; signer: Address; signerIndex: number };

/** The active pools whose signing addresses are dev accounts, in registration order. */
export async function oraclePools(
  request: RequestFn,
  deployment: Deployment,
  accounts: readonly Address[],
  nameOf: (metaDataUrl: string) => string | undefined,
): Promise<OraclePool[]> {
  const { publicClient } = clientsFor(request);
  const found: OraclePool[] = [];
  for (const pool of await listPools(publicClient, { registry: deployment.registry })) {
    const info = await getPoolInfo(publicClient, { registry: deployment.registry, pool });
    const signerIndex = accounts.indexOf(getAddress(info.signingAddress));
    if (info.state !== "active" || signerIndex === -1) continue;
    found.push({ pool, name: nameOf(info.metaDataUrl), signer: accounts[signerIndex]!, signerIndex });
  }
  return found;
}

/**
 * Deploys and funds an aggregator per demo feed with `oracles` as its oracles and the registry as their admin, and
 * binds each oracle's key to its pool. Returns the aggregators by pair, for the deployment file.
 */
export async function setUpFeeds(
  request: RequestFn,
  deployment: Deployment,
  deployer: Address,
  oracles: readonly OraclePool[],
  progress: (line: string) => void,
): Promise<Record<string, Address>> {
  if (oracles.length === 0) throw new Error("no active pool has a dev account as its signing key: no oracle to add");
  const { publicClient, walletOf } = clientsFor(request);
  const owner = walletOf(deployer);

  for (const oracle of oracles) {
    // a key bound before (a resumed network that had no feeds yet) stays bound to its pool
    const bound = await getOraclePool(publicClient, { registry: deployment.registry, oracle: oracle.signer });
    if (bound === undefined) {
      await bindOracle(walletOf(oracle.signer), { registry: deployment.registry, pool: oracle.pool });
    } else if (bound !== oracle.pool) {
      throw new Error(`the signing key ${oracle.signer} of pool ${oracle.pool} is bound to pool ${bound}`);
    }
  }

  const feeds: Record<string, Address> = {};
  const addresses = oracles.map((oracle) => oracle.signer);
  for (const { pair } of DEMO_FEEDS) {
    const quorum = Math.max(1, Math.ceil((addresses.length * 2) / 3));
    const { aggregator } = await deployFluxAggregator(owner, publicClient, {
      token: deployment.token,
      payment: FEED_SETTINGS.payment,
      timeout: FEED_SETTINGS.timeout,
      decimals: FEED_SETTINGS.decimals,
      description: pair.replace("/", " / "),
      funds: FEED_SETTINGS.funds,
      oracles: addresses,
      admins: addresses.map(() => deployment.registry),
      minSubmissions: quorum,
      maxSubmissions: addresses.length,
      restartDelay: Math.min(FEED_SETTINGS.restartDelay, addresses.length - 1),
    });
    feeds[pair] = aggregator;
    progress(
      `feed ${pair}: FluxAggregator ${aggregator}, ${addresses.length} oracles (${quorum} answer a round), ` +
        `${formatTokenAmount(FEED_SETTINGS.payment)} STK a submission, funded with ` +
        `${formatTokenAmount(FEED_SETTINGS.funds)} STK; the registry is every oracle's admin`,
    );
  }
  return feeds;
}
