// `poolnet up`: a local chain with poolnet deployed and a demo running, its state kept under one data directory and
// resumed from there (the chain journal replayed) on the next start.
import { existsSync, mkdirSync, readdirSync, readFileSync, renameSync, rmSync, writeFileSync } from "node:fs";
import { isIP } from "node:net";
import { join } from "node:path";
import {
  addOwnersToken,
  deployPoolOwners,
  deployPoolnet,
  formatRate,
  formatTokenAmount,
  getPoolInfo,
  getTotalStake,
  listPools,
  poolRegistryAbi,
  readDeployment,
  writeDeployment,
  type Deployment,
  DEV_MNEMONIC,
  devPrivateKeys,
} from "@poolnet/sdk";
import {
  createPublicClient,
  createWalletClient,
  custom,
  getAddress,
  toHex,
  type Address,
  type Hex,
  type PublicClient,
} from "viem";
import { hardhat } from "viem/chains";
import { createSimulatedChain, impersonatedBy, recordChain, type RecordedChain, type SimulatedChain } from "./chain.ts";
import {
  DEMO_POOLS,
  demoPoolName,
  MIN_SELF_STAKE,
  PROTOCOL_FEE_RATE,
  ROLES,
  setUpDemo,
  startRewards,
  THAWING_PERIOD,
  TOKEN_SUPPLY,
  TRANSFER_LOCKOUT_PERIOD,
  type Rewards,
} from "./demo.ts";
import { FEED_SETTINGS, oraclePools, setUpFeeds } from "./feeds.ts";
import { JournalError, openJournal, readJournal, replayJournal, type RequestFn, type RpcBlock } from "./journal.ts";
import { startRpcServer } from "./rpc-server.ts";
import { demoServices } from "./services/demoServices.ts";
import { isAlive } from "./services/health.ts";
import { SERVICES_FILE, startSupervisor, type Supervisor } from "./services/supervisor.ts";

export type UpOptions = {
  host: string;
  /** The host was given with --host: only then may it be an address other machines can reach. */
  hostExplicit: boolean;
  port: number;
  dataDir: string;
  /** Move any existing state aside and start a new network. */
  fresh: boolean;
  /** Seconds between demo rewards; 0 turns them off. */
  rewardInterval: number;
  /** Run the price source, the oracle nodes and the keeper beside the chain. */
  services: boolean;
};

/** What `poolnet up` is running; `stop` journals the last blocks and closes everything. */
export type RunningNetwork = {
  rpcUrl: string;
  deployment: Deployment;
  stop(): Promise<string>;
};

/** Refused before anything started: said in one line, exit code 1. */
export class UpError extends Error {
  override name = "UpError";
}

export function isLoopback(host: string): boolean {
  if (host === "localhost" || host === "::1") return true;
  return isIP(host) === 4 && host.startsWith("127.");
}

type Paths = { dataDir: string; journal: string; deployment: string; lock: string; services: string };

function pathsOf(dataDir: string): Paths {
  return {
    dataDir,
    journal: join(dataDir, "chain", "journal.jsonl"),
    deployment: join(dataDir, "deployment.json"),
    lock: join(dataDir, "up.pid"),
    services: join(dataDir, SERVICES_FILE),
  };
}

