// The demo network of `poolnet up`: who the dev accounts are, the pools they run (one private, one broken), the
// delegations in them, the owners' shares in the protocol fees, and rewards arriving in pool vaults every few seconds.
import {
  contribute,
  delegate,
  formatRate,
  formatShare,
  formatTokenAmount,
  getPoolInfo,
  listPools,
  registerPool,
  setDelegatorAllowed,
  setOwnerShare,
  setPoolPrivate,
  setStakingLimit,
  stakingTokenAbi,
  poolRegistryAbi,
  type Deployment,
} from "@poolnet/sdk";
import {
  createPublicClient,
  createWalletClient,
  custom,
  encodeFunctionData,
  keccak256,
  parseEther,
  stringToHex,
  toHex,
  type Address,
  type Hex,
  type PublicClient,
} from "viem";
import { hardhat } from "viem/chains";
import type { RecordedChain } from "./chain.ts";
import type { RequestFn } from "./journal.ts";

/** Dev account indexes by role (the Hardhat mnemonic's first 20). */
export const ROLES = {
  deployer: 0, // owner of the registry and of PoolOwners, a creator, holder of the token supply, source of demo rewards
  creator: 1, // the other creator, and the wallet PoolOwners' share sale pays
  delegators: [7, 8, 9, 10],
  free: [11, 12], // tokens and nothing else: yours to try the CLI with
  // 13 to 17 sign for the demo pools' oracle nodes (DEMO_POOLS' signers)
  keeper: 18, // the keeper: collects oracle payments, finalizes, auto-redelegates, keeps the nodes in gas
} as const;

export const TOKEN_SUPPLY = parseEther("1000000000");
export const THAWING_PERIOD = 600n; // 10 minutes: long enough to see thawing, short enough for a demo
export const TRANSFER_LOCKOUT_PERIOD = 120n; // 2 minutes: a transfer between pools waits less than leaving
export const MIN_SELF_STAKE = parseEther("1000");
export const PROTOCOL_FEE_RATE = 50_000n; // 5%

type PoolPlan = {
  name: string;
  description: string;
  operator: number;
  /** The account the pool's oracle node signs with. */
  signer: number;
  commissionRate: number;
  stakingLimit: bigint;
  selfStake: bigint;
  isPrivate?: boolean;
  allowed?: number[];
  /** Bad metadata on purpose: content breaking the rules, or content not matching the registered hash. */
  metadata?: "malformed" | "mismatched";
  delegations: [delegator: number, amount: bigint][];
};

const tokens = (amount: number): bigint => parseEther(String(amount));

export const DEMO_POOLS: readonly PoolPlan[] = [
  {
    name: "Atlas",
    description: "Large, low-commission pool with room to grow",
    operator: 2,
    signer: 13,
    commissionRate: 50_000,
    stakingLimit: tokens(2_000_000),
    selfStake: tokens(50_000),
    delegations: [
      [7, tokens(250_000)],
      [8, tokens(100_000)],
    ],
  },
  {
    name: "Borealis",
    description: "Nearly full: 470,000 of 500,000 staked",
    operator: 3,
    signer: 14,
    commissionRate: 100_000,
    stakingLimit: tokens(500_000),
    selfStake: tokens(20_000),
    delegations: [
      [8, tokens(150_000)],
      [9, tokens(300_000)],
    ],
  },
  {
    name: "Cypress",
    description: "Private pool: only allow-listed delegators",
    operator: 4,
    signer: 15,
    commissionRate: 20_000,
    stakingLimit: tokens(1_000_000),
    selfStake: tokens(10_000),
    isPrivate: true,
    allowed: [10],
    metadata: "mismatched",
    delegations: [[10, tokens(75_000)]],
  },
  {
    name: "Drift",
    description: "Broken: operator self-stake 500, below the 1,000 minimum",
    operator: 5,
    signer: 16,
    commissionRate: 150_000,
    stakingLimit: tokens(300_000),
    selfStake: tokens(500),
    metadata: "malformed",
    delegations: [],
  },
  {
    name: "Ember",
    description: "Mid-size pool, 8% commission",
    operator: 6,
    signer: 17,
    commissionRate: 80_000,
    stakingLimit: tokens(5_000_000),
    selfStake: tokens(100_000),
    delegations: [
      [7, tokens(120_000)],
      [10, tokens(40_000)],
    ],
  },
];

/** The creators' shares of PoolOwners (4000 ether is 100%): 50% and 25%, the whole creators' part. */
export const CREATOR_GRANTS: readonly [account: number, granted: bigint][] = [
  [ROLES.deployer, parseEther("2000")],
  [ROLES.creator, parseEther("1000")],
];

/** ETH two delegators paid in PoolOwners' share sale: 40 ETH buys 1%, 13.6 ETH 0.34% (seed Figure 10). */
export const CONTRIBUTIONS: readonly [account: number, value: bigint][] = [
  [7, parseEther("40")],
  [8, parseEther("13.6")],
];

