// Assertions shared by the PoolRegistry tests: the exact events a transaction emitted, exact token balance changes.
import assert from "node:assert/strict";
import {
  parseEventLogs,
  type Abi,
  type Address,
  type Hash,
  type ParseEventLogsReturnType,
  type PublicClient,
  type TransactionReceipt,
} from "viem";

type Contract<TAbi extends Abi> = { address: Address; abi: TAbi };
type EmittedEvent<TAbi extends Abi> = Pick<
  ParseEventLogsReturnType<TAbi, undefined, true>[number],
  "eventName" | "args"
>;

const ADDRESS = /^0x[0-9a-fA-F]{40}$/;

/** Addresses compare case-insensitively: accounts come lower-case, decoded logs checksummed. */
function normalize(value: unknown): unknown {
  if (typeof value === "string" && ADDRESS.test(value)) return value.toLowerCase();
  if (Array.isArray(value)) return value.map(normalize);
  if (value !== null && typeof value === "object") {
    return Object.fromEntries(Object.entries(value).map(([key, inner]) => [key, normalize(inner)]));
  }
  return value;
}

/**
 * Waits for `hash` and asserts that `contract` emitted exactly `expected`, in order, with every argument: an event
 * missing, extra, reordered or with one argument off fails. Returns the receipt (for `gasUsed`).
 */
export async function expectEvents<const TAbi extends Abi>(
  publicClient: PublicClient,
  hash: Hash | Promise<Hash>,
  contract: Contract<TAbi>,
  expected: EmittedEvent<TAbi>[],
): Promise<TransactionReceipt> {
  const receipt = await publicClient.waitForTransactionReceipt({ hash: await hash });
  assert.equal(receipt.status, "success");
  const own = receipt.logs.filter((log) => log.address.toLowerCase() === contract.address.toLowerCase());
  const emitted = parseEventLogs({ abi: contract.abi, logs: own, strict: true }).map(({ eventName, args }) => ({
    eventName,
    args,
  }));
  assert.equal(emitted.length, own.length, "a log of the contract did not decode against its ABI");
  assert.deepStrictEqual(normalize(emitted), normalize(expected));
  return receipt;
}

type Erc20 = { read: { balanceOf: (args: readonly [Address]) => Promise<bigint> } };

/** Runs `action` and returns its result and how much each of `addresses` gained (negative: lost) in `token`. */
export async function balanceChanges<T>(
  token: Erc20,
  addresses: readonly Address[],
  action: () => Promise<T>,
): Promise<{ result: T; changes: bigint[] }> {
  const before = await Promise.all(addresses.map((address) => token.read.balanceOf([address])));
  const result = await action();
  const after = await Promise.all(addresses.map((address) => token.read.balanceOf([address])));
  return { result, changes: after.map((value, i) => value - before[i]!) };
}

/** `assert.deepStrictEqual` with addresses compared case-insensitively (for structs read from the chain). */
export function assertSameValues(actual: unknown, expected: unknown, message?: string): void {
  assert.deepStrictEqual(normalize(actual), normalize(expected), message ?? "values differ");
}

/** Asserts `exact - 1n <= got <= exact`: the registry may round a share down by one wei, never up. */
export function assertAtMostOneWeiBelow(got: bigint, exact: bigint, what: string): void {
  assert.ok(exact - 1n <= got && got <= exact, `${what}: got ${got}, exact ${exact}`);
}
