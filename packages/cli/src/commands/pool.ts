// `poolnet pool …`: register, list and show pools, and the operator's settings (limit, enabled, privacy, allow-list).
import {
  InvalidInputError,
  disablePool,
  enablePool,
  formatRate,
  formatTokenAmount,
  getPoolInfo,
  getTotalStake,
  listPools,
  parseAddress,
  parseRate,
  parseTokenAmount,
  registerPool,
  retirePool,
  setDelegatorAllowed,
  setPoolPrivate,
  setStakingLimit,
  updateMetaData,
  type PoolInfo,
} from "@poolnet/sdk";
import { Command } from "commander";
import { isHex, zeroHash, type Address, type Hex } from "viem";
import { globalOptions, prepareReader, prepareSigner } from "../context.ts";
import { printDone, printFields, printJson, printTable } from "../output.ts";

// The registry's "no limit": a pool's limit starts at the most a uint96 holds.
const NO_LIMIT = 2n ** 96n - 1n;

type RegisterFlags = { signingAddress?: string; commission: string; metadataUrl: string; metadataHash?: string };

export function poolCommand(): Command {
  const pool = new Command("pool")
    .summary("register, list and inspect pools; operator settings")
    .description(
      "Pools are what delegators stake into: each has an operator who runs its oracle node, a commission the " +
        "operator takes from every reward, a staking limit, and a vault contract that holds its tokens. These " +
        "commands list and show pools for anyone, and let an operator register a pool and change its settings.",
    );

  pool
    .command("register")
    .summary("register a pool operated by your account")
    .description(
      "Registers a new pool operated by the signing account and deploys its vault. The commission is the share of " +
        "every reward the operator takes before the rest is shared among delegators by stake; it is a percentage " +
        "from 0 to 100. Prints the new pool's address.",
    )
    .option("--signing-address <address>", "address the pool's oracle node signs with (default: your account)")
    .option("--commission <percent>", "operator's commission, 0-100", "10")
    .option("--metadata-url <url>", "where the pool's metadata (name, description) is served", "")
    .option("--metadata-hash <bytes32>", "keccak256 of the metadata document (default: none)")
    .action(async (flags: RegisterFlags, command: Command) => {
      const signingAddress =
        flags.signingAddress === undefined ? undefined : parseAddress(flags.signingAddress, "--signing-address");
      const commissionRate = parseRate(flags.commission, "--commission");
      const metaDataContentHash = parseHash(flags.metadataHash);
      const { deployment, wallet } = await prepareSigner(command);
      const result = await registerPool(wallet, {
        registry: deployment.registry,
        signingAddress: signingAddress ?? wallet.account.address,
        commissionRate,
        metaDataUrl: flags.metadataUrl,
        metaDataContentHash,
      });
      if (globalOptions(command).json) return printJson(result);
      console.log(`registered pool ${result.pool} with a ${formatRate(commissionRate)} commission`);
      console.log(`transaction ${result.transactionHash}`);
    });

  pool
    .command("list")
    .summary("list every pool with its state, commission and stake")
    .description(
      "Lists every registered pool in registration order with its state (active, broken: the operator's " +
        "self-stake is below the minimum, disabled, or retired), its commission, its total stake and its staking limit.",
    )
    .action(async (_flags: object, command: Command) => {
      const { deployment, client } = await prepareReader(command);
      const pools = await listPools(client, { registry: deployment.registry });
      const rows = await Promise.all(pools.map((address) => describePool(client, deployment.registry, address)));
      if (globalOptions(command).json) return printJson(rows);
      if (rows.length === 0) return console.log("no pools registered yet");
      printTable(
        ["POOL", "STATE", "COMMISSION", "STAKE", "LIMIT", "PRIVATE", "OPERATOR"],
        rows.map((row) => [
          row.pool,
          row.state,
          formatRate(row.commissionRate),
          formatTokenAmount(row.totalStake),
          formatLimit(row.stakingLimit),
          row.isPrivate ? "yes" : "no",
          row.operator,
        ]),
      );
    });

  pool
    .command("show")
    .summary("show one pool")
    .description(
      "Shows everything the registry knows about one pool: operator, state, commission, stake (and stake on its " +
        "way in by transfer), limit, self-stake, privacy and metadata.",
    )
    .argument("<pool>", "the pool's address")
    .action(async (poolText: string, _flags: object, command: Command) => {
      const address = parseAddress(poolText, "pool");
      const { deployment, client } = await prepareReader(command);
      const row = await describePool(client, deployment.registry, address);
      if (globalOptions(command).json) return printJson(row);
      printFields([
        ["pool", row.pool],
        ["operator", row.operator],
        ["signing address", row.signingAddress],
        ["state", row.state],
        ["commission", formatRate(row.commissionRate)],
        ["total stake", formatTokenAmount(row.totalStake)],
        ["on its way in", formatTokenAmount(row.pendingStake)],
        ["staking limit", formatLimit(row.stakingLimit)],
        [
          "operator self-stake",
          `${formatTokenAmount(row.selfStake)}${row.selfStakeSatisfied ? "" : " (below the minimum)"}`,
        ],
        ["private", row.isPrivate ? "yes" : "no"],
        ["metadata url", row.metaDataUrl === "" ? "none" : row.metaDataUrl],
        ["metadata hash", row.metaDataContentHash === zeroHash ? "none" : row.metaDataContentHash],
        ["index", String(row.index)],
      ]);
    });

  pool
    .command("set-limit")
    .summary("set the most stake a pool takes (operator)")
    .description(
      "Sets the most stake, in tokens, the pool takes from all its delegators together. It cannot be set below the " +
        "stake already in the pool. Only the pool's operator may change it.",
    )
    .argument("<pool>", "the pool's address")
    .argument("<amount>", "the new limit, in tokens")
    .action(async (poolText: string, amountText: string, _flags: object, command: Command) => {
      const address = parseAddress(poolText, "pool");
      const stakingLimit = parseTokenAmount(amountText, 18, "limit");
      const { deployment, wallet } = await prepareSigner(command);
      const result = await setStakingLimit(wallet, { registry: deployment.registry, pool: address, stakingLimit });
      printDone(command, result, `pool ${address} now takes at most ${formatTokenAmount(stakingLimit)}`);
    });

  for (const [name, action, summary, paragraph, done] of [
    [
      "enable",
      enablePool,
      "let a pool take delegations again (operator)",
      "Lets a disabled pool take delegations again. Only the pool's operator may.",
      "is enabled",
    ],
    [
      "disable",
      disablePool,
      "stop a pool taking delegations (operator)",
      "Stops the pool taking new delegations. Stake already in it stays, keeps earning and can leave as usual. " +
        "Only the pool's operator may.",
      "is disabled",
    ],
  ] as const) {
    pool
      .command(name)
      .summary(summary)
      .description(paragraph)
      .argument("<pool>", "the pool's address")
      .action(async (poolText: string, _flags: object, command: Command) => {
        const address = parseAddress(poolText, "pool");
        const { deployment, wallet } = await prepareSigner(command);
        const result = await action(wallet, { registry: deployment.registry, pool: address });
        printDone(command, result, `pool ${address} ${done}`);
      });
  }

  for (const [name, allowed, summary, paragraph] of [
    [
      "allow",
      true,
      "let a delegator stake into a private pool (operator)",
      "Adds a delegator to a private pool's allow-list, so it may add stake. The list is kept while the pool is " +
        "public too. Only the pool's operator may.",
    ],
    [
      "disallow",
      false,
      "remove a delegator from a private pool's allow-list (operator)",
      "Removes a delegator from a private pool's allow-list: it can add no more stake while the pool is private, " +
        "but its stake already in stays and can leave. Only the pool's operator may.",
    ],
  ] as const) {
    pool
      .command(name)
      .summary(summary)
      .description(paragraph)
      .argument("<pool>", "the pool's address")
      .argument("<delegator>", "the delegator's address")
      .action(async (poolText: string, delegatorText: string, _flags: object, command: Command) => {
        const address = parseAddress(poolText, "pool");
        const delegator = parseAddress(delegatorText, "delegator");
        const { deployment, wallet } = await prepareSigner(command);
        const result = await setDelegatorAllowed(wallet, {
          registry: deployment.registry,
          pool: address,
          delegator,
          allowed,
        });
        printDone(
          command,
          result,
          `${delegator} is ${allowed ? "now" : "no longer"} on the allow-list of pool ${address}`,
        );
      });
  }

  pool
    .command("set-private")
    .summary("make a pool private or public (operator)")
    .description(
      "Makes a pool private (only delegators on its allow-list may add stake) with `on`, or public again with " +
        "`off`. Stake already in the pool is not affected. Only the pool's operator may.",
    )
    .argument("<pool>", "the pool's address")
    .argument("<on|off>", "on: private, off: public")
    .action(async (poolText: string, switchText: string, _flags: object, command: Command) => {
      const address = parseAddress(poolText, "pool");
      const isPrivate = parseSwitch(switchText);
      const { deployment, wallet } = await prepareSigner(command);
      const result = await setPoolPrivate(wallet, { registry: deployment.registry, pool: address, isPrivate });
      printDone(command, result, `pool ${address} is now ${isPrivate ? "private" : "public"}`);
    });

  pool
    .command("retire")
    .summary("close a pool for good (operator)")
    .description(
      "Retires the pool: it stays listed as retired and takes no delegations, not even from its operator, and " +
        "cannot be enabled again. Stake already in it keeps earning until its delegators undelegate, and rewards " +
        "can still be withdrawn. Only the pool's operator may.",
    )
    .argument("<pool>", "the pool's address")
    .action(async (poolText: string, _flags: object, command: Command) => {
      const address = parseAddress(poolText, "pool");
      const { deployment, wallet } = await prepareSigner(command);
      const result = await retirePool(wallet, { registry: deployment.registry, pool: address });
      printDone(command, result, `pool ${address} is retired`);
    });

  pool
    .command("metadata")
    .summary("point a pool at new metadata (operator)")
    .description(
      "Sets the URL of the pool's metadata document (name, description, contact) and the keccak256 hash of its " +
        "content, which metadata proxies check before serving it. Only the pool's operator may.",
    )
    .argument("<pool>", "the pool's address")
    .argument("<url>", "where the metadata document is served")
    .option("--metadata-hash <bytes32>", "keccak256 of the metadata document (default: none)")
    .action(async (poolText: string, url: string, flags: { metadataHash?: string }, command: Command) => {
      const address = parseAddress(poolText, "pool");
      const metaDataContentHash = parseHash(flags.metadataHash);
      const { deployment, wallet } = await prepareSigner(command);
      const result = await updateMetaData(wallet, {
        registry: deployment.registry,
        pool: address,
        metaDataUrl: url,
        metaDataContentHash,
      });
      printDone(command, result, `pool ${address} now points at ${url}`);
    });

  return pool;
}

