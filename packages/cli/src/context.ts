// What every chain command needs from the global options: the deployment, the RPC endpoint, the clients, the key.
import { existsSync } from "node:fs";
import { readFile } from "node:fs/promises";
import { join, resolve } from "node:path";
import {
  ChainUnreachableError,
  InvalidInputError,
  LOCAL_CHAIN_ID,
  describeContractError,
  devPrivateKeys,
  readDeployment,
  type Deployment,
  type ReadClient,
  type WriteClient,
} from "@poolnet/sdk";
import type { Command } from "commander";
import { createPublicClient, createWalletClient, defineChain, http, type Account, type Chain, type Hex } from "viem";
import { privateKeyToAccount } from "viem/accounts";
import { getChainId } from "viem/actions";

/** Hardhat's dev mnemonic: its keys are public, so --account is only honoured on a local chain. */
const DEFAULT_RPC_URL = "http://127.0.0.1:8545";

export type GlobalOptions = {
  rpc?: string;
  deployment?: string;
  json?: boolean;
  keyFile?: string;
  account?: string;
};

export function globalOptions(command: Command): GlobalOptions {
  return command.optsWithGlobals<GlobalOptions>();
}

/** `POOLNET_DATA_DIR`, or `.poolnet` in the current directory: where `poolnet up` keeps the network. */
export function dataDir(): string {
  return resolve(process.env.POOLNET_DATA_DIR ?? ".poolnet");
}

export function deploymentPath(options: GlobalOptions): string {
  return resolve(options.deployment ?? join(dataDir(), "deployment.json"));
}

/** The deployment file, or a one-line hint on how to get one. */
export async function loadDeployment(options: GlobalOptions): Promise<Deployment> {
  const path = deploymentPath(options);
  if (!existsSync(path)) {
    throw new InvalidInputError(
      `no deployment file at ${path}: start a local network with \`npm start\`, or pass --deployment <file>`,
    );
  }
  return readDeployment(path);
}

/** --rpc, else the deployment's endpoint, else the local chain's default. */
export function rpcUrl(options: GlobalOptions, deployment?: Deployment): string {
  const url = options.rpc ?? deployment?.rpcUrl ?? DEFAULT_RPC_URL;
  try {
    if (["http:", "https:"].includes(new URL(url).protocol)) return url;
  } catch {
    // refused below
  }
  throw new InvalidInputError(`--rpc '${url}' is not an http(s) URL`);
}

function chainOf(chainId: number, url: string): Chain {
  return defineChain({
    id: chainId,
    name: chainId === LOCAL_CHAIN_ID ? "poolnet local" : `chain ${chainId}`,
    nativeCurrency: { name: "Ether", symbol: "ETH", decimals: 18 },
    rpcUrls: { default: { http: [url] } },
  });
}

function transport(url: string) {
  // one retry only: a person is waiting, and an unreachable chain should be said at once
  return http(url, { retryCount: 1, timeout: 20_000 });
}

export type ChainContext = { deployment: Deployment; url: string; client: ReadClient };

/**
 * Connects to the deployment's chain and checks the endpoint serves that chain, so nothing is ever sent to the
 * wrong network.
 */
export async function connect(options: GlobalOptions, deployment: Deployment): Promise<ChainContext> {
  const url = rpcUrl(options, deployment);
  const client = createPublicClient({ chain: chainOf(deployment.chainId, url), transport: transport(url) });
  await checkChain(client, url, deployment.chainId);
  return { deployment, url, client };
}

export type SignerContext = ChainContext & { wallet: WriteClient };

export async function connectSigner(
  options: GlobalOptions,
  deployment: Deployment,
  account: Account,
): Promise<SignerContext> {
  const context = await connect(options, deployment);
  const wallet = createWalletClient({
    account,
    chain: chainOf(deployment.chainId, context.url),
    transport: transport(context.url),
    pollingInterval: 250,
  });
  return { ...context, wallet };
}

async function checkChain(client: ReadClient, url: string, expected: number): Promise<void> {
  let chainId: number;
  try {
    chainId = await getChainId(client);
  } catch (error) {
    throw describeContractError(error);
  }
  if (chainId !== expected) {
    throw new InvalidInputError(
      `the chain at ${url} has id ${chainId}, but the deployment is for chain ${expected}: check --rpc and --deployment`,
    );
  }
}

