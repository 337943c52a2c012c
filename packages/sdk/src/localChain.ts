// The local development chain's well-known facts: its chain id and the public dev mnemonic every Hardhat user has.
import { pbkdf2Sync } from "node:crypto";
import { toHex, type Hex } from "viem";
import { HDKey } from "viem/accounts";

/** The chain id of Hardhat's simulated chain, which `poolnet up` runs. */
export const LOCAL_CHAIN_ID = 31337;

/** The Hardhat dev mnemonic: its keys are public, on every developer's machine. Never use them on a real network. */
export const DEV_MNEMONIC = "test test test test test test test test test test test junk";

/** The private keys of dev accounts by index (the BIP-39 seed by native PBKDF2: viem's JS one costs ~25 ms a key). */
export function devPrivateKeys(indexes: readonly number[]): Hex[] {
  const seed = pbkdf2Sync(DEV_MNEMONIC.normalize("NFKD"), "mnemonic", 2048, 64, "sha512");
  const accounts = HDKey.fromMasterSeed(seed).derive("m/44'/60'/0'/0");
  return indexes.map((index) => toHex(accounts.deriveChild(index).privateKey!));
}
