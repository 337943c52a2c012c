// Deploys a FluxAggregator, funds it through the token's transferAndCall and adds its oracles: the three steps every
// feed needs before its first round, in the order the contract requires (the funds first: adding oracles needs a
// round of payments in reserve).
import {
  zeroAddress,
  type Abi,
  type Account,
  type Address,
  type Chain,
  type Hash,
  type Hex,
  type PublicClient,
  type Transport,
  type WalletClient,
} from "viem";
import { NonRetryableError, type PoolnetErrorType } from "./errors.ts";
import { fluxAggregatorAbi, fluxAggregatorBytecode, stakingTokenAbi } from "./generated/contracts.ts";
import { described } from "./internal/client.ts";
import { deployedAt } from "./internal/deployed.ts";

export type DeployFluxAggregatorParameters = {
  /** The payment token: an ERC-677 (the stake token), since funding is a transferAndCall. */
  token: Address;
  /** Paid to an oracle per submission. */
  payment: bigint;
  /** Seconds after which a round may be superseded. */
  timeout: number;
  decimals: number;
  description: string;
  /** Tokens the aggregator is funded with. */
  funds: bigint;
  oracles: readonly Address[];
  /** Each oracle's admin, who withdraws its payments (the registry, for pool-bound oracles). */
  admins: readonly Address[];
  minSubmissions: number;
  maxSubmissions: number;
  restartDelay: number;
  /** Chainlink's bounds by default: 1 to 2^200. */
  minSubmissionValue?: bigint;
  maxSubmissionValue?: bigint;
  validator?: Address;
  /** Another build of the same ABI (Chainlink's, in tests); ours by default. */
  contract?: { abi: Abi; bytecode: Hex };
};

export type DeployFluxAggregatorReturnType = { aggregator: Address; deployedAtBlock: bigint };
export type DeployFluxAggregatorErrorType = PoolnetErrorType;

export async function deployFluxAggregator(
  walletClient: WalletClient<Transport, Chain | undefined, Account>,
  publicClient: PublicClient,
  params: DeployFluxAggregatorParameters,
): Promise<DeployFluxAggregatorReturnType> {
  const { abi, bytecode } = params.contract ?? { abi: fluxAggregatorAbi as Abi, bytecode: fluxAggregatorBytecode };
  const write = { account: walletClient.account, chain: walletClient.chain } as const;
  const mined = async (hash: Hash, what: string) => {
    const receipt = await publicClient.waitForTransactionReceipt({ hash });
    if (receipt.status !== "success")
      throw new NonRetryableError(`${what} reverted`, { details: `transaction ${hash}` });
  };
  return described(async () => {
    const deployed = await deployedAt(
      publicClient,
      await walletClient.deployContract({
        abi,
        bytecode,
        args: [
          params.token,
          params.payment,
          params.timeout,
          params.validator ?? zeroAddress,
          params.minSubmissionValue ?? 1n,
          params.maxSubmissionValue ?? 2n ** 200n,
          params.decimals,
          params.description,
        ],
        ...write,
      }),
      "FluxAggregator",
    );
    const aggregator = deployed.address;
    await mined(
      await walletClient.writeContract({
        address: params.token,
        abi: stakingTokenAbi,
        functionName: "transferAndCall",
        args: [aggregator, params.funds, "0x"],
        ...write,
      }),
      "funding the aggregator",
    );
    await mined(
      await walletClient.writeContract({
        address: aggregator,
        abi,
        functionName: "changeOracles",
        args: [[], params.oracles, params.admins, params.minSubmissions, params.maxSubmissions, params.restartDelay],
        ...write,
      }),
      "adding the oracles",
    );
    return { aggregator, deployedAtBlock: deployed.blockNumber };
  });
}
