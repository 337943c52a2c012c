// PoolOwners' shares as people read them: a percentage of the contract's TOTAL_SHARES, exact to the share.
import { toDecimalString } from "./numbers.ts";

/** PoolOwners' TOTAL_SHARES, 100%: the sale's valuation in wei, so one share is what one wei of ETH buys. */
export const POOL_OWNERS_TOTAL_SHARES = 4000n * 10n ** 18n;

/** 100% / TOTAL_SHARES is 0.000000000000000000025%: every number of shares is a percentage exact in 21 decimals. */
export const SHARE_PERCENT_DECIMALS = 21;

/** Shares as a percentage of TOTAL_SHARES with every significant decimal: 13.6 ether → "0.34%". */
export function formatSharePercent(share: bigint): string {
  const scaled = (share * 100n * 10n ** BigInt(SHARE_PERCENT_DECIMALS)) / POOL_OWNERS_TOTAL_SHARES;
  return `${toDecimalString(scaled, SHARE_PERCENT_DECIMALS)}%`;
}
