#!/usr/bin/env node
// poolnet-oracle-node --rpc URL [--rpc URL…] --state FILE --job FILE [--job FILE…] [--keystore FILE] [--metrics-port N]
// Each job file is a fluxmonitor or a runlog job spec (jobs/jobSpec.ts); every event is a JSON line on stdout, every
// error a line on stderr.
// poolnet-oracle-node keys create --keystore FILE [--import]
// The key comes from --keystore (its password from --password-file or POOLNET_ORACLE_PASSWORD) or, without it, from
// POOLNET_ORACLE_PRIVATE_KEY; `keys create` encrypts a new key (or, with --import, that variable's) into a keystore.
import { parseArgs } from "node:util";
import { getAddress, type Hex } from "viem";
import { generatePrivateKey } from "viem/accounts";
import { readJobSpec } from "../jobs/jobSpec.ts";
import { encryptKeystore, readKeystore, readPassword, writeKeystore } from "../keys/keystore.ts";
import { startOracleNode } from "./oracleNode.ts";

const PRIVATE_KEY_ENV = "POOLNET_ORACLE_PRIVATE_KEY";

function fail(message: string, code = 1): never {
  console.error(message);
  process.exit(code);
}

function messageOf(error: unknown): string {
  return (error as { shortMessage?: string }).shortMessage ?? (error as Error).message ?? String(error);
}

function envPrivateKey(): Hex {
  const privateKey = process.env[PRIVATE_KEY_ENV];
  if (privateKey === undefined || !/^0x[0-9a-fA-F]{64}$/.test(privateKey)) {
    fail(`set ${PRIVATE_KEY_ENV} to the oracle's 0x-prefixed private key, or give --keystore FILE`, 2);
  }
  return privateKey as Hex;
}

async function keysCreate(args: string[]): Promise<void> {
  const { values } = parseArgs({
    args,
    options: {
      keystore: { type: "string" },
      "password-file": { type: "string" },
      import: { type: "boolean", default: false },
    },
  });
  if (values.keystore === undefined) fail("usage: poolnet-oracle-node keys create --keystore FILE [--import]", 2);
  const password = await readPassword({ passwordFile: values["password-file"] });
  const privateKey = values.import ? envPrivateKey() : generatePrivateKey();
  const keystore = await encryptKeystore({ privateKey, password });
  await writeKeystore(values.keystore, keystore);
  console.log(
    JSON.stringify({ type: "keystoreCreated", path: values.keystore, address: getAddress(`0x${keystore.address}`) }),
  );
}

async function runNode(args: string[]): Promise<void> {
  const { values } = parseArgs({
    args,
    options: {
      rpc: { type: "string", multiple: true },
      state: { type: "string" },
      job: { type: "string", multiple: true },
      keystore: { type: "string" },
      "password-file": { type: "string" },
      "polling-interval": { type: "string", default: "1000" },
      "metrics-port": { type: "string" },
    },
  });
  if (values.state === undefined || values.job === undefined) {
    fail(
      "usage: poolnet-oracle-node --rpc URL [--rpc URL…] --state FILE --job FILE [--job FILE…] [--keystore FILE]",
      2,
    );
  }
  if (values.keystore !== undefined && process.env[PRIVATE_KEY_ENV] !== undefined) {
    fail(`give the key once: --keystore or ${PRIVATE_KEY_ENV}, not both`, 2);
  }
  const privateKey =
    values.keystore === undefined
      ? envPrivateKey()
      : (await readKeystore(values.keystore, await readPassword({ passwordFile: values["password-file"] }))).privateKey;
  const jobs = await Promise.all(values.job.map(readJobSpec));
  const node = await startOracleNode({
    rpcUrl: values.rpc ?? ["http://127.0.0.1:8545"],
    privateKey,
    jobs,
    statePath: values.state,
    pollingIntervalMs: Number(values["polling-interval"]),
    metricsPort: values["metrics-port"] === undefined ? undefined : Number(values["metrics-port"]),
    onEvent(event) {
      if (event.type === "error") {
        // a runlog job's error names the request it is about
        const about = "requestId" in event && event.requestId !== undefined ? ` request ${event.requestId}` : "";
        console.error(`${event.job}${about}: ${messageOf(event.error)}`);
      } else {
        console.log(
          JSON.stringify(event, (_key, value: unknown) => (typeof value === "bigint" ? String(value) : value)),
        );
      }
    },
  });
  console.log(JSON.stringify({ type: "started", address: node.address, metrics: node.metricsUrl }));
  const shutdown = () => void node.stop().then(() => process.exit(0));
  process.once("SIGINT", shutdown);
  process.once("SIGTERM", shutdown);
}

const args = process.argv.slice(2);
try {
  if (args[0] === "keys") {
    if (args[1] !== "create") fail("usage: poolnet-oracle-node keys create --keystore FILE [--import]", 2);
    await keysCreate(args.slice(2));
  } else {
    await runNode(args);
  }
} catch (error) {
  fail(messageOf(error));
}
