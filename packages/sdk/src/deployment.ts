// The deployment file: where the contracts of one network live, written by `poolnet up` or a deploy, read by every tool.
import { mkdir, readFile, rename, writeFile } from "node:fs/promises";
import { dirname } from "node:path";
import { getAddress, isAddress, type Address } from "viem";
import { InvalidInputError } from "./errors.ts";

export type Deployment = {
  chainId: number;
  /** The JSON-RPC endpoint the network was deployed through. */
  rpcUrl: string;
  /** The stake and reward token (StakingToken). */
  token: Address;
  registry: Address;
  /** The block the registry was deployed in: where an indexer starts reading logs. */
  deployedAtBlock: bigint;
  /** Well-known accounts by role, e.g. { deployer: "0x…", feeRecipient: "0x…" }. */
  accounts?: Record<string, Address>;
  /** Other contracts by name, e.g. { poolOwners: "0x…" }. */
  contracts?: Record<string, Address>;
  /** Price feeds (FluxAggregators) by the pair they answer, e.g. { "LINK/USD": "0x…" }. */
  feeds?: Record<string, Address>;
};

/** Reads and validates a deployment file; every problem is an InvalidInputError naming the file and the field. */
export async function readDeployment(path: string): Promise<Deployment> {
  let text: string;
  try {
    text = await readFile(path, "utf8");
  } catch (error) {
    const code = (error as NodeJS.ErrnoException).code;
    const why = code === "ENOENT" ? "there is no such file" : `it cannot be read (${code ?? String(error)})`;
    throw new InvalidInputError(`cannot read the deployment file ${path}: ${why}`, { cause: error });
  }
  let json: unknown;
  try {
    json = JSON.parse(text);
  } catch (error) {
    throw new InvalidInputError(`the deployment file ${path} is not valid JSON: ${(error as Error).message}`, {
      cause: error,
    });
  }
  return parseDeployment(json, path);
}

/**
 * Validates the JSON of a deployment. `deployedAtBlock` may be a decimal string or a safe integer; fields not in
 * `Deployment` are ignored. `source` names the file in error messages.
 */
export function parseDeployment(json: unknown, source = "the deployment"): Deployment {
  const fail = (problem: string): never => {
    throw new InvalidInputError(`${source} is invalid: ${problem}`);
  };
  if (typeof json !== "object" || json === null || Array.isArray(json)) return fail("expected a JSON object");
  const record = json as Record<string, unknown>;

  const chainId = record.chainId;
  if (typeof chainId !== "number" || !Number.isSafeInteger(chainId) || chainId <= 0) {
    return fail(`chainId must be a positive whole number, got ${JSON.stringify(chainId)}`);
  }
  const rpcUrl = record.rpcUrl;
  if (typeof rpcUrl !== "string" || !isRpcUrl(rpcUrl)) {
    return fail(`rpcUrl must be an http(s) or ws(s) URL, got ${JSON.stringify(rpcUrl)}`);
  }
  const address = (value: unknown, field: string): Address => {
    if (typeof value !== "string" || !isAddress(value, { strict: false })) {
      return fail(`${field} must be an address (0x and 40 hex digits), got ${JSON.stringify(value)}`);
    }
    return getAddress(value);
  };
  const addresses = (value: unknown, field: string): Record<string, Address> | undefined => {
    if (value === undefined) return undefined;
    if (typeof value !== "object" || value === null || Array.isArray(value)) {
      return fail(`${field} must be an object of names to addresses`);
    }
    return Object.fromEntries(Object.entries(value).map(([name, entry]) => [name, address(entry, `${field}.${name}`)]));
  };

  const deployment: Deployment = {
    chainId,
    rpcUrl,
    token: address(record.token, "token"),
    registry: address(record.registry, "registry"),
    deployedAtBlock: blockNumber(record.deployedAtBlock, fail),
  };
  const accounts = addresses(record.accounts, "accounts");
  if (accounts) deployment.accounts = accounts;
  const contracts = addresses(record.contracts, "contracts");
  if (contracts) deployment.contracts = contracts;
  const feeds = addresses(record.feeds, "feeds");
  if (feeds) deployment.feeds = feeds;
  return deployment;
}

/** Writes a deployment file atomically (a crash leaves the old file or the new one, never half of one). */
export async function writeDeployment(path: string, deployment: Deployment): Promise<void> {
  const json = { ...deployment, deployedAtBlock: deployment.deployedAtBlock.toString() };
  await mkdir(dirname(path), { recursive: true });
  const temporary = `${path}.${process.pid}.tmp`;
  await writeFile(temporary, `${JSON.stringify(json, null, 2)}\n`);
  await rename(temporary, path);
}

function blockNumber(value: unknown, fail: (problem: string) => never): bigint {
  if (typeof value === "number" && Number.isSafeInteger(value) && value >= 0) return BigInt(value);
  if (typeof value === "string" && /^\d+$/.test(value)) return BigInt(value);
  return fail(
    `deployedAtBlock must be a block number (a whole number or its decimal string), got ${JSON.stringify(value)}`,
  );
}

function isRpcUrl(text: string): boolean {
  try {
    return ["http:", "https:", "ws:", "wss:"].includes(new URL(text).protocol);
  } catch {
    return false;
  }
}
