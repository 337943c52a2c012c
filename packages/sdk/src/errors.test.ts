import assert from "node:assert/strict";
import { describe, test } from "node:test";
import {
  ContractFunctionExecutionError,
  ContractFunctionRevertedError,
  ContractFunctionZeroDataError,
  HttpRequestError,
  encodeErrorResult,
  zeroAddress,
  type Address,
} from "viem";
import {
  ChainUnreachableError,
  ContractRevertError,
  InvalidInputError,
  NonRetryableError,
  PoolnetError,
  RetryableError,
  describeContractError,
} from "./errors.ts";
import { cumulativeSharePayoutAbi, shareStatePayoutAbi } from "./generated/contracts.ts";
import { ownersAbi, registryAbi } from "./internal/abi.ts";

const pool: Address = "0x5FbDB2315678afecb367f032d93F642f64180aa3";
const registry: Address = "0xe7f1725E7734CE288F8367e1Bb143E90bb3F0512";
const alice: Address = "0x70997970C51812dc3A010C7d01b50e0d17dc79C8";
const token = 10n ** 18n;

/** A revert of `registry.delegate` as viem reports it: the decoded error inside a ContractFunctionExecutionError. */
function revert(errorName: string, args: readonly unknown[]): ContractFunctionExecutionError {
  const data = encodeErrorResult({ abi: registryAbi, errorName, args } as never);
  const cause = new ContractFunctionRevertedError({ abi: registryAbi, data, functionName: "delegate" });
  return new ContractFunctionExecutionError(cause, {
    abi: registryAbi,
    functionName: "delegate",
    args: [pool, 5n * token],
    contractAddress: registry,
    sender: alice,
  });
}

