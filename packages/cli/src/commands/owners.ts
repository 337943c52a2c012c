// `poolnet owners …`: PoolOwners, where the protocol fees go: its share sale, the owners' shares and what they earned.
import {
  InvalidInputError,
  addOwnersToken,
  contribute,
  distributeOwnerEarnings,
  formatShare,
  formatTokenAmount,
  getOwner,
  getOwnersInfo,
  lockShares,
  parseAddress,
  parseShare,
  parseTokenAmount,
  setOwnerShare,
  transferShare,
  withdrawOwnerEarnings,
  type Deployment,
  type Owner,
  type OwnersInfo,
} from "@poolnet/sdk";
import { Command } from "commander";
import type { Address } from "viem";
import {
  checkAccountChain,
  connect,
  connectSigner,
  deploymentPath,
  globalOptions,
  hasKey,
  loadAccount,
  loadDeployment,
  type ChainContext,
  type SignerContext,
} from "../context.ts";
import { printDone, printFields, printJson } from "../output.ts";

const shareHelp = "a percentage of all shares like 12.5%, or shares as ETH at the sale's valuation like 13.6 (= 0.34%)";

export function ownersCommand(): Command {
  const owners = new Command("owners")
    .summary("the owners' shares of the protocol fees: show, contribute, withdraw, transfer; owner settings")
    .description(
      "PoolOwners receives the registry's protocol fees and shares out every listed token it receives among its " +
        "owners, pro rata to their shares. All the shares, 100%, are worth 4,000 ETH at the share sale's " +
        "valuation, one share per wei: the creators hold up to 75%, granted by the contract owner, and the sale " +
        "sells the rest (4 ETH buys 0.1%, 1,000 ETH in all) until the contract owner locks the shares. Shares stay " +
        "transferable. Its address is the deployment file's contracts.poolOwners, which `poolnet up` writes.",
    );

  owners
    .command("show")
    .summary("show the share sale, the shares and what an owner can withdraw")
    .description(
      "Shows PoolOwners: its contract owner and sale wallet, the share sale (ETH sold, whether it is open), the " +
        "creators' shares granted, the shares not allocated yet, and each listed token's distribution. With an " +
        "account, or a key to use its address, also that owner's share, grant, contribution and what it could " +
        "withdraw of each token now (counting tokens that arrived but are not distributed yet).",
    )
    .argument("[account]", "the owner to show (default: your account, if a key is given)")
    .action(async (accountText: string | undefined, _flags: object, command: Command) => {
      const options = globalOptions(command);
      const account: Address | undefined =
        accountText !== undefined
          ? parseAddress(accountText, "account")
          : hasKey(options)
            ? (await loadAccount(options)).address
            : undefined;
      const { deployment, client, poolOwners } = await prepareOwnersReader(command);
      const info = await getOwnersInfo(client, { poolOwners });
      const tokens = info.tokens.map((entry) => entry.token);
      const owner = account === undefined ? undefined : await getOwner(client, { poolOwners, owner: account, tokens });
      if (options.json) return printJson({ ...info, account: owner ?? null });
      printFields([...describeOwners(info, deployment), ...(owner ? describeOwner(owner, deployment) : [])]);
    });

  owners
    .command("contribute")
    .summary("buy shares in the share sale with ETH: 4 ETH buys 0.1%")
    .description(
      "Buys shares with ETH from your account, one share per wei: 4 ETH buys 0.1% of all shares, 13.6 ETH 0.34%. " +
        "The ETH goes on to the sale's wallet at once. A contribution is at least 4 ETH (or exactly what is left, " +
        "if less), and the sale takes 1,000 ETH in all: a contribution that would pass that is refused whole. You " +
        "may contribute several times, until the contract owner locks the shares.",
    )
    .argument("<eth>", "ETH to pay, e.g. 4 or 13.6")
    .action(async (ethText: string, _flags: object, command: Command) => {
      const value = parseEth(ethText, "contribution");
      const { wallet, poolOwners } = await prepareOwnersSigner(command);
      const result = await contribute(wallet, { poolOwners, value });
      printDone(
        command,
        result,
        `bought ${formatShare(result.share)} of the shares for ${formatTokenAmount(value)} ETH`,
      );
    });

  owners
    .command("withdraw")
    .summary("pay what your shares earned of a token to your account")
    .description(
      "Pays you what your shares have earned of a listed token: all of it, or --amount of it. Tokens that arrived " +
        "but were not distributed yet are distributed first, so they count. Without a token, the stake token.",
    )
    .argument("[token]", "the token's address (default: the stake token)")
    .option("--amount <amount>", "tokens to withdraw (default: everything you can)")
    .action(async (tokenText: string | undefined, flags: { amount?: string }, command: Command) => {
      const tokenGiven = tokenText === undefined ? undefined : parseAddress(tokenText, "token");
      const amount = flags.amount === undefined ? undefined : positive(parseTokenAmount(flags.amount, 18, "--amount"));
      const { deployment, wallet, poolOwners } = await prepareOwnersSigner(command);
      const token = tokenGiven ?? deployment.token;
      const result = await withdrawOwnerEarnings(wallet, { poolOwners, token, amount });
      printDone(command, result, `withdrew ${formatTokenAmount(result.amount)} of ${tokenName(token, deployment)}`);
    });

  owners
    .command("transfer-share")
    .summary("give some of your shares to another address")
    .description(
      "Gives <share> of your shares to <to>. What your shares earned until now stays yours to withdraw; <to> earns " +
        `on them from now on. <share> is ${shareHelp}.`,
    )
    .argument("<to>", "the address that receives the shares")
    .argument("<share>", "12.5% or 13.6 (ETH's worth)")
    .action(async (toText: string, shareText: string, _flags: object, command: Command) => {
      const to = parseAddress(toText, "to");
      const share = parseShare(shareText);
      if (share === 0n) throw new InvalidInputError(`share '${shareText}' must be more than 0`);
      const { wallet, poolOwners } = await prepareOwnersSigner(command);
      const result = await transferShare(wallet, { poolOwners, to, share });
      printDone(command, result, `gave ${formatShare(share)} of the shares to ${to}`);
    });

  owners
    .command("distribute")
    .summary("share out what arrived of a token among the owners")
    .description(
      "Takes what arrived of a listed token since the last distribution into account and shares it out among the " +
        "owners, pro rata to their shares. Anyone may. Withdrawals and share changes distribute first anyway, so " +
        "this only brings the books up to date. Without a token, the stake token.",
    )
    .argument("[token]", "the token's address (default: the stake token)")
    .action(async (tokenText: string | undefined, _flags: object, command: Command) => {
      const tokenGiven = tokenText === undefined ? undefined : parseAddress(tokenText, "token");
      const { deployment, wallet, poolOwners } = await prepareOwnersSigner(command);
      const token = tokenGiven ?? deployment.token;
      const result = await distributeOwnerEarnings(wallet, { poolOwners, token });
      const name = tokenName(token, deployment);
      printDone(
        command,
        result,
        result.amount === 0n
          ? `nothing new of ${name} to distribute`
          : `distributed ${formatTokenAmount(result.amount)} of ${name} among the owners`,
      );
    });

  owners
    .command("set-share")
    .summary("set the creators' shares granted to an owner (contract owner)")
    .description(
      "Sets the shares <owner> is granted out of the creators' part (75% of all shares) to <share> in all, not in " +
        "addition: a lower grant takes the difference back from what <owner> holds. The grants together stay " +
        `within the creators' part. <share> is ${shareHelp}. Only the contract owner may, until the shares are ` +
        "locked.",
    )
    .argument("<owner>", "the creator's address")
    .argument("<share>", "its whole grant: 25% or 1000 (ETH's worth)")
    .action(async (ownerText: string, shareText: string, _flags: object, command: Command) => {
      const owner = parseAddress(ownerText, "owner");
      const granted = parseShare(shareText);
      const { wallet, poolOwners } = await prepareOwnersSigner(command);
      const result = await setOwnerShare(wallet, { poolOwners, owner, granted });
      printDone(command, result, `${owner} is now granted ${formatShare(granted)} of the shares`);
    });

  owners
    .command("lock")
    .summary("end the share sale and freeze the grants (contract owner)")
    .description(
      "Locks the shares, for good: the sale takes no more contributions and no grant can change. The shares " +
        "neither sold nor granted, with what they earned, go to the contract owner, so the owners' shares add up " +
        "to 100%. Shares stay transferable. Only the contract owner may.",
    )
    .action(async (_flags: object, command: Command) => {
      const { wallet, poolOwners } = await prepareOwnersSigner(command);
      const result = await lockShares(wallet, { poolOwners });
      printDone(
        command,
        result,
        `locked the shares: the sale is over, and the ${formatShare(result.unallocated)} unallocated went to ` +
          wallet.account.address,
      );
    });

  owners
    .command("add-token")
    .summary("list a token for distribution among the owners (contract owner)")
    .description(
      "Lists a token, so that what arrives of it is shared out among the owners; what arrived before is shared " +
        "out at the next distribution. At most 8 tokens are listed, since every share change settles each of " +
        "them. Only the contract owner may.",
    )
    .argument("<token>", "the token's address")
    .action(async (tokenText: string, _flags: object, command: Command) => {
      const token = parseAddress(tokenText, "token");
      const { deployment, wallet, poolOwners } = await prepareOwnersSigner(command);
      const result = await addOwnersToken(wallet, { poolOwners, token });
      printDone(command, result, `listed ${tokenName(token, deployment)}: what arrives of it goes to the owners`);
    });

  return owners;
}

