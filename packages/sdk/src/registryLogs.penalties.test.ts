// Penalties in the log fold, on hand-made logs: what is locked, returned and written off, and the write-off taking
// the operator's self-stake in order with the other logs.
import assert from "node:assert/strict";
import { test } from "node:test";
import { encodeAbiParameters, encodeEventTopics, getAddress, type Hex, type Log } from "viem";
import { poolRegistryAbi } from "./generated/contracts.ts";
import { applyRegistryLogs, createRegistryFromLogs } from "./registryLogs.ts";

const registry = getAddress("0x00000000000000000000000000000000000000aa");
const pool = getAddress("0x00000000000000000000000000000000000000b0");
const operator = getAddress("0x00000000000000000000000000000000000000c0");
const escrow = getAddress("0x00000000000000000000000000000000000000e0");

function log(eventName: string, args: Record<string, unknown>): Log {
  const event = poolRegistryAbi.find((item) => item.type === "event" && item.name === eventName)!;
  const inputs = (event as { inputs: readonly { name: string; type: string; indexed?: boolean }[] }).inputs;
  const plain = inputs.filter((input) => !input.indexed);
  return {
    address: registry,
    topics: encodeEventTopics({ abi: [event], eventName, args } as never) as Hex[],
    data: encodeAbiParameters(
      plain,
      plain.map((input) => args[input.name]),
    ),
    blockNumber: 1n,
    logIndex: 0,
    transactionIndex: 0,
  } as unknown as Log;
}

const registered = log("PoolRegistered", {
  pool,
  operator,
  signingAddress: operator,
  commissionRate: 100_000n,
  metaDataUrl: "",
  metaDataContentHash: `0x${"00".repeat(32)}`,
});

test("penalties locked, returned and written off; a write-off takes the operator's stake in order", () => {
  const folded = applyRegistryLogs(createRegistryFromLogs(), registry, [
    registered,
    log("Delegated", { pool, delegator: operator, amount: 1000n }),
    log("PenaltyLocked", { pool, target: escrow, amount: 400n }),
    log("PenaltyReturned", { pool, from: escrow, amount: 100n }),
    log("PenaltyWrittenOff", { pool, operator, amount: 300n }),
    log("Delegated", { pool, delegator: operator, amount: 50n }),
  ]);
  const state = folded.pools.get(pool)!;
  assert.equal(state.lockedInPenalties, 0n);
  assert.equal(state.stakes.get(operator), 750n);
  assert.equal(state.totalStake, 750n);
  assert.throws(
    () => applyRegistryLogs(folded, registry, [log("PenaltyWrittenOff", { pool, operator, amount: 751n })]),
    /who has less/,
  );
});

test("what is still locked stays counted", () => {
  const folded = applyRegistryLogs(createRegistryFromLogs(), registry, [
    registered,
    log("Delegated", { pool, delegator: operator, amount: 1000n }),
    log("PenaltyLocked", { pool, target: escrow, amount: 250n }),
  ]);
  assert.equal(folded.pools.get(pool)!.lockedInPenalties, 250n);
  assert.equal(folded.pools.get(pool)!.totalStake, 1000n, "locking moves tokens out, not stake");
});
