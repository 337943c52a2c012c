// For tests only: an in-process EDR chain served over JSON-RPC on loopback (so child-process nodes reach it too), with
// a StakingToken as LINK and a funded FluxAggregator whose oracles are dev accounts.
import { createServer } from "node:http";
import type { AddressInfo } from "node:net";
import { deployFluxAggregator, devPrivateKeys } from "@poolnet/sdk";
import type { Abi, Address, Hex } from "viem";
import { privateKeyToAccount } from "viem/accounts";
import { stakingTokenAbi, stakingTokenBytecode } from "../../../sdk/src/generated/contracts.ts";
import { startEdrChain, type EdrChain } from "../../../sdk/src/internal/edrChain.ts";

export type TestChain = EdrChain & { rpcUrl: string; rpc(method: string, params?: unknown[]): Promise<unknown> };

type RpcRequest = { jsonrpc?: string; id?: unknown; method: string; params?: unknown[] };

/** Starts the chain and a JSON-RPC endpoint for it on 127.0.0.1 at a free port. */
export async function startTestChain(): Promise<TestChain> {
  const chain = await startEdrChain();
  const rpc = (method: string, params: unknown[] = []) =>
    chain.publicClient.request({ method, params } as never) as Promise<unknown>;
  const answer = async ({ id, method, params }: RpcRequest) => {
    try {
      return { jsonrpc: "2.0", id, result: await rpc(method, params) };
    } catch (error) {
      const cause = error as { code?: number; details?: string; shortMessage?: string; data?: unknown };
      return {
        jsonrpc: "2.0",
        id,
        error: { code: cause.code ?? -32603, message: cause.details ?? cause.shortMessage ?? String(error) },
      };
    }
  };
  const server = createServer(async (request, response) => {
    const chunks: Buffer[] = [];
    for await (const chunk of request) chunks.push(chunk as Buffer);
    let body: RpcRequest | RpcRequest[];
    try {
      body = JSON.parse(Buffer.concat(chunks).toString("utf8")) as RpcRequest | RpcRequest[];
    } catch {
      response.writeHead(400).end();
      return;
    }
    const result = Array.isArray(body) ? await Promise.all(body.map(answer)) : await answer(body);
    response.writeHead(200, { "content-type": "application/json" }).end(JSON.stringify(result));
  });
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  const { port } = server.address() as AddressInfo;
  return {
    ...chain,
    rpcUrl: `http://127.0.0.1:${port}`,
    rpc,
    async close() {
      server.closeAllConnections();
      await new Promise((resolve) => server.close(resolve));
      await chain.close();
    },
  };
}

export type FluxFixture = {
  token: Address;
  aggregator: Address;
  oracles: { address: Address; privateKey: Hex }[];
  owner: Address;
};

export type FluxFixtureParameters = {
  /** Dev account indexes of the oracles; 1, 2, 3 by default. */
  oracleIndexes?: number[];
  paymentAmount?: bigint;
  /** Seconds before a round may be superseded. */
  timeout?: number;
  minSubmissions?: number;
  maxSubmissions?: number;
  restartDelay?: number;
  decimals?: number;
  /** LINK sent to the aggregator; enough for 1000 rounds by default. */
  funds?: bigint;
};

/**
 * Deploys LINK and a FluxAggregator — ours, or another build of the same ABI such as Chainlink's — funds it and adds
 * the oracles (each its own admin).
 */
export async function deployFluxFixture(
  chain: TestChain,
  parameters: FluxFixtureParameters = {},
  /** Another build of the aggregator (Chainlink's); ours by default. */
  contract?: { abi: Abi; bytecode: Hex },
): Promise<FluxFixture> {
  const oracleIndexes = parameters.oracleIndexes ?? [1, 2, 3];
  const paymentAmount = parameters.paymentAmount ?? 10n ** 15n;
  const owner = chain.accounts[0]!;
  const wallet = chain.walletOf(owner);
  const mined = (hash: Hex) => minedReceipt(chain, hash);
  const token = (
    await mined(
      await wallet.deployContract({
        abi: stakingTokenAbi,
        bytecode: stakingTokenBytecode,
        args: ["ChainLink Token", "LINK", owner, 10n ** 27n],
      }),
    )
  ).contractAddress!;
  const oracles = devPrivateKeys(oracleIndexes).map((privateKey) => ({
    privateKey,
    address: privateKeyToAccount(privateKey).address,
  }));
  const addresses = oracles.map((oracle) => oracle.address);
  const { aggregator } = await deployFluxAggregator(wallet, chain.publicClient, {
    token,
    payment: paymentAmount,
    timeout: parameters.timeout ?? 60,
    decimals: parameters.decimals ?? 8,
    description: "LINK / USD",
    funds: parameters.funds ?? paymentAmount * BigInt(oracles.length) * 1000n,
    oracles: addresses,
    admins: addresses,
    minSubmissions: parameters.minSubmissions ?? oracles.length,
    maxSubmissions: parameters.maxSubmissions ?? oracles.length,
    restartDelay: parameters.restartDelay ?? 0,
    contract,
  });
  return { token, aggregator, oracles, owner };
}

/** Waits for a fixture transaction's receipt; throws if it reverted. */
export async function minedReceipt(chain: TestChain, hash: Hex) {
  const receipt = await chain.publicClient.waitForTransactionReceipt({ hash });
  if (receipt.status !== "success") throw new Error(`fixture transaction ${hash} reverted`);
  return receipt;
}

/** Waits until `condition` holds, looking every 20 ms; fails after `timeoutMs` with `what`. */
export async function waitUntil(what: string, condition: () => Promise<boolean> | boolean, timeoutMs = 5_000) {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    if (await condition()) return;
    if (Date.now() > deadline) throw new Error(`timed out after ${timeoutMs} ms waiting until ${what}`);
    await new Promise((resolve) => setTimeout(resolve, 20));
  }
}
