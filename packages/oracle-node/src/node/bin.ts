#!/usr/bin/env node
// poolnet-oracle-node --rpc URL --state FILE --job FILE [--job FILE…]; the key in POOLNET_ORACLE_PRIVATE_KEY.
import { parseArgs } from "node:util";
import type { Hex } from "viem";
import { readJobSpec } from "../jobs/jobSpec.ts";
import { startOracleNode } from "./oracleNode.ts";

const { values } = parseArgs({
  options: {
    rpc: { type: "string", default: "http://127.0.0.1:8545" },
    state: { type: "string" },
    job: { type: "string", multiple: true },
    "polling-interval": { type: "string", default: "1000" },
  },
});
const privateKey = process.env.POOLNET_ORACLE_PRIVATE_KEY;
if (privateKey === undefined || !/^0x[0-9a-fA-F]{64}$/.test(privateKey)) {
  console.error("set POOLNET_ORACLE_PRIVATE_KEY to the oracle's 0x-prefixed private key");
  process.exit(2);
}
if (values.state === undefined || values.job === undefined) {
  console.error("usage: poolnet-oracle-node --rpc URL --state FILE --job FILE [--job FILE…]");
  process.exit(2);
}
try {
  const jobs = await Promise.all(values.job.map(readJobSpec));
  const node = await startOracleNode({
    rpcUrl: values.rpc,
    privateKey: privateKey as Hex,
    jobs,
    statePath: values.state,
    pollingIntervalMs: Number(values["polling-interval"]),
    onEvent(event) {
      if (event.type === "error") {
        const error = event.error as { shortMessage?: string; message?: string };
        console.error(`${event.job}: ${error.shortMessage ?? error.message ?? String(event.error)}`);
      } else {
        console.log(
          JSON.stringify(event, (_key, value: unknown) => (typeof value === "bigint" ? String(value) : value)),
        );
      }
    },
  });
  console.log(JSON.stringify({ type: "started", address: node.address }));
  const shutdown = () => void node.stop().then(() => process.exit(0));
  process.once("SIGINT", shutdown);
  process.once("SIGTERM", shutdown);
} catch (error) {
  console.error((error as { shortMessage?: string }).shortMessage ?? (error as Error).message);
  process.exit(1);
}
