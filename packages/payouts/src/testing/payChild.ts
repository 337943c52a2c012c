// For executor.test.ts: runs the payout executor in its own process, so the test can SIGKILL it at any point.
// Takes its parameters as JSON in POOLNET_PAY_CHILD; sleeps a random while after each journal step, so that kills
// land between writing an intent, sending it and settling it.
import { createWalletClient, http, type Address, type Hex } from "viem";
import { privateKeyToAccount } from "viem/accounts";
import { hardhat } from "viem/chains";
import { payShareState } from "../executor.ts";
import { readShareStateFile, shareStateOf } from "../stateFile.ts";

type ChildParameters = {
  rpcUrl: string;
  privateKey: Hex;
  contract: Address;
  id: string;
  statePath: string;
  journalPath: string;
  gasLimit: string;
  maxBatch: number;
};

const parameters = JSON.parse(process.env.POOLNET_PAY_CHILD ?? "{}") as ChildParameters;
const client = createWalletClient({
  account: privateKeyToAccount(parameters.privateKey),
  chain: hardhat,
  transport: http(parameters.rpcUrl),
  pollingInterval: 20,
});
const pause = () => new Promise<void>((resolve) => setTimeout(resolve, Math.random() * 150));
const result = await payShareState({
  client,
  contract: parameters.contract,
  id: BigInt(parameters.id),
  state: shareStateOf(await readShareStateFile(parameters.statePath)),
  journalPath: parameters.journalPath,
  gasLimit: BigInt(parameters.gasLimit),
  maxBatch: parameters.maxBatch,
  pollingIntervalMs: 20,
  hooks: { afterIntent: pause, afterSend: pause },
  onBatch: (progress) =>
    console.log(
      JSON.stringify({ ...progress, amount: String(progress.amount) }, (_k, v: unknown) =>
        typeof v === "bigint" ? v.toString() : v,
      ),
    ),
});
console.log(JSON.stringify({ done: true, unpaid: result.unpaid, batches: result.batches, resumed: result.resumed }));
