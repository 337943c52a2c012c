// The chain journal: a recorded chain, whatever was done to it, replays onto a new chain block for block.
import assert from "node:assert/strict";
import { appendFileSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { after, before, describe, it } from "node:test";
import {
  createPublicClient,
  createWalletClient,
  custom,
  parseEther,
  parseGwei,
  toHex,
  type Address,
  type Hex,
} from "viem";
import { privateKeyToAccount } from "viem/accounts";
import { hardhat } from "viem/chains";
import { createSimulatedChain, impersonatedBy, recordChain, RpcRefusedError, type RecordedChain } from "./chain.ts";
import { JournalError, openJournal, readJournal, replayJournal, type RequestFn, type RpcBlock } from "./journal.ts";

const LOCAL_KEY = "0x59c6995e998f97a5a0044966f0945389dc9e86dae88c7a8412f4603b6b78690d"; // dev account 1
// deploys a contract whose code is PUSH1 0 PUSH1 0 REVERT
const REVERTING_CONTRACT_INIT_CODE = "0x6460006000fd6000526005601bf3";
const STRANGER = "0x00000000000000000000000000000000000c0ffe" as Address;

async function head(request: RequestFn): Promise<{ number: number; hash: Hex; stateRoot: Hex }> {
  const block = (await request({ method: "eth_getBlockByNumber", params: ["latest", false] })) as RpcBlock & {
    stateRoot: Hex;
  };
  return { number: Number(block.number), hash: block.hash, stateRoot: block.stateRoot };
}

describe("chain journal", () => {
  let dir: string;
  let path: string;
  before(() => {
    dir = mkdtempSync(join(tmpdir(), "poolnet-journal-"));
    path = join(dir, "journal.jsonl");
  });
  after(() => rmSync(dir, { recursive: true, force: true }));

  it("replays every kind of transaction and state change to the same head and state", async () => {
    const chain = await createSimulatedChain();
    const journal = openJournal(path);
    journal.append([chain.genesis]);
    const recorded: RecordedChain = recordChain({
      chain,
      journal,
      head: { number: 0, hash: chain.genesis.genesisHash },
    });
    const transport = custom({ request: (args) => recorded.request(args as never) });
    const publicClient = createPublicClient({ chain: hardhat, transport, pollingInterval: 20 });
    const [unlocked] = await createWalletClient({ chain: hardhat, transport }).getAddresses();
    const local = createWalletClient({ chain: hardhat, transport, account: privateKeyToAccount(LOCAL_KEY) });

    // signed here, in each transaction type; and signed by the node for an unlocked account
    await local.sendTransaction({ to: STRANGER, value: 1n, type: "legacy", gasPrice: parseGwei("3") });
    await local.sendTransaction({ to: STRANGER, value: 2n, type: "eip2930", gasPrice: parseGwei("3"), accessList: [] });
    await local.sendTransaction({ to: STRANGER, value: 3n, type: "eip1559" });
    await createWalletClient({ chain: hardhat, transport, account: unlocked! }).sendTransaction({
      to: STRANGER,
      value: 4n,
    });
    // several transactions in one block
    await recorded.exclusive(async (request) => {
      await request({ method: "evm_setAutomine", params: [false] });
      await request({ method: "eth_sendTransaction", params: [{ from: unlocked, to: STRANGER, value: "0x5" }] });
      await request({ method: "eth_sendTransaction", params: [{ from: unlocked, to: STRANGER, value: "0x6" }] });
      await request({ method: "evm_mine", params: [] });
      await request({ method: "evm_setAutomine", params: [true] });
    });
    // a transaction that reverts is still mined (and its sender's nonce and gas spent): the client gets an error
    const deployed = await local.sendTransaction({ data: REVERTING_CONTRACT_INIT_CODE });
    const { contractAddress } = await publicClient.waitForTransactionReceipt({ hash: deployed });
    await assert.rejects(
      recorded.request({
        method: "eth_sendTransaction",
        params: [{ from: unlocked, to: contractAddress, gas: "0x10000" }],
      }),
    );
    const [reverted] = (await publicClient.getBlock({ includeTransactions: true })).transactions;
    assert.equal(reverted?.to, contractAddress);
    assert.equal((await publicClient.getTransactionReceipt({ hash: reverted!.hash })).status, "reverted");
    // state changed without a block, then a transaction from an impersonated account (no real signature)
    await recorded.request({ method: "hardhat_setBalance", params: [STRANGER, toHex(parseEther("7"))] });
    await recorded.request({ method: "hardhat_impersonateAccount", params: [STRANGER] });
    await recorded.request({ method: "eth_sendTransaction", params: [{ from: STRANGER, to: unlocked, value: "0x8" }] });
    // a snapshot, blocks that are then reverted away, and a block after the revert
    const snapshot = await recorded.request({ method: "evm_snapshot", params: [] });
    await local.sendTransaction({ to: STRANGER, value: 100n });
    await recorded.request({ method: "evm_mine", params: [] });
    await recorded.request({ method: "evm_revert", params: [snapshot] });
    await local.sendTransaction({ to: STRANGER, value: 9n });
    await assert.rejects(recorded.request({ method: "hardhat_reset", params: [] }), RpcRefusedError);

    const before = await head(chain.request);
    const balance = await publicClient.getBalance({ address: STRANGER });
    await recorded.stop();
    await chain.close();

    const { genesis, entries } = readJournal(path);
    assert.deepEqual(impersonatedBy(entries), new Set([STRANGER]));
    const impersonatedBlock = entries.find(
      (e) => e.kind === "block" && e.transactions.some((t) => typeof t !== "string"),
    );
    assert.ok(impersonatedBlock, "the impersonated transaction is journaled unsigned");

    const again = await createSimulatedChain(genesis);
    assert.equal(again.genesis.genesisHash, genesis.genesisHash);
    const replayed = await replayJournal(again.request, entries);
    const after = await head(again.request);
    assert.deepEqual(replayed, { number: before.number, hash: before.hash });
    assert.deepEqual(after, before);
    const replayedBalance = await createPublicClient({
      transport: custom({ request: (args) => again.request(args as never) }),
    }).getBalance({ address: STRANGER });
    assert.equal(replayedBalance, balance);
    await again.close();
  });

  it("drops a torn last line but refuses a corrupt one elsewhere", () => {
    const entries = readJournal(path).entries.length;
    appendFileSync(path, '{"kind":"block","numb');
    assert.equal(readJournal(path).entries.length, entries);

    const lines = readFileSync(path, "utf8").split("\n");
    lines[2] = lines[2]!.replace('"kind":"block"', '"kind":"blok"');
    writeFileSync(path, lines.join("\n"));
    assert.throws(
      () => readJournal(path),
      (error: unknown) => {
        return error instanceof JournalError && /line 3 has an unknown kind "blok"/.test(error.message);
      },
    );
  });

  it("refuses to replay a journal whose transactions were changed", async () => {
    const chain = await createSimulatedChain();
    const journal = openJournal(join(dir, "changed.jsonl"));
    journal.append([chain.genesis]);
    const recorded = recordChain({ chain, journal, head: { number: 0, hash: chain.genesis.genesisHash } });
    const [from] = (await recorded.request({ method: "eth_accounts" })) as Address[];
    await recorded.request({ method: "eth_sendTransaction", params: [{ from, to: STRANGER, value: "0x1" }] });
    await recorded.request({ method: "eth_sendTransaction", params: [{ from, to: STRANGER, value: "0x2" }] });
    await recorded.stop();
    await chain.close();

    const { genesis, entries } = readJournal(join(dir, "changed.jsonl"));
    const dropped = entries.filter((entry) => !(entry.kind === "block" && entry.number === 1));
    const again = await createSimulatedChain(genesis);
    await assert.rejects(replayJournal(again.request, dropped), JournalError);
    await again.close();
  });
});