describe("describeContractError: one sentence per custom error", () => {
  const cases: [string, readonly unknown[], string][] = [
    ["PoolRegistryUnknownPool", [pool], `there is no pool at ${pool}`],
    ["PoolRegistryZeroAmount", [], "the amount must be more than 0"],
    ["PoolRegistryZeroAddress", [], "an address given is the zero address"],
    ["PoolRegistryRateTooHigh", [1_200_000n, 1_000_000n], "the rate 120% is above the highest allowed, 100%"],
    ["PoolRegistryNotOperator", [pool, alice], `${alice} is not the operator of pool ${pool}`],
    ["PoolRegistryPoolDisabled", [pool], `pool ${pool} is disabled: it takes no delegations`],
    [
      "PoolRegistryPoolBroken",
      [pool, 5n * token, 10_000n * token],
      `pool ${pool} is broken: its operator's self-stake is 5 of the 10,000 required, so it takes no delegations from others`,
    ],
    ["PoolRegistryDelegatorNotAllowed", [pool, alice], `pool ${pool} is private and ${alice} is not on its allow-list`],
    [
      "PoolRegistryStakingLimitExceeded",
      [pool, 1_200n * token, 1_200n * token, 5n * token],
      `pool ${pool} is full: 1,200 of 1,200 staked or on its way in, cannot add 5`,
    ],
    [
      "PoolRegistryLimitBelowStake",
      [pool, 1_000n * token, 1_234_500_000_000_000_000_000n],
      `the staking limit 1,000 is below the 1,234.5 already staked or on its way into pool ${pool}`,
    ],
    [
      "PoolRegistryLimitTooLarge",
      [2n ** 96n, 2n ** 96n - 1n],
      "the staking limit 79,228,162,514.264337593543950336 is above the largest possible, 79,228,162,514.264337593543950335",
    ],
    [
      "PoolRegistryInsufficientStake",
      [pool, alice, 5n * token, 10n * token],
      `${alice} has 5 staked in pool ${pool}, cannot take 10 out of it`,
    ],
    [
      "PoolRegistryFeeExceedsAmount",
      [2n * token, token],
      "the finalization fee 2 is more than the amount it comes out of, 1",
    ],
    ["PoolRegistryUnknownUndelegation", [42n], "there is no pending undelegation with id 42"],
    [
      "PoolRegistryUndelegationNotDue",
      [7n, 1_767_225_600n],
      "undelegation 7 is still thawing: it can be finalized from 2026-01-01 00:00:00Z",
    ],
    ["PoolRegistryNothingToWithdraw", [pool, alice], `${alice} has nothing to withdraw from pool ${pool}`],
    ["PoolRegistryUnsupportedToken", [alice], `${alice} is not the stake token: the registry only takes its own token`],
    [
      "PoolRegistryInvalidPoolData",
      ["0x1234"],
      "the data sent with the tokens must be one ABI-encoded pool address, got 0x1234",
    ],
    [
      "PoolRegistryVaultFull",
      [pool, 79_000_000_000n * token, 300_000_000n * token],
      `the vault of pool ${pool} is full: it holds 79,000,000,000 and cannot take 300,000,000 more`,
    ],
    ["PoolRegistryTooManyPools", [], "the registry holds as many pools as it can"],
    [
      "PoolRegistryTransferLockoutTooLong",
      [600n, 600n],
      "the transfer lockout (600 s) must be shorter than the thawing period (600 s)",
    ],
    ["PoolRegistryTransferToSamePool", [pool], `a transfer must go to another pool, not back to ${pool}`],
    [
      "PoolRegistrySelfStakeNotTransferable",
      [pool, alice],
      `${alice} operates pool ${pool}: an operator's self-stake cannot be transferred, only undelegated`,
    ],
    ["PoolRegistryUnknownTransfer", [42n], "there is no pending transfer with id 42"],
    [
      "PoolRegistryTransferNotDue",
      [7n, 1_767_225_600n],
      "transfer 7 is still locked: it can be finalized from 2026-01-01 00:00:00Z",
    ],
    [
      "PoolRegistryAutoDelegationWithoutStake",
      [pool, alice],
      `${alice} has no stake in pool ${pool}: delegate before enabling auto-redelegation`,
    ],
    [
      "PoolRegistryAutoDelegationNotEnabled",
      [pool, alice],
      `${alice} has not enabled auto-redelegation in pool ${pool}`,
    ],
    [
      "PoolRegistryCommissionIncreaseTooLarge",
      [pool, 100_000n, 250_000n, 100_000n],
      `pool ${pool} cannot raise its commission from 10% to 25% in one change: at most 10% more`,
    ],
    ["PoolRegistryUnknownCommissionRateChange", [42n], "there is no pending commission rate change with id 42"],
    [
      "PoolRegistryCommissionRateChangeNotDue",
      [7n, 1_767_225_600n],
      "commission rate change 7 is still locked: it can be finalized from 2026-01-01 00:00:00Z",
    ],
    ["PoolVaultUnauthorized", [alice], `${alice} may not pay out of a pool vault: only the registry may`],
    ["ERC20InsufficientBalance", [alice, 3n * token, 5n * token], `${alice} holds 3 tokens, needs 5`],
    [
      "ERC20InsufficientAllowance",
      [registry, 0n, 5n * token],
      `${registry} is allowed to spend 0 tokens, needs 5: approve more first`,
    ],
    ["OwnableUnauthorizedAccount", [alice], `${alice} is not the owner of the contract`],
    ["SafeERC20FailedOperation", [registry], `a transfer of token ${registry} failed`],
    ["ReentrancyGuardReentrantCall", [], "the contract refused a re-entrant call"],
    ["OwnableInvalidOwner", [zeroAddress], `the contract refused: OwnableInvalidOwner(${zeroAddress})`],
  ];

  for (const [errorName, args, sentence] of cases) {
    test(errorName, () => {
      const error = describeContractError(revert(errorName, args));
      assert.ok(error instanceof ContractRevertError);
      assert.ok(error instanceof NonRetryableError);
      assert.equal(error.shortMessage, sentence);
      assert.equal(error.message, sentence);
      assert.equal(error.errorName, errorName);
      assert.deepEqual(error.args, args);
      assert.ok(error.cause instanceof ContractFunctionExecutionError);
    });
  }

  test("every custom error of the registry, its vaults and the token a delegation meets has its own sentence", () => {
    const generic = registryAbi
      .filter((item) => item.type === "error")
      .filter((item) => {
        const args = item.inputs.map((input) =>
          input.type === "address"
            ? pool
            : input.type === "bytes"
              ? "0x"
              : input.type === "bytes32"
                ? `0x${"00".repeat(32)}`
                : 1n,
        );
        return describeContractError(revert(item.name, args)).message.startsWith("the contract refused:");
      })
      .map((item) => item.name);
    // errors no registry call can meet: a constructor's, the proxy's payable check, and the token's own checks of
    // approve/transfer arguments
    assert.deepEqual(generic.sort(), [
      "ERC1967NonPayable",
      "ERC20InvalidApprover",
      "ERC20InvalidReceiver",
      "ERC20InvalidSender",
      "ERC20InvalidSpender",
      "OwnableInvalidOwner",
      "SafeCastOverflowedUintDowncast",
    ]);
  });
});

