// `poolnet payouts …`: mining-pool payouts by share state. Shares go into a ledger, a scoring scheme turns them into a
// share state (a Merkle root over miner → score), the pool posts it on ShareStatePayout with the reward, and anyone
// pays the miners in batches; any miner can check its own leaf against the root posted on the chain.
import { mkdir } from "node:fs/promises";
import { join, resolve } from "node:path";
import { StandardMerkleTree } from "@openzeppelin/merkle-tree";
import {
  DEFAULT_BATCH_GAS_LIMIT,
  SHARE_STATE_LEAF_ENCODING,
  ShareLedger,
  buildShareState,
  isPaidAll,
  leafProof,
  payShareState,
  pplnsLastShares,
  pplnsWindow,
  ppsAmounts,
  prop,
  readShareStateFile,
  shareStateOf,
  toMinerScores,
  toShareStateFile,
  writeShareStateFile,
  type Scores,
  type Share,
  type ShareStateFile,
} from "@poolnet/payouts";
import {
  InvalidInputError,
  NonRetryableError,
  describeContractError,
  formatTokenAmount,
  parseAddress,
  parseTokenAmount,
  shareStatePayoutAbi,
  stakingTokenAbi,
  type Deployment,
} from "@poolnet/sdk";
import { Command, Option } from "commander";
import { getAddress, isAddressEqual, parseEventLogs, zeroAddress, type Address, type Hex } from "viem";
import { getBlock, readContract, waitForTransactionReceipt, writeContract } from "viem/actions";
import {
  checkAccountChain,
  connect,
  connectSigner,
  dataDir,
  deploymentPath,
  globalOptions,
  loadAccount,
  loadDeployment,
} from "../context.ts";
import { printFields, printJson } from "../output.ts";

export const SCHEMES = ["pplns", "pps", "prop"] as const;
export type Scheme = (typeof SCHEMES)[number];

/** The scoring options of `build`, as commander gives them. */
export type BuildFlags = {
  scheme?: string;
  height?: string;
  last?: string;
  window?: string;
  networkDifficulty?: string;
  fromHeight?: string;
  blockReward?: string;
  feePpm?: string;
};

/** What `build` scores with, checked. */
export type ScoringPlan =
  | { scheme: "pplns"; height: number; last: number }
  | { scheme: "pplns"; height: number; window: { numerator: bigint; denominator: bigint }; networkDifficulty: bigint }
  | { scheme: "prop"; fromHeight: number; height: number }
  | {
      scheme: "pps";
      fromHeight: number;
      height: number;
      networkDifficulty: bigint;
      blockReward: bigint;
      feePpm: bigint;
    };

function wholeNumber(text: string, name: string, min = 0): number {
  if (!/^[0-9]+$/.test(text.trim()) || !Number.isSafeInteger(Number(text)) || Number(text) < min) {
    throw new InvalidInputError(`${name} '${text}' is not a whole number${min > 0 ? ` ≥ ${min}` : " ≥ 0"}`);
  }
  return Number(text);
}

function positiveBig(text: string, name: string): bigint {
  if (!/^[0-9]+$/.test(text.trim()) || BigInt(text) === 0n) {
    throw new InvalidInputError(`${name} '${text}' is not a whole number more than 0`);
  }
  return BigInt(text);
}

/** A ratio like 2, 0.5 or 3/2, as numerator / denominator. */
export function parseRatio(text: string, name: string): { numerator: bigint; denominator: bigint } {
  const trimmed = text.trim();
  const fraction = /^([0-9]+)\/([0-9]+)$/.exec(trimmed);
  if (fraction) {
    const ratio = { numerator: BigInt(fraction[1]!), denominator: BigInt(fraction[2]!) };
    if (ratio.numerator > 0n && ratio.denominator > 0n) return ratio;
  }
  const decimal = /^([0-9]+)(?:\.([0-9]{1,18}))?$/.exec(trimmed);
  if (decimal) {
    const decimals = decimal[2] ?? "";
    const ratio = { numerator: BigInt(decimal[1]! + decimals), denominator: 10n ** BigInt(decimals.length) };
    if (ratio.numerator > 0n) return ratio;
  }
  throw new InvalidInputError(`${name} '${text}' is not a positive ratio like 2, 0.5 or 3/2`);
}

