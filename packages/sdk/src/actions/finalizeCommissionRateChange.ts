// Applies a requested commission rate change once its lockout has passed; only the pool's operator may.
import { isAddressEqual, parseEventLogs, type Address, type Hash } from "viem";
import { writeContract } from "viem/actions";
import { ContractRevertError, type PoolnetErrorType } from "../errors.ts";
import { registryAbi } from "../internal/abi.ts";
import { confirm, described, type WriteClient } from "../internal/client.ts";

export type FinalizeCommissionRateChangeParameters = { registry: Address; id: bigint };
export type FinalizeCommissionRateChangeReturnType = {
  pool: Address;
  oldRate: number;
  newRate: number;
  transactionHash: Hash;
};
export type FinalizeCommissionRateChangeErrorType = PoolnetErrorType;

export async function finalizeCommissionRateChange(
  client: WriteClient,
  { registry, id }: FinalizeCommissionRateChangeParameters,
): Promise<FinalizeCommissionRateChangeReturnType> {
  return described(async () => {
    const transactionHash = await writeContract(client, {
      address: registry,
      abi: registryAbi,
      functionName: "finalizeCommissionRateChange",
      args: [id],
      account: client.account,
      chain: client.chain ?? null,
    });
    const receipt = await confirm(client, transactionHash);
    const [changed] = parseEventLogs({
      abi: registryAbi,
      eventName: "CommissionRateChanged",
      logs: receipt.logs,
    }).filter((log) => isAddressEqual(log.address, registry));
    if (!changed) throw new ContractRevertError(`transaction ${transactionHash} changed no commission rate`);
    const { pool, oldRate, newRate } = changed.args;
    return { pool, oldRate: Number(oldRate), newRate: Number(newRate), transactionHash };
  });
}