export async function startNetwork(options: UpOptions, log: (line: string) => void): Promise<RunningNetwork> {
  if (!isLoopback(options.host)) {
    if (!options.hostExplicit) throw new UpError(`refusing to listen on ${options.host}: it is not a loopback address`);
    log(`warning: listening on ${options.host}: anyone who can reach this machine can use the chain and its dev keys`);
  }
  const paths = pathsOf(options.dataDir);
  // the port first: a taken one is refused before anything is written
  const server = await startRpcServer(options.host, options.port);
  let chain: SimulatedChain | undefined;
  let services: Supervisor | undefined;
  try {
    lockDataDir(paths);
    log(`› JSON-RPC server listening on ${server.url}`);
    const resumed = await resume(paths, options.fresh, log);
    chain = resumed?.chain ?? (await createSimulatedChain());
    const network = resumed
      ? await continueNetwork(chain, resumed, paths, server.url, log)
      : await createNetwork(chain, paths, server.url, log);
    const rewards = await startRewards(
      network.recorded,
      network.deployment,
      network.accounts,
      options.rewardInterval,
      (message) => log(`warning: ${message}`),
    );
    server.serve(network.recorded.request);
    await printSummary(network, rewards, options, paths, log);
    if (options.services) services = await startServices(network, paths, server.url, log);
    // counted from the start of the process: what someone typing `npm start` waits
    const seconds = (performance.now() / 1000).toFixed(1);
    log(`poolnet is up at ${server.url} (ready in ${seconds} s) — Ctrl-C to stop`);

    const openChain = chain;
    return {
      rpcUrl: server.url,
      deployment: network.deployment,
      async stop() {
        // the services first: nothing sends to the chain while it closes
        await services?.stop();
        await rewards.stop();
        await server.close();
        const head = Number(await network.recorded.request({ method: "eth_blockNumber" }));
        await network.recorded.stop();
        await openChain.close();
        unlockDataDir(paths);
        return `poolnet stopped: ${head} blocks journaled in ${paths.journal}`;
      },
    };
  } catch (error) {
    await services?.stop();
    await server.close();
    await chain?.close();
    unlockDataDir(paths);
    throw error;
  }
}

type Resumed = {
  chain: SimulatedChain;
  head: { number: number; hash: Hex };
  impersonated: Set<string>;
  deployment: Deployment;
};

/**
 * Rebuilds the chain from the journal and checks the deployment is on it. Returns undefined when there is nothing
 * to resume; moves the data directory aside (and says why in one line) when it cannot be resumed.
 */
async function resume(paths: Paths, fresh: boolean, log: (line: string) => void): Promise<Resumed | undefined> {
  const startOver = (reason: string): undefined => {
    const aside = moveAside(paths);
    log(`${reason}: starting fresh (the old data directory is now ${aside})`);
    return undefined;
  };
  if (fresh) return hasState(paths) ? startOver("--fresh given") : undefined;
  if (!existsSync(paths.journal)) {
    return existsSync(paths.deployment) ? startOver(`${paths.deployment} has no chain journal beside it`) : undefined;
  }

  let journal: ReturnType<typeof readJournal>;
  try {
    journal = readJournal(paths.journal);
  } catch (error) {
    return startOver(`the chain journal ${paths.journal} cannot be replayed (${describe(error)})`);
  }
  const blocks = journal.entries.filter((entry) => entry.kind === "block").length;
  log(`› replaying the chain journal: ${blocks} blocks`);
  const replayStarted = performance.now();
  let chain: SimulatedChain | undefined;
  try {
    chain = await createSimulatedChain(journal.genesis);
    if (chain.genesis.genesisHash !== journal.genesis.genesisHash) {
      throw new JournalError("its genesis block cannot be made again (was Hardhat upgraded?)");
    }
    const head = await replayJournal(chain.request, journal.entries, (done) =>
      log(`› replayed ${done} of ${blocks} blocks`),
    );
    const seconds = ((performance.now() - replayStarted) / 1000).toFixed(1);
    log(
      `› replayed ${blocks} blocks in ${seconds} s: head block ${head.number} ${head.hash.slice(0, 10)}… as journaled`,
    );

    const deployment = await readDeployment(paths.deployment);
    const mismatch = await deploymentMismatch(chain.request, deployment);
    if (mismatch) throw new Error(`the deployment in ${paths.deployment} is not on the replayed chain (${mismatch})`);
    log(`› deployment verified: PoolRegistry ${deployment.registry}, token ${deployment.token}`);
    return { chain, head, impersonated: impersonatedBy(journal.entries), deployment };
  } catch (error) {
    // whatever went wrong, the old state stays on disk (moved aside) and a new network starts
    await chain?.close();
    return startOver(
      error instanceof JournalError
        ? `the chain journal ${paths.journal} cannot be replayed (${error.message})`
        : describe(error),
    );
  }
}

