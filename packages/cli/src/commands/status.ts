// `poolnet status`: is the chain up, which deployment is this, how many pools it holds.
import { existsSync } from "node:fs";
import { describeContractError, getPoolCount, readDeployment } from "@poolnet/sdk";
import { Command } from "commander";
import { createPublicClient, http } from "viem";
import { getBlockNumber, getChainId } from "viem/actions";
import { connect, deploymentPath, globalOptions, rpcUrl } from "../context.ts";
import { printFields, printJson } from "../output.ts";

export function statusCommand(): Command {
  return new Command("status")
    .summary("chain, deployment and pool count at a glance")
    .description(
      "Checks that the chain answers and prints its id and latest block, then the deployment in use (registry, " +
        "token, the block it was deployed in) and how many pools the registry holds. Without a deployment file it " +
        "still reports the chain, so it tells whether `npm start` is running.",
    )
    .action(async (_flags: object, command: Command) => {
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
      if (options.json) return printJson({ ...deployment, deploymentFile: path, rpcUrl: url, block, poolCount });
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
    });
}