type OwnersContext = { poolOwners: Address };

/** The deployment's PoolOwners, or a one-line hint on how to get one. */
function poolOwnersOf(deployment: Deployment, path: string): Address {
  const poolOwners = deployment.contracts?.poolOwners;
  if (poolOwners === undefined) {
    throw new InvalidInputError(
      `the deployment file ${path} names no PoolOwners (contracts.poolOwners): add its address there, or start a ` +
        "new local network with `poolnet up --fresh`",
    );
  }
  return poolOwners;
}

/** Everything a read needs, PoolOwners' address checked before the chain is asked anything. */
async function prepareOwnersReader(command: Command): Promise<ChainContext & OwnersContext> {
  const options = globalOptions(command);
  const deployment = await loadDeployment(options);
  const poolOwners = poolOwnersOf(deployment, deploymentPath(options));
  return { ...(await connect(options, deployment)), poolOwners };
}

/** Everything a transaction needs, checked in the order a person fixes things: key, deployment, chain. */
async function prepareOwnersSigner(command: Command): Promise<SignerContext & OwnersContext> {
  const options = globalOptions(command);
  const account = await loadAccount(options);
  const deployment = await loadDeployment(options);
  const poolOwners = poolOwnersOf(deployment, deploymentPath(options));
  checkAccountChain(options, deployment);
  return { ...(await connectSigner(options, deployment, account)), poolOwners };
}