async function deploymentMismatch(request: RequestFn, deployment: Deployment): Promise<string | undefined> {
  const client = createPublicClient({ transport: custom({ request: (args) => request(args as never) }) });
  const chainId = await client.getChainId();
  if (deployment.chainId !== chainId) return `chain id ${deployment.chainId}, the chain's is ${chainId}`;
  for (const [name, address] of [
    ["token", deployment.token],
    ["registry", deployment.registry],
    ...Object.entries(deployment.contracts ?? {}),
  ] as const) {
    const code = await client.getCode({ address });
    if (code === undefined || code === "0x") return `no contract at the ${name} address ${address}`;
  }
  const token = await client.readContract({
    address: deployment.registry,
    abi: poolRegistryAbi,
    functionName: "token",
  });
  if (getAddress(token) !== deployment.token) return `the registry's token is ${token}, not ${deployment.token}`;
  return undefined;
}

type Network = {
  recorded: RecordedChain;
  deployment: Deployment;
  accounts: Address[];
};

async function accountsOf(request: RequestFn): Promise<Address[]> {
  return ((await request({ method: "eth_accounts" })) as string[]).map((account) => getAddress(account));
}

async function continueNetwork(
  chain: SimulatedChain,
  resumed: Resumed,
  paths: Paths,
  rpcUrl: string,
  log: (line: string) => void,
): Promise<Network> {
  const recorded = recordChain({
    chain,
    journal: openJournal(paths.journal),
    head: resumed.head,
    impersonated: resumed.impersonated,
    onJournalFailure: (message) => log(`warning: cannot journal ${message}; a restart will not get past it`),
  });
  // the chain was stopped, not time: one block at the current time moves the chain's clock past the pause
  const last = (await recorded.request({ method: "eth_getBlockByNumber", params: ["latest", false] })) as RpcBlock;
  const now = Math.max(Math.floor(Date.now() / 1000), Number(last.timestamp) + 1);
  await recorded.request({ method: "evm_setNextBlockTimestamp", params: [toHex(now)] });
  await recorded.request({ method: "evm_mine", params: [] });

  const accounts = await accountsOf(chain.request);
  let deployment = resumed.deployment;
  if (deployment.feeds === undefined) {
    // a network made before the demo had price feeds gets them now
    deployment = { ...deployment, feeds: await setUpDemoFeeds(recorded.request, deployment, accounts, log) };
    await writeDeployment(paths.deployment, { ...deployment, rpcUrl });
  }
  if (deployment.rpcUrl !== rpcUrl) {
    deployment = { ...deployment, rpcUrl };
    await writeDeployment(paths.deployment, deployment);
  }
  return { recorded, deployment, accounts };
}

async function createNetwork(
  chain: SimulatedChain,
  paths: Paths,
  rpcUrl: string,
  log: (line: string) => void,
): Promise<Network> {
  log(`› new chain ${chain.genesis.chainId} (Hardhat EDR, ${chain.genesis.hardfork}), journaled to ${paths.journal}`);
  const journal = openJournal(paths.journal);
  journal.append([chain.genesis]);
  const recorded = recordChain({
    chain,
    journal,
    head: { number: 0, hash: chain.genesis.genesisHash },
    onJournalFailure: (message) => log(`warning: cannot journal ${message}; a restart will not get past it`),
  });
  const accounts = await accountsOf(chain.request);
  const transport = custom({ request: (args) => recorded.request(args as never) });
  const deployer = accounts[ROLES.deployer]!;
  const deployerWallet = createWalletClient({ chain: hardhat, transport, account: deployer, pollingInterval: 50 });
  const publicClient = createPublicClient({ chain: hardhat, transport, pollingInterval: 50 }) as PublicClient;
  // first: the registry pays its protocol fees to PoolOwners
  const { poolOwners } = await deployPoolOwners(deployerWallet, publicClient, {
    wallet: accounts[ROLES.creator]!,
    owner: deployer,
  });
  const deployed = await deployPoolnet(deployerWallet, publicClient, {
    token: { name: "Stake", symbol: "STK", holder: deployer, supply: TOKEN_SUPPLY },
    thawingPeriod: THAWING_PERIOD,
    transferLockoutPeriod: TRANSFER_LOCKOUT_PERIOD,
    minSelfStake: MIN_SELF_STAKE,
    protocolFeeRate: PROTOCOL_FEE_RATE,
    feeRecipient: poolOwners,
    governor: deployer,
  });
  await addOwnersToken(deployerWallet, { poolOwners, token: deployed.token });
  log(
    `› deployed PoolOwners ${poolOwners} (distributing the stake token), StakingToken ${deployed.token}, ` +
      `PoolRegistry ${deployed.registry} (a proxy) and its governance timelock ${deployed.timelock}`,
  );
  const deployment: Deployment = {
    chainId: chain.genesis.chainId,
    rpcUrl,
    token: deployed.token,
    registry: deployed.registry,
    deployedAtBlock: deployed.deployedAtBlock,
    // the registry's owner is its timelock; the deployer proposes governance actions to it
    accounts: { deployer, governor: deployer, feeRecipient: poolOwners },
    contracts: { poolOwners, timelock: deployed.timelock, registryImplementation: deployed.implementation },
  };
  await setUpDemo(recorded.request, deployment, accounts, (line) => log(`› ${line}`));
  deployment.feeds = await setUpDemoFeeds(recorded.request, deployment, accounts, log);
  // written last: a deployment file means the demo network is complete
  await writeDeployment(paths.deployment, deployment);
  return { recorded, deployment, accounts };
}

