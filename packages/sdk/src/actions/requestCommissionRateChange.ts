// Asks for a pool's commission rate to change after a lockout; only its operator may. Returns the change's id.
import { isAddressEqual, parseEventLogs, type Address, type Hash } from "viem";
import { writeContract } from "viem/actions";
import { ContractRevertError, InvalidInputError, type PoolnetErrorType } from "../errors.ts";
import { registryAbi } from "../internal/abi.ts";
import { confirm, described, type WriteClient } from "../internal/client.ts";

export type RequestCommissionRateChangeParameters = {
  registry: Address;
  pool: Address;
  /** The new rate in ppm (1_000_000 = 100%). */
  newRate: number;
};
export type RequestCommissionRateChangeReturnType = {
  id: bigint;
  /** Unix time in seconds from which the operator can finalize it. */
  effectiveAt: bigint;
  transactionHash: Hash;
};
export type RequestCommissionRateChangeErrorType = PoolnetErrorType;

export async function requestCommissionRateChange(
  client: WriteClient,
  { registry, pool, newRate }: RequestCommissionRateChangeParameters,
): Promise<RequestCommissionRateChangeReturnType> {
  if (!Number.isInteger(newRate) || newRate < 0 || newRate > 1_000_000) {
    throw new InvalidInputError(`the rate must be a whole number of ppm from 0 to 1,000,000, got ${newRate}`);
  }
  return described(async () => {
    const transactionHash = await writeContract(client, {
      address: registry,
      abi: registryAbi,
      functionName: "requestCommissionRateChange",
      args: [pool, BigInt(newRate)],
      account: client.account,
      chain: client.chain ?? null,
    });
    const receipt = await confirm(client, transactionHash);
    const [requested] = parseEventLogs({
      abi: registryAbi,
      eventName: "CommissionRateChangeRequested",
      logs: receipt.logs,
    }).filter((log) => isAddressEqual(log.address, registry));
    if (!requested) throw new ContractRevertError(`transaction ${transactionHash} requested no commission change`);
    return { id: requested.args.id, effectiveAt: requested.args.effectiveAt, transactionHash };
  });
}
