// The chain journal: every mined block's signed transactions and timestamp, appended as JSON lines, so the in-memory
// chain of `poolnet up` can be rebuilt block for block (same hashes, same state) after a restart.
import { closeSync, existsSync, fsyncSync, mkdirSync, openSync, readFileSync, writeSync } from "node:fs";
import { dirname } from "node:path";
import {
  keccak256,
  recoverTransactionAddress,
  serializeTransaction,
  type Hex,
  type TransactionSerializable,
} from "viem";

/** Sends one JSON-RPC request to the chain. */
export type RequestFn = (args: { method: string; params?: readonly unknown[] }) => Promise<unknown>;

/** The chain's starting point: replaying the blocks onto a chain made from it reproduces them exactly. */
export type GenesisEntry = {
  kind: "genesis";
  format: 1;
  chainId: number;
  hardfork: string;
  /** The genesis block's time, as an ISO date: Hardhat's `initialDate`. */
  initialDate: string;
  genesisHash: Hex;
};

/** A transaction sent from an impersonated account: it has no real signature, so it is sent again unsigned. */
export type ImpersonatedTransaction = { from: Hex; request: Record<string, unknown> };

export type BlockEntry = {
  kind: "block";
  number: number;
  timestamp: number;
  hash: Hex;
  /** Signed raw transactions in block order, or impersonated ones to send again. */
  transactions: (Hex | ImpersonatedTransaction)[];
};

/** A call that changed the chain without mining a block (hardhat_setBalance, evm_snapshot, …), replayed as is. */
export type RpcEntry = {
  kind: "rpc";
  method: string;
  params: unknown[];
  result: unknown;
  /** After evm_revert: the head the chain went back to. */
  head?: { number: number; hash: Hex };
};

export type JournalEntry = GenesisEntry | BlockEntry | RpcEntry;

/** Calls that change state without a block, so a replay must make them again at the same point. */
export const JOURNALED_METHODS: ReadonlySet<string> = new Set([
  "hardhat_setBalance",
  "hardhat_setCode",
  "hardhat_setNonce",
  "hardhat_setStorageAt",
  "hardhat_impersonateAccount",
  "hardhat_stopImpersonatingAccount",
  "hardhat_setCoinbase",
  "hardhat_setPrevRandao",
  "hardhat_setNextBlockBaseFeePerGas",
  "hardhat_setMinGasPrice",
  "evm_setBlockGasLimit",
  "evm_snapshot",
  "evm_revert",
]);

/** The journal cannot be read or does not describe a chain that can be rebuilt. */
export class JournalError extends Error {
  override name = "JournalError";
}

/** Reads a journal file. A torn last line (a crash mid-write: no final newline) is dropped; anything else is an error. */
export function readJournal(path: string): { genesis: GenesisEntry; entries: (BlockEntry | RpcEntry)[] } {
  const text = readFileSync(path, "utf8");
  const lines = text.split("\n");
  const last = lines.pop(); // "" when the file ends with a newline, a torn line otherwise
  if (last !== undefined && last !== "" && lines.length === 0) throw new JournalError("it has no complete line");
  const entries: (BlockEntry | RpcEntry)[] = [];
  let genesis: GenesisEntry | undefined;
  lines.forEach((line, index) => {
    const entry = parseEntry(line, index + 1);
    if (index === 0) {
      if (entry.kind !== "genesis") throw new JournalError("line 1 is not the genesis entry");
      genesis = entry;
    } else if (entry.kind === "genesis") {
      throw new JournalError(`line ${index + 1} is a second genesis entry`);
    } else {
      entries.push(entry);
    }
  });
  if (!genesis) throw new JournalError("it is empty");
  return { genesis, entries };
}

function parseEntry(line: string, lineNumber: number): JournalEntry {
  const fail = (why: string): never => {
    throw new JournalError(`line ${lineNumber} ${why}`);
  };
  let value: unknown;
  try {
    value = JSON.parse(line);
  } catch {
    return fail("is not JSON");
  }
  if (typeof value !== "object" || value === null) return fail("is not an object");
  const entry = value as Record<string, unknown>;
  const isHex = (x: unknown): x is Hex => typeof x === "string" && /^0x[0-9a-fA-F]*$/.test(x);
  const isCount = (x: unknown): x is number => typeof x === "number" && Number.isSafeInteger(x) && x >= 0;
  switch (entry.kind) {
    case "genesis":
      if (entry.format !== 1) return fail(`has an unknown journal format ${JSON.stringify(entry.format)}`);
      if (!isCount(entry.chainId) || typeof entry.hardfork !== "string" || typeof entry.initialDate !== "string") {
        return fail("is a malformed genesis entry");
      }
      if (Number.isNaN(Date.parse(entry.initialDate)) || !isHex(entry.genesisHash)) {
        return fail("is a malformed genesis entry");
      }
      return entry as GenesisEntry;
    case "block": {
      if (!isCount(entry.number) || !isCount(entry.timestamp) || !isHex(entry.hash)) {
        return fail("is a malformed block entry");
      }
      const transactions = entry.transactions;
      if (!Array.isArray(transactions)) return fail("is a block entry without transactions");
      for (const transaction of transactions as unknown[]) {
        const impersonated =
          typeof transaction === "object" &&
          transaction !== null &&
          isHex((transaction as ImpersonatedTransaction).from) &&
          typeof (transaction as ImpersonatedTransaction).request === "object";
        if (!isHex(transaction) && !impersonated) return fail("has a malformed transaction");
      }
      return entry as BlockEntry;
    }
    case "rpc":
      if (typeof entry.method !== "string" || !JOURNALED_METHODS.has(entry.method) || !Array.isArray(entry.params)) {
        return fail("is a malformed rpc entry");
      }
      return entry as RpcEntry;
    default:
      return fail(`has an unknown kind ${JSON.stringify(entry.kind)}`);
  }
}