async function setUpDemoFeeds(
  request: RequestFn,
  deployment: Deployment,
  accounts: readonly Address[],
  log: (line: string) => void,
): Promise<Record<string, Address>> {
  const oracles = await oraclePools(request, deployment, accounts, demoPoolName);
  return setUpFeeds(request, deployment, accounts[ROLES.deployer]!, oracles, (line) => log(`› ${line}`));
}

/** The price source, one oracle node per active demo pool and the keeper, each a process of its own. */
async function startServices(
  network: Network,
  paths: Paths,
  rpcUrl: string,
  log: (line: string) => void,
): Promise<Supervisor> {
  const { deployment, accounts, recorded } = network;
  const oracles = await oraclePools(recorded.request, deployment, accounts, demoPoolName);
  const specs = await demoServices({
    dataDir: paths.dataDir,
    deploymentPath: paths.deployment,
    deployment,
    rpcUrl,
    oracles,
    keeper: { address: accounts[ROLES.keeper]!, index: ROLES.keeper },
    decimals: FEED_SETTINGS.decimals,
  });
  const supervisor = startSupervisor({ dataDir: paths.dataDir, services: specs, log });
  const rows = [["service", "pid", "what it does"]];
  for (const record of supervisor.records()) rows.push([record.name, String(record.pid ?? "-"), record.description]);
  log(`  services (logs in ${join(paths.dataDir, "logs")}; \`poolnet status\` shows their health)`);
  for (const line of table(rows)) log(`    ${line}`);
  log("");
  return supervisor;
}

