// The registry's ABI with the errors a registry call can bubble up from the pool vaults and the stake token, so
// viem decodes them too (a delegation that lacks allowance reverts with the token's ERC20InsufficientAllowance).
import { poolRegistryAbi, poolVaultAbi, stakingTokenAbi } from "../generated/contracts.ts";

const registryErrorNames = new Set(poolRegistryAbi.filter((item) => item.type === "error").map((item) => item.name));

const bubbledErrors = [...poolVaultAbi, ...stakingTokenAbi].filter(
  (item): item is Extract<(typeof poolVaultAbi)[number] | (typeof stakingTokenAbi)[number], { type: "error" }> =>
    item.type === "error" && !registryErrorNames.has(item.name as never),
);

export const registryAbi = [...poolRegistryAbi, ...bubbledErrors] as const;

export { stakingTokenAbi };
