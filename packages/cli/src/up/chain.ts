// The local chain of `poolnet up`: Hardhat's in-process EDR simulation with the well-known dev accounts, and the
// recorder that journals every block it mines so it can be rebuilt after a restart.
import { fileURLToPath } from "node:url";
import { DEV_MNEMONIC, LOCAL_CHAIN_ID } from "@poolnet/sdk";
import type { Hex } from "viem";
import {
  blockEntryOf,
  JOURNALED_METHODS,
  type GenesisEntry,
  type JournalEntry,
  type JournalWriter,
  type RequestFn,
  type RpcBlock,
  type RpcEntry,
} from "./journal.ts";

export const DEV_ACCOUNT_COUNT = 20;

/** A simulated chain, straight from EDR: nothing it does is journaled. */
export type SimulatedChain = {
  request: RequestFn;
  genesis: GenesisEntry;
  close(): Promise<void>;
};

/**
 * Starts a chain. Without `from`, a new one whose genesis is now; with it, the same genesis as a journaled chain
 * (same time, chain id and hardfork, hence the same genesis hash when nothing else changed).
 */
export async function createSimulatedChain(from?: GenesisEntry): Promise<SimulatedChain> {
  // loaded only here, so other commands do not pay for Hardhat
  const { createHardhatRuntimeEnvironment } = await import("hardhat/hre");
  const initialDate = from?.initialDate ?? new Date(Math.floor(Date.now() / 1000) * 1000).toISOString();
  const hre = await createHardhatRuntimeEnvironment(
    {
      networks: {
        poolnet: {
          type: "edr-simulated",
          chainId: from?.chainId ?? LOCAL_CHAIN_ID,
          ...(from ? { hardfork: from.hardfork } : {}),
          initialDate,
          accounts: { mnemonic: DEV_MNEMONIC, count: DEV_ACCOUNT_COUNT, accountsBalance: 10n ** 22n },
          // a replay submits each block's transactions in block order and must get them mined in that order
          mining: { auto: true, interval: 0, mempool: { order: "fifo" } },
          loggingEnabled: false,
        },
      },
    },
    {},
    fileURLToPath(new URL("../..", import.meta.url)),
  );
  const connection = await hre.network.create("poolnet");
  const request: RequestFn = (args) => connection.provider.request(args as never);
  if (connection.networkConfig.type !== "edr-simulated") throw new Error("expected an EDR network");
  const genesisBlock = (await request({ method: "eth_getBlockByNumber", params: ["0x0", false] })) as RpcBlock;
  const genesis: GenesisEntry = {
    kind: "genesis",
    format: 1,
    chainId: connection.networkConfig.chainId,
    hardfork: connection.networkConfig.hardfork,
    initialDate,
    genesisHash: genesisBlock.hash,
  };
  return { request, genesis, close: () => connection.close() };
}

/** The chain as every client sees it: writes are serialized and every block they mine is journaled. */
export type RecordedChain = {
  /** Any JSON-RPC call. Calls that may change the chain run one at a time and return after it is journaled. */
  request: RequestFn;
  /** Runs `work` with the raw chain while no other write can run (e.g. to mine several transactions in one block). */
  exclusive<T>(work: (request: RequestFn) => Promise<T>): Promise<T>;
  /** Journals what is left, stops recording and closes the journal. */
  stop(): Promise<void>;
};

export type RecordChainOptions = {
  chain: SimulatedChain;
  journal: JournalWriter;
  /** The last block already in the journal. */
  head: { number: number; hash: Hex };
  /** Accounts impersonated so far (their transactions may carry no real signature). */
  impersonated?: Iterable<string>;
  /** Told once per block that could not be journaled: the chain will not survive a restart past it. */
  onJournalFailure?: (message: string) => void;
};

/** Methods that never change the chain: they skip the write lock. */
const READ_METHODS: ReadonlySet<string> = new Set([
  "eth_accounts",
  "eth_blobBaseFee",
  "eth_blockNumber",
  "eth_call",
  "eth_chainId",
  "eth_coinbase",
  "eth_createAccessList",
  "eth_estimateGas",
  "eth_feeHistory",
  "eth_gasPrice",
  "eth_getBalance",
  "eth_getBlockByHash",
  "eth_getBlockByNumber",
  "eth_getBlockReceipts",
  "eth_getBlockTransactionCountByHash",
  "eth_getBlockTransactionCountByNumber",
  "eth_getCode",
  "eth_getFilterChanges",
  "eth_getFilterLogs",
  "eth_getLogs",
  "eth_getProof",
  "eth_getStorageAt",
  "eth_getTransactionByBlockHashAndIndex",
  "eth_getTransactionByBlockNumberAndIndex",
  "eth_getTransactionByHash",
  "eth_getTransactionCount",
  "eth_getTransactionReceipt",
  "eth_maxPriorityFeePerGas",
  "eth_mining",
  "eth_newBlockFilter",
  "eth_newFilter",
  "eth_newPendingTransactionFilter",
  "eth_pendingTransactions",
  "eth_sign",
  "eth_signTypedData_v4",
  "eth_syncing",
  "eth_uninstallFilter",
  "debug_traceCall",
  "debug_traceTransaction",
  "hardhat_getAutomine",
  "hardhat_metadata",
  "net_listening",
  "net_peerCount",
  "net_version",
  "personal_sign",
  "web3_clientVersion",
  "web3_sha3",
]);

