// The indexer's additions to the sdk's fold, on hand-made logs: rewards paid per delegator, the registration block,
// and the delegators touched during an epoch.
import assert from "node:assert/strict";
import { test } from "node:test";
import { poolRegistryAbi } from "@poolnet/sdk";
import { encodeEventTopics, encodeAbiParameters, getAddress, type Address, type Hex, type Log } from "viem";
import { createRegistryFold } from "./registryFold.ts";

const registry = getAddress("0x00000000000000000000000000000000000000aa");
const pool = getAddress("0x00000000000000000000000000000000000000b0");
const operator = getAddress("0x00000000000000000000000000000000000000c0");
const alice = getAddress("0x00000000000000000000000000000000000000d0");

function log(eventName: string, args: Record<string, unknown>, blockNumber: bigint, address: Address = registry): Log {
  const event = poolRegistryAbi.find((item) => item.type === "event" && item.name === eventName)!;
  const inputs = (event as { inputs: readonly { name: string; type: string; indexed?: boolean }[] }).inputs;
  const topics = encodeEventTopics({ abi: [event], eventName, args } as never) as Hex[];
  const plain = inputs.filter((input) => !input.indexed);
  const data = encodeAbiParameters(
    plain,
    plain.map((input) => args[input.name]),
  );
  return { address, topics, data, blockNumber, logIndex: 0, transactionIndex: 0 } as unknown as Log;
}

const registered = (blockNumber: bigint) =>
  log(
    "PoolRegistered",
    {
      pool,
      operator,
      signingAddress: operator,
      commissionRate: 100_000n,
      metaDataUrl: "",
      metaDataContentHash: `0x${"00".repeat(32)}`,
    },
    blockNumber,
  );

test("rewards paid, the registration block and touched delegators are tracked; other contracts are ignored", () => {
  const fold = createRegistryFold(registry);
  fold.apply([
    registered(7n),
    log("Delegated", { pool, delegator: operator, amount: 1000n }, 8n),
    log("Delegated", { pool, delegator: alice, amount: 500n }, 8n),
    log("RewardsWithdrawn", { pool, delegator: alice, amount: 11n }, 9n),
    log("RewardsRedelegated", { pool, delegator: alice, amount: 4n }, 9n),
    log("RewardsWithdrawn", { pool, delegator: alice, amount: 1000n }, 9n, getAddress(`0x${"ee".repeat(20)}`)),
  ]);
  const [first] = fold.takeSnapshot();
  assert.equal(first!.registeredAtBlock, 7n);
  assert.deepEqual(first!.delegators, [
    { delegator: operator, stake: 1000n, rewardsPaid: 0n },
    { delegator: alice, stake: 504n, rewardsPaid: 15n },
  ]);
  assert.equal(first!.delegatorCount, 2);
  assert.equal(first!.totalStake, 1504n);

  // alice leaves: listed once with no stake, then not at all
  fold.apply([log("Undelegated", { id: 1n, pool, delegator: alice, amount: 504n, fee: 0n, releaseAt: 100n }, 10n)]);
  const [exit] = fold.takeSnapshot();
  assert.deepEqual(
    exit!.delegators.map((d) => [d.delegator, d.stake]),
    [
      [operator, 1000n],
      [alice, 0n],
    ],
  );
  assert.deepEqual(exit!.pendingUndelegations, { count: 1, amount: 504n });
  const [after] = fold.takeSnapshot();
  assert.deepEqual(
    after!.delegators.map((d) => d.delegator),
    [operator],
  );
});
