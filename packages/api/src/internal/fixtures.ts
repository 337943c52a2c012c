// Deterministic read-model data for tests, the fuzz test and the benchmark: `pools` pools of every group and state,
// a few delegators across them, epochs of every status and two feeds with rounds.
import { getAddress, keccak256, stringToHex, toHex, zeroHash, type Address } from "viem";
import type { MemoryReadModelData } from "../memoryReadModel.ts";
import type { DelegatorView, Epoch, FeedRoundDetail, FeedSummary, PoolDetail, PoolHistoryPoint } from "../readModel.ts";

export const address = (label: string): Address => getAddress(keccak256(stringToHex(label)).slice(0, 42));
export const tokens = (amount: number): string => (BigInt(Math.floor(amount)) * 10n ** 18n).toString();

export const FIXTURE_EPOCHS = 20;
const BLOCKS_PER_EPOCH = 10;

export function fixtureData({ pools: poolCount = 100 }: { pools?: number } = {}): MemoryReadModelData {
  const lastEpoch = FIXTURE_EPOCHS - 1;
  const asOfBlock = (lastEpoch + 1) * BLOCKS_PER_EPOCH - 1;
  const pools: PoolDetail[] = [];
  const poolHistory: Record<string, PoolHistoryPoint[]> = {};
  for (let i = 0; i < poolCount; i++) {
    const pool = address(`pool ${i}`);
    const state = i % 10 === 9 ? "retired" : i % 10 === 8 ? "broken" : i % 17 === 5 ? "disabled" : "active";
    const group = state === "retired" ? "retired" : i % 7 === 3 ? "new" : "active";
    const limit = 1_000_000 + (i % 5) * 500_000;
    const stake = ((i * 7919) % 900_000) + 1_000;
    const apr = group === "active" ? 0.02 + ((i * 37) % 100) / 1000 : null;
    const performance = group === "active" ? 0.8 + ((i * 13) % 21) / 100 : null;
    const json = JSON.stringify({ name: `Pool ${i}`, description: `Fixture pool number ${i}` });
    pools.push({
      pool,
      operator: address(`operator ${i}`),
      signingAddress: address(`signer ${i}`),
      state,
      group,
      isPrivate: i % 11 === 4,
      commissionRate: ((i * 31) % 20) * 10_000,
      totalStake: tokens(stake),
      pendingStake: tokens(i % 3 === 0 ? 500 : 0),
      stakingLimit: tokens(limit),
      remainingCapacity: tokens(Math.max(0, limit - stake - (i % 3 === 0 ? 500 : 0))),
      selfStake: tokens(state === "broken" ? 500 : 10_000),
      selfStakeSatisfied: state !== "broken",
      delegatorCount: (i % 9) + 1,
      apr,
      performance,
      attractiveness: apr === null || state !== "active" ? null : apr * (performance ?? 0) * 0.9,
      metaDataUrl: i % 4 === 0 ? "" : `data:application/json;base64,${Buffer.from(json).toString("base64")}`,
      metaDataContentHash: i % 4 === 0 ? zeroHash : keccak256(stringToHex(json)),
      registeredAtBlock: i,
      index: i,
      asOfEpoch: lastEpoch,
      asOfBlock,
      rewardsDistributed: tokens(stake / 10),
      commissionEarned: tokens(stake / 100),
      protocolFees: tokens(stake / 200),
      pendingUndelegations: tokens(i % 4 === 1 ? 100 : 0),
      pendingTransfersOut: "0",
      commissionHistory:
        i % 6 === 0
          ? [
              {
                block: 50,
                fromRate: 10_000,
                toRate: ((i * 31) % 20) * 10_000,
                status: "finalized",
                effectiveAt: 1_700_000_600,
              },
            ]
          : [],
    });
    poolHistory[pool] = Array.from({ length: FIXTURE_EPOCHS }, (_, epoch) => ({
      epoch,
      block: (epoch + 1) * BLOCKS_PER_EPOCH - 1,
      timestamp: 1_700_000_000 + epoch * 120,
      totalStake: tokens(stake - (FIXTURE_EPOCHS - epoch)),
      rewardsDistributed: tokens(epoch * 10),
      commissionRate: ((i * 31) % 20) * 10_000,
      delegatorCount: (i % 9) + 1,
      apr,
      performance,
    }));
  }

  const delegators: DelegatorView[] = [];
  const delegationHistory: MemoryReadModelData["delegationHistory"] = {};
  for (let d = 0; d < 10; d++) {
    const delegator = address(`delegator ${d}`);
    const mine = pools.filter((_, i) => i % 10 === d || i % 13 === d).slice(0, 8);
    delegators.push({
      delegator,
      asOfEpoch: lastEpoch,
      asOfBlock,
      delegations: mine.map((pool, j) => ({
        pool: pool.pool,
        stake: tokens(1000 * (j + 1)),
        rewards: tokens(j + 1),
        rewardsPaid: tokens(j),
        autoRedelegation: j % 2 === 0,
      })),
      pendingUndelegations: mine.slice(0, 1).map((pool) => ({
        id: String(d),
        pool: pool.pool,
        amount: tokens(100),
        fee: tokens(1),
        releaseAt: 1_700_003_000,
      })),
      pendingTransfers:
        mine.length > 1
          ? [
              {
                id: String(d),
                fromPool: mine[0]!.pool,
                toPool: mine[1]!.pool,
                amount: tokens(50),
                fee: "0",
                releaseAt: 1_700_002_000,
              },
            ]
          : [],
    });
    for (const pool of mine) {
      delegationHistory[`${delegator}/${pool.pool}`] = Array.from({ length: FIXTURE_EPOCHS }, (_, epoch) => ({
        epoch,
        block: (epoch + 1) * BLOCKS_PER_EPOCH - 1,
        timestamp: 1_700_000_000 + epoch * 120,
        stake: tokens(1000),
        rewards: tokens(epoch),
        rewardsPaid: "0",
      }));
    }
  }

  const statuses = ["done", "done", "done", "failed", "building", "queued"] as const;
  const epochs: Epoch[] = Array.from({ length: FIXTURE_EPOCHS + 3 }, (_, epoch) => {
    const status = epoch < FIXTURE_EPOCHS ? (epoch === 7 ? "failed" : "done") : statuses[epoch - FIXTURE_EPOCHS + 3]!;
    return {
      epoch,
      fromBlock: epoch * BLOCKS_PER_EPOCH,
      toBlock: (epoch + 1) * BLOCKS_PER_EPOCH - 1,
      status,
      reason: status === "failed" ? "the RPC endpoint stopped answering" : null,
      publishedAt: new Date(1_700_000_000_000 + epoch * 120_000).toISOString(),
      updatedAt: new Date(1_700_000_060_000 + epoch * 120_000).toISOString(),
    };
  });

  const feeds: FeedSummary[] = [];
  const rounds: Record<string, FeedRoundDetail[]> = {};
  for (const [f, description] of ["STAKE / USD", "ETH / USD"].entries()) {
    const feed = address(`feed ${f}`);
    const list: FeedRoundDetail[] = Array.from({ length: 30 }, (_, r) => {
      const round = r + 1;
      const completed = round < 30;
      const submissions = pools.slice(0, 3).map((pool, o) => ({
        oracle: pool.signingAddress,
        pool: pool.pool,
        answer: String(100_000_000 * (f + 1) + round * 10 + o),
        block: round * 3 + o,
      }));
      return {
        round,
        status: completed ? "completed" : "in-progress",
        answer: completed ? submissions[1]!.answer : null,
        startedAt: 1_700_000_000 + round * 60,
        updatedAt: completed ? 1_700_000_030 + round * 60 : null,
        submissionCount: submissions.length,
        submissions,
      };
    });
    rounds[feed] = list;
    feeds.push({
      feed,
      description,
      decimals: 8,
      oracleCount: 3,
      latestRound: 29,
      latestAnswer: list[28]!.answer,
      updatedAt: list[28]!.updatedAt,
    });
  }

  return {
    status: { headBlock: asOfBlock + 12, lastEpoch, lastEpochBlock: asOfBlock },
    pools,
    poolHistory,
    delegators,
    delegationHistory,
    epochs,
    feeds,
    rounds,
  };
}

export const fixtureHash = (text: string) => keccak256(toHex(text));
