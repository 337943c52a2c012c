// The demo's price feeds: one FluxAggregator per pair, paid in the stake token, answered by the oracle node of every
// active demo pool. Each node's key is bound to its pool and the registry is every oracle's admin, so the payments
// can only be collected into the pool's vault, where they become its delegators' rewards.
import {
  bindOracle,
  formatTokenAmount,
  fluxAggregatorAbi,
  fluxAggregatorBytecode,
  getOraclePool,
  getPoolInfo,
  listPools,
  stakingTokenAbi,
  type Deployment,
} from "@poolnet/sdk";
import { getAddress, parseEther, zeroAddress, type Address, type Hex } from "viem";
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
  const mined = async (hash: Hex) => {
    const receipt = await publicClient.waitForTransactionReceipt({ hash });
    if (receipt.status !== "success") throw new Error(`feed set-up transaction ${hash} reverted`);
    return receipt;
  };
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
    const { contractAddress } = await mined(
      await owner.deployContract({
        abi: fluxAggregatorAbi,
        bytecode: fluxAggregatorBytecode,
        args: [
          deployment.token,
          FEED_SETTINGS.payment,
          FEED_SETTINGS.timeout,
          zeroAddress,
          1n,
          2n ** 200n,
          FEED_SETTINGS.decimals,
          pair.replace("/", " / "),
        ],
      }),
    );
    const aggregator = getAddress(contractAddress!);
    // funded first: adding oracles needs a round of payments in reserve
    await mined(
      await owner.writeContract({
        address: deployment.token,
        abi: stakingTokenAbi,
        functionName: "transferAndCall",
        args: [aggregator, FEED_SETTINGS.funds, "0x"],
      }),
    );
    const quorum = Math.max(1, Math.ceil((addresses.length * 2) / 3));
    await mined(
      await owner.writeContract({
        address: aggregator,
        abi: fluxAggregatorAbi,
        functionName: "changeOracles",
        args: [
          [],
          addresses,
          addresses.map(() => deployment.registry),
          quorum,
          addresses.length,
          Math.min(FEED_SETTINGS.restartDelay, addresses.length - 1),
        ],
      }),
    );
    feeds[pair] = aggregator;
    progress(
      `feed ${pair}: FluxAggregator ${aggregator}, ${addresses.length} oracles (${quorum} answer a round), ` +
        `${formatTokenAmount(FEED_SETTINGS.payment)} STK a submission, funded with ` +
        `${formatTokenAmount(FEED_SETTINGS.funds)} STK; the registry is every oracle's admin`,
    );
  }
  return feeds;
}