/** Stake tokens each demo account starts with. */
const FUNDING: readonly [account: number, amount: bigint][] = [
  ...DEMO_POOLS.map((pool): [number, bigint] => [pool.operator, tokens(200_000)]),
  ...ROLES.delegators.map((account): [number, bigint] => [account, tokens(500_000)]),
  ...ROLES.free.map((account): [number, bigint] => [account, tokens(100_000)]),
];

export function clientsFor(request: RequestFn) {
  // in-process: nothing to retry, and viem would retry a revert (its code is unknown to it) with back-off
  const transport = custom({ request: (args) => request(args as never) }, { retryCount: 0 });
  const publicClient = createPublicClient({ chain: hardhat, transport, pollingInterval: 50 });
  const walletOf = (account: Address) =>
    createWalletClient({ chain: hardhat, transport, account, pollingInterval: 50 });
  return { publicClient: publicClient as PublicClient, walletOf };
}

/**
 * Metadata served inline as a data: URL, so any metadata proxy can fetch it and check its hash offline. Two pools
 * publish bad metadata on purpose, so the "metadata unavailable" path is always there to see: one whose content
 * breaks the rules (markup), one whose content does not match the hash registered on-chain.
 */
function metadataOf(plan: PoolPlan): { metaDataUrl: string; metaDataContentHash: Hex } {
  const slug = plan.name.toLowerCase();
  const document: Record<string, string> = {
    name: plan.name,
    description: plan.metadata === "malformed" ? `<b>${plan.description}</b>` : plan.description,
    website: `https://${slug}.pools.example`,
    contact: `ops@${slug}.pools.example`,
  };
  const json = JSON.stringify(document);
  // a mismatched pool registered the hash of an earlier version of its document, then changed the document
  const hashed =
    plan.metadata === "mismatched" ? JSON.stringify({ ...document, description: "an earlier text" }) : json;
  return {
    metaDataUrl: `data:application/json;base64,${Buffer.from(json).toString("base64")}`,
    metaDataContentHash: keccak256(stringToHex(hashed)),
  };
}

/**
 * Funds the demo accounts, grants the creators their shares of PoolOwners and makes the demo contributions to its
 * share sale, registers the demo pools and makes the demo delegations.
 */
export async function setUpDemo(
  request: RequestFn,
  deployment: Deployment,
  accounts: readonly Address[],
  progress: (line: string) => void,
): Promise<void> {
  const { publicClient, walletOf } = clientsFor(request);
  const account = (index: number): Address => accounts[index]!;
  const { registry, token } = deployment;

  const treasury = walletOf(account(ROLES.deployer));
  for (const [index, amount] of FUNDING) {
    const hash = await treasury.writeContract({
      address: token,
      abi: stakingTokenAbi,
      functionName: "transfer",
      args: [account(index), amount],
    });
    await publicClient.waitForTransactionReceipt({ hash });
  }
  progress(`funded ${FUNDING.length} demo accounts with stake tokens`);

  const poolOwners = deployment.contracts?.poolOwners;
  if (poolOwners === undefined) throw new Error("the deployment names no PoolOwners for the demo's shares");
  for (const [index, granted] of CREATOR_GRANTS) {
    await setOwnerShare(treasury, { poolOwners, owner: account(index), granted });
  }
  for (const [index, value] of CONTRIBUTIONS) await contribute(walletOf(account(index)), { poolOwners, value });
  const grants = CREATOR_GRANTS.map(([, granted]) => formatShare(granted)).join(" and ");
  const contributed = CONTRIBUTIONS.reduce((sum, [, value]) => sum + value, 0n);
  progress(
    `PoolOwners ${poolOwners}: the creators granted ${grants}, ${CONTRIBUTIONS.length} delegators contributed ` +
      `${formatTokenAmount(contributed)} ETH (${formatShare(contributed)})`,
  );

  for (const plan of DEMO_POOLS) {
    const operator = walletOf(account(plan.operator));
    const { pool } = await registerPool(operator, {
      registry,
      signingAddress: account(plan.signer),
      commissionRate: plan.commissionRate,
      ...metadataOf(plan),
    });
    await setStakingLimit(operator, { registry, pool, stakingLimit: plan.stakingLimit });
    if (plan.isPrivate) {
      await setPoolPrivate(operator, { registry, pool, isPrivate: true });
      for (const allowed of plan.allowed ?? []) {
        await setDelegatorAllowed(operator, { registry, pool, delegator: account(allowed), allowed: true });
      }
    }
    await delegate(operator, { registry, pool, token, amount: plan.selfStake });
    for (const [delegator, amount] of plan.delegations) {
      await delegate(walletOf(account(delegator)), { registry, pool, token, amount });
    }
    const staked = plan.selfStake + plan.delegations.reduce((sum, [, amount]) => sum + amount, 0n);
    const others = plan.delegations.length;
    progress(
      `pool ${plan.name} ${pool}: ${formatRate(plan.commissionRate)} commission, ` +
        `${formatTokenAmount(staked)} of ${formatTokenAmount(plan.stakingLimit)} staked ` +
        `(operator${others === 0 ? "" : ` and ${others} delegator${others === 1 ? "" : "s"}`})`,
    );
  }
}

