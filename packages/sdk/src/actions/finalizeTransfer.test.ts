import assert from "node:assert/strict";
import { test } from "node:test";
import type { Address } from "viem";
import { createFakeChain, fakeAccount, fakeRegistry } from "../internal/fake-chain.ts";
import { finalizeTransfer } from "./finalizeTransfer.ts";

const fromPool: Address = "0xa16E02E87b7454126E5E10d957A927A7F5B5d2be";
const toPool: Address = "0xB7A5bd0345EF1Cc5E66bf61BdeC17D2461fBd968";
const delegator: Address = "0x3C44CdDdB6a900fa2b585dd299e03d12FA4293BC";
const id = (1n << 224n) | (1n << 192n) | BigInt(delegator);

test("reports what landed (the amount less the fee) and the caller's fee", async () => {
  const { client, calls } = createFakeChain({
    finalizeTransfer: () => ({
      logs: [
        {
          eventName: "TransferFinalized",
          args: { id, fromPool, toPool, delegator, amount: 100n, fee: 3n, caller: fakeAccount },
        },
      ],
    }),
  });
  const result = await finalizeTransfer(client, { registry: fakeRegistry, id });
  assert.deepEqual(
    { ...result, transactionHash: undefined },
    { fromPool, toPool, delegator, amount: 97n, fee: 3n, transactionHash: undefined },
  );
  assert.deepEqual(calls[0]?.args, [id]);
});

test("a transfer still in its lockout is a readable refusal", async () => {
  const { client } = createFakeChain({
    finalizeTransfer: () => ({ revert: { errorName: "PoolRegistryTransferNotDue", args: [id, 1_767_225_600n] } }),
  });
  await assert.rejects(finalizeTransfer(client, { registry: fakeRegistry, id }), {
    name: "ContractRevertError",
    message: `transfer ${id} is still locked: it can be finalized from 2026-01-01 00:00:00Z`,
  });
});
