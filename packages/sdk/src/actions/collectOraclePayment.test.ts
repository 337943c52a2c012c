// bindOracle, getOraclePool and collectOraclePayment on an in-process EDR chain with a real FluxAggregator: an oracle
// node's payments reach only its pool's vault, and each refusal reads as one sentence.
import assert from "node:assert/strict";
import { after, before, describe, it } from "node:test";
import { getAddress, parseEther, type Address } from "viem";
import { deployPoolnet } from "../deploy.ts";
import { ContractRevertError } from "../errors.ts";
import { fluxAggregatorAbi, fluxAggregatorBytecode, stakingTokenAbi } from "../generated/contracts.ts";
import { startEdrChain, type EdrChain } from "../internal/edrChain.ts";
import { bindOracle } from "./bindOracle.ts";
import { collectOraclePayment } from "./collectOraclePayment.ts";
import { getOraclePool } from "./getOraclePool.ts";
import { registerPool } from "./registerPool.ts";

const PAYMENT = parseEther("2");

describe("oracle payments", () => {
  let chain: EdrChain;
  let registry: Address;
  let token: Address;
  let pool: Address;
  let aggregator: Address;
  let operator: Address;
  let oracle: Address;

  before(async () => {
    chain = await startEdrChain();
    const [deployer, feeRecipient, operatorAccount, oracleAccount] = chain.accounts;
    operator = operatorAccount!;
    oracle = oracleAccount!;
    const deployerWallet = chain.walletOf(deployer!);
    const deployed = await deployPoolnet(deployerWallet, chain.publicClient, {
      token: { name: "Stake", symbol: "STK", holder: deployer!, supply: parseEther("1000000") },
      thawingPeriod: 600n,
      transferLockoutPeriod: 120n,
      minSelfStake: 0n,
      protocolFeeRate: 50_000n,
      feeRecipient: feeRecipient!,
      governor: deployer!,
    });
    ({ registry, token } = deployed);
    ({ pool } = await registerPool(chain.walletOf(operator), {
      registry,
      signingAddress: oracle,
      commissionRate: 100_000,
    }));
    const send = async (hash: Promise<`0x${string}`>) => {
      const receipt = await chain.publicClient.waitForTransactionReceipt({ hash: await hash });
      assert.equal(receipt.status, "success");
      return receipt;
    };
    const { contractAddress } = await send(
      deployerWallet.deployContract({
        abi: fluxAggregatorAbi,
        bytecode: fluxAggregatorBytecode,
        args: [token, PAYMENT, 600, "0x0000000000000000000000000000000000000000", 1n, 10n ** 30n, 8, "STK / USD"],
      }),
    );
    aggregator = getAddress(contractAddress!);
    await send(
      deployerWallet.writeContract({
        address: token,
        abi: stakingTokenAbi,
        functionName: "transferAndCall",
        args: [aggregator, parseEther("100"), "0x"],
      }),
    );
    // the aggregator's owner adds the pool's node with the registry as its admin: payments can only go to the pool
    await send(
      deployerWallet.writeContract({
        address: aggregator,
        abi: fluxAggregatorAbi,
        functionName: "changeOracles",
        args: [[], [oracle], [registry], 1, 1, 0],
      }),
    );
    await send(
      chain.walletOf(oracle).writeContract({
        address: aggregator,
        abi: fluxAggregatorAbi,
        functionName: "submit",
        args: [1n, 700_00000000n],
      }),
    );
  });
  after(() => chain.close());

  it("refuses to collect for a node bound to no pool, in one sentence", async () => {
    assert.equal(await getOraclePool(chain.publicClient, { registry, oracle }), undefined);
    await assert.rejects(
      collectOraclePayment(chain.walletOf(operator), { registry, aggregator, oracle }),
      (error: unknown) =>
        error instanceof ContractRevertError &&
        error.message === `the oracle ${oracle} is bound to no pool: its key must call bindOracle first`,
    );
  });

  it("lets only the pool's signing key bind, and only once", async () => {
    await assert.rejects(
      bindOracle(chain.walletOf(operator), { registry, pool }),
      (error: unknown) =>
        error instanceof ContractRevertError && /is not the signing address of pool/.test(error.message),
    );
    await bindOracle(chain.walletOf(oracle), { registry, pool });
    assert.equal(await getOraclePool(chain.publicClient, { registry, oracle }), pool);
    await assert.rejects(
      bindOracle(chain.walletOf(oracle), { registry, pool }),
      (error: unknown) => error instanceof ContractRevertError && /is already bound to pool/.test(error.message),
    );
  });

  it("pays what the aggregator owes the node into the pool's vault", async () => {
    const balance = () =>
      chain.publicClient.readContract({
        address: token,
        abi: stakingTokenAbi,
        functionName: "balanceOf",
        args: [pool],
      });
    const before = await balance();
    const collected = await collectOraclePayment(chain.walletOf(operator), { registry, aggregator, oracle });
    assert.equal(collected.pool, pool);
    assert.equal(collected.amount, PAYMENT);
    assert.equal(await balance(), before + PAYMENT);
    await assert.rejects(
      collectOraclePayment(chain.walletOf(operator), { registry, aggregator, oracle }),
      (error: unknown) =>
        error instanceof ContractRevertError && error.message === `${oracle} has nothing to withdraw from pool ${pool}`,
    );
  });
});