/** Checks `build`'s options for the scheme; `highest` is the ledger's highest share height (the default block). */
export function scoringPlan(flags: BuildFlags, highest: number): ScoringPlan {
  if (flags.scheme === undefined) throw new InvalidInputError("give --scheme pplns, pps or prop");
  if (!(SCHEMES as readonly string[]).includes(flags.scheme)) {
    throw new InvalidInputError(`--scheme '${flags.scheme}' is not one of pplns, pps, prop`);
  }
  const scheme = flags.scheme as Scheme;
  const height = flags.height === undefined ? highest : wholeNumber(flags.height, "--height");
  const refuse = (option: string) => {
    throw new InvalidInputError(`${option} does not apply to --scheme ${scheme}`);
  };
  if (scheme === "pplns") {
    if (flags.fromHeight !== undefined) refuse("--from-height");
    if (flags.blockReward !== undefined) refuse("--block-reward");
    if (flags.feePpm !== undefined) refuse("--fee-ppm");
    if ((flags.last === undefined) === (flags.window === undefined)) {
      throw new InvalidInputError("PPLNS takes either --last <shares> or --window <ratio> --network-difficulty <d>");
    }
    if (flags.last !== undefined) {
      if (flags.networkDifficulty !== undefined) refuse("--network-difficulty with --last");
      return { scheme, height, last: wholeNumber(flags.last, "--last", 1) };
    }
    if (flags.networkDifficulty === undefined) {
      throw new InvalidInputError("--window needs --network-difficulty <d>: the window is ratio × difficulty");
    }
    return {
      scheme,
      height,
      window: parseRatio(flags.window!, "--window"),
      networkDifficulty: positiveBig(flags.networkDifficulty, "--network-difficulty"),
    };
  }
  if (flags.last !== undefined) refuse("--last");
  if (flags.window !== undefined) refuse("--window");
  const fromHeight = flags.fromHeight === undefined ? 0 : wholeNumber(flags.fromHeight, "--from-height");
  if (fromHeight > height) throw new InvalidInputError(`--from-height ${fromHeight} is above --height ${height}`);
  if (scheme === "prop") {
    if (flags.networkDifficulty !== undefined) refuse("--network-difficulty");
    if (flags.blockReward !== undefined) refuse("--block-reward");
    if (flags.feePpm !== undefined) refuse("--fee-ppm");
    return { scheme, fromHeight, height };
  }
  if (flags.networkDifficulty === undefined || flags.blockReward === undefined) {
    throw new InvalidInputError("PPS needs --network-difficulty <d> and --block-reward <amount>");
  }
  const feePpm = flags.feePpm === undefined ? 0n : BigInt(wholeNumber(flags.feePpm, "--fee-ppm"));
  if (feePpm > 1_000_000n) throw new InvalidInputError(`--fee-ppm ${feePpm} is above 1,000,000 (100%)`);
  return {
    scheme,
    fromHeight,
    height,
    networkDifficulty: positiveBig(flags.networkDifficulty, "--network-difficulty"),
    blockReward: parseTokenAmount(flags.blockReward, 18, "--block-reward"),
    feePpm,
  };
}