async function printSummary(
  network: Network,
  rewards: Rewards,
  options: UpOptions,
  paths: Paths,
  log: (line: string) => void,
): Promise<void> {
  const { deployment, accounts } = network;
  const client = createPublicClient({
    transport: custom({ request: (args) => network.recorded.request(args as never) }),
  });
  const registry = deployment.registry;
  const minSelfStake = await client.readContract({
    address: registry,
    abi: poolRegistryAbi,
    functionName: "minSelfStake",
  });
  const rows: string[][] = [["pool", "name", "operator", "commission", "staked / limit", "state"]];
  for (const pool of await listPools(client, { registry })) {
    const info = await getPoolInfo(client, { registry, pool });
    const { total } = await getTotalStake(client, { registry, pool });
    const state = [
      info.state,
      ...(info.isPrivate ? ["private"] : []),
      ...(info.state === "broken"
        ? [`self-stake ${formatTokenAmount(info.selfStake)} < ${formatTokenAmount(minSelfStake)}`]
        : []),
    ].join(", ");
    rows.push([
      pool,
      demoPoolName(info.metaDataUrl) ?? "",
      info.operator,
      formatRate(info.commissionRate),
      `${formatTokenAmount(total)} / ${formatTokenAmount(info.stakingLimit)}`,
      state,
    ]);
  }

  log("");
  log(`  RPC URL      ${deployment.rpcUrl}`);
  log(`  chain id     ${deployment.chainId}`);
  log(`  token        ${deployment.token} (STK)`);
  log(`  registry     ${deployment.registry}`);
  if (deployment.contracts?.timelock) {
    log(`  governance   ${deployment.contracts.timelock} (timelock; every registry change waits it out)`);
  }
  if (deployment.contracts?.poolOwners) {
    log(`  pool owners  ${deployment.contracts.poolOwners} (PoolOwners, the protocol fee recipient)`);
  }
  for (const [pair, aggregator] of Object.entries(deployment.feeds ?? {})) {
    log(`  feed         ${aggregator} (${pair}, a FluxAggregator answered by the pools' oracle nodes)`);
  }
  log(`  deployment   ${paths.deployment}`);
  log("");
  log(`  pools`);
  for (const line of table(rows)) log(`    ${line}`);
  log("");
  log(`  dev accounts — PUBLIC TEST KEYS from the Hardhat mnemonic "${DEV_MNEMONIC}":`);
  log(`  everyone has them; never send real funds to these addresses or use the keys on a real network`);
  const shown: [number, string][] = [
    [
      ROLES.deployer,
      "deployer, governor (proposes to the registry's timelock), PoolOwners owner, token holder, creator (50%)",
    ],
    [ROLES.creator, "creator (25% of PoolOwners), the share sale's wallet"],
    [2, "operator of the first pool"],
    [ROLES.delegators[0], "delegator"],
    [DEMO_POOLS[0]!.signer, `signs for pool ${DEMO_POOLS[0]!.name}'s oracle node (13 to 17 sign for the five pools)`],
    [ROLES.keeper, "the keeper (collects oracle payments into pools, finalizes, keeps nodes in gas)"],
    ...ROLES.free.map((index): [number, string] => [index, "free: 100,000 STK, nothing staked"]),
  ];
  const keys = devPrivateKeys(shown.map(([index]) => index));
  const keyRows = shown.map(([index, role], i) => [`#${index}`, accounts[index]!, keys[i]!, role]);
  for (const line of table([["", "address", "private key (public test key)", "role"], ...keyRows])) log(`    ${line}`);
  log("");
  log(
    rewards.poolCount === 0
      ? "  demo rewards: off"
      : `  demo rewards: every ${options.rewardInterval} s into ${Math.min(2, rewards.poolCount)} of ` +
          `${rewards.poolCount} active pools`,
  );
  log("");
}

function table(rows: readonly string[][]): string[] {
  const widths = rows[0]!.map((_, column) => Math.max(...rows.map((row) => (row[column] ?? "").length)));
  return rows.map((row) =>
    row
      .map((cell, column) => cell.padEnd(widths[column]!))
      .join("  ")
      .trimEnd(),
  );
}

function describe(error: unknown): string {
  return error instanceof Error ? error.message : String(error);
}

function hasState(paths: Paths): boolean {
  return existsSync(paths.dataDir) && readdirSync(paths.dataDir).some((name) => name !== "up.pid");
}

/** Renames the data directory to a dated sibling (never deletes it) and makes a new, empty one. */
function moveAside(paths: Paths): string {
  const stamp = new Date().toISOString().replace(/[-:]/g, "").replace(/\..*/, "").replace("T", "-");
  let aside = `${paths.dataDir}.old-${stamp}`;
  for (let n = 2; existsSync(aside); n++) aside = `${paths.dataDir}.old-${stamp}-${n}`;
  unlockDataDir(paths);
  renameSync(paths.dataDir, aside);
  lockDataDir(paths);
  return aside;
}

/** One `poolnet up` per data directory: two would write one journal. */
function lockDataDir(paths: Paths): void {
  mkdirSync(paths.dataDir, { recursive: true });
  if (existsSync(paths.lock)) {
    const pid = Number(readFileSync(paths.lock, "utf8").trim());
    if (Number.isSafeInteger(pid) && pid > 0 && pid !== process.pid && isAlive(pid)) {
      throw new UpError(`another poolnet up (pid ${pid}) is using ${paths.dataDir}`);
    }
  }
  writeFileSync(paths.lock, `${process.pid}\n`);
}

function unlockDataDir(paths: Paths): void {
  try {
    if (readFileSync(paths.lock, "utf8").trim() === String(process.pid)) rmSync(paths.lock);
  } catch {
    // no lock of ours to remove
  }
}
