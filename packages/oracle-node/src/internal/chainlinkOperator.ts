// For tests only: Chainlink's Operator and LINK token, and consumers on its ChainlinkClient (all compiled from
// @chainlink/contracts 1.2.0 by contracts/scripts/chainlink-operator.ts), deployed on a test chain for runlog jobs.
import { devPrivateKeys } from "@poolnet/sdk";
import { parseEventLogs, type Address, type Hash, type Hex } from "viem";
import { privateKeyToAccount } from "viem/accounts";
import {
  compileChainlinkOperator,
  type ChainlinkOperatorContract,
  type CompiledContract,
} from "../../../contracts/scripts/chainlink-operator.ts";
import { operatorAbi } from "../runlog/operatorAbi.ts";
import { minedReceipt, type TestChain } from "./testChain.ts";

let compiled: Record<ChainlinkOperatorContract, CompiledContract> | undefined;

/** The contracts' ABIs and bytecode, compiled once per process (solc-js takes a few seconds). */
export function chainlinkOperatorContracts(): Record<ChainlinkOperatorContract, CompiledContract> {
  compiled ??= compileChainlinkOperator();
  return compiled;
}

export type OperatorFixture = {
  /** Chainlink's LinkToken (an ERC-677). */
  link: Address;
  operator: Address;
  /** The Operator's owner, who holds the LINK and deploys the consumers. */
  owner: Address;
  /** The nodes' accounts: the Operator's authorized senders. */
  nodes: { address: Address; privateKey: Hex }[];
};

export type OperatorFixtureParameters = {
  /** Dev account indexes of the nodes allowed to fulfill; 1 by default. */
  nodeIndexes?: number[];
};

/** LINK to each consumer: enough for a thousand requests at 0.1 LINK. */
const CONSUMER_FUNDS = 100n * 10n ** 18n;

/** Deploys LINK (minted to the owner) and an Operator owned by dev account 0, and authorizes the nodes. */
export async function deployOperatorFixture(
  chain: TestChain,
  parameters: OperatorFixtureParameters = {},
): Promise<OperatorFixture> {
  const { Operator, LinkToken } = chainlinkOperatorContracts();
  const owner = chain.accounts[0]!;
  const wallet = chain.walletOf(owner);
  const link = await deploy(chain, LinkToken, []);
  await minedReceipt(
    chain,
    await wallet.writeContract({ address: link, abi: LinkToken.abi, functionName: "grantMintRole", args: [owner] }),
  );
  await minedReceipt(
    chain,
    await wallet.writeContract({ address: link, abi: LinkToken.abi, functionName: "mint", args: [owner, 10n ** 27n] }),
  );
  const operator = await deploy(chain, Operator, [link, owner]);
  const nodes = devPrivateKeys(parameters.nodeIndexes ?? [1]).map((privateKey) => ({
    privateKey,
    address: privateKeyToAccount(privateKey).address,
  }));
  if (nodes.length > 0)
    await setAuthorizedSenders(
      chain,
      { link, operator, owner, nodes },
      nodes.map((n) => n.address),
    );
  return { link, operator, owner, nodes };
}

/** The owner replaces the Operator's authorized senders. */
export async function setAuthorizedSenders(chain: TestChain, fixture: OperatorFixture, senders: Address[]) {
  const { Operator } = chainlinkOperatorContracts();
  await minedReceipt(
    chain,
    await chain.walletOf(fixture.owner).writeContract({
      address: fixture.operator,
      abi: Operator.abi,
      functionName: "setAuthorizedSenders",
      args: [senders],
    }),
  );
}

/**
 * Deploys a consumer funded with LINK: the RunLogConsumer (any spec id, version 1 or 2, `times`, `get`), or the
 * package's own BasicConsumer for `specId` (a version 1 request with `get` and `path`).
 */
export async function deployConsumer(
  chain: TestChain,
  fixture: OperatorFixture,
  consumer: { contract: "RunLogConsumer" } | { contract: "BasicConsumer"; specId: Hex } = {
    contract: "RunLogConsumer",
  },
): Promise<Address> {
  const contracts = chainlinkOperatorContracts();
  const args =
    consumer.contract === "RunLogConsumer"
      ? [fixture.link, fixture.operator]
      : [fixture.link, fixture.operator, consumer.specId];
  const address = await deploy(chain, contracts[consumer.contract], args);
  await minedReceipt(
    chain,
    await chain.walletOf(fixture.owner).writeContract({
      address: fixture.link,
      abi: contracts.LinkToken.abi,
      functionName: "transfer",
      args: [address, CONSUMER_FUNDS],
    }),
  );
  return address;
}

export type ConsumerRequest = {
  specId: Hex;
  /** In juels; 0.1 LINK by default. */
  payment?: bigint;
  /** An `operatorRequest` (data version 2) rather than an `oracleRequest` (version 1). */
  operatorRequest?: boolean;
  /** The request's `times`; left out when 0 or not given. */
  times?: bigint;
  /** The request's `get` (a URL); left out when not given. */
  get?: string;
};

/** The OracleRequest log a consumer's request made, as the Operator logged it. */
export type LoggedRequest = {
  requestId: Hash;
  payment: bigint;
  callbackAddr: Address;
  callbackFunctionId: Hex;
  cancelExpiration: bigint;
  dataVersion: bigint;
  data: Hex;
  blockNumber: bigint;
};

/** Has a RunLogConsumer make a request (sent by the owner, mined) and returns what the Operator logged. */
export async function request(
  chain: TestChain,
  consumer: Address,
  { specId, payment = 10n ** 17n, operatorRequest = false, times = 0n, get = "" }: ConsumerRequest,
): Promise<LoggedRequest> {
  const { RunLogConsumer } = chainlinkOperatorContracts();
  const hash = await chain.walletOf(chain.accounts[0]!).writeContract({
    address: consumer,
    abi: RunLogConsumer.abi,
    functionName: "request",
    args: [specId, payment, operatorRequest, times, get],
  });
  return loggedRequest(await minedReceipt(chain, hash));
}

/** The OracleRequest a mined transaction logged. */
export function loggedRequest(receipt: Awaited<ReturnType<typeof minedReceipt>>): LoggedRequest {
  const [log] = parseEventLogs({ abi: operatorAbi, eventName: "OracleRequest", logs: receipt.logs, strict: true });
  if (log === undefined) throw new Error(`transaction ${receipt.transactionHash} logged no OracleRequest`);
  const { requestId, payment, callbackAddr, callbackFunctionId, cancelExpiration, dataVersion, data } = log.args;
  return {
    requestId,
    payment,
    callbackAddr,
    callbackFunctionId,
    cancelExpiration,
    dataVersion,
    data,
    blockNumber: receipt.blockNumber,
  };
}

/** What a RunLogConsumer's callback received for the request, if it was called. */
export async function consumerAnswer(
  chain: TestChain,
  consumer: Address,
  requestId: Hash,
): Promise<bigint | undefined> {
  const { RunLogConsumer } = chainlinkOperatorContracts();
  const read = (functionName: "answered" | "answers") =>
    chain.publicClient.readContract({ address: consumer, abi: RunLogConsumer.abi, functionName, args: [requestId] });
  return (await read("answered")) ? ((await read("answers")) as bigint) : undefined;
}

async function deploy(chain: TestChain, { abi, bytecode }: CompiledContract, args: unknown[]): Promise<Address> {
  const hash = await chain.walletOf(chain.accounts[0]!).deployContract({ abi, bytecode, args });
  return (await minedReceipt(chain, hash)).contractAddress!;
}
