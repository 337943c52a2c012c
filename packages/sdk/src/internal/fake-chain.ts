// Test support: an in-memory EIP-1193 provider answering registry, token and PoolOwners calls from handlers, so the
// actions' own logic (paging, approvals, reading logs, error translation) is tested without a chain. Not exported.
import {
  createWalletClient,
  custom,
  decodeFunctionData,
  encodeAbiParameters,
  encodeErrorResult,
  encodeEventTopics,
  encodeFunctionResult,
  isAddressEqual,
  keccak256,
  numberToHex,
  toHex,
  type Abi,
  type Address,
  type Hash,
  type Hex,
} from "viem";
import { ownersAbi, registryAbi, stakingTokenAbi } from "./abi.ts";
import type { WriteClient } from "./client.ts";

export const fakeRegistry: Address = "0xe7f1725E7734CE288F8367e1Bb143E90bb3F0512";
export const fakeToken: Address = "0x5FbDB2315678afecb367f032d93F642f64180aa3";
export const fakeAccount: Address = "0x70997970C51812dc3A010C7d01b50e0d17dc79C8";
export const fakePoolOwners: Address = "0x9fE46736679d2D9a65F0992F2272dE9f3c7fa6e0";

/** An event a transaction emits, by name, from the registry unless `address` says otherwise. */
export type FakeLog = { eventName: string; args: Record<string, unknown>; address?: Address };

/** What a handler returns: a call's result, a transaction's logs, or a revert with a custom error. */
export type FakeOutcome = { result?: unknown; logs?: FakeLog[]; revert?: { errorName: string; args: unknown[] } };

export type FakeCall = { to: Address; functionName: string; args: readonly unknown[]; kind: "call" | "transaction" };

/** `value` is the ETH a transaction sends (0 for a call). */
type Handler = (args: readonly unknown[], context: { value: bigint }) => FakeOutcome;

export type FakeChain = {
  client: WriteClient;
  /** Every registry, token and PoolOwners call and transaction, in order. */
  calls: FakeCall[];
};

/** The ABI of the fake contract at `address`: the token's, PoolOwners' or else the registry's. */
function abiAt(address: Address): Abi {
  if (isAddressEqual(address, fakeToken)) return stakingTokenAbi;
  return isAddressEqual(address, fakePoolOwners) ? ownersAbi : registryAbi;
}

/**
 * A wallet client for `fakeAccount` whose calls to `fakeRegistry`, `fakeToken` and `fakePoolOwners` are answered by
 * `handlers`.
 */
export function createFakeChain(handlers: Record<string, Handler>): FakeChain {
  const calls: FakeCall[] = [];
  const receipts = new Map<Hash, FakeLog[]>();

  const handle = (to: Address, data: Hex, kind: FakeCall["kind"], value: bigint) => {
    const abi = abiAt(to);
    const { functionName, args = [] } = decodeFunctionData({ abi, data });
    calls.push({ to, functionName, args, kind });
    const handler = handlers[functionName];
    if (!handler) throw new Error(`the fake chain has no handler for ${functionName}`);
    const outcome = handler(args, { value });
    if (outcome.revert) {
      // the token's refusals come back through the registry, which lists them
      const revertData = encodeErrorResult({
        abi: abi === stakingTokenAbi ? registryAbi : abi,
        ...outcome.revert,
      } as never);
      throw Object.assign(new Error("execution reverted"), { code: 3, data: revertData });
    }
    return { abi, functionName, outcome };
  };

  const request = async ({ method, params }: { method: string; params?: unknown }): Promise<unknown> => {
    const [first] = (params ?? []) as [Record<string, Hex> | Hash | undefined];
    switch (method) {
      case "eth_chainId":
        return numberToHex(31337);
      case "eth_blockNumber":
        return numberToHex(1);
      case "eth_call": {
        const { to, data } = first as { to: Address; data: Hex };
        const { abi, functionName, outcome } = handle(to, data, "call", 0n);
        return encodeFunctionResult({ abi, functionName, result: outcome.result } as never);
      }
      case "eth_estimateGas":
        return numberToHex(100_000);
      case "eth_sendTransaction": {
        const { to, data, value } = first as { to: Address; data: Hex; value?: Hex };
        const { outcome } = handle(to, data, "transaction", BigInt(value ?? 0));
        const hash = keccak256(toHex(`transaction ${calls.length}`));
        receipts.set(hash, outcome.logs ?? []);
        return hash;
      }
      case "eth_getTransactionReceipt": {
        const hash = first as Hash;
        const logs = receipts.get(hash);
        if (!logs) return null;
        return {
          transactionHash: hash,
          transactionIndex: "0x0",
          blockHash: keccak256(toHex("block")),
          blockNumber: numberToHex(1),
          from: fakeAccount,
          to: fakeRegistry,
          cumulativeGasUsed: "0x1",
          gasUsed: "0x1",
          effectiveGasPrice: "0x1",
          contractAddress: null,
          logsBloom: `0x${"00".repeat(256)}`,
          status: "0x1",
          type: "0x2",
          logs: logs.map((log, index) => encodeLog(log, hash, index)),
        };
      }
      default:
        throw new Error(`the fake chain does not answer ${method}`);
    }
  };

  const client = createWalletClient({
    account: fakeAccount,
    transport: custom({ request }, { retryCount: 0 }),
    pollingInterval: 1,
  });
  return { client, calls };
}

function encodeLog({ eventName, args, address = fakeRegistry }: FakeLog, transactionHash: Hash, index: number) {
  // the emitter's own event first: a look-alike from another contract is encoded as that contract's
  const event = [...abiAt(address), ...registryAbi, ...ownersAbi].find(
    (item) => item.type === "event" && item.name === eventName,
  );
  if (!event || event.type !== "event") throw new Error(`no event ${eventName}`);
  const topics = encodeEventTopics({ abi: [event], eventName, args } as never);
  const unindexed = event.inputs.filter((input) => !input.indexed);
  const data = encodeAbiParameters(
    unindexed,
    unindexed.map((input) => args[input.name ?? ""]),
  );
  return {
    address,
    topics,
    data,
    blockHash: keccak256(toHex("block")),
    blockNumber: numberToHex(1),
    transactionHash,
    transactionIndex: "0x0",
    logIndex: numberToHex(index),
    removed: false,
  };
}
