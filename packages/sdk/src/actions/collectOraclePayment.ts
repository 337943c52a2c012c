// Pays what an aggregator owes an oracle node into the vault of the pool the node is bound to, where it is shared
// as a reward. Anyone may send it; the keeper does.
import { isAddressEqual, parseEventLogs, type Address, type Hash } from "viem";
import { writeContract } from "viem/actions";
import type { PoolnetErrorType } from "../errors.ts";
import { registryAbi } from "../internal/abi.ts";
import { confirm, described, type WriteClient } from "../internal/client.ts";

export type CollectOraclePaymentParameters = { registry: Address; aggregator: Address; oracle: Address };
export type CollectOraclePaymentReturnType = { pool: Address; amount: bigint; transactionHash: Hash };
export type CollectOraclePaymentErrorType = PoolnetErrorType;

export async function collectOraclePayment(
  client: WriteClient,
  { registry, aggregator, oracle }: CollectOraclePaymentParameters,
): Promise<CollectOraclePaymentReturnType> {
  return described(async () => {
    const transactionHash = await writeContract(client, {
      address: registry,
      abi: registryAbi,
      functionName: "collectOraclePayment",
      args: [aggregator, oracle],
      account: client.account,
      chain: client.chain ?? null,
    });
    const receipt = await confirm(client, transactionHash);
    const [collected] = parseEventLogs({
      abi: registryAbi,
      eventName: "OraclePaymentCollected",
      logs: receipt.logs,
    }).filter((log) => isAddressEqual(log.address, registry));
    if (!collected) throw new Error(`collectOraclePayment emitted no OraclePaymentCollected (${transactionHash})`);
    return { pool: collected.args.pool, amount: collected.args.amount, transactionHash };
  });
}
