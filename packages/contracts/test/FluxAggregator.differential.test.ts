// Differential test: our FluxAggregator against Chainlink's v0.6 (its npm sources compiled with solc 0.6.6, as
// bench:oracle does), deployed on one chain with the same constructor arguments and driven by the same seeded random
// calls. After every step both must agree on success or revert (and on why, through a table of Chainlink's reason
// strings and our custom errors), on every log of the transaction in order, on what the call returned, and on every
// view. Replay one seed: POOLNET_DIFF_SEEDS=7 POOLNET_DIFF_STEPS=400 npx hardhat test nodejs test/<this file>.
import assert from "node:assert/strict";
import { describe, it } from "node:test";
import { artifacts, network } from "hardhat";
import {
  decodeErrorResult,
  decodeFunctionResult,
  encodeDeployData,
  encodeFunctionData,
  getAddress,
  keccak256,
  parseEventLogs,
  toHex,
  zeroAddress,
  type Abi,
  type Address,
  type Hex,
} from "viem";
import { compileChainlinkFluxAggregator } from "../scripts/chainlink-flux-aggregator.ts";

const SEEDS = (process.env.POOLNET_DIFF_SEEDS ?? "1,2,3,4").split(",").map((s) => Number(s.trim()));
const STEPS = Number(process.env.POOLNET_DIFF_STEPS ?? "250");
/** POOLNET_DIFF_TRACE=1: print every call as it runs. */
const TRACE = process.env.POOLNET_DIFF_TRACE === "1";
for (const seed of SEEDS) if (!Number.isSafeInteger(seed)) throw new Error(`POOLNET_DIFF_SEEDS: "${seed}"`);
if (!Number.isSafeInteger(STEPS) || STEPS < 1) throw new Error(`POOLNET_DIFF_STEPS: "${STEPS}"`);

const INT256_MIN = -(2n ** 255n);
const INT256_MAX = 2n ** 255n - 1n;
const UINT128 = 2n ** 128n;
const ROUND_MAX = 2n ** 32n - 1n;
/** Where the chain's clock starts: every block's time is set, so a seed replays the same. */
const START = 1_900_000_000;
/** Gas of each transaction, far above what any call here uses; changeOracles may add up to 77 oracles. */
const GAS = 2_000_000n;
const GAS_CHANGE_ORACLES = 14_000_000n;
const MAX_ORACLE_COUNT = 77;
const FULL_VIEWS_EVERY = 8;
/** Steps without a new answer after which the generator starts to unblock rounds. */
const STUCK_AFTER = 20;

/**
 * The one intentional difference: Chainlink's reverts with reason strings (or with no data, where Solidity 0.6
 * checks a call's target or return data, and for its `assert`), ours with custom errors, except the "No data present"
 * of `getRoundData` that AggregatorV3Interface documents. A revert must be one of these pairs. SafeMath's subtraction
 * stands for several of ours: the available funds below a payment (submit), the balance below the allocated funds
 * (updateAvailableFunds), the reserve above the available funds (withdrawFunds); SafeMath32's overflow, ours' checked
 * arithmetic (Panic 0x11) at the same point.
 */
const SAME_REFUSAL: Record<string, readonly string[]> = {
  "value below minSubmissionValue": ["FluxAggregatorSubmissionBelowMin"],
  "value above maxSubmissionValue": ["FluxAggregatorSubmissionAboveMax"],
  "not enabled oracle": ["FluxAggregatorOracleNotEnabled"],
  "not yet enabled oracle": ["FluxAggregatorOracleNotYetEnabled"],
  "no longer allowed oracle": ["FluxAggregatorOracleNoLongerAllowed"],
  "cannot report on previous rounds": ["FluxAggregatorRoundAlreadyReported"],
  "invalid round to report": ["FluxAggregatorInvalidRound"],
  "previous round not supersedable": ["FluxAggregatorPreviousRoundNotSupersedable"],
  "round not accepting submissions": ["FluxAggregatorRoundNotAcceptingSubmissions"],
  // uint32 round arithmetic past 2^32 - 1 (a round id's low 32 bits all ones): SafeMath32 in theirs, checked in ours
  "SafeMath: addition overflow": ["Panic(17)"],
  "SafeMath: subtraction overflow": [
    "FluxAggregatorInsufficientAvailableFunds",
    "FluxAggregatorBalanceBelowAllocated",
    "FluxAggregatorInsufficientReserveFunds",
  ],
  "need same oracle and admin count": ["FluxAggregatorOracleCountMismatch"],
  "max oracles allowed": ["FluxAggregatorTooManyOracles"],
  "oracle already enabled": ["FluxAggregatorOracleAlreadyEnabled"],
  "cannot set admin to 0": ["FluxAggregatorZeroAdmin"],
  "owner cannot overwrite admin": ["FluxAggregatorAdminOverwrite"],
  "oracle not enabled": ["FluxAggregatorOracleNotEnabled"],
  "max must equal/exceed min": ["FluxAggregatorMaxBelowMin"],
  "max cannot exceed total": ["FluxAggregatorMaxAboveOracleCount"],
  "delay cannot exceed total": ["FluxAggregatorRestartDelayTooLong"],
  "insufficient funds for payment": ["FluxAggregatorReserveNotCovered"],
  "min must be greater than 0": ["FluxAggregatorZeroMinSubmissions"],
  "only callable by admin": ["FluxAggregatorNotAdmin"],
  "insufficient withdrawable funds": ["FluxAggregatorInsufficientWithdrawable"],
  "insufficient reserve funds": ["FluxAggregatorInsufficientReserveFunds"],
  "token transfer failed": ["FluxAggregatorTokenTransferFailed"],
  "only callable by pending admin": ["FluxAggregatorNotPendingAdmin"],
  "not authorized requester": ["FluxAggregatorNotAuthorizedRequester"],
  "prev round must be supersedable": ["FluxAggregatorRoundNotSupersedable"],
  "must delay requests": ["FluxAggregatorRequestTooSoon"],
  "transfer doesn't accept calldata": ["FluxAggregatorUnexpectedTransferData"],
  "Only callable by owner": ["FluxAggregatorNotOwner"],
  "Must be proposed owner": ["FluxAggregatorNotProposedOwner"],
  "No data present": ["No data present"],
  // no data: a validator without code, or one answering less than a word (Solidity 0.6's checks around the call)
  "": ["FluxAggregatorValidatorNotContract", "FluxAggregatorValidatorAnswerTooShort"],
};

