// An in-process Hardhat EDR chain (chain id 31337, the dev accounts unlocked) for the sdk's tests against a real EVM.
import { createHardhatRuntimeEnvironment } from "hardhat/hre";
import {
  createPublicClient,
  createWalletClient,
  custom,
  type Account,
  type Address,
  type Chain,
  type PublicClient,
  type Transport,
  type WalletClient,
} from "viem";
import { hardhat } from "viem/chains";

export type EdrChain = {
  publicClient: PublicClient;
  accounts: Address[];
  /** A wallet client sending as `account` (an unlocked dev account, or one impersonated). */
  walletOf(account: Address): WalletClient<Transport, Chain, Account>;
  close(): Promise<void>;
};

export async function startEdrChain(): Promise<EdrChain> {
  const hre = await createHardhatRuntimeEnvironment({ networks: { local: { type: "edr-simulated", chainId: 31337 } } });
  const connection = await hre.network.create("local");
  const transport = custom({ request: (args) => connection.provider.request(args) });
  const publicClient = createPublicClient({ chain: hardhat, transport, pollingInterval: 20, cacheTime: 0 });
  const accounts = await createWalletClient({ chain: hardhat, transport }).getAddresses();
  const walletOf = (account: Address) =>
    createWalletClient({ chain: hardhat, transport, account, pollingInterval: 20 });
  return { publicClient, accounts, walletOf, close: () => connection.close() };
}
