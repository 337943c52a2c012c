// The contracts' ABIs with the errors a call can bubble up from the contracts it calls, so viem decodes them too: a
// delegation that lacks allowance reverts with the token's ERC20InsufficientAllowance.
import { poolOwnersAbi, poolRegistryAbi, poolVaultAbi, stakingTokenAbi } from "../generated/contracts.ts";

const registryErrorNames = new Set(poolRegistryAbi.filter((item) => item.type === "error").map((item) => item.name));

const bubbledErrors = [...poolVaultAbi, ...stakingTokenAbi].filter(
  (item): item is Extract<(typeof poolVaultAbi)[number] | (typeof stakingTokenAbi)[number], { type: "error" }> =>
    item.type === "error" && !registryErrorNames.has(item.name as never),
);

export const registryAbi = [...poolRegistryAbi, ...bubbledErrors] as const;

const ownersErrorNames = new Set(poolOwnersAbi.filter((item) => item.type === "error").map((item) => item.name));

// PoolOwners pays out with the listed token's transfer, whose refusals bubble up (a stake token's, at least)
const ownersBubbledErrors = stakingTokenAbi.filter(
  (item): item is Extract<(typeof stakingTokenAbi)[number], { type: "error" }> =>
    item.type === "error" && !ownersErrorNames.has(item.name as never),
);

export const ownersAbi = [...poolOwnersAbi, ...ownersBubbledErrors] as const;

export { stakingTokenAbi };
