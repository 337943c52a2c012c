// End to end against Chainlink's own Operator (@chainlink/contracts 1.2.0, compiled with solc 0.8.19 as Chainlink
// builds it): consumers on Chainlink's ChainlinkClient make requests, an oracle node runs a runlog job reading a
// loopback price source over real HTTP, and the consumers' callbacks receive its answers.
import assert from "node:assert/strict";
import { mkdtemp, readFile, rm, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { after, before, describe, test } from "node:test";
import {
  createWalletClient,
  decodeFunctionData,
  http,
  stringToHex,
  type AbiEvent,
  type AbiFunction,
  type Address,
  type Hash,
} from "viem";
import { privateKeyToAccount } from "viem/accounts";
import { hardhat } from "viem/chains";
import { createTransactionSender } from "../chain/transactionSender.ts";
import {
  chainlinkOperatorContracts,
  consumerAnswer,
  deployConsumer,
  deployOperatorFixture,
  loggedRequest,
  request,
  setAuthorizedSenders,
  type LoggedRequest,
  type OperatorFixture,
} from "../internal/chainlinkOperator.ts";
import { minedReceipt, startTestChain, waitUntil, type TestChain } from "../internal/testChain.ts";
import { startTestServer, type TestServer } from "../internal/testServer.ts";
import { parseJobSpec, type RunLogJobSpec } from "../jobs/jobSpec.ts";
import { startOracleNode, type OracleNode, type OracleNodeEvent } from "../node/oracleNode.ts";
import { startPriceSource, type PriceSource } from "../priceSource/server.ts";
import { openNodeState } from "../state/nodeState.ts";
import type { OracleRequest } from "./decide.ts";
import { RequestNotPendingError, createFulfiller } from "./fulfiller.ts";
import type { RunLogEvent } from "./monitor.ts";
import { operatorAbi } from "./operatorAbi.ts";
import { decodeRequestParameters } from "./requestParameters.ts";

const JOB_ID = "7d80a638-6ef5-43a9-b6a4-fbd8a7e4e2b5";
const SPEC_ID = stringToHex("7d80a6386ef543a9b6a4fbd8a7e4e2b5", { size: 32 });
const OTHER_SPEC_ID = stringToHex("00000000000000000000000000000000", { size: 32 });
const PAYMENT = 10n ** 17n;
// the feeds say 15, 13.5 and 18: the median is 15, at the job's 8 decimals
const ANSWER = 15_00000000n;

let chain: TestChain;
let source: PriceSource;
let fixture: OperatorFixture;
let dir: string;
let statePath: string;
let job: RunLogJobSpec;
/** The job's requester; `stranger` is not one; `basic` is the package's BasicConsumer, for SPEC_ID. */
let consumer: Address;
let stranger: Address;
let basic: Address;
/** Another authorized sender of the Operator, driven by the test. */
let otherSender: Address;
let node: OracleNode | undefined;
const events: OracleNodeEvent[] = [];

const nodeAddress = () => fixture.nodes[0]!.address;

async function startNode(): Promise<OracleNode> {
  node = await startOracleNode({
    rpcUrl: chain.rpcUrl,
    privateKey: fixture.nodes[0]!.privateKey,
    jobs: [job],
    statePath,
    pollingIntervalMs: 50,
    metricsPort: 0,
    onEvent: (event) => events.push(event),
  });
  return node;
}

async function stopNode(): Promise<void> {
  await node?.stop();
  node = undefined;
}

const runLogEvents = (requestId: Hash) =>
  events.filter((event): event is RunLogEvent => "requestId" in event && event.requestId === requestId);

/** Until the node settles the request: the reason it was skipped, or "fulfilled". */
async function settled(requestId: Hash, timeoutMs = 5_000): Promise<string> {
  let outcome: string | undefined;
  await waitUntil(
    `the node settles request ${requestId}`,
    () => {
      const last = runLogEvents(requestId).findLast(
        (event) => event.type === "fulfilled" || event.type === "requestSkipped",
      );
      outcome = last?.type === "requestSkipped" ? last.reason : last?.type;
      return outcome !== undefined;
    },
    timeoutMs,
  );
  return outcome!;
}

/** Until the consumer's callback has the request's answer. */
async function answerOf(requestId: Hash, at: Address = consumer): Promise<bigint> {
  let answer: bigint | undefined;
  await waitUntil(`the consumer is answered ${requestId}`, async () => {
    answer = await consumerAnswer(chain, at, requestId);
    return answer !== undefined;
  });
  return answer!;
}

/** Every transaction the node sent to the Operator, decoded: the fulfillment and its request id. */
async function nodeFulfillments(): Promise<{ functionName: string; requestId: Hash }[]> {
  const head = await chain.publicClient.getBlockNumber();
  const sent: { functionName: string; requestId: Hash }[] = [];
  for (let number = 0n; number <= head; number++) {
    const block = await chain.publicClient.getBlock({ blockNumber: number, includeTransactions: true });
    for (const transaction of block.transactions) {
      if (transaction.from.toLowerCase() !== nodeAddress().toLowerCase()) continue;
      const { functionName, args } = decodeFunctionData({ abi: operatorAbi, data: transaction.input });
      sent.push({ functionName, requestId: (args as readonly unknown[])[0] as Hash });
    }
  }
  return sent;
}

const nodeNonce = () => chain.publicClient.getTransactionCount({ address: nodeAddress() });

before(async () => {
  chain = await startTestChain();
  source = await startPriceSource({ pairs: ["LINK/USD"], startPrices: { "LINK/USD": "15" }, tickMs: 0 });
  source.skew({ api: "coinbase", percent: -10 });
  source.skew({ api: "kraken", percent: 20 });
  fixture = await deployOperatorFixture(chain, { nodeIndexes: [1] });
  otherSender = chain.accounts[2]!;
  await setAuthorizedSenders(chain, fixture, [nodeAddress(), otherSender]);
  consumer = await deployConsumer(chain, fixture);
  stranger = await deployConsumer(chain, fixture);
  basic = await deployConsumer(chain, fixture, { contract: "BasicConsumer", specId: SPEC_ID });
  dir = await mkdtemp(join(tmpdir(), "runlog-operator-"));
  statePath = join(dir, "node.jsonl");
  job = parseJobSpec({
    name: "LINK/USD requests",
    initiators: [
      {
        type: "runlog",
        params: {
          address: fixture.operator,
          jobId: JOB_ID,
          requesters: [consumer, basic],
          minPayment: PAYMENT.toString(),
          feeds: ["coingecko", "coinbase", "kraken"].map((type) => ({
            type,
            baseUrl: source.url,
            pair: "LINK/USD",
            timeout: "500ms",
          })),
          precision: 8,
          minFeedAnswers: 2,
        },
      },
    ],
  }) as RunLogJobSpec;
  await startNode();
  // the node's first poll records where its scan starts: requests from here on are its
  await waitUntil("the node's scan starts", async () => (await readFile(statePath, "utf8")).includes('"scan"'));
});

after(async () => {
  await stopNode();
  await source?.close();
  await chain?.close();
  if (dir !== undefined) await rm(dir, { recursive: true });
});

describe("a runlog job answering Chainlink's Operator", () => {
  // the node reads and calls Chainlink's contract with its own ABI: each item must be Chainlink's, to the types
  test("every ABI item the node uses is in the compiled Operator's ABI", () => {
    const signature = (item: { type: string; name?: string; inputs?: readonly { type: string }[] }) =>
      `${item.type} ${item.name}(${(item.inputs ?? []).map((input) => input.type).join(",")})`;
    const { abi } = chainlinkOperatorContracts().Operator;
    for (const item of operatorAbi) {
      const theirs = abi.find((candidate) => signature(candidate) === signature(item));
      assert.ok(theirs, `${signature(item)} is not in the Operator's ABI`);
      if (item.type === "function") {
        assert.equal(item.stateMutability, (theirs as AbiFunction).stateMutability, signature(item));
        assert.deepEqual(
          item.outputs.map((output) => output.type),
          (theirs as AbiFunction).outputs.map((output) => output.type),
        );
      } else {
        assert.deepEqual(
          (item as AbiEvent).inputs.map((input) => input.indexed ?? false),
          (theirs as AbiEvent).inputs.map((input) => input.indexed ?? false),
          signature(item),
        );
      }
    }
  });

  test("an oracleRequest (version 1) is fulfilled with the feeds' median; the callback gets it, the Operator pays", async () => {
    const { Operator } = chainlinkOperatorContracts();
    const withdrawable = () =>
      chain.publicClient.readContract({
        address: fixture.operator,
        abi: Operator.abi,
        functionName: "withdrawable",
      }) as Promise<bigint>;
    const before = await withdrawable();
    const logged = await request(chain, consumer, { specId: SPEC_ID });
    assert.equal(logged.dataVersion, 1n);
    assert.equal(await answerOf(logged.requestId), ANSWER);
    assert.equal(await settled(logged.requestId), "fulfilled");
    const fulfilled = runLogEvents(logged.requestId).find((event) => event.type === "fulfilled");
    assert.deepEqual(fulfilled && { answer: fulfilled.answer, ignored: fulfilled.ignored }, {
      answer: ANSWER,
      ignored: [],
    });
    const receipt = await chain.publicClient.waitForTransactionReceipt({ hash: fulfilled!.hash });
    assert.equal(receipt.status, "success");
    const transaction = await chain.publicClient.getTransaction({ hash: fulfilled!.hash });
    assert.equal(
      decodeFunctionData({ abi: operatorAbi, data: transaction.input }).functionName,
      "fulfillOracleRequest",
    );
    // room for the consumer: the job's 500,000, above what the Operator needs left for the callback
    assert.equal(transaction.gas, 500_000n);
    assert.equal(await withdrawable(), before + PAYMENT);
  });

  test("an operatorRequest (version 2) is fulfilled by fulfillOracleRequest2, abi.encode(requestId, answer)", async () => {
    const logged = await request(chain, consumer, { specId: SPEC_ID, operatorRequest: true });
    assert.equal(logged.dataVersion, 2n);
    assert.equal(await answerOf(logged.requestId), ANSWER);
    assert.equal(await settled(logged.requestId), "fulfilled");
    const fulfilled = runLogEvents(logged.requestId).find((event) => event.type === "fulfilled");
    const transaction = await chain.publicClient.getTransaction({ hash: fulfilled!.hash });
    assert.equal(
      decodeFunctionData({ abi: operatorAbi, data: transaction.input }).functionName,
      "fulfillOracleRequest2",
    );
  });

  describe("a request's parameters", () => {
    let probe: TestServer;
    before(async () => {
      probe = await startTestServer({ body: JSON.stringify({ USD: 99999 }) });
    });
    after(async () => {
      await probe.close();
    });

    test("its times is honoured; its get URL is ignored, never fetched (no SSRF)", async () => {
      const get = `${probe.url}/data/price?fsym=LINK&tsyms=USD`;
      const logged = await request(chain, consumer, { specId: SPEC_ID, times: 100n, get });
      // what Chainlink's own ChainlinkClient wrote, read back
      assert.deepEqual(
        decodeRequestParameters(logged.data),
        new Map<string, unknown>([
          ["get", get],
          ["times", 100n],
        ]),
      );
      assert.equal(await answerOf(logged.requestId), 1500n);
      // the callback may be mined before the node reports the fulfillment sent
      assert.equal(await settled(logged.requestId), "fulfilled");
      const fulfilled = runLogEvents(logged.requestId).find((event) => event.type === "fulfilled");
      assert.deepEqual(fulfilled?.type === "fulfilled" && fulfilled.ignored, ["get"]);
      assert.deepEqual(probe.requests, []);
    });

    test("Chainlink's BasicConsumer (get and path, a bytes32 callback) is answered from the job's feeds", async () => {
      const { BasicConsumer } = chainlinkOperatorContracts();
      const hash = await chain.walletOf(fixture.owner).writeContract({
        address: basic,
        abi: BasicConsumer.abi,
        functionName: "requestEthereumPrice",
        args: ["USD", PAYMENT],
      });
      const logged = loggedRequest(await minedReceipt(chain, hash));
      assert.equal(await settled(logged.requestId), "fulfilled");
      const price = await chain.publicClient.readContract({
        address: basic,
        abi: BasicConsumer.abi,
        functionName: "getCurrentPrice",
      });
      assert.equal(BigInt(price as Hash), ANSWER);
      const fulfilled = runLogEvents(logged.requestId).find((event) => event.type === "fulfilled");
      assert.deepEqual(fulfilled?.type === "fulfilled" && fulfilled.ignored, ["get", "path"]);
    });
  });

  test("a requester the job does not list is not answered", async () => {
    const logged = await request(chain, stranger, { specId: SPEC_ID });
    assert.equal(await settled(logged.requestId), "requesterNotAllowed");
    assert.equal(await consumerAnswer(chain, stranger, logged.requestId), undefined);
  });

  test("a payment below the job's minPayment is not answered", async () => {
    const logged = await request(chain, consumer, { specId: SPEC_ID, payment: PAYMENT - 1n });
    assert.equal(await settled(logged.requestId), "paymentTooLow");
    assert.equal(await consumerAnswer(chain, consumer, logged.requestId), undefined);
  });

  test("a request for another job's spec id is not even seen", async () => {
    const other = await request(chain, consumer, { specId: OTHER_SPEC_ID });
    const mine = await request(chain, consumer, { specId: SPEC_ID });
    assert.equal(await answerOf(mine.requestId), ANSWER);
    assert.deepEqual(runLogEvents(other.requestId), []);
    assert.equal(await consumerAnswer(chain, consumer, other.requestId), undefined);
  });

  test("simulated before it is signed: while the node is no authorized sender it sends nothing, then answers", async () => {
    await setAuthorizedSenders(chain, fixture, [otherSender]);
    const nonce = await nodeNonce();
    const logged = await request(chain, consumer, { specId: SPEC_ID });
    await waitUntil("the node's simulation fails", () =>
      runLogEvents(logged.requestId).some((event) => event.type === "error"),
    );
    const error = runLogEvents(logged.requestId).find((event) => event.type === "error");
    assert.match(String((error as { error: Error }).error.message), /Not authorized sender/);
    assert.equal(await nodeNonce(), nonce);
    await setAuthorizedSenders(chain, fixture, [nodeAddress(), otherSender]);
    assert.equal(await answerOf(logged.requestId), ANSWER);
    assert.equal(await nodeNonce(), nonce + 1);
  });

  test("the fulfiller refuses a request the Operator no longer holds before signing it", async () => {
    const answered = await request(chain, consumer, { specId: SPEC_ID });
    await answerOf(answered.requestId);
    const state = await openNodeState(join(dir, "fulfiller.jsonl"));
    const walletClient = createWalletClient({
      chain: hardhat,
      transport: http(chain.rpcUrl),
      account: privateKeyToAccount(fixture.nodes[0]!.privateKey),
    });
    const sender = createTransactionSender({ publicClient: chain.publicClient, walletClient, state });
    const fulfiller = createFulfiller({ sender, state });
    const nonce = await nodeNonce();
    await assert.rejects(
      fulfiller.fulfill({
        operator: fixture.operator,
        request: await oracleRequestOf(answered),
        answer: 1n,
        gasLimit: job.gasLimit,
      }),
      RequestNotPendingError,
    );
    assert.equal(state.hasFulfilled(fixture.operator, answered.requestId), false);
    assert.deepEqual(state.pending(), []);
    assert.equal(await nodeNonce(), nonce);
    await sender.stop();
    await state.close();
  });

  test("metrics: requests seen, fulfilled, and skipped by reason", async () => {
    let text = "";
    const sample = (series: string) => {
      const line = text.split("\n").find((candidate) => candidate.startsWith(`${series} `));
      return line === undefined ? undefined : Number(line.slice(series.length + 1));
    };
    const labels = (extra = "") => `{job="LINK/USD requests"${extra}}`;
    // the last answer may be mined before the node counts its fulfillment sent
    await waitUntil("the last fulfillment is counted", async () => {
      text = await (await fetch(node!.metricsUrl!)).text();
      return sample(`poolnet_oracle_requests_fulfilled_total${labels()}`) === 7;
    });
    // every test above made one request the node saw, but the other spec id's; two were skipped
    assert.equal(sample(`poolnet_oracle_requests_seen_total${labels()}`), 9);
    assert.equal(sample(`poolnet_oracle_requests_fulfilled_total${labels()}`), 7);
    assert.equal(sample(`poolnet_oracle_requests_skipped_total${labels(',reason="requesterNotAllowed"')}`), 1);
    assert.equal(sample(`poolnet_oracle_requests_skipped_total${labels(',reason="paymentTooLow"')}`), 1);
    assert.equal(sample(`poolnet_oracle_fulfillment_latency_seconds_count${labels()}`), 7);
  });

  describe("a node down, then restarted on its state", () => {
    const requests: Record<"cancelled" | "answeredByOther" | "expired" | "fresh", LoggedRequest> = {} as never;

    test("catches up: what was logged while it was down is answered; expired, cancelled, answered ones are not", async () => {
      await stopNode();
      const { RunLogConsumer, Operator } = chainlinkOperatorContracts();
      requests.cancelled = await request(chain, consumer, { specId: SPEC_ID });
      requests.answeredByOther = await request(chain, consumer, { specId: SPEC_ID });
      requests.expired = await request(chain, consumer, { specId: SPEC_ID });
      // past the Operator's 5 minutes: each may be cancelled now
      await chain.rpc("evm_increaseTime", [301]);
      await chain.rpc("evm_mine");
      const { requestId, payment, cancelExpiration } = requests.cancelled;
      await minedReceipt(
        chain,
        await chain.walletOf(fixture.owner).writeContract({
          address: consumer,
          abi: RunLogConsumer.abi,
          functionName: "cancel",
          args: [requestId, payment, cancelExpiration],
        }),
      );
      const other = requests.answeredByOther;
      await minedReceipt(
        chain,
        await chain.walletOf(otherSender).writeContract({
          address: fixture.operator,
          abi: Operator.abi,
          functionName: "fulfillOracleRequest",
          args: [
            other.requestId,
            other.payment,
            other.callbackAddr,
            other.callbackFunctionId,
            other.cancelExpiration,
            `0x${"00".repeat(31)}2a`,
          ],
          gas: 500_000n,
        }),
      );
      requests.fresh = await request(chain, consumer, { specId: SPEC_ID });
      const nonce = await nodeNonce();

      await startNode();
      assert.equal(await answerOf(requests.fresh.requestId), ANSWER);
      assert.equal(await settled(requests.cancelled.requestId), "cancelled");
      assert.equal(await settled(requests.answeredByOther.requestId), "answered");
      assert.equal(await settled(requests.expired.requestId), "expired");
      assert.equal(await consumerAnswer(chain, consumer, requests.cancelled.requestId), undefined);
      assert.equal(await consumerAnswer(chain, consumer, requests.answeredByOther.requestId), 42n);
      assert.equal(await consumerAnswer(chain, consumer, requests.expired.requestId), undefined);
      assert.equal(await nodeNonce(), nonce + 1);
    });

    test("a request it fulfilled, scanned again (a crash before its scan was recorded), is not signed again", async () => {
      await stopNode();
      // the state as a crash right after the fulfillment's record would leave it: no scan past the request
      const lines = (await readFile(statePath, "utf8")).trim().split("\n");
      const kept = lines.filter((line) => {
        const record = JSON.parse(line) as { type: string; block?: string };
        return record.type !== "scan" || BigInt(record.block!) < requests.fresh.blockNumber;
      });
      assert.ok(kept.length < lines.length);
      await writeFile(statePath, `${kept.join("\n")}\n`);
      const seen = runLogEvents(requests.fresh.requestId).length;
      const nonce = await nodeNonce();

      await startNode();
      await waitUntil("the node sees the request again", () => runLogEvents(requests.fresh.requestId).length > seen);
      assert.equal(await settled(requests.fresh.requestId), "alreadyFulfilled");
      const again = runLogEvents(requests.fresh.requestId).slice(seen);
      assert.deepEqual(
        again.map((event) => (event.type === "requestSkipped" ? event.reason : event.type)),
        ["request", "alreadyFulfilled"],
      );
      // and a new request is still answered, with the next nonce
      const next = await request(chain, consumer, { specId: SPEC_ID });
      assert.equal(await answerOf(next.requestId), ANSWER);
      assert.equal(await nodeNonce(), nonce + 1);
    });
  });

  test("no request was fulfilled twice by the node, nor any but version 1 and 2 requests", async () => {
    const sent = await nodeFulfillments();
    assert.ok(sent.length >= 9, `${sent.length} fulfillments`);
    const requestIds = sent.map((transaction) => transaction.requestId);
    assert.equal(new Set(requestIds).size, requestIds.length, requestIds.join("\n"));
    assert.ok(sent.every(({ functionName }) => functionName.startsWith("fulfillOracleRequest")));
    assert.deepEqual(
      events.filter((event) => event.type === "error" && !("requestId" in event)),
      [],
    );
  });
});

/** The OracleRequest as the node decodes it, from a request the test made. */
async function oracleRequestOf(logged: LoggedRequest): Promise<OracleRequest> {
  const [log] = await chain.publicClient.getContractEvents({
    address: fixture.operator,
    abi: operatorAbi,
    eventName: "OracleRequest",
    fromBlock: logged.blockNumber,
    toBlock: logged.blockNumber,
    strict: true,
  });
  return { ...log!.args, blockNumber: logged.blockNumber };
}