const keyHelp = "set POOLNET_PRIVATE_KEY, pass --key-file <path>, or on a local chain --account <index>";

/**
 * The account that signs: --key-file, else --account (a dev account), else POOLNET_PRIVATE_KEY. Keys never come
 * from a flag, so they stay out of shell history and process lists.
 */
export async function loadAccount(options: GlobalOptions): Promise<Account> {
  if (options.keyFile !== undefined && options.account !== undefined) {
    throw new InvalidInputError("give either --key-file or --account, not both");
  }
  if (options.keyFile !== undefined) {
    const path = resolve(options.keyFile);
    let text: string;
    try {
      text = await readFile(path, "utf8");
    } catch (error) {
      const code = (error as NodeJS.ErrnoException).code;
      throw new InvalidInputError(
        `cannot read the key file ${path}: ${code === "ENOENT" ? "there is no such file" : (code ?? "unreadable")}`,
      );
    }
    return privateKeyAccount(text, `the key file ${path}`);
  }
  if (options.account !== undefined) {
    if (!/^\d+$/.test(options.account) || Number(options.account) > 2 ** 31 - 1) {
      throw new InvalidInputError(`--account '${options.account}' is not an account index (0, 1, 2, …)`);
    }
    return privateKeyToAccount(devPrivateKeys([Number(options.account)])[0]!);
  }
  const fromEnvironment = process.env.POOLNET_PRIVATE_KEY;
  if (fromEnvironment !== undefined && fromEnvironment.trim() !== "") {
    return privateKeyAccount(fromEnvironment, "POOLNET_PRIVATE_KEY");
  }
  throw new InvalidInputError(`no key to sign with: ${keyHelp}`);
}

/** The dev accounts' keys are public: refuse --account anywhere but on a local chain. */
export function checkAccountChain(options: GlobalOptions, deployment: Deployment): void {
  if (options.account !== undefined && deployment.chainId !== LOCAL_CHAIN_ID) {
    throw new InvalidInputError(
      `--account names a dev account of a local chain (id ${LOCAL_CHAIN_ID}), but the deployment is on chain ` +
        `${deployment.chainId}: set POOLNET_PRIVATE_KEY or pass --key-file <path>`,
    );
  }
}

/** Everything a transaction needs, checked in the order a person fixes things: key, deployment, chain. */
export async function prepareSigner(command: Command): Promise<SignerContext> {
  const options = globalOptions(command);
  const account = await loadAccount(options);
  const deployment = await loadDeployment(options);
  checkAccountChain(options, deployment);
  return connectSigner(options, deployment, account);
}

/** Everything a read needs. */
export async function prepareReader(command: Command): Promise<ChainContext> {
  const options = globalOptions(command);
  return connect(options, await loadDeployment(options));
}

/** Whether the options name a key at all (read commands use it only to default a delegator). */
export function hasKey(options: GlobalOptions): boolean {
  return options.keyFile !== undefined || options.account !== undefined || !!process.env.POOLNET_PRIVATE_KEY?.trim();
}

function privateKeyAccount(text: string, source: string): Account {
  const trimmed = text.trim();
  const hex = (trimmed.startsWith("0x") ? trimmed : `0x${trimmed}`) as Hex;
  if (!/^0x[0-9a-fA-F]{64}$/.test(hex)) {
    // never echo the text: it may be a key with a typo
    throw new InvalidInputError(`${source} does not hold a private key: expected 64 hex digits, with or without 0x`);
  }
  try {
    return privateKeyToAccount(hex);
  } catch {
    throw new InvalidInputError(`${source} does not hold a valid private key`);
  }
}

/** The one line printed for an error, with a hint where the cause is usually the same. */
export function errorLine(error: unknown): string {
  const described = describeContractError(error);
  const hint = described instanceof ChainUnreachableError ? ": is `npm start` running?" : "";
  return `${described.shortMessage}${hint}`.replace(/\s*\n\s*/g, " ");
}