const poolOwners: Address = "0x9fE46736679d2D9a65F0992F2272dE9f3c7fa6e0";
const ether = 10n ** 18n;

/** A revert of `poolOwners.contribute` as viem reports it. */
function ownersRevert(errorName: string, args: readonly unknown[]): ContractFunctionExecutionError {
  const data = encodeErrorResult({ abi: ownersAbi, errorName, args } as never);
  const cause = new ContractFunctionRevertedError({ abi: ownersAbi, data, functionName: "contribute" });
  return new ContractFunctionExecutionError(cause, {
    abi: ownersAbi,
    functionName: "contribute",
    args: [],
    contractAddress: poolOwners,
    sender: alice,
  });
}

describe("describeContractError: one sentence per PoolOwners error", () => {
  const cases: [string, readonly unknown[], string][] = [
    ["PoolOwnersZeroAddress", [], "an address given is the zero address"],
    ["PoolOwnersZeroAmount", [], "the amount must be more than 0"],
    [
      "PoolOwnersSharesLocked",
      [],
      "the owners' shares are locked: the share sale is over and shares can no longer be sold or granted",
    ],
    ["PoolOwnersContributionTooSmall", [3n * ether, 4n * ether], "a contribution of 3 ETH is below the minimum, 4 ETH"],
    [
      "PoolOwnersHardCapExceeded",
      [1_000n * ether, 946_400_000_000_000_000_000n],
      "a contribution of 1,000 ETH would pass the share sale's hard cap: 946.4 ETH is left",
    ],
    ["PoolOwnersHardCapExceeded", [4n * ether, 0n], "the share sale is sold out: its hard cap is reached"],
    [
      "PoolOwnersCreatorSharesExceeded",
      [alice, 1_000n * ether, 500n * ether],
      `${alice} can be granted at most 12.5% of the shares out of the creators' part, not 25%`,
    ],
    [
      "PoolOwnersInsufficientShare",
      [alice, 4n * ether, 200n * ether],
      `${alice} holds 0.1% of the shares, cannot give up 5%`,
    ],
    ["PoolOwnersUnknownToken", [pool], `token ${pool} is not listed for distribution among the owners`],
    ["PoolOwnersTokenAlreadyListed", [pool], `token ${pool} is already listed for distribution among the owners`],
    ["PoolOwnersTooManyTokens", [8n], "the owners' contract already lists 8 tokens, the most it distributes"],
    ["PoolOwnersNothingToWithdraw", [pool, alice], `${alice} has nothing to withdraw of token ${pool}`],
    [
      "PoolOwnersInsufficientBalance",
      [pool, alice, 12n * token, 12_500_000_000_000_000_000n],
      `${alice} can withdraw 12 of token ${pool}, not 12.5`,
    ],
    [
      "PoolOwnersPaymentFailed",
      [alice, 4n * ether],
      `the share sale's wallet ${alice} did not accept the 4 ETH contributed`,
    ],
    ["OwnableUnauthorizedAccount", [alice], `${alice} is not the owner of the contract`],
  ];

  for (const [errorName, args, sentence] of cases) {
    test(`${errorName}(${args.join(", ")})`, () => {
      const error = describeContractError(ownersRevert(errorName, args));
      assert.ok(error instanceof ContractRevertError);
      assert.equal(error.message, sentence);
      assert.equal(error.errorName, errorName);
      assert.deepEqual(error.args, args);
    });
  }

  test("every custom error of PoolOwners and the token it pays out with has its own sentence", () => {
    const generic = ownersAbi
      .filter((item) => item.type === "error")
      .filter((item) => {
        const args = item.inputs.map((input) => (input.type === "address" ? pool : 1n));
        return describeContractError(ownersRevert(item.name, args)).message.startsWith("the contract refused:");
      })
      .map((item) => item.name);
    // a constructor's, and the token's own checks of approve/transfer arguments, which PoolOwners never meets
    assert.deepEqual(generic.sort(), [
      "ERC20InvalidApprover",
      "ERC20InvalidReceiver",
      "ERC20InvalidSender",
      "ERC20InvalidSpender",
      "OwnableInvalidOwner",
    ]);
  });
});