type PoolRow = PoolInfo & {
  totalStake: bigint;
  /** Stake transferred in and not landed yet: it counts against the staking limit. */
  pendingStake: bigint;
};

async function describePool(
  client: Parameters<typeof getPoolInfo>[0],
  registry: Address,
  pool: Address,
): Promise<PoolRow> {
  const [info, stake] = await Promise.all([
    getPoolInfo(client, { registry, pool }),
    getTotalStake(client, { registry, pool }),
  ]);
  return { ...info, totalStake: stake.total, pendingStake: stake.pending };
}

function formatLimit(limit: bigint): string {
  return limit === NO_LIMIT ? "none" : formatTokenAmount(limit);
}

function parseHash(text: string | undefined): Hex {
  if (text === undefined) return zeroHash;
  if (!isHex(text, { strict: true }) || text.length !== 66) {
    throw new InvalidInputError(
      `--metadata-hash '${text}' is not a 32-byte hash: expected 0x followed by 64 hex digits`,
    );
  }
  return text;
}

function parseSwitch(text: string): boolean {
  const value = text.trim().toLowerCase();
  if (["on", "true", "yes"].includes(value)) return true;
  if (["off", "false", "no"].includes(value)) return false;
  throw new InvalidInputError(`'${text}' is neither on nor off`);
}