/** Scores the shares; for PPS the scores are the miners' work and `reward` what the PPS amounts add up to. */
export function score(
  shares: readonly Share[],
  plan: ScoringPlan,
): { scores: Scores; reward?: bigint; scheme: string } {
  if (plan.scheme === "pplns") {
    if ("last" in plan) {
      return {
        scores: pplnsLastShares(shares, plan.height, plan.last),
        scheme: `pplns: the last ${plan.last} shares up to block ${plan.height}`,
      };
    }
    const { numerator, denominator } = plan.window;
    return {
      scores: pplnsWindow(shares, plan.height, plan.networkDifficulty, plan.window),
      scheme: `pplns: the last ${numerator}/${denominator} × ${plan.networkDifficulty} of difficulty up to block ${plan.height}`,
    };
  }
  const round = prop(shares, plan.fromHeight, plan.height);
  if (plan.scheme === "prop") {
    return { scores: round, scheme: `prop: the shares of blocks ${plan.fromHeight} .. ${plan.height}` };
  }
  // PPS: each miner is owed its work's expected value; the share state is over the work, funded with the sum of the
  // amounts, so each miner is paid its amount, rounded down (a few wei less at most)
  const inRound = shares.filter((share) => share.height >= plan.fromHeight && share.height <= plan.height);
  const amounts = ppsAmounts(inRound, plan.networkDifficulty, plan.blockReward, plan.feePpm);
  let reward = 0n;
  for (const amount of amounts.values()) reward += amount;
  const scores: Scores = new Map([...round].filter(([miner]) => amounts.has(miner)));
  return {
    scores,
    reward,
    scheme: `pps: the shares of blocks ${plan.fromHeight} .. ${plan.height}, fee ${plan.feePpm} ppm`,
  };
}

/** A duration like 30m, 12h, 7d or 3600 (seconds), in seconds. */
export function parseDuration(text: string, name: string): number {
  const match = /^([0-9]+)([smhd]?)$/.exec(text.trim());
  const unit = { "": 1, s: 1, m: 60, h: 3600, d: 86_400 }[match?.[2] ?? ""];
  const seconds = match && unit !== undefined ? Number(match[1]) * unit : NaN;
  if (!Number.isSafeInteger(seconds) || seconds <= 0) {
    throw new InvalidInputError(`${name} '${text}' is not a duration like 3600, 30m, 12h or 7d`);
  }
  return seconds;
}

/** --token: eth (the default), stake (the deployment's token), or an address. address(0) stands for ETH. */
export function parseTokenOption(text: string | undefined, deployment: Deployment | undefined): Address {
  const value = (text ?? "eth").trim();
  if (value.toLowerCase() === "eth") return zeroAddress;
  if (value.toLowerCase() === "stake") {
    if (!deployment) throw new InvalidInputError("--token stake needs a deployment file");
    return deployment.token;
  }
  return parseAddress(value, "--token");
}

function assetName(token: Address): string {
  return isAddressEqual(token, zeroAddress) ? "ETH" : `of token ${token}`;
}

function amountIn(amount: bigint, token: Address): string {
  return isAddressEqual(token, zeroAddress)
    ? `${formatTokenAmount(amount)} ETH`
    : `${formatTokenAmount(amount)} ${assetName(token)}`;
}

type Paths = { dir: string; ledger: string; state: string };

function pathsOf(flags: { dir?: string; state?: string }): Paths {
  const dir = resolve(flags.dir ?? join(dataDir(), "payouts"));
  return { dir, ledger: join(dir, "shares.jsonl"), state: resolve(flags.state ?? join(dir, "share-state.json")) };
}

function journalPath(paths: Paths, contract: Address, id: bigint): string {
  return join(paths.dir, `journal-${contract.toLowerCase()}-${id}.jsonl`);
}

/** --contract, else the deployment's contracts.shareStatePayout. */
function contractOf(flags: { contract?: string }, deployment: Deployment, path: string): Address {
  if (flags.contract !== undefined) return parseAddress(flags.contract, "--contract");
  const contract = deployment.contracts?.shareStatePayout;
  if (contract === undefined) {
    throw new InvalidInputError(
      `the deployment file ${path} names no ShareStatePayout (contracts.shareStatePayout): add it, or pass --contract <address>`,
    );
  }
  return contract;
}

/** --id, else the id the state file was posted under. */
function idOf(flags: { id?: string }, file: ShareStateFile | undefined): bigint {
  if (flags.id !== undefined) return BigInt(wholeNumber(flags.id, "--id"));
  if (file?.posted === undefined) {
    throw new InvalidInputError("the share state file was not posted: run `poolnet payouts post`, or pass --id <n>");
  }
  return BigInt(file.posted.id);
}

