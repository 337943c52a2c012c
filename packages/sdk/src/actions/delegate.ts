// Delegates stake tokens to a pool, first approving the registry to pull them if its allowance is short.
import type { Address, Hash } from "viem";
import { readContract, simulateContract, writeContract } from "viem/actions";
import {
  ContractRevertError,
  InvalidInputError,
  NonRetryableError,
  describeContractError,
  type PoolnetErrorType,
} from "../errors.ts";
import { registryAbi, stakingTokenAbi } from "../internal/abi.ts";
import { formatAmount } from "../internal/numbers.ts";
import { confirm, described, type WriteClient } from "../internal/client.ts";

export type DelegateParameters = {
  registry: Address;
  pool: Address;
  /** Stake tokens, in the token's smallest units. */
  amount: bigint;
  /** The stake token; read from the registry when not given. */
  token?: Address;
};
export type DelegateReturnType = {
  transactionHash: Hash;
  /** The approval sent first, if the allowance was short. */
  approvalTransactionHash: Hash | undefined;
};
export type DelegateErrorType = PoolnetErrorType;

export async function delegate(
  client: WriteClient,
  { registry, pool, amount, token }: DelegateParameters,
): Promise<DelegateReturnType> {
  if (amount <= 0n) throw new InvalidInputError(`the amount to delegate must be more than 0, got ${amount}`);
  return described(async () => {
    const owner = client.account.address;
    const stakeToken =
      token ?? (await readContract(client, { address: registry, abi: registryAbi, functionName: "token" }));
    const allowance = await readContract(client, {
      address: stakeToken,
      abi: stakingTokenAbi,
      functionName: "allowance",
      args: [owner, registry],
    });
    let approvalTransactionHash: Hash | undefined;
    if (allowance < amount) {
      await checkBeforeApproval(client, { registry, pool, amount, token: stakeToken });
      approvalTransactionHash = await writeContract(client, {
        address: stakeToken,
        abi: stakingTokenAbi,
        functionName: "approve",
        args: [registry, amount],
        account: client.account,
        chain: client.chain ?? null,
      });
      await confirm(client, approvalTransactionHash);
    }
    const transactionHash = await writeContract(client, {
      address: registry,
      abi: registryAbi,
      functionName: "delegate",
      args: [pool, amount],
      account: client.account,
      chain: client.chain ?? null,
    });
    await confirm(client, transactionHash);
    return { transactionHash, approvalTransactionHash };
  });
}

/**
 * A delegation the pool refuses (full, broken, disabled, private) or the account cannot pay is refused before the
 * approval, so a refusal sends nothing. The registry checks the pool before it pulls the tokens, so with the
 * allowance short a simulation fails on the allowance only when the pool would take the delegation.
 */
async function checkBeforeApproval(
  client: WriteClient,
  { registry, pool, amount, token }: Required<DelegateParameters>,
): Promise<void> {
  const owner = client.account.address;
  const balance = await readContract(client, {
    address: token,
    abi: stakingTokenAbi,
    functionName: "balanceOf",
    args: [owner],
  });
  if (balance < amount) {
    throw new NonRetryableError(`${owner} holds ${formatAmount(balance)} tokens, needs ${formatAmount(amount)}`);
  }
  try {
    await simulateContract(client, {
      address: registry,
      abi: registryAbi,
      functionName: "delegate",
      args: [pool, amount],
      account: client.account,
    });
  } catch (error) {
    const described = describeContractError(error);
    if (!(described instanceof ContractRevertError && described.errorName === "ERC20InsufficientAllowance")) {
      throw described;
    }
  }
}
