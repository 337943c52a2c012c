// `poolnet status`: is the chain up, which deployment is this, how many pools it holds, and, like `pm2 status`, the
// health of every service `poolnet up` runs (price source, oracle nodes, keeper) and of every price feed.
import { existsSync } from "node:fs";
import { dirname, join } from "node:path";
import { describeContractError, getPoolCount, readDeployment } from "@poolnet/sdk";
import { Command, Option } from "commander";
import { createPublicClient, http } from "viem";
import { getBlockNumber, getChainId } from "viem/actions";
import { connect, deploymentPath, globalOptions, rpcUrl } from "../context.ts";
import { printFields, printJson, printTable } from "../output.ts";
import { FEED_SETTINGS } from "../up/feeds.ts";
import { DEMO_JOB, KEEPER_INTERVAL_SECONDS } from "../up/services/demoServices.ts";
import {
  inspectFeeds,
  inspectServices,
  readServicesFile,
  type FeedHealth,
  type Health,
  type ServiceHealth,
} from "../up/services/health.ts";
import { SERVICES_FILE } from "../up/services/supervisor.ts";

/** A feed is late once neither a price move nor the idle timer has produced an answer for this long. */
const FEED_STALE_SECONDS = DEMO_JOB.idleSeconds + FEED_SETTINGS.timeout + 30;

type StatusFlags = { check?: boolean };

export function statusCommand(): Command {
  return new Command("status")
    .summary("chain, deployment, services and feeds at a glance")
    .description(
      "Checks that the chain answers and prints its id and latest block, then the deployment in use (registry, " +
        "token, the block it was deployed in) and how many pools the registry holds. Without a deployment file it " +
        "still reports the chain, so it tells whether `npm start` is running.\n\n" +
        "Beside the deployment file, `poolnet up` keeps services.json: the price source, the oracle nodes and the " +
        "keeper it runs. Each is shown like `pm2 status`: pid, uptime, restarts, memory, and its health, asked of " +
        "the service itself (a node's metrics, the keeper's status file, the price source's state). Each price feed " +
        "is shown with its latest answer and how old it is.",
    )
    .addOption(new Option("--check", "exit with code 1 when a service or feed is not ok"))
    .action(async (flags: StatusFlags, command: Command) => {
      const options = globalOptions(command);
      const path = deploymentPath(options);
      if (!existsSync(path)) {
        const url = rpcUrl(options);
        const client = createPublicClient({ transport: http(url, { retryCount: 1 }) });
        const [chainId, block] = await Promise.all([getChainId(client), getBlockNumber(client)]).catch((error) => {
          throw describeContractError(error);
        });
        if (options.json) return printJson({ rpcUrl: url, chainId, block, deploymentFile: null });
        return printFields([
          ["rpc", url],
          ["chain id", String(chainId)],
          ["block", String(block)],
          ["deployment", `none at ${path}`],
        ]);
      }
      const { deployment, url, client } = await connect(options, await readDeployment(path));
      const [block, poolCount] = await Promise.all([
        getBlockNumber(client).catch((error) => {
          throw describeContractError(error);
        }),
        getPoolCount(client, { registry: deployment.registry }),
      ]);
      const servicesFile = readServicesFile(join(dirname(path), SERVICES_FILE));
      const services = servicesFile
        ? await inspectServices(servicesFile, { keeperIntervalSeconds: KEEPER_INTERVAL_SECONDS })
        : [];
      const feeds = await inspectFeeds(client, deployment, { staleSeconds: FEED_STALE_SECONDS });
      const healthy = [...services, ...feeds].every((entry) => entry.health === "ok");
      if (flags.check && !healthy) process.exitCode = 1;

      if (options.json) {
        return printJson({ ...deployment, deploymentFile: path, rpcUrl: url, block, poolCount, services, feeds });
      }
      printFields([
        ["rpc", url],
        ["chain id", String(deployment.chainId)],
        ["block", String(block)],
        ["deployment", path],
        ["registry", deployment.registry],
        ["token", deployment.token],
        ["deployed at block", String(deployment.deployedAtBlock)],
        ...(deployment.contracts?.poolOwners ? [["pool owners", deployment.contracts.poolOwners] as const] : []),
        ["pools", String(poolCount)],
      ]);
      if (servicesFile) printServices(services);
      if (feeds.length > 0) printFeeds(feeds);
    });
}

const MARK: Record<Health, string> = { ok: "● ok", degraded: "◐ degraded", down: "○ down", stopped: "○ stopped" };

function duration(seconds: number | undefined): string {
  if (seconds === undefined) return "-";
  if (seconds < 60) return `${seconds}s`;
  if (seconds < 3600) return `${Math.floor(seconds / 60)}m`;
  if (seconds < 86_400) return `${Math.floor(seconds / 3600)}h`;
  return `${Math.floor(seconds / 86_400)}d`;
}

function printServices(services: readonly ServiceHealth[]): void {
  console.log("\nservices");
  printTable(
    ["name", "kind", "pid", "uptime", "↺", "mem", "health", "detail"],
    services.map((service) => [
      service.name,
      service.kind,
      service.pid === undefined ? "-" : String(service.pid),
      duration(service.uptimeSeconds),
      String(service.restarts),
      service.memoryBytes === undefined ? "-" : `${(service.memoryBytes / 2 ** 20).toFixed(0)} MB`,
      MARK[service.health],
      service.detail,
    ]),
  );
}

function printFeeds(feeds: readonly FeedHealth[]): void {
  console.log("\nfeeds");
  printTable(
    ["pair", "aggregator", "answer", "round", "age", "oracles", "health", "detail"],
    feeds.map((feed) => [
      feed.pair,
      feed.aggregator,
      feed.answer ?? "-",
      feed.roundId === undefined ? "-" : String(feed.roundId),
      feed.ageSeconds === undefined ? "-" : `${duration(feed.ageSeconds)} ago`,
      String(feed.oracles),
      MARK[feed.health],
      feed.detail,
    ]),
  );
}