async function chainCall<T>(call: () => Promise<T>): Promise<T> {
  try {
    return await call();
  } catch (error) {
    throw describeContractError(error);
  }
}

const dirOption = () =>
  new Option("--dir <path>", "the payouts directory: ledger, share state, journals (default: <data dir>/payouts)");
const stateOption = () => new Option("--state <file>", "the share state file (default: <dir>/share-state.json)");
const contractOption = () =>
  new Option("--contract <address>", "ShareStatePayout (default: the deployment's contracts.shareStatePayout)");
const idOption = () => new Option("--id <n>", "the share state's id on the contract (default: the state file's)");

export function payoutsCommand(): Command {
  const payouts = new Command("payouts")
    .summary("mining-pool payouts: ingest shares, build and post a share state, pay miners, prove a miner's leaf")
    .description(
      "Pays a mining pool's reward pro rata to its miners' share scores. Shares (JSON lines { miner, difficulty, " +
        "height, time }) go into a ledger; a scheme (PPLNS, PPS, PROP) scores them into a share state, a Merkle " +
        "root over (index, miner, score); the pool posts it on ShareStatePayout with the reward; anyone pays the " +
        "miners in batches verified by one multiproof each, floor(score × reward / total) to each, once. Any miner " +
        "can check its leaf against the root posted on the chain with `prove`.",
    );

  payouts
    .command("ingest")
    .summary("add a JSON-lines file of shares to the ledger; malformed lines are refused with the reason")
    .description(
      "Reads <file>, one share a line: { miner, difficulty, height, time }. The valid shares are appended to the " +
        "ledger (<dir>/shares.jsonl) in one fsynced write; each refused line is listed with its reason.",
    )
    .argument("<file>", "JSON-lines file of shares")
    .addOption(dirOption())
    .action(async (file: string, flags: { dir?: string }, command: Command) => {
      const paths = pathsOf(flags);
      await mkdir(paths.dir, { recursive: true });
      const ledger = await ShareLedger.open(paths.ledger);
      try {
        let result;
        try {
          result = await ledger.ingestFile(resolve(file));
        } catch (error) {
          if ((error as NodeJS.ErrnoException).code === "ENOENT") throw new InvalidInputError(`no file at ${file}`);
          throw error;
        }
        if (globalOptions(command).json) return printJson({ ...result, ledger: paths.ledger });
        console.log(`accepted ${result.accepted} shares into ${paths.ledger}, refused ${result.refused.length}`);
        for (const { line, reason } of result.refused) console.log(`  line ${line}: ${reason}`);
      } finally {
        await ledger.close();
      }
    });

  payouts
    .command("build")
    .summary("score the ledger's shares and write the share state: root, leaves, total")
    .description(
      "Scores the ledger's shares for a block with a scheme and writes the share state file: the root, the total " +
        "score and every leaf, miners in address order. PPLNS: --last <n> (the last n shares up to the block) or " +
        "--window <ratio> --network-difficulty <d> (the last ratio × d of difficulty). PROP: the shares of blocks " +
        "--from-height .. --height. PPS: the same shares, each paid difficulty / network difficulty × block reward " +
        "less --fee-ppm; the file then says the reward to post.",
    )
    .addOption(new Option("--scheme <scheme>", "pplns, pps or prop").choices(SCHEMES))
    .option("--height <n>", "the block found (default: the highest share height in the ledger)")
    .option("--last <n>", "PPLNS: the last n shares")
    .option("--window <ratio>", "PPLNS: the window as a multiple of the network difficulty, like 2 or 3/2")
    .option("--network-difficulty <d>", "PPLNS --window and PPS: the network difficulty")
    .option("--from-height <n>", "PROP and PPS: the round's first block (default 0)")
    .option("--block-reward <amount>", "PPS: the block reward, in tokens (18 decimals)")
    .option("--fee-ppm <ppm>", "PPS: the pool's fee in parts per million (default 0)")
    .addOption(dirOption())
    .addOption(stateOption())
    .action(async (flags: BuildFlags & { dir?: string; state?: string }, command: Command) => {
      const paths = pathsOf(flags);
      await mkdir(paths.dir, { recursive: true });
      const ledger = await ShareLedger.open(paths.ledger);
      const shares = ledger.shares();
      await ledger.close();
      if (shares.length === 0) {
        throw new InvalidInputError(`the ledger ${paths.ledger} holds no shares: run \`poolnet payouts ingest\` first`);
      }
      const plan = scoringPlan(flags, Math.max(...shares.map((share) => share.height)));
      const scored = score(shares, plan);
      if (scored.scores.size === 0) throw new InvalidInputError(`no share counts for ${scored.scheme}`);
      const state = buildShareState(toMinerScores(scored.scores));
      const file: ShareStateFile = { ...toShareStateFile(state, scored.scheme) };
      if (scored.reward !== undefined) file.reward = scored.reward.toString();
      await writeShareStateFile(paths.state, file);
      if (globalOptions(command).json) return printJson({ path: paths.state, ...file });
      printFields([
        ["share state", paths.state],
        ["scheme", scored.scheme],
        ["root", state.root],
        ["miners", String(state.leafCount)],
        ["total score", state.totalScore.toString()],
        ...(scored.reward === undefined
          ? []
          : [["reward to post", formatTokenAmount(scored.reward)] as [string, string]]),
      ]);
    });

  payouts
    .command("post")
    .summary("post the share state on ShareStatePayout with its reward, in ETH or a token")
    .description(
      "Posts the share state file's root, total score and miner count on ShareStatePayout and funds it with " +
        "--reward (for PPS, the file's reward by default), in ETH or a token (approved first). What your earlier " +
        "share states in that asset left unpaid is carried in. --bounty is paid to whoever pays a batch, per miner, " +
        "out of the reward. After --deadline nothing more is paid; closing then carries the rest to your next one.",
    )
    .option("--reward <amount>", "the reward, in tokens or ETH (18 decimals)")
    .option("--token <token>", "eth (default), stake (the deployment's token) or a token address")
    .option("--bounty <amount>", "paid per miner to a batch's caller, out of the reward (default 0)")
    .option("--deadline <duration>", "how long miners can be paid, like 7d or 12h (default 30d)")
    .addOption(contractOption())
    .addOption(dirOption())
    .addOption(stateOption())
    .action(
      async (
        flags: {
          reward?: string;
          token?: string;
          bounty?: string;
          deadline?: string;
          contract?: string;
          dir?: string;
          state?: string;
        },
        command: Command,
      ) => {
        const options = globalOptions(command);
        const paths = pathsOf(flags);
        const file = await readShareStateFile(paths.state);
        if (file.posted) {
          throw new InvalidInputError(`${paths.state} was already posted as share state ${file.posted.id}`);
        }
        const state = shareStateOf(file, paths.state);
        const rewardText = flags.reward ?? (file.reward === undefined ? undefined : formatPlain(BigInt(file.reward)));
        if (rewardText === undefined) throw new InvalidInputError("give --reward <amount>");
        const reward = parseTokenAmount(rewardText, 18, "--reward");
        if (reward === 0n) throw new InvalidInputError("--reward must be more than 0");
        const bounty = flags.bounty === undefined ? 0n : parseTokenAmount(flags.bounty, 18, "--bounty");
        const duration = parseDuration(flags.deadline ?? "30d", "--deadline");
        const account = await loadAccount(options);
        const deployment = await loadDeployment(options);
        const contract = contractOf(flags, deployment, deploymentPath(options));
        const token = parseTokenOption(flags.token, deployment);
        checkAccountChain(options, deployment);
        const { wallet } = await connectSigner(options, deployment, account);
        const now = (await chainCall(() => getBlock(wallet, { blockTag: "latest" }))).timestamp;
        const amount = reward + bounty * BigInt(state.leafCount);
        const eth = isAddressEqual(token, zeroAddress);
        if (!eth) {
          const approval = await chainCall(() =>
            writeContract(wallet, {
              address: token,
              abi: stakingTokenAbi,
              functionName: "approve",
              args: [contract, amount],
              account: wallet.account,
              chain: wallet.chain,
            }),
          );
          await chainCall(() => waitForTransactionReceipt(wallet, { hash: approval }));
        }
        const hash = await chainCall(() =>
          writeContract(wallet, {
            address: contract,
            abi: shareStatePayoutAbi,
            functionName: "post",
            args: [token, state.root, state.totalScore, state.leafCount, amount, bounty, Number(now) + duration],
            value: eth ? amount : 0n,
            account: wallet.account,
            chain: wallet.chain,
          }),
        );
        const receipt = await chainCall(() => waitForTransactionReceipt(wallet, { hash }));
        if (receipt.status !== "success") throw new NonRetryableError(`the post (transaction ${hash}) reverted`);
        const [posted] = parseEventLogs({
          abi: shareStatePayoutAbi,
          eventName: "ShareStatePosted",
          logs: receipt.logs,
        });
        if (!posted) throw new NonRetryableError(`the post (transaction ${hash}) emitted no ShareStatePosted`);
        file.posted = { chainId: deployment.chainId, contract, id: posted.args.id.toString(), transactionHash: hash };
        await writeShareStateFile(paths.state, file);
        if (options.json) {
          return printJson({ ...posted.args, contract, transactionHash: hash });
        }
        console.log(
          `posted share state ${posted.args.id} (${state.leafCount} miners): reward ${amountIn(posted.args.reward, token)}` +
            (posted.args.carriedIn > 0n ? ` (${amountIn(posted.args.carriedIn, token)} carried in)` : "") +
            `, deadline ${isoDate(posted.args.deadline)}`,
        );
        console.log(`transaction ${hash}`);
      },
    );

  payouts
    .command("pay")
    .summary("pay the posted share state's miners in batches sized to a gas limit; safe to kill and run again")
    .description(
      "Pays every unpaid miner of the posted share state in batches, each as large as fits --gas-limit, printing a " +
        "line per batch. Each batch's signed transaction is journaled (fsynced, in <dir>) before it is sent: run " +
        "again after a crash and it settles what was in flight, asks the contract which miners are paid, and pays " +
        "the rest — nobody twice. Anyone may pay, for the bounty.",
    )
    .option("--gas-limit <gas>", `the most gas a batch may use (default ${DEFAULT_BATCH_GAS_LIMIT})`)
    .option("--max-batch <n>", "at most n miners a batch")
    .addOption(contractOption())
    .addOption(idOption())
    .addOption(dirOption())
    .addOption(stateOption())
    .action(
      async (
        flags: { gasLimit?: string; maxBatch?: string; contract?: string; id?: string; dir?: string; state?: string },
        command: Command,
      ) => {
        const options = globalOptions(command);
        const paths = pathsOf(flags);
        const file = await readShareStateFile(paths.state);
        const state = shareStateOf(file, paths.state);
        const id = idOf(flags, file);
        const gasLimit = flags.gasLimit === undefined ? undefined : positiveBig(flags.gasLimit, "--gas-limit");
        const maxBatch = flags.maxBatch === undefined ? undefined : wholeNumber(flags.maxBatch, "--max-batch", 1);
        const account = await loadAccount(options);
        const deployment = await loadDeployment(options);
        const contract =
          flags.contract === undefined && file.posted
            ? file.posted.contract
            : contractOf(flags, deployment, deploymentPath(options));
        checkAccountChain(options, deployment);
        const { wallet } = await connectSigner(options, deployment, account);
        const token = (
          await chainCall(() =>
            readContract(wallet, {
              address: contract,
              abi: shareStatePayoutAbi,
              functionName: "shareState",
              args: [id],
            }),
          )
        ).token;
        const batches: unknown[] = [];
        const result = await payShareState({
          client: wallet,
          contract,
          id,
          state,
          journalPath: journalPath(paths, contract, id),
          ...(gasLimit === undefined ? {} : { gasLimit }),
          ...(maxBatch === undefined ? {} : { maxBatch }),
          onBatch: (batch) => {
            if (options.json) return void batches.push(batch);
            console.log(
              `batch ${batch.batch}${batch.resumed ? " (from an earlier run)" : ""}: paid ${batch.count} miners ` +
                `${amountIn(batch.amount, token)} (leaves ${batch.first} .. ${batch.last}), gas ${batch.gasUsed}, ` +
                `${batch.unpaid} left, transaction ${batch.hash}`,
            );
          },
        });
        if (options.json) return printJson({ ...result, batches });
        console.log(
          result.batches + result.resumed === 0
            ? `nothing to pay: all ${result.leafCount} miners of share state ${id} are paid`
            : `paid ${result.paid} miners ${amountIn(result.amount, token)}; ${result.unpaid} of ${result.leafCount} unpaid`,
        );
      },
    );

  payouts
    .command("status")
    .summary("a posted share state: miners paid and unpaid, budget left, deadline")
    .description(
      "Reads share state --id (default: the state file's) from the chain: its root, asset, miners paid and unpaid " +
        "(from the paid bitmap), what is left of its budget, its deadline and whether it is closed.",
    )
    .addOption(contractOption())
    .addOption(idOption())
    .addOption(dirOption())
    .addOption(stateOption())
    .action(async (flags: { contract?: string; id?: string; dir?: string; state?: string }, command: Command) => {
      const options = globalOptions(command);
      const paths = pathsOf(flags);
      const file = flags.id === undefined ? await readShareStateFile(paths.state) : undefined;
      const id = idOf(flags, file);
      const deployment = await loadDeployment(options);
      const contract =
        flags.contract === undefined && file?.posted
          ? file.posted.contract
          : contractOf(flags, deployment, deploymentPath(options));
      const { client } = await connect(options, deployment);
      const count = await chainCall(() =>
        readContract(client, { address: contract, abi: shareStatePayoutAbi, functionName: "shareStateCount" }),
      );
      if (id >= count) throw new InvalidInputError(`there is no share state ${id} on ${contract} (it has ${count})`);
      const view = await chainCall(() =>
        readContract(client, { address: contract, abi: shareStatePayoutAbi, functionName: "shareState", args: [id] }),
      );
      const leafCount = Number(view.leafCount);
      const paid = (
        await isPaidAll(
          client,
          contract,
          id,
          Array.from({ length: leafCount }, (_, i) => i),
        )
      ).filter(Boolean).length;
      const budget = view.reward + view.bountyPerMiner * view.leafCount;
      const remaining = budget - view.spent;
      const now = (await chainCall(() => getBlock(client, { blockTag: "latest" }))).timestamp;
      const status = {
        id,
        contract,
        ...view,
        paid,
        unpaid: leafCount - paid,
        budget,
        remaining,
        expired: view.deadline <= now,
      };
      if (options.json) return printJson(status);
      printFields([
        ["share state", `${id} on ${contract}`],
        ["root", view.root],
        ["pool", view.pool],
        ["miners", `${paid} paid, ${leafCount - paid} unpaid of ${leafCount}`],
        ["score paid", `${view.paidScore} of ${view.totalScore}`],
        ["reward", amountIn(view.reward, view.token)],
        ["budget left", `${amountIn(remaining, view.token)} of ${amountIn(budget, view.token)}`],
        [
          "deadline",
          `${isoDate(view.deadline)}${view.closed ? " (closed)" : view.deadline <= now ? " (passed: close it to carry the rest)" : ""}`,
        ],
      ]);
    });

  payouts
    .command("prove")
    .summary("print a miner's leaf and proof, verified against the root read from the chain")
    .description(
      "Finds <miner>'s leaf in the share state file, prints it with its Merkle proof and what it is paid, and " +
        "verifies the proof against the root READ FROM THE CHAIN for the posted share state: a miner needs to trust " +
        "neither the pool nor the file. Fails if the proof does not verify.",
    )
    .argument("<miner>", "the miner's address")
    .addOption(contractOption())
    .addOption(idOption())
    .addOption(dirOption())
    .addOption(stateOption())
    .action(
      async (
        minerText: string,
        flags: { contract?: string; id?: string; dir?: string; state?: string },
        command: Command,
      ) => {
        const options = globalOptions(command);
        const miner = parseAddress(minerText, "miner");
        const paths = pathsOf(flags);
        const file = await readShareStateFile(paths.state);
        const state = shareStateOf(file, paths.state);
        const index = state.leaves.findIndex((leaf) => isAddressEqual(leaf.miner, miner));
        if (index < 0) throw new InvalidInputError(`${getAddress(miner)} has no leaf in ${paths.state}`);
        const { leaf, proof } = leafProof(state, index);
        const id = idOf(flags, file);
        const deployment = await loadDeployment(options);
        const contract =
          flags.contract === undefined && file.posted
            ? file.posted.contract
            : contractOf(flags, deployment, deploymentPath(options));
        const { client } = await connect(options, deployment);
        const count = await chainCall(() =>
          readContract(client, { address: contract, abi: shareStatePayoutAbi, functionName: "shareStateCount" }),
        );
        if (id >= count) throw new InvalidInputError(`there is no share state ${id} on ${contract} (it has ${count})`);
        const view = await chainCall(() =>
          readContract(client, { address: contract, abi: shareStatePayoutAbi, functionName: "shareState", args: [id] }),
        );
        const verified = verifyLeaf(view.root, leaf, proof);
        if (!verified) {
          throw new NonRetryableError(
            `the proof of ${leaf.miner} does NOT verify against share state ${id}'s root on the chain, ${view.root}: ` +
              "this file is not the state the pool posted",
          );
        }
        const [payout, paid] = await Promise.all([
          chainCall(() =>
            readContract(client, {
              address: contract,
              abi: shareStatePayoutAbi,
              functionName: "payoutOf",
              args: [id, leaf.score],
            }),
          ),
          chainCall(() =>
            readContract(client, {
              address: contract,
              abi: shareStatePayoutAbi,
              functionName: "isPaid",
              args: [id, BigInt(leaf.index)],
            }),
          ),
        ]);
        if (options.json) {
          return printJson({ id, contract, root: view.root, leaf, proof, verified, payout, paid });
        }
        printFields([
          ["miner", leaf.miner],
          ["leaf", `index ${leaf.index}, score ${leaf.score} of ${view.totalScore}`],
          ["payout", `${amountIn(payout, view.token)}${paid ? " (paid)" : " (not paid yet)"}`],
          ["root on chain", `${view.root} (share state ${id} on ${contract})`],
          ["proof", proof.length === 0 ? "(none: the only leaf)" : proof[0]!],
          ...proof.slice(1).map((node): [string, string] => ["", node]),
          ["verified", "yes: the leaf and proof give the root posted on the chain"],
        ]);
      },
    );

  return payouts;
}

/** Whether (index, miner, score) with `proof` gives `root`, as OpenZeppelin's verifier checks it. */
export function verifyLeaf(
  root: Hex,
  leaf: { index: number; miner: Address; score: bigint },
  proof: readonly Hex[],
): boolean {
  return StandardMerkleTree.verify(
    root,
    [...SHARE_STATE_LEAF_ENCODING],
    [BigInt(leaf.index), leaf.miner, leaf.score],
    [...proof],
  );
}

function isoDate(seconds: bigint): string {
  return new Date(Number(seconds) * 1000).toISOString().replace(".000Z", "Z").replace("T", " ");
}

/** wei as a plain decimal token amount (no thousands separators), for parseTokenAmount. */
function formatPlain(wei: bigint): string {
  const whole = wei / 10n ** 18n;
  const fraction = (wei % 10n ** 18n).toString().padStart(18, "0").replace(/0+$/, "");
  return fraction === "" ? whole.toString() : `${whole}.${fraction}`;
}