/** Appends entries to the journal file, one line each; `close` makes them durable. */
export type JournalWriter = {
  append(entries: readonly JournalEntry[]): void;
  close(): void;
};

export function openJournal(path: string): JournalWriter {
  mkdirSync(dirname(path), { recursive: true });
  let fd: number | undefined = openSync(path, "a");
  return {
    append(entries) {
      if (fd === undefined) throw new JournalError("the journal is closed");
      if (entries.length === 0) return;
      // one write per batch: a crash tears at most the last line, which readJournal drops
      writeSync(fd, entries.map((entry) => `${JSON.stringify(entry)}\n`).join(""));
    },
    close() {
      if (fd === undefined) return;
      fsyncSync(fd);
      closeSync(fd);
      fd = undefined;
    },
  };
}

export function journalExists(path: string): boolean {
  return existsSync(path);
}

/** A transaction as eth_getBlockByNumber(…, true) returns it. */
export type RpcTransaction = {
  hash: Hex;
  type: Hex;
  from: Hex;
  to: Hex | null;
  nonce: Hex;
  gas: Hex;
  value: Hex;
  input: Hex;
  chainId?: Hex;
  gasPrice?: Hex;
  maxFeePerGas?: Hex;
  maxPriorityFeePerGas?: Hex;
  accessList?: { address: Hex; storageKeys: Hex[] }[];
  authorizationList?: { chainId: Hex; address: Hex; nonce: Hex; yParity: Hex; r: Hex; s: Hex }[];
  v: Hex;
  r: Hex;
  s: Hex;
  yParity?: Hex;
};

export type RpcBlock = { number: Hex; hash: Hex; timestamp: Hex; transactions: RpcTransaction[] };

/**
 * The journal entry of a mined block. Each transaction is re-serialized from its fields and signature and checked
 * against its hash, so what is journaled is exactly the raw transaction that was mined.
 */
export async function blockEntryOf(block: RpcBlock, impersonated: ReadonlySet<string>): Promise<BlockEntry> {
  const transactions: (Hex | ImpersonatedTransaction)[] = [];
  for (const transaction of block.transactions) {
    const raw = rawTransactionOf(transaction);
    // only an impersonated sender can have a transaction without its own signature (checked, as that costs a recovery)
    if (impersonated.has(transaction.from.toLowerCase())) {
      const signer = await recoverTransactionAddress({ serializedTransaction: raw as never });
      if (signer.toLowerCase() !== transaction.from.toLowerCase()) {
        transactions.push({ from: transaction.from, request: impersonatedRequestOf(transaction) });
        continue;
      }
    }
    transactions.push(raw);
  }
  return {
    kind: "block",
    number: Number(block.number),
    timestamp: Number(block.timestamp),
    hash: block.hash,
    transactions,
  };
}