/** Methods refused because the journal cannot follow them. */
const REFUSED_METHODS: Readonly<Record<string, string>> = {
  hardhat_reset: "hardhat_reset is not supported by poolnet up: restart it with --fresh for a new chain",
};

/** An error the JSON-RPC server passes to the client with its code. */
export class RpcRefusedError extends Error {
  override name = "RpcRefusedError";
  readonly code = -32601;
}

export function recordChain(options: RecordChainOptions): RecordedChain {
  const { chain, journal } = options;
  const raw = chain.request;
  let head = options.head;
  const impersonated = new Set([...(options.impersonated ?? [])].map((address) => address.toLowerCase()));
  let stopped = false;
  let tail: Promise<unknown> = Promise.resolve();

  // one write at a time, so the journal's order is the chain's order
  function locked<T>(work: () => Promise<T>): Promise<T> {
    const run = tail.then(work, work);
    tail = run.catch(() => undefined);
    return run;
  }

  async function journalNewBlocks(): Promise<void> {
    const latest = Number(await raw({ method: "eth_blockNumber" }));
    const entries: JournalEntry[] = [];
    for (let number = head.number + 1; number <= latest; number++) {
      const block = (await raw({
        method: "eth_getBlockByNumber",
        params: [`0x${number.toString(16)}`, true],
      })) as RpcBlock;
      try {
        entries.push(await blockEntryOf(block, impersonated));
      } catch (error) {
        options.onJournalFailure?.(`block ${number}: ${(error as Error).message}`);
      }
      head = { number, hash: block.hash };
    }
    journal.append(entries);
  }

  async function write(method: string, params: readonly unknown[] | undefined): Promise<unknown> {
    try {
      const result = await raw({ method, params });
      if (JOURNALED_METHODS.has(method)) await journalCall(method, [...(params ?? [])], result);
      return result;
    } finally {
      await journalNewBlocks();
    }
  }

  async function journalCall(method: string, params: unknown[], result: unknown): Promise<void> {
    await journalNewBlocks(); // blocks mined before the call come before it
    const entry: RpcEntry = { kind: "rpc", method, params, result };
    if (method === "evm_revert") {
      const block = (await raw({ method: "eth_getBlockByNumber", params: ["latest", false] })) as RpcBlock;
      head = { number: Number(block.number), hash: block.hash };
      entry.head = head;
    }
    const account = typeof params[0] === "string" ? params[0].toLowerCase() : undefined;
    if (method === "hardhat_impersonateAccount" && account) impersonated.add(account);
    if (method === "hardhat_stopImpersonatingAccount" && account) impersonated.delete(account);
    journal.append([entry]);
  }

  // blocks can also be mined with no request (interval mining): look for them every second
  const poll = setInterval(() => {
    if (!stopped) locked(journalNewBlocks).catch(() => undefined);
  }, 1000);
  poll.unref();

  return {
    request: async ({ method, params }) => {
      if (stopped) throw new Error("the chain is stopping");
      const refusal = REFUSED_METHODS[method];
      if (refusal) throw new RpcRefusedError(refusal);
      if (READ_METHODS.has(method)) return raw({ method, params });
      return locked(() => write(method, params));
    },
    exclusive: (work) =>
      locked(async () => {
        try {
          return await work(raw);
        } finally {
          await journalNewBlocks();
        }
      }),
    stop: async () => {
      clearInterval(poll);
      await locked(async () => {
        stopped = true;
        await journalNewBlocks();
      });
      journal.close();
    },
  };
}

/** The accounts a journal leaves impersonated. */
export function impersonatedBy(entries: readonly JournalEntry[]): Set<string> {
  const accounts = new Set<string>();
  for (const entry of entries) {
    if (entry.kind !== "rpc" || typeof entry.params[0] !== "string") continue;
    if (entry.method === "hardhat_impersonateAccount") accounts.add(entry.params[0].toLowerCase());
    if (entry.method === "hardhat_stopImpersonatingAccount") accounts.delete(entry.params[0].toLowerCase());
  }
  return accounts;
}