function describeOwners(info: OwnersInfo, deployment: Deployment): [string, string][] {
  const left = info.hardCap - info.totalContributed;
  const minimum = left < info.minContribution ? left : info.minContribution;
  const sold = `${formatTokenAmount(info.totalContributed)} of ${formatTokenAmount(info.hardCap)} ETH sold`;
  const sale = info.locked
    ? `closed (the shares are locked): ${sold}`
    : left === 0n
      ? `sold out: ${sold}`
      : `open: ${sold} (${formatShare(info.totalContributed)}), at least ${formatTokenAmount(minimum)} ETH a contribution`;
  const fields: [string, string][] = [
    ["pool owners", info.poolOwners],
    ["contract owner", info.contractOwner],
    ["sale wallet", info.wallet],
    ["share sale", sale],
    ["creators' shares", `${formatShare(info.creatorSharesGranted)} of ${formatShare(info.creatorShares)} granted`],
    [
      "unallocated",
      info.locked
        ? formatShare(info.unallocated)
        : `${formatShare(info.unallocated)} (the contract owner's when the shares are locked)`,
    ],
  ];
  if (info.tokens.length === 0) fields.push(["tokens", "none listed: nothing is distributed yet"]);
  for (const entry of info.tokens) {
    fields.push([
      "token",
      `${tokenName(entry.token, deployment)}: ${formatTokenAmount(entry.distributed)} distributed so far, ` +
        `${formatTokenAmount(entry.undistributed)} arrived and not distributed yet`,
    ]);
  }
  return fields;
}

function describeOwner(owner: Owner, deployment: Deployment): [string, string][] {
  return [
    ["account", owner.owner],
    ["share", formatShare(owner.share)],
    ["granted", formatShare(owner.granted)],
    ["contributed", `${formatTokenAmount(owner.contributed)} ETH`],
    ...owner.withdrawable.map(({ token, amount }): [string, string] => [
      "withdrawable",
      `${formatTokenAmount(amount)} of ${tokenName(token, deployment)}`,
    ]),
  ];
}

function tokenName(token: Address, deployment: Deployment): string {
  return token === deployment.token ? `the stake token ${token}` : `token ${token}`;
}

/** An amount of ETH as people write it ("4", "13.6"), in wei. */
function parseEth(text: string, name: string): bigint {
  const trimmed = text.trim();
  if (trimmed.startsWith("-")) throw new InvalidInputError(`${name} '${text}' is negative: it must be more than 0`);
  const match = /^(\d+|\d{1,3}(?:,\d{3})+)?(?:\.(\d+))?$/.exec(trimmed);
  if (!match || (match[1] === undefined && match[2] === undefined)) {
    throw new InvalidInputError(`${name} '${text}' is not an amount of ETH: write it like 4 or 13.6`);
  }
  if ((match[2] ?? "").length > 18) {
    throw new InvalidInputError(`${name} '${text}' has ${match[2]!.length} decimals: ETH has only 18`);
  }
  const value = parseTokenAmount(trimmed, 18, name);
  if (value === 0n) throw new InvalidInputError(`${name} '${text}' must be more than 0`);
  return value;
}

function positive(amount: bigint): bigint {
  if (amount === 0n) throw new InvalidInputError("--amount must be more than 0");
  return amount;
}
