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
import { PASSWORD_ENV, encryptKeystore, readKeystore, readPassword, writeKeystore } from "../keys/keystore.ts";
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

const USAGE = `usage: poolnet-oracle-node --rpc URL [--rpc URL…] --state FILE --job FILE [--job FILE…] [options]
       poolnet-oracle-node keys create --keystore FILE [--import]

Runs one oracle node: one key, one state file, a monitor per job (fluxmonitor or runlog job specs, JSON files).
Events are JSON lines on stdout; errors are lines on stderr.

  --rpc URL                 the chain's JSON-RPC endpoint; several fail over in order (default http://127.0.0.1:8545)
  --state FILE              the node's state (JSON lines): what it signed and sent, so a restart never sends twice
  --job FILE                a job spec (repeatable)
  --keystore FILE           the key, encrypted (Web3 Secret Storage); its password from --password-file or
                            ${PASSWORD_ENV}; without it the key comes from ${PRIVATE_KEY_ENV}
  --password-file FILE      the keystore's password
  --polling-interval MS     how often to poll the chain (default 1000)
  --metrics-port N          serve Prometheus metrics at http://127.0.0.1:N/metrics (0: any free port)
  --quiet                   leave out polls that decided nothing ("skipped" events)
  --help                    show this`;

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
      // polls that decided nothing ("skipped") are most of a quiet feed's events: --quiet leaves them out
      quiet: { type: "boolean", default: false },
      help: { type: "boolean", default: false },
    },
  });
  if (values.help) {
    console.log(USAGE);
    return;
  }
  if (values.state === undefined || values.job === undefined) {
    fail(`--state FILE and at least one --job FILE are required\n\n${USAGE}`, 2);
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
      } else if (!(values.quiet && event.type === "skipped")) {
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