/** The constructor's value range and feed, one per seed in turn. */
const FEEDS = [
  // positive, with values past 96 and 128 bits (our packed slots' spill paths)
  { min: 1n, max: 10n ** 40n, decimals: 8, description: "ETH / USD" },
  // the whole int256 range: medians of extremes, negative answers
  { min: INT256_MIN, max: INT256_MAX, decimals: 18, description: "anything" },
  // narrow and signed: many equal submissions, out-of-range values at hand
  { min: -1000n, max: 1000n, decimals: 0, description: "narrow" },
] as const;
type Feed = (typeof FEEDS)[number];

/** The AggregatorValidatorMock behaviours, one mock per behaviour and per aggregator. */
const BEHAVIOURS = ["Records", "Reverts", "EatsGas", "ReturnsNothing"] as const;

// ------------------------------------------------------------------ seeded randomness

/** mulberry32: small, seedable, and the same on every platform. */
function rng(seed: number) {
  let state = seed >>> 0;
  const float = () => {
    state = (state + 0x6d2b79f5) >>> 0;
    let t = state;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
  const int = (lo: number, hi: number) => lo + Math.floor(float() * (hi - lo + 1));
  const pick = <T>(items: readonly T[]): T => {
    if (items.length === 0) throw new Error("pick from nothing");
    return items[int(0, items.length - 1)]!;
  };
  /** Uniform in [lo, hi]. */
  const big = (lo: bigint, hi: bigint): bigint => {
    const span = hi - lo + 1n;
    let x = 0n;
    for (let i = 0; i < 9; i++) x = (x << 32n) | BigInt(int(0, 0xffffffff));
    return lo + (x % span);
  };
  return { float, int, pick, big, chance: (p: number) => float() < p };
}
type Rng = ReturnType<typeof rng>;

// ------------------------------------------------------------------ the two aggregators on one chain

type RpcLog = { address: Address; topics: Hex[]; data: Hex };
type RpcReceipt = { status: Hex; logs: RpcLog[]; blockNumber: Hex };
/** Ours (0) and Chainlink's (1). */
type Side = 0 | 1;
const SIDES = [0, 1] as const;

type Call = {
  kind: "call";
  label: string;
  from: Address;
  /** the aggregator, or another contract (the token) */
  to: (side: Side) => Address;
  data: (side: Side) => Hex;
  gas: bigint;
  /** the aggregator's function and its arguments */
  fn?: string;
  args?: readonly unknown[];
};
type Warp = { kind: "warp"; label: string; to: number };
type Action = Call | Warp;

type Outcome = { ok: boolean; data: Hex };

const chainlink = compileChainlinkFluxAggregator();
const oursArtifact = await artifacts.readArtifact("FluxAggregator");
const tokenArtifact = await artifacts.readArtifact("StakingToken");
const validatorArtifact = await artifacts.readArtifact("AggregatorValidatorMock");
const OURS_ABI = oursArtifact.abi as Abi;
/** Calls are encoded with Chainlink's ABI, which ours answers item by item. */
const ABI = chainlink.abi;
const TOKEN_ABI = tokenArtifact.abi as Abi;

function decodeRevert(side: Side, data: Hex): string {
  if (data === "0x") return "";
  try {
    const decoded = decodeErrorResult({ abi: side === 0 ? OURS_ABI : ABI, data });
    if (decoded.errorName === "Error") return String(decoded.args?.[0]);
    return decoded.errorName + (decoded.errorName === "Panic" ? `(${String(decoded.args?.[0])})` : "");
  } catch {
    return `undecodable ${data}`;
  }
}

/** A chain with the token, the validator mocks and both aggregators, deployed in one block at START. */
async function deployWorld(seed: number, r: Rng) {
  const connection = await network.create();
  const { provider, viem } = connection;
  const rpc = async <T>(method: string, params: unknown[] = []) => (await provider.request({ method, params })) as T;
  const wallets = (await viem.getWalletClients()).map((w) => w.account.address);
  if (wallets.length < 20) throw new Error(`${wallets.length} accounts: 20 needed`);
  const [funder, ...rest] = wallets as [Address, ...Address[]];
  const oracles = rest.slice(0, 9);
  const admins = rest.slice(9, 13);
  const requesters = rest.slice(13, 15);
  const stranger = rest[15]!;
  const owners = [funder, rest[16]!, stranger];
  const recipients = [rest[17]!, rest[18]!, stranger];
  /** Oracles without keys: added and removed in bulk, to reach the 77-oracle limit; they never submit. */
  const dummies = Array.from({ length: MAX_ORACLE_COUNT + 3 }, (_, i) =>
    getAddress(keccak256(toHex(`poolnet flux dummy oracle ${i}`)).slice(0, 42)),
  );

  const feed: Feed = FEEDS[Math.abs(seed) % FEEDS.length]!;
  const payment = r.pick([0n, 1n, 10n ** 17n, 10n ** 17n, 12_345n]);
  // rounds without a timeout come from updateFutureRounds now and then: a seed that starts with them too often
  // leaves a round no oracle can finish, for good, in both
  const timeout = r.pick([7, 20, 60]);

  await rpc("evm_setAutomine", [false]);
  const deploy = async (data: Hex) => rpc<Hex>("eth_sendTransaction", [{ from: funder, data, gas: toHex(8_000_000) }]);
  const sent: Hex[] = [];
  sent.push(
    await deploy(
      encodeDeployData({
        abi: tokenArtifact.abi,
        bytecode: tokenArtifact.bytecode as Hex,
        args: ["Chainlink Token", "LINK", funder, 10n ** 36n],
      }),
    ),
  );
  for (let i = 0; i < BEHAVIOURS.length * 2; i++) {
    sent.push(await deploy(validatorArtifact.bytecode as Hex));
  }
  await rpc("evm_mine", [START - 1]);
  const addressOf = async (hash: Hex) => {
    const receipt = await rpc<{ contractAddress: Address | null; status: Hex }>("eth_getTransactionReceipt", [hash]);
    if (receipt.status !== "0x1" || !receipt.contractAddress) throw new Error("deployment failed");
    return getAddress(receipt.contractAddress);
  };
  const [token, ...mocks] = await Promise.all(sent.map(addressOf));
  /** validators[side][behaviour]: each aggregator tells its own mocks, so that neither sees the other's calls. */
  const validators = SIDES.map((side) => mocks.slice(side * BEHAVIOURS.length, (side + 1) * BEHAVIOURS.length));
  for (const side of SIDES) {
    for (const [b, mock] of validators[side]!.entries()) {
      await rpc("eth_sendTransaction", [
        {
          from: funder,
          to: mock,
          gas: toHex(100_000),
          data: encodeFunctionData({ abi: validatorArtifact.abi, functionName: "setBehaviour", args: [b] }),
        },
      ]);
    }
  }

  const args = [token, payment, timeout, zeroAddress, feed.min, feed.max, feed.decimals, feed.description] as const;
  const deployments = [
    await deploy(encodeDeployData({ abi: OURS_ABI, bytecode: oursArtifact.bytecode as Hex, args: [...args] })),
    await deploy(encodeDeployData({ abi: ABI, bytecode: chainlink.bytecode, args: [...args] })),
  ];
  await rpc("evm_mine", [START]);
  const aggregators = [await addressOf(deployments[0]!), await addressOf(deployments[1]!)] as const;
  /** What each constructor logged. */
  const deploymentLogs = await Promise.all(
    deployments.map(async (hash) => (await rpc<RpcReceipt>("eth_getTransactionReceipt", [hash])).logs),
  );

  const names = new Map<string, string>();
  const name = (address: Address, label: string) => names.set(address.toLowerCase(), label);
  name(funder, "funder");
  oracles.forEach((a, i) => name(a, `oracle${i}`));
  admins.forEach((a, i) => name(a, `admin${i}`));
  requesters.forEach((a, i) => name(a, `requester${i}`));
  name(stranger, "stranger");
  name(owners[1]!, "owner1");
  name(recipients[0]!, "recipient0");
  name(recipients[1]!, "recipient1");
  dummies.forEach((a, i) => name(a, `dummy${i}`));
  name(zeroAddress, "zero");
  SIDES.forEach((side) => validators[side]!.forEach((v, b) => name(v, `validator.${BEHAVIOURS[b]}`)));
  SIDES.forEach((side) => name(aggregators[side], "aggregator"));

  /** Ours' addresses written as Chainlink's twins', so that what each returns or logs compares byte for byte. */
  const twins: [string, string][] = [[aggregators[0], aggregators[1]]];
  validators[0]!.forEach((v, b) => twins.push([v, validators[1]![b]!]));
  const lowTwins = twins.map(([a, b]) => [a.slice(2).toLowerCase(), b.slice(2).toLowerCase()] as const);
  const normalize = (side: Side, hex: string) => {
    let out = hex.toLowerCase();
    if (side === 0) for (const [a, b] of lowTwins) out = out.split(a).join(b);
    return out;
  };

  return {
    connection,
    rpc,
    feed,
    token,
    aggregators,
    validators,
    funder,
    oracles,
    admins,
    requesters,
    stranger,
    owners,
    recipients,
    dummies,
    wallets,
    normalize,
    deploymentLogs,
    label: (address: Address) => names.get(address.toLowerCase()) ?? address,
  };
}
type World = Awaited<ReturnType<typeof deployWorld>>;

// ------------------------------------------------------------------ what the generator knows of the state

/** The state as ours' views report it (they are checked equal to Chainlink's first), plus what only events tell. */
type Mirror = {
  owner: Address;
  pendingOwner: Address;
  enabled: Address[];
  admin: Map<string, Address>;
  pendingAdmin: Map<string, Address>;
  requesters: Map<string, { authorized: boolean; delay: number }>;
  reportingRound: number;
  reportingStartedAt: number;
  reportingTimeout: number;
  latestRound: number;
  available: bigint;
  allocated: bigint;
  payment: bigint;
  minSubmissions: number;
  maxSubmissions: number;
  restartDelay: number;
  timeout: number;
  validator: Address;
  withdrawable: Map<string, bigint>;
  suggested: Map<string, { eligible: boolean; roundId: number }>;
};

function call(from: Address, fn: string, args: readonly unknown[], label: string, gas = GAS): Call {
  return {
    kind: "call",
    label,
    from,
    fn,
    args,
    gas,
    to: () => zeroAddress, // set by `onAggregator`
    data: () => encodeFunctionData({ abi: ABI, functionName: fn, args }),
  };
}

// ------------------------------------------------------------------ the random calls

function generator(world: World, r: Rng) {
  const { oracles, admins, stranger, dummies, requesters, recipients, owners, wallets } = world;
  const L = world.label;
  const onAggregator = (c: Call): Call => ({ ...c, to: (side) => world.aggregators[side] });
  const sameAddress = (a: Address, b: Address) => a.toLowerCase() === b.toLowerCase();
  const enabledIn = (m: Mirror, a: Address) => m.enabled.some((e) => sameAddress(e, a));
  const someone = () => r.pick(wallets);

  const feed = world.feed;
  const center = feed.min > 0n ? 2000n * 10n ** BigInt(feed.decimals) : 0n;
  const spread = feed.max - feed.min > 10n ** 12n ? 10n ** BigInt(feed.decimals + 1) : 300n;
  const SPECIALS = [0n, 1n, -1n, 2n ** 95n - 1n, 2n ** 95n, 2n ** 96n, 2n ** 127n - 1n, 2n ** 127n, 2n ** 200n];
  const inInt256 = (v: bigint) => v >= INT256_MIN && v <= INT256_MAX;
  const inRange = (v: bigint) => v >= feed.min && v <= feed.max;

  function value(): bigint {
    const x = r.float();
    const clamp = (v: bigint) => (v < feed.min ? feed.min : v > feed.max ? feed.max : v);
    if (x < 0.55) return clamp(center + r.big(-spread, spread));
    if (x < 0.65) return r.pick([feed.min, feed.max, feed.min + 1n, feed.max - 1n]);
    if (x < 0.72) {
      const outside = [feed.min - 1n, feed.max + 1n, feed.min - 2n ** 64n, feed.max + 2n ** 64n].filter(inInt256);
      return outside.length > 0 ? r.pick(outside) : feed.max;
    }
    if (x < 0.88) {
      const specials = SPECIALS.flatMap((v) => [v, -v]).filter(inRange);
      return specials.length > 0 ? r.pick(specials) : center;
    }
    return r.big(feed.min, feed.max);
  }

  /**
   * Round parameters for `count` oracles of which `live` can submit: valid mostly, and mostly within what the live
   * ones can answer (rounds otherwise only end by timing out, and never without a timeout); any of the refusals
   * sometimes.
   */
  function roundParameters(count: number, live: number, timeout: number): [number, number, number] {
    if (r.chance(0.85)) {
      if (count === 0) return [0, 0, r.pick([0, 1, 5, Number(ROUND_MAX)])];
      const cap = live > 0 && (timeout === 0 || r.chance(0.85)) ? Math.min(live, count) : count;
      const min = r.int(1, cap);
      return [min, r.int(min, cap), r.int(0, count - 1)];
    }
    return [r.int(0, count + 1), r.int(0, count + 2), r.pick([r.int(0, count + 1), Number(ROUND_MAX)])];
  }

  const liveCount = (m: Mirror) => oracles.filter((o) => enabledIn(m, o)).length;

  function submit(m: Mirror): Action {
    const enabled = oracles.filter((o) => enabledIn(m, o));
    const eligible = enabled.filter((o) => m.suggested.get(o.toLowerCase())?.eligible);
    const oracle =
      eligible.length > 0 && r.chance(0.75)
        ? r.pick(eligible)
        : enabled.length > 0 && r.chance(0.6)
          ? r.pick(enabled)
          : r.pick([...oracles, stranger]);
    const rr = m.reportingRound;
    const suggested = m.suggested.get(oracle.toLowerCase())?.roundId ?? rr + 1;
    const rounds = [rr - 1, rr, rr + 1, rr + 2, m.latestRound, 0, 1].filter((x) => x >= 0).map(BigInt);
    // only the low 32 bits of the round id count, in both
    rounds.push(2n ** 32n + BigInt(rr + 1), 2n ** 256n - 1n);
    const roundId = r.chance(0.6) ? BigInt(suggested) : r.pick(rounds);
    const v = value();
    return onAggregator(call(oracle, "submit", [roundId, v], `submit(${roundId}, ${v}) by ${L(oracle)}`));
  }

  function warp(m: Mirror, now: number): Action {
    const deadline = m.reportingStartedAt + m.reportingTimeout;
    const targets = [now + r.int(2, 6), now + r.int(10, 200)];
    // the next call exactly at the reporting round's timeout (not yet timed out) or one second past it
    if (m.reportingTimeout > 0 && deadline > now) targets.push(deadline, deadline + 1, deadline + 1);
    const to = Math.max(now + 2, r.pick(targets));
    return {
      kind: "warp",
      label: `warp to ${to - START}s (reporting round ${m.reportingRound} started at ${m.reportingStartedAt - START}s, timeout ${m.reportingTimeout})`,
      to,
    };
  }

  function requestNewRound(m: Mirror): Action {
    const authorized = requesters.filter((q) => m.requesters.get(q.toLowerCase())?.authorized);
    const allowed = [...m.requesters.entries()].filter(([, v]) => v.authorized).map(([k]) => getAddress(k));
    const from =
      allowed.length > 0 && r.chance(0.75) ? r.pick(allowed) : r.pick([...authorized, ...requesters, someone()]);
    return onAggregator(call(from, "requestNewRound", [], `requestNewRound() by ${L(from)}`));
  }

  function setRequesterPermissions(m: Mirror): Action {
    const from = r.chance(0.9) ? m.owner : someone();
    const requester = r.pick([...requesters, oracles[0]!, stranger]);
    const authorized = r.chance(0.7);
    const delay = r.pick([0, 0, 1, 2, 3, Number(ROUND_MAX)]);
    return onAggregator(
      call(
        from,
        "setRequesterPermissions",
        [requester, authorized, delay],
        `setRequesterPermissions(${L(requester)}, ${authorized}, ${delay}) by ${L(from)}`,
      ),
    );
  }

  function changeOracles(m: Mirror): Action {
    const from = r.chance(0.92) ? m.owner : someone();
    const enabled = oracles.filter((o) => enabledIn(m, o));
    const removed = enabled.filter(() => r.chance(0.3));
    if (r.chance(0.04)) removed.push(r.pick([...oracles, stranger])); // perhaps not enabled
    if (r.chance(0.03) && removed.length > 0) removed.push(removed[0]!); // removed twice
    const added = oracles.filter((o) => !enabledIn(m, o) && r.chance(0.4));
    if (r.chance(0.15) && removed.length > 0) added.push(r.pick(removed)); // removed and added back in one call
    if (r.chance(0.04) && enabled.length > 0) added.push(r.pick(enabled)); // perhaps already enabled
    const addedAdmins = added.map((o) => {
      const current = m.admin.get(o.toLowerCase()) ?? zeroAddress;
      if (r.chance(0.03)) return zeroAddress;
      if (current !== zeroAddress && r.chance(0.93)) return current; // a different one cannot overwrite it
      return r.pick([...admins, o]);
    });
    if (r.chance(0.03)) {
      if (addedAdmins.length > 0 && r.chance(0.5)) addedAdmins.pop();
      else addedAdmins.push(r.pick(admins));
    }
    const count = m.enabled.length - new Set(removed).size + new Set(added).size;
    const live = new Set([...enabled.filter((o) => !removed.includes(o)), ...added]).size;
    const [min, max, delay] = roundParameters(Math.max(count, 0), live, m.timeout);
    const names = (list: Address[]) => `[${list.map(L).join(" ")}]`;
    return onAggregator(
      call(
        from,
        "changeOracles",
        [removed, added, addedAdmins, min, max, delay],
        `changeOracles(${names(removed)}, ${names(added)}, ${names(addedAdmins)}, ${min}, ${max}, ${delay}) by ${L(from)}`,
        GAS_CHANGE_ORACLES,
      ),
    );
  }

  /** Many keyless oracles at once, up to the 77-oracle limit and sometimes past it, or all of them removed. */
  function crowd(m: Mirror): Action {
    const present = dummies.filter((d) => enabledIn(m, d));
    const count = m.enabled.length;
    if (present.length > 0 && r.chance(0.5)) {
      const [min, max, delay] = roundParameters(count - present.length, liveCount(m), m.timeout);
      return onAggregator(
        call(
          m.owner,
          "changeOracles",
          [present, [], [], min, max, delay],
          `changeOracles(remove ${present.length} dummies, ${min}, ${max}, ${delay})`,
          GAS_CHANGE_ORACLES,
        ),
      );
    }
    const absent = dummies.filter((d) => !enabledIn(m, d));
    const k = Math.min(absent.length, r.int(1, MAX_ORACLE_COUNT + 1 - count));
    const added = absent.slice(0, k);
    const keep = r.chance(0.7) && m.minSubmissions > 0;
    const [min, max, delay] = keep
      ? [m.minSubmissions, m.maxSubmissions, m.restartDelay]
      : roundParameters(count + k, liveCount(m), m.timeout);
    return onAggregator(
      call(
        m.owner,
        "changeOracles",
        [[], added, added.map(() => r.pick(admins)), min, max, delay],
        `changeOracles(add ${k} dummies to ${count}, ${min}, ${max}, ${delay})`,
        GAS_CHANGE_ORACLES,
      ),
    );
  }

  function updateFutureRounds(m: Mirror): Action {
    const from = r.chance(0.9) ? m.owner : someone();
    const count = m.enabled.length;
    const x = r.float();
    const payment =
      x < 0.5
        ? m.payment
        : x < 0.6
          ? 0n
          : x < 0.8
            ? r.big(0n, 2n * m.payment + 10n)
            : x < 0.92 && count > 0
              ? m.available / BigInt(2 * count) + r.pick([0n, 1n]) // the reserve exactly covered, or not
              : 2n ** 127n;
    const timeout = r.chance(0.5) ? m.timeout : r.pick([0, 1, 5, 20, 20, 60, 60, 600]);
    const [min, max, delay] = roundParameters(count, liveCount(m), timeout);
    return onAggregator(
      call(
        from,
        "updateFutureRounds",
        [payment, min, max, delay, timeout],
        `updateFutureRounds(${payment}, ${min}, ${max}, ${delay}, ${timeout}) by ${L(from)}`,
      ),
    );
  }

  function withdrawPayment(m: Mirror): Action {
    const owed = [...oracles, stranger].filter((o) => (m.withdrawable.get(o.toLowerCase()) ?? 0n) > 0n);
    const oracle = owed.length > 0 && r.chance(0.85) ? r.pick(owed) : r.pick([...oracles, stranger]);
    const admin = m.admin.get(oracle.toLowerCase()) ?? zeroAddress;
    const from = admin !== zeroAddress && r.chance(0.85) ? admin : someone();
    const recipient = r.pick([...recipients, oracle]);
    const w = m.withdrawable.get(oracle.toLowerCase()) ?? 0n;
    // Chainlink's keeps the low 128 bits of the amount, and so does ours
    const amount = r.pick([w, w, w / 2n, w + 1n, 0n, UINT128 + w / 3n, 2n ** 256n - 1n]);
    return onAggregator(
      call(
        from,
        "withdrawPayment",
        [oracle, recipient, amount],
        `withdrawPayment(${L(oracle)}, ${L(recipient)}, ${amount}) by ${L(from)}`,
      ),
    );
  }

  function withdrawFunds(m: Mirror): Action {
    const from = r.chance(0.85) ? m.owner : someone();
    const reserve = m.payment * BigInt(m.enabled.length) * 2n;
    const free = m.available - reserve;
    const amount = r.pick([free, free + 1n, free / 3n, 0n, m.available].filter((a) => a >= 0n));
    const recipient = r.pick(recipients);
    return onAggregator(
      call(from, "withdrawFunds", [recipient, amount], `withdrawFunds(${L(recipient)}, ${amount}) by ${L(from)}`),
    );
  }

  function tokenCall(fn: string, args: (side: Side) => readonly unknown[], label: string): Call {
    return {
      kind: "call",
      label,
      from: world.funder,
      gas: GAS,
      to: () => world.token,
      data: (side) => encodeFunctionData({ abi: TOKEN_ABI, functionName: fn, args: args(side) }),
    };
  }

  function fund(m: Mirror): Action {
    const amount = r.pick([m.payment * BigInt(r.int(1, 40)), r.big(0n, 10n ** 18n), 0n]);
    if (r.chance(0.4)) {
      return tokenCall(
        "transfer",
        (side) => [world.aggregators[side], amount],
        `token.transfer(aggregator, ${amount})`,
      );
    }
    const data: Hex = r.chance(0.85) ? "0x" : r.pick(["0x00", "0x1234"] as const);
    return tokenCall(
      "transferAndCall",
      (side) => [world.aggregators[side], amount, data],
      `token.transferAndCall(aggregator, ${amount}, ${data})`,
    );
  }

  function updateAvailableFunds(): Action {
    const from = someone();
    return onAggregator(call(from, "updateAvailableFunds", [], `updateAvailableFunds() by ${L(from)}`));
  }

  function transferAdmin(m: Mirror): Action {
    const oracle = r.pick([...oracles, stranger]);
    const admin = m.admin.get(oracle.toLowerCase()) ?? zeroAddress;
    const from = admin !== zeroAddress && r.chance(0.8) ? admin : someone();
    const to = r.chance(0.05) ? zeroAddress : r.pick([...admins, stranger, oracle]);
    return onAggregator(
      call(from, "transferAdmin", [oracle, to], `transferAdmin(${L(oracle)}, ${L(to)}) by ${L(from)}`),
    );
  }

  function acceptAdmin(m: Mirror): Action {
    const pending = [...m.pendingAdmin.entries()].filter(([, v]) => v !== zeroAddress);
    const [oracle, to] =
      pending.length > 0 && r.chance(0.8)
        ? (() => {
            const [o, p] = r.pick(pending);
            return [getAddress(o), p] as const;
          })()
        : [r.pick(oracles), zeroAddress];
    const from = to !== zeroAddress && r.chance(0.85) ? to : someone();
    return onAggregator(call(from, "acceptAdmin", [oracle], `acceptAdmin(${L(oracle)}) by ${L(from)}`));
  }

  /** `unblock`: one that lets rounds be answered (no validator, or one that records or reverts). */
  function setValidator(m: Mirror, unblock = false): Action {
    const from = r.chance(0.9) || unblock ? m.owner : someone();
    const choice = unblock ? r.pick([0, 1, BEHAVIOURS.length]) : r.int(0, BEHAVIOURS.length + 1);
    // a mock (each aggregator its own), no validator, or an account without code
    const validator = (side: Side): Address =>
      choice < BEHAVIOURS.length
        ? world.validators[side]![choice]!
        : choice === BEHAVIOURS.length
          ? zeroAddress
          : stranger;
    return {
      ...onAggregator(call(from, "setValidator", [zeroAddress], "")),
      data: (side) => encodeFunctionData({ abi: ABI, functionName: "setValidator", args: [validator(side)] }),
      label: `setValidator(${L(validator(1))}) by ${L(from)}`,
    };
  }

  function ownership(m: Mirror): Action {
    if (m.pendingOwner !== zeroAddress && r.chance(0.6)) {
      const from = r.chance(0.85) ? m.pendingOwner : someone();
      return onAggregator(call(from, "acceptOwnership", [], `acceptOwnership() by ${L(from)}`));
    }
    const from = r.chance(0.85) ? m.owner : someone();
    const to = r.pick(owners);
    return onAggregator(call(from, "transferOwnership", [to], `transferOwnership(${L(to)}) by ${L(from)}`));
  }

  const OPERATIONS: [number, (m: Mirror, now: number) => Action][] = [
    [44, submit],
    [8, warp],
    [6, requestNewRound],
    [3, setRequesterPermissions],
    [7, changeOracles],
    [1, crowd],
    [4, updateFutureRounds],
    [5, withdrawPayment],
    [2, withdrawFunds],
    [3, fund],
    [2, updateAvailableFunds],
    [3, transferAdmin],
    [3, acceptAdmin],
    [2, (m) => setValidator(m)],
    [2, ownership],
  ];
  const total = OPERATIONS.reduce((sum, [w]) => sum + w, 0);

  /** When no round was answered for a while: whatever may unblock them. */
  function remedy(m: Mirror, now: number): Action {
    const blocking = [stranger, world.validators[0]![BEHAVIOURS.indexOf("ReturnsNothing")]!];
    if (blocking.some((b) => sameAddress(b, m.validator)) && r.chance(0.7)) return setValidator(m, true);
    const x = r.float();
    if (x < 0.3 && m.reportingTimeout > 0) {
      const to = Math.max(now + 2, m.reportingStartedAt + m.reportingTimeout + 1);
      return { kind: "warp", label: `warp to ${to - START}s, past round ${m.reportingRound}'s timeout`, to };
    }
    if (x < 0.6) {
      const live = liveCount(m);
      const count = m.enabled.length;
      const payment = count > 0 && m.payment * BigInt(2 * count) > m.available ? 0n : m.payment;
      const max = Math.max(1, Math.min(live, count));
      const args = [payment, Math.min(1, count), Math.min(max, count), 0, r.pick([5, 20, 60])] as const;
      return onAggregator(
        call(m.owner, "updateFutureRounds", args, `updateFutureRounds(${args.join(", ")}) to unblock`),
      );
    }
    if (x < 0.8) {
      const amount = 10n ** 20n;
      return tokenCall(
        "transferAndCall",
        (side) => [world.aggregators[side], amount, "0x"],
        `token.transferAndCall(aggregator, ${amount}, 0x) to unblock`,
      );
    }
    return changeOracles(m);
  }

  return {
    next(m: Mirror, now: number, stuck: boolean): Action {
      if (stuck && r.chance(0.4)) return remedy(m, now);
      let x = r.float() * total;
      for (const [weight, make] of OPERATIONS) {
        x -= weight;
        if (x < 0) return make(m, now);
      }
      return submit(m);
    },
    /** The first calls: funds for a few hundred payments, then three to seven oracles. */
    setup(m: Mirror): Action[] {
      const funding = m.payment * BigInt(r.int(20, 400)) + BigInt(r.int(0, 1000));
      const n = r.int(3, 7);
      const first = oracles.slice(0, n);
      const firstAdmins = first.map((o) => (r.chance(0.5) ? o : r.pick(admins)));
      const min = r.int(1, n);
      return [
        tokenCall(
          "transferAndCall",
          (side) => [world.aggregators[side], funding, "0x"],
          `token.transferAndCall(aggregator, ${funding}, 0x)`,
        ),
        onAggregator(
          call(
            m.owner,
            "changeOracles",
            [[], first, firstAdmins, min, r.int(min, n), r.int(0, n - 1)],
            `changeOracles([], oracle0..${n - 1}, …)`,
            GAS_CHANGE_ORACLES,
          ),
        ),
      ];
    },
  };
}

// ------------------------------------------------------------------ running both and comparing

function differential(world: World) {
  const { rpc, normalize } = world;
  const from = world.stranger; // an account, so that oracleRoundState's off-chain check passes

  async function simulate(c: Call, side: Side): Promise<Outcome> {
    try {
      const data = await rpc<Hex>("eth_call", [
        { from: c.from, to: c.to(side), data: c.data(side), gas: toHex(c.gas) },
        "pending",
      ]);
      return { ok: true, data };
    } catch (error) {
      const data = (error as { data?: unknown }).data;
      if (typeof data === "string" && data.startsWith("0x")) return { ok: false, data: data as Hex };
      if (/revert|invalid opcode|out of gas/i.test((error as Error).message)) return { ok: false, data: "0x" };
      throw error;
    }
  }

  async function view(to: Address, data: Hex): Promise<Outcome> {
    try {
      return { ok: true, data: await rpc<Hex>("eth_call", [{ from, to, data }, "latest"]) };
    } catch (error) {
      const revert = (error as { data?: unknown }).data;
      if (typeof revert === "string" && revert.startsWith("0x")) return { ok: false, data: revert as Hex };
      throw error;
    }
  }

  /** Both aggregators' answer to one view; fails unless they are the same bytes. Returns ours, decoded. */
  async function compareView(fn: string, args: readonly unknown[] = [], problems: string[]): Promise<unknown> {
    const data = encodeFunctionData({ abi: ABI, functionName: fn, args });
    const [ours, theirs] = await Promise.all(SIDES.map((side) => view(world.aggregators[side], data)));
    if (ours!.ok !== theirs!.ok || normalize(0, ours!.data) !== normalize(1, theirs!.data)) {
      const show = (o: Outcome, side: Side) => {
        if (!o.ok) return `reverted ${JSON.stringify(decodeRevert(side, o.data))}`;
        const decoded = decodeFunctionResult({ abi: ABI, functionName: fn, data: o.data }) as unknown;
        return `[${(Array.isArray(decoded) ? decoded : [decoded]).map(String).join(", ")}]`;
      };
      problems.push(`${fn}(${args.map(String).join(", ")}): ours ${show(ours!, 0)}, Chainlink's ${show(theirs!, 1)}`);
      return undefined;
    }
    return ours!.ok ? decodeFunctionResult({ abi: ABI, functionName: fn, data: ours!.data }) : undefined;
  }

  /**
   * Every view, compared, all at once; returns the state as ours reports it. `full`: also every oracle's state in
   * each recent round, older rounds, and round ids past 32 bits (every few steps, as these change more slowly).
   */
  async function compareViews(m: Mirror, full: boolean): Promise<{ problems: string[]; mirror: Mirror }> {
    const problems: string[] = [];
    const views: [string, readonly unknown[]][] = [
      ["latestRoundData", []],
      ["latestAnswer", []],
      ["latestTimestamp", []],
      ["latestRound", []],
      ["availableFunds", []],
      ["allocatedFunds", []],
      ["getOracles", []],
      ["oracleCount", []],
      ["paymentAmount", []],
      ["minSubmissionCount", []],
      ["maxSubmissionCount", []],
      ["restartDelay", []],
      ["timeout", []],
      ["validator", []],
      ["owner", []],
    ];
    // what never changes, once
    if (m.reportingRound === 0 && m.enabled.length === 0) {
      for (const fn of [
        "description",
        "decimals",
        "version",
        "linkToken",
        "minSubmissionValue",
        "maxSubmissionValue",
      ]) {
        views.push([fn, []]);
      }
    }
    // a step answers the reporting round or the one before it, so these hold the latest round too
    const rr = m.reportingRound;
    const latest = m.latestRound;
    const recent = full
      ? [0, 1, latest - 1, latest, rr - 2, rr - 1, rr, rr + 1, rr + 2]
      : [0, latest, rr - 1, rr, rr + 1];
    const rounds = [...new Set(recent)].filter((x) => x >= 0).map(BigInt);
    if (full) rounds.push(2n ** 32n + BigInt(latest), ROUND_MAX, 2n ** 80n - 1n);
    for (const round of rounds) {
      views.push(["getRoundData", [round]], ["getAnswer", [round]], ["getTimestamp", [round]]);
    }
    const watched = [...world.oracles, world.stranger, world.dummies[0]!];
    const queried = [...new Set(full ? [1, latest, rr - 1, rr, rr + 1, rr + 2] : [rr, rr + 1])].filter((x) => x > 0);
    for (const oracle of watched) {
      views.push(["oracleRoundState", [oracle, 0]], ["withdrawablePayment", [oracle]], ["getAdmin", [oracle]]);
      for (const round of queried) views.push(["oracleRoundState", [oracle, round]]);
    }
    const results = await Promise.all(views.map(([fn, args]) => compareView(fn, args, problems)));
    const got = new Map(views.map(([fn, args], i) => [`${fn}(${args.map(String).join(",")})`, results[i]]));
    const at = <T>(fn: string, ...args: unknown[]) => got.get(`${fn}(${args.map(String).join(",")})`) as T | undefined;

    const balance = await Promise.all(
      SIDES.map((side) =>
        view(
          world.token,
          encodeFunctionData({ abi: TOKEN_ABI, functionName: "balanceOf", args: [world.aggregators[side]] }),
        ),
      ),
    );
    if (balance[0]!.data !== balance[1]!.data) problems.push(`token balances ${balance[0]!.data} ${balance[1]!.data}`);

    const admin = new Map<string, Address>();
    const withdrawable = new Map<string, bigint>();
    const suggested = new Map<string, { eligible: boolean; roundId: number }>();
    for (const oracle of watched) {
      const state = at<readonly [boolean, number]>("oracleRoundState", oracle, 0);
      if (state) suggested.set(oracle.toLowerCase(), { eligible: state[0], roundId: Number(state[1]) });
      withdrawable.set(oracle.toLowerCase(), at<bigint>("withdrawablePayment", oracle) ?? 0n);
      admin.set(oracle.toLowerCase(), at<Address>("getAdmin", oracle) ?? zeroAddress);
    }
    return {
      problems,
      mirror: {
        ...m,
        owner: at<Address>("owner") ?? m.owner,
        enabled: at<Address[]>("getOracles") ?? [],
        admin,
        withdrawable,
        suggested,
        latestRound: Number(at<bigint>("latestRound") ?? 0n),
        available: at<bigint>("availableFunds") ?? 0n,
        allocated: at<bigint>("allocatedFunds") ?? 0n,
        payment: at<bigint>("paymentAmount") ?? 0n,
        minSubmissions: Number(at<number>("minSubmissionCount") ?? 0),
        maxSubmissions: Number(at<number>("maxSubmissionCount") ?? 0),
        restartDelay: Number(at<number>("restartDelay") ?? 0),
        timeout: Number(at<number>("timeout") ?? 0),
        validator: at<Address>("validator") ?? zeroAddress,
      },
    };
  }

  /** Runs `c` on both in one block at `time`; returns the disagreements, and ours' receipt. */
  async function compareCall(
    c: Call,
    time: number,
  ): Promise<{ problems: string[]; receipt: RpcReceipt; reason: string }> {
    const problems: string[] = [];
    await rpc("evm_setNextBlockTimestamp", [time]);
    const simulated = [await simulate(c, 0), await simulate(c, 1)] as const;
    const hashes: Hex[] = [];
    for (const side of SIDES) {
      hashes.push(
        await rpc<Hex>("eth_sendTransaction", [
          { from: c.from, to: c.to(side), data: c.data(side), gas: toHex(c.gas) },
        ]),
      );
    }
    await rpc("evm_mine", []);
    const receipts = await Promise.all(hashes.map((h) => rpc<RpcReceipt>("eth_getTransactionReceipt", [h])));
    const [ours, theirs] = receipts as [RpcReceipt, RpcReceipt];
    if (ours.blockNumber !== theirs.blockNumber) throw new Error("the two transactions were mined apart");
    const ok = receipts.map((receipt) => receipt.status === "0x1");
    for (const side of SIDES) {
      if (simulated[side].ok !== ok[side]) {
        throw new Error(`side ${side}: the call ${simulated[side].ok ? "passed" : "reverted"} simulated, not mined`);
      }
    }
    if (ok[0] !== ok[1]) {
      const why = (side: Side) =>
        ok[side] ? "succeeded" : `reverted ${JSON.stringify(decodeRevert(side, simulated[side].data))}`;
      problems.push(`ours ${why(0)}, Chainlink's ${why(1)}`);
    } else if (!ok[0]) {
      const theirReason = decodeRevert(1, simulated[1].data);
      const ourReason = decodeRevert(0, simulated[0].data);
      if (!(SAME_REFUSAL[theirReason] ?? []).includes(ourReason)) {
        problems.push(
          `both reverted, for different reasons: ours ${ourReason}, Chainlink's ${JSON.stringify(theirReason)}`,
        );
      }
    } else {
      if (normalize(0, simulated[0].data) !== normalize(1, simulated[1].data)) {
        problems.push(`returned ${simulated[0].data} (ours), ${simulated[1].data} (Chainlink's)`);
      }
      const logs = (receipt: RpcReceipt, side: Side) =>
        receipt.logs.map((l) => normalize(side, `${l.address} ${l.topics.join(" ")} ${l.data}`));
      const [ourLogs, theirLogs] = [logs(ours, 0), logs(theirs, 1)];
      if (JSON.stringify(ourLogs) !== JSON.stringify(theirLogs)) {
        const named = (receipt: RpcReceipt, side: Side) =>
          receipt.logs.map((l, i) => {
            try {
              const [event] = parseEventLogs({ abi: ABI, logs: [l as never] });
              return `${event!.eventName}(${Object.values(event!.args as object)
                .map(String)
                .join(", ")})`;
            } catch {
              return i < ourLogs.length && side === 0 ? ourLogs[i] : (theirLogs[i] ?? "?");
            }
          });
        problems.push(
          `logs differ:\n  ours        ${named(ours, 0).join("\n              ")}\n  Chainlink's ${named(theirs, 1).join("\n              ")}`,
        );
      }
    }
    return { problems, receipt: ours, reason: ok[1] ? "" : decodeRevert(1, simulated[1].data) };
  }

  return { compareCall, compareViews, mine: (time: number) => rpc("evm_mine", [time]) };
}

/** What only the events tell: the reporting round, pending admins and owner, requesters. */
function applyEvents(m: Mirror, receipt: RpcReceipt, c: Call, world: World): Mirror {
  const next: Mirror = {
    ...m,
    pendingAdmin: new Map(m.pendingAdmin),
    requesters: new Map(m.requesters),
  };
  const own = receipt.logs.filter((l) => l.address.toLowerCase() === world.aggregators[0].toLowerCase());
  for (const event of parseEventLogs({ abi: ABI, logs: own as never[] })) {
    const args = event.args as Record<string, unknown>;
    switch (event.eventName) {
      case "NewRound":
        next.reportingRound = Number(args.roundId as bigint);
        next.reportingStartedAt = Number(args.startedAt as bigint);
        next.reportingTimeout = m.timeout;
        break;
      case "OracleAdminUpdateRequested":
        next.pendingAdmin.set((args.oracle as Address).toLowerCase(), args.newAdmin as Address);
        break;
      case "RequesterPermissionsSet":
        next.requesters.set((args.requester as Address).toLowerCase(), {
          authorized: args.authorized as boolean,
          delay: Number(args.delay),
        });
        break;
      case "OwnershipTransferRequested":
        next.pendingOwner = args.to as Address;
        break;
      case "OwnershipTransferred":
        next.pendingOwner = zeroAddress;
        break;
    }
  }
  if (c.fn === "acceptAdmin" && receipt.status === "0x1") {
    next.pendingAdmin.set((c.args![0] as Address).toLowerCase(), zeroAddress);
  }
  return next;
}

async function runSeed(seed: number, steps: number) {
  const r = rng(seed);
  const world = await deployWorld(seed, r);
  const gen = generator(world, r);
  const { compareCall, compareViews, mine } = differential(world);
  const trace: string[] = [];
  const counts = new Map<string, { ok: number; reverted: number }>();
  let now = START;
  let mirror: Mirror = {
    owner: world.funder,
    pendingOwner: zeroAddress,
    enabled: [],
    admin: new Map(),
    pendingAdmin: new Map(),
    requesters: new Map(),
    reportingRound: 0,
    reportingStartedAt: 0,
    reportingTimeout: 0,
    latestRound: 0,
    available: 0n,
    allocated: 0n,
    payment: 0n,
    minSubmissions: 0,
    maxSubmissions: 0,
    restartDelay: 0,
    timeout: 0,
    validator: zeroAddress,
    withdrawable: new Map(),
    suggested: new Map(),
  };
  const fail = (step: number, what: string, problems: string[]) => {
    assert.fail(
      `seed ${seed}, step ${step} (${what}): ours and Chainlink's disagree\n- ${problems.join("\n- ")}\n` +
        `last steps:\n  ${trace.slice(-25).join("\n  ")}\n` +
        `replay: POOLNET_DIFF_SEEDS=${seed} POOLNET_DIFF_STEPS=${step + 1} npx hardhat test nodejs ` +
        `test/FluxAggregator.differential.test.ts`,
    );
  };
  {
    const { problems, mirror: initial } = await compareViews(mirror, true);
    const logs = SIDES.map((side) =>
      world.deploymentLogs[side]!.map((l) => world.normalize(side, `${l.address} ${l.topics.join(" ")} ${l.data}`)),
    );
    if (JSON.stringify(logs[0]) !== JSON.stringify(logs[1])) problems.push(`constructor logs: ${JSON.stringify(logs)}`);
    if (logs[0]!.length === 0) problems.push("no constructor logs"); // RoundDetailsUpdated, at least
    if (problems.length > 0) fail(0, "after deployment", problems);
    mirror = initial;
  }

  const planned = gen.setup(mirror);
  let answeredAt = 0; // the last step that answered a new round
  for (let step = 1; step <= steps; step++) {
    const action = planned.shift() ?? gen.next(mirror, now, step - answeredAt > STUCK_AFTER);
    trace.push(`${step}: ${action.label}`);
    const latestBefore = mirror.latestRound;
    let problems: string[];
    if (action.kind === "warp") {
      now = action.to - 1;
      await mine(now);
    } else {
      now += 1;
      const result = await compareCall(action, now);
      const key = action.fn ?? action.label.split("(")[0]!;
      const count = counts.get(key) ?? { ok: 0, reverted: 0 };
      if (result.receipt.status === "0x1") count.ok++;
      else count.reverted++;
      counts.set(key, count);
      if (result.receipt.status !== "0x1") trace[trace.length - 1] += ` — reverted: ${JSON.stringify(result.reason)}`;
      if (TRACE) console.log(trace[trace.length - 1]);
      if (result.problems.length > 0) fail(step, action.label, result.problems);
      mirror = applyEvents(mirror, result.receipt, action, world);
    }
    // everything every FULL_VIEWS_EVERY steps and at the end
    ({ problems, mirror } = await compareViews(mirror, step % FULL_VIEWS_EVERY === 0 || step === steps));
    if (problems.length > 0) fail(step, `views after ${action.label}`, problems);
    if (mirror.latestRound !== latestBefore) answeredAt = step;
  }
  // rounds that timed out and took the previous answer (both agree on every round, so ours is asked)
  let carried = 0;
  for (let round = 1; round <= mirror.reportingRound; round++) {
    const data = encodeFunctionData({ abi: ABI, functionName: "getRoundData", args: [BigInt(round)] });
    const answer = await world
      .rpc<Hex>("eth_call", [{ to: world.aggregators[0], data }, "latest"])
      .then((hex) => decodeFunctionResult({ abi: ABI, functionName: "getRoundData", data: hex }) as readonly bigint[])
      .catch(() => undefined);
    if (answer && answer[4]! < BigInt(round)) carried++;
  }
  await world.connection.close();
  return { counts, latestRound: mirror.latestRound, reportingRound: mirror.reportingRound, carried };
}

describe("FluxAggregator against Chainlink's v0.6 bytecode, random calls", () => {
  for (const seed of SEEDS) {
    it(`seed ${seed}: ${STEPS} steps agree on reverts, logs, return values and every view`, async (t) => {
      const { counts, latestRound, reportingRound, carried } = await runSeed(seed, STEPS);
      const summary = [...counts.entries()].map(([fn, c]) => `${fn} ${c.ok}/${c.ok + c.reverted}`).join(", ");
      t.diagnostic(
        `rounds: latest answered ${latestRound}, reporting ${reportingRound}, ${carried} timed out and carried ` +
          `the previous answer; succeeded/sent: ${summary}`,
      );
      // not vacuous: rounds were answered, submissions both succeeded and reverted (a short replay is not held to it)
      const submits = counts.get("submit") ?? { ok: 0, reverted: 0 };
      if (STEPS >= 200) {
        assert.ok(latestRound >= 3, `seed ${seed}: only ${latestRound} rounds answered`);
        assert.ok(submits.ok >= 20 && submits.reverted >= 5, `seed ${seed}: submits ${JSON.stringify(submits)}`);
      }
    });
  }
});