/** The signed raw transaction, rebuilt from its JSON-RPC form; throws if it does not hash to the mined one. */
export function rawTransactionOf(transaction: RpcTransaction): Hex {
  const base = {
    nonce: Number(transaction.nonce),
    gas: BigInt(transaction.gas),
    to: transaction.to ?? undefined,
    value: BigInt(transaction.value),
    data: transaction.input,
  };
  const chainId = transaction.chainId === undefined ? undefined : Number(transaction.chainId);
  const accessList = transaction.accessList ?? [];
  const yParity = Number(transaction.yParity ?? transaction.v);
  let fields: TransactionSerializable;
  let signature: { r: Hex; s: Hex; v?: bigint; yParity?: number };
  switch (transaction.type) {
    case "0x0":
      fields = { ...base, type: "legacy", gasPrice: BigInt(transaction.gasPrice!), ...(chainId ? { chainId } : {}) };
      signature = { r: transaction.r, s: transaction.s, v: BigInt(transaction.v) };
      break;
    case "0x1":
      fields = { ...base, type: "eip2930", chainId: chainId!, gasPrice: BigInt(transaction.gasPrice!), accessList };
      signature = { r: transaction.r, s: transaction.s, yParity };
      break;
    case "0x2":
      fields = {
        ...base,
        type: "eip1559",
        chainId: chainId!,
        maxFeePerGas: BigInt(transaction.maxFeePerGas!),
        maxPriorityFeePerGas: BigInt(transaction.maxPriorityFeePerGas!),
        accessList,
      };
      signature = { r: transaction.r, s: transaction.s, yParity };
      break;
    case "0x4":
      fields = {
        ...base,
        type: "eip7702",
        chainId: chainId!,
        maxFeePerGas: BigInt(transaction.maxFeePerGas!),
        maxPriorityFeePerGas: BigInt(transaction.maxPriorityFeePerGas!),
        accessList,
        authorizationList: (transaction.authorizationList ?? []).map((authorization) => ({
          chainId: Number(authorization.chainId),
          address: authorization.address,
          nonce: Number(authorization.nonce),
          yParity: Number(authorization.yParity),
          r: authorization.r,
          s: authorization.s,
        })),
      };
      signature = { r: transaction.r, s: transaction.s, yParity };
      break;
    default:
      throw new JournalError(`transaction ${transaction.hash} has type ${transaction.type}, which cannot be journaled`);
  }
  const raw = serializeTransaction(fields, signature as never);
  if (keccak256(raw) !== transaction.hash) {
    throw new JournalError(`transaction ${transaction.hash} could not be rebuilt from its fields`);
  }
  return raw;
}

function impersonatedRequestOf(transaction: RpcTransaction): Record<string, unknown> {
  const request: Record<string, unknown> = {
    from: transaction.from,
    nonce: transaction.nonce,
    gas: transaction.gas,
    value: transaction.value,
    data: transaction.input,
  };
  if (transaction.to) request.to = transaction.to;
  if (transaction.type === "0x0" || transaction.type === "0x1") request.gasPrice = transaction.gasPrice;
  else {
    request.maxFeePerGas = transaction.maxFeePerGas;
    request.maxPriorityFeePerGas = transaction.maxPriorityFeePerGas;
  }
  if (transaction.type !== "0x0" && transaction.accessList) request.accessList = transaction.accessList;
  return request;
}

/**
 * Rebuilds the journaled chain on a fresh chain made from the same genesis: each block is mined by hand at its
 * journaled time with its journaled transactions. Throws a JournalError if the result differs in any way (the head's
 * hash commits to every block, transaction and state before it).
 */
export async function replayJournal(
  request: RequestFn,
  entries: readonly (BlockEntry | RpcEntry)[],
  onProgress?: (replayed: number) => void,
): Promise<{ number: number; hash: Hex }> {
  const latest = (await request({ method: "eth_getBlockByNumber", params: ["latest", false] })) as RpcBlock;
  let expected = { number: Number(latest.number), hash: latest.hash };
  const snapshots = new Map<string, unknown>();
  await request({ method: "evm_setAutomine", params: [false] });
  try {
    let replayed = 0;
    for (const entry of entries) {
      if (entry.kind === "block") {
        if (entry.number !== expected.number + 1) {
          throw new JournalError(`block ${entry.number} follows block ${expected.number}`);
        }
        await request({ method: "evm_setNextBlockTimestamp", params: [entry.timestamp] });
        for (const transaction of entry.transactions) {
          if (typeof transaction === "string") {
            await request({ method: "eth_sendRawTransaction", params: [transaction] });
          } else {
            await request({ method: "eth_sendTransaction", params: [transaction.request] });
          }
        }
        await request({ method: "evm_mine", params: [] });
        expected = { number: entry.number, hash: entry.hash };
        if (++replayed % 500 === 0) onProgress?.(replayed);
      } else {
        let params = entry.params;
        if (entry.method === "evm_revert") params = [snapshots.get(String(entry.params[0])) ?? entry.params[0]];
        const result = await request({ method: entry.method, params });
        if (entry.method === "evm_snapshot") snapshots.set(String(entry.result), result);
        if (entry.head) expected = entry.head;
      }
    }
  } catch (error) {
    if (error instanceof JournalError) throw error;
    throw new JournalError(`replaying it failed: ${(error as Error).message}`);
  } finally {
    await request({ method: "evm_setAutomine", params: [true] });
  }
  const head = (await request({ method: "eth_getBlockByNumber", params: ["latest", false] })) as RpcBlock;
  if (Number(head.number) !== expected.number || head.hash !== expected.hash) {
    throw new JournalError(
      `the replayed chain differs from the journaled one (head ${Number(head.number)} ${head.hash}, ` +
        `journaled ${expected.number} ${expected.hash})`,
    );
  }
  return expected;
}