describe("describeContractError: other failures", () => {
  test("a revert with a reason string", () => {
    const data = encodeErrorResult({
      abi: [{ type: "error", name: "Error", inputs: [{ type: "string", name: "message" }] }],
      errorName: "Error",
      args: ["nope"],
    });
    const error = describeContractError(
      new ContractFunctionRevertedError({ abi: registryAbi, data, functionName: "delegate" }),
    );
    assert.ok(error instanceof ContractRevertError);
    assert.equal(error.message, "the contract refused: nope");
    assert.equal(error.errorName, undefined);
  });

  test("an error the ABI does not know", () => {
    const error = describeContractError(
      new ContractFunctionRevertedError({ abi: registryAbi, data: "0xdeadbeef", functionName: "delegate" }),
    );
    assert.equal(error.message, "the contract refused with an error the sdk does not know (selector 0xdeadbeef)");
  });

  test("a revert without data", () => {
    const error = describeContractError(
      new ContractFunctionRevertedError({ abi: registryAbi, functionName: "delegate" }),
    );
    assert.equal(error.message, "the contract call reverted without a reason");
  });

  test("no contract at the address", () => {
    const cause = new ContractFunctionZeroDataError({ functionName: "getPoolCount" });
    const error = describeContractError(
      new ContractFunctionExecutionError(cause, {
        abi: registryAbi,
        functionName: "getPoolCount",
        contractAddress: registry,
      }),
    );
    assert.ok(error instanceof NonRetryableError);
    assert.match(error.message, new RegExp(`^no contract answered at ${registry}: `));
  });

  test("an unreachable endpoint is retryable and names the URL", () => {
    const http = new HttpRequestError({ url: "http://127.0.0.1:1", cause: new TypeError("fetch failed") });
    const wrapped = new ContractFunctionExecutionError(http, { abi: registryAbi, functionName: "getPoolCount" });
    const error = describeContractError(wrapped);
    assert.ok(error instanceof ChainUnreachableError);
    assert.ok(error instanceof RetryableError);
    assert.equal(error.url, "http://127.0.0.1:1");
    assert.equal(error.message, "cannot reach the chain at http://127.0.0.1:1");
  });

  test("a PoolnetError passes through; anything else becomes a NonRetryableError", () => {
    const input = new InvalidInputError("bad");
    assert.equal(describeContractError(input), input);
    const plain = describeContractError(new Error("boom"));
    assert.ok(plain instanceof NonRetryableError && plain instanceof PoolnetError);
    assert.equal(plain.message, "boom");
    assert.equal(describeContractError("text").message, "text");
  });

  test("error names and details", () => {
    const error = new ChainUnreachableError("http://x", { details: "ECONNREFUSED" });
    assert.equal(error.name, "ChainUnreachableError");
    assert.equal(error.details, "ECONNREFUSED");
    assert.equal(new InvalidInputError("x").name, "InvalidInputError");
  });
});

describe("describeContractError: the payout contracts", () => {
  for (const [name, abi] of [
    ["ShareStatePayout", shareStatePayoutAbi],
    ["CumulativeSharePayout", cumulativeSharePayoutAbi],
  ] as const) {
    test(`every custom error of ${name} has its own sentence`, () => {
      const generic = (abi as readonly { type: string; name?: string; inputs?: readonly { type: string }[] }[])
        .filter((item) => item.type === "error")
        .filter((item) => {
          const args = (item.inputs ?? []).map((input) => (input.type === "address" ? pool : 1n));
          const data = encodeErrorResult({ abi, errorName: item.name, args } as never);
          const error = describeContractError(
            new ContractFunctionRevertedError({ abi: abi as never, data, functionName: "payBatch" }),
          );
          return error.message.startsWith("the contract refused:");
        })
        .map((item) => item.name);
      assert.deepEqual(generic, []);
    });
  }

  test("a share state's refusal reads as a sentence", () => {
    const data = encodeErrorResult({
      abi: shareStatePayoutAbi,
      errorName: "ShareStatePayoutAlreadyPaid",
      args: [3n, 7n],
    });
    const error = describeContractError(
      new ContractFunctionRevertedError({ abi: shareStatePayoutAbi, data, functionName: "claim" }),
    );
    assert.equal(error.message, "leaf 7 of share state 3 is already paid");
  });
});