/** The name a demo pool was registered with (from its metadata), or undefined for any other pool. */
export function demoPoolName(metaDataUrl: string): string | undefined {
  const prefix = "data:application/json;base64,";
  if (!metaDataUrl.startsWith(prefix)) return undefined;
  try {
    const json = JSON.parse(Buffer.from(metaDataUrl.slice(prefix.length), "base64").toString("utf8")) as unknown;
    const name = (json as { name?: unknown }).name;
    return typeof name === "string" ? name : undefined;
  } catch {
    return undefined;
  }
}

export type Rewards = { readonly poolCount: number; stop(): Promise<void> };

export const POOLS_PER_REWARD = 2;

/**
 * Every `intervalSeconds`, sends rewards from the deployer into the next active pools' vaults, distributes them and
 * pays the pools' protocol fees on to the fee recipient (PoolOwners, whose owners see them at once), all in one block
 * (so a long demo stays a short journal to replay).
 */
export async function startRewards(
  chain: RecordedChain,
  deployment: Deployment,
  accounts: readonly Address[],
  intervalSeconds: number,
  onFailure: (message: string) => void,
): Promise<Rewards> {
  const { publicClient } = clientsFor(chain.request);
  const pools: Address[] = [];
  for (const pool of await listPools(publicClient, { registry: deployment.registry })) {
    const info = await getPoolInfo(publicClient, { registry: deployment.registry, pool });
    if (info.state === "active") pools.push(pool);
  }
  const from = accounts[ROLES.deployer]!;
  let round = 0;
  let timer: NodeJS.Timeout | undefined;
  let running: Promise<void> = Promise.resolve();
  let stopped = intervalSeconds <= 0 || pools.length === 0;

  async function reward(): Promise<void> {
    const targets = Array.from(
      { length: Math.min(POOLS_PER_REWARD, pools.length) },
      (_, i) => pools[(round * POOLS_PER_REWARD + i) % pools.length]!,
    );
    // 50 to 499 tokens, varying by round and pool so the pools' returns differ
    const amountFor = (i: number) => tokens(50 + ((round * 37 + i * 101) % 450));
    round++;
    const hashes = await chain.exclusive(async (request) => {
      const send = (to: Address, data: Hex, gas: bigint) =>
        request({ method: "eth_sendTransaction", params: [{ from, to, data, gas: toHex(gas) }] }) as Promise<Hex>;
      // whoever turned automine off (to mine by hand) keeps it off
      const automine = (await request({ method: "hardhat_getAutomine", params: [] })) as boolean;
      if (automine) await request({ method: "evm_setAutomine", params: [false] });
      const sent: Hex[] = [];
      try {
        for (const [i, pool] of targets.entries()) {
          const transfer = encodeFunctionData({
            abi: stakingTokenAbi,
            functionName: "transfer",
            args: [pool, amountFor(i)],
          });
          sent.push(await send(deployment.token, transfer, 100_000n));
          const distribute = encodeFunctionData({
            abi: poolRegistryAbi,
            functionName: "distributeRewards",
            args: [pool],
          });
          sent.push(await send(deployment.registry, distribute, 300_000n));
          const collect = encodeFunctionData({
            abi: poolRegistryAbi,
            functionName: "withdrawProtocolFees",
            args: [pool],
          });
          sent.push(await send(deployment.registry, collect, 300_000n));
        }
        await request({ method: "evm_mine", params: [] });
      } finally {
        if (automine) await request({ method: "evm_setAutomine", params: [true] });
      }
      return sent;
    });
    for (const hash of hashes) {
      const receipt = await publicClient.getTransactionReceipt({ hash });
      if (receipt.status !== "success") throw new Error(`reward transaction ${hash} reverted`);
    }
  }

  let lastFailure: string | undefined;
  function schedule(): void {
    if (stopped) return;
    timer = setTimeout(() => {
      running = reward()
        .then(() => (lastFailure = undefined))
        .catch((error: unknown) => {
          // said once, not every few seconds, until a round succeeds again
          const message = `demo rewards: ${(error as Error).message}`;
          if (message !== lastFailure) onFailure(message);
          lastFailure = message;
        })
        .finally(schedule);
    }, intervalSeconds * 1000);
  }
  schedule();

  return {
    poolCount: stopped ? 0 : pools.length,
    async stop() {
      stopped = true;
      clearTimeout(timer);
      await running;
    },
  };
}
