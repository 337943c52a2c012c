// The store's schema as date-keyed migrations, applied in order, each once, each in its own transaction with the
// record that it ran. Never edit a migration that has shipped: add the next one.
import type { Store } from "./store.ts";

export type Migration = { id: string; sql: string };

export const migrations: readonly Migration[] = [
  {
    id: "2026-11-22_epochs",
    sql: `
      -- Finalized block ranges, published in order; status follows the snapshot work done for them.
      CREATE TABLE epochs (
        epoch_number int8 PRIMARY KEY CHECK (epoch_number >= 0),
        from_block int8 NOT NULL,
        to_block int8 NOT NULL CHECK (to_block >= from_block),
        -- the hash of to_block when published: a job for a rolled-back and republished epoch can tell it is stale
        to_block_hash text NOT NULL,
        status text NOT NULL DEFAULT 'queued' CHECK (status IN ('queued', 'building', 'done', 'failed')),
        reason text,
        jobs_total int4,
        published_at timestamptz NOT NULL DEFAULT now(),
        updated_at timestamptz NOT NULL DEFAULT now()
      );
      CREATE INDEX epochs_status ON epochs (status, epoch_number);

      -- The recent chain as seen by the head tracker, to notice a block replaced under it.
      CREATE TABLE tracked_blocks (
        block_number int8 PRIMARY KEY,
        block_hash text NOT NULL,
        parent_hash text NOT NULL
      );

      -- How far a reader has gone (logs folded up to a block, and the like), by reader name.
      CREATE TABLE cursors (
        name text PRIMARY KEY,
        block_number int8 NOT NULL,
        updated_at timestamptz NOT NULL DEFAULT now()
      );

      -- Every reorganization seen; first_epoch_rolled_back is null when it stayed inside the finalization offset.
      CREATE TABLE reorg_events (
        id serial PRIMARY KEY,
        detected_at timestamptz NOT NULL DEFAULT now(),
        common_ancestor int8 NOT NULL,
        old_head int8 NOT NULL,
        new_head int8 NOT NULL,
        depth int4 NOT NULL,
        first_epoch_rolled_back int8,
        epochs_rolled_back int4 NOT NULL DEFAULT 0
      );

      -- One row per snapshot job finished for an epoch: done twice is still one row.
      CREATE TABLE snapshot_jobs (
        epoch_number int8 NOT NULL REFERENCES epochs ON DELETE CASCADE,
        builder text NOT NULL,
        entity text NOT NULL,
        status text NOT NULL CHECK (status IN ('done', 'failed')),
        attempts int4 NOT NULL,
        error text,
        finished_at timestamptz NOT NULL DEFAULT now(),
        PRIMARY KEY (epoch_number, builder, entity)
      );

      -- Each pool at the end of each epoch. Token amounts are numeric(78): a uint256 fits.
      CREATE TABLE pool_snapshots (
        epoch_number int8 NOT NULL REFERENCES epochs ON DELETE CASCADE,
        pool text NOT NULL,
        operator text NOT NULL,
        state text NOT NULL,
        commission_rate int4 NOT NULL,
        total_stake numeric(78) NOT NULL,
        delegator_count int4 NOT NULL,
        rewards_distributed numeric(78) NOT NULL,
        protocol_fees numeric(78) NOT NULL,
        commission numeric(78) NOT NULL,
        pending_undelegations numeric(78) NOT NULL,
        pending_undelegation_count int4 NOT NULL,
        pending_stake numeric(78) NOT NULL,
        PRIMARY KEY (epoch_number, pool)
      );
    `,
  },
  {
    id: "2026-11-23_pool_details",
    sql: `
      -- What a delegator needs besides the first cut: the pool's limit and self-stake (remaining capacity, broken
      -- pools), transfers out still in their lockout, when the pool was registered (new pools) and the epoch's time.
      ALTER TABLE pool_snapshots
        ADD COLUMN signing_address text NOT NULL DEFAULT '',
        ADD COLUMN staking_limit numeric(78) NOT NULL DEFAULT 0,
        ADD COLUMN self_stake numeric(78) NOT NULL DEFAULT 0,
        ADD COLUMN pending_transfers_out numeric(78) NOT NULL DEFAULT 0,
        ADD COLUMN pending_transfer_count int4 NOT NULL DEFAULT 0,
        ADD COLUMN registered_at_block int8 NOT NULL DEFAULT 0,
        ADD COLUMN block_timestamp int8 NOT NULL DEFAULT 0;

      -- Each delegation at the end of each epoch: stake, rewards not yet paid (getRewards at the epoch's last block,
      -- the operator's commission included) and rewards paid so far (withdrawn, redelegated or auto-redelegated).
      -- Rows for every delegator with stake, the operator, and whoever left the pool during the epoch.
      CREATE TABLE delegator_snapshots (
        epoch_number int8 NOT NULL REFERENCES epochs ON DELETE CASCADE,
        pool text NOT NULL,
        delegator text NOT NULL,
        stake numeric(78) NOT NULL,
        rewards numeric(78) NOT NULL,
        rewards_paid numeric(78) NOT NULL,
        PRIMARY KEY (epoch_number, pool, delegator)
      );
      CREATE INDEX delegator_snapshots_delegator ON delegator_snapshots (delegator, epoch_number);
    `,
  },
  {
    id: "2026-11-24_feeds",
    sql: `
      -- Each FluxAggregator round an epoch touched (started, submitted to, answered, closed), as it stood at the
      -- epoch's end: the last row of a round is its final state. Answers are int256: numeric(78) holds them.
      CREATE TABLE feed_rounds (
        epoch_number int8 NOT NULL REFERENCES epochs ON DELETE CASCADE,
        feed text NOT NULL,
        round_id int8 NOT NULL,
        started_at int8 NOT NULL,
        started_by text NOT NULL,
        started_at_block int8 NOT NULL,
        answer numeric(78),
        answered_in_round int8 NOT NULL,
        updated_at int8 NOT NULL,
        deviation_ppm numeric,
        submission_count int4 NOT NULL,
        eligible_count int4 NOT NULL,
        timed_out boolean NOT NULL,
        closed boolean NOT NULL,
        PRIMARY KEY (epoch_number, feed, round_id)
      );
      CREATE INDEX feed_rounds_round ON feed_rounds (feed, round_id, epoch_number);

      -- Every submission, in the epoch of its block; latency from the round's start (null: round started earlier
      -- than the indexer's first block).
      CREATE TABLE feed_submissions (
        epoch_number int8 NOT NULL REFERENCES epochs ON DELETE CASCADE,
        feed text NOT NULL,
        round_id int8 NOT NULL,
        oracle text NOT NULL,
        value numeric(78) NOT NULL,
        block_number int8 NOT NULL,
        log_index int4 NOT NULL,
        block_timestamp int8 NOT NULL,
        latency_seconds int8,
        PRIMARY KEY (epoch_number, feed, round_id, oracle)
      );
      CREATE INDEX feed_submissions_oracle ON feed_submissions (feed, oracle, epoch_number);

      -- Each oracle per feed per epoch: rounds closed in the epoch it was eligible for / answered / missed, and the
      -- pool it is bound to in the registry (null: none) — what a pool's apparent performance sums.
      CREATE TABLE feed_oracle_epochs (
        epoch_number int8 NOT NULL REFERENCES epochs ON DELETE CASCADE,
        feed text NOT NULL,
        oracle text NOT NULL,
        pool text,
        enabled boolean NOT NULL,
        eligible int4 NOT NULL,
        answered int4 NOT NULL,
        missed int4 NOT NULL,
        submissions int4 NOT NULL,
        PRIMARY KEY (epoch_number, feed, oracle)
      );
      CREATE INDEX feed_oracle_epochs_pool ON feed_oracle_epochs (pool, epoch_number);
    `,
  },
  {
    id: "2026-11-25_pairs",
    sql: `
      -- Uniswap-v2: the metadata cache, read from the chain once. A pair's address is fixed by its two tokens.
      CREATE TABLE token_metadata (
        token text PRIMARY KEY,
        symbol text NOT NULL,
        name text NOT NULL,
        decimals int4 NOT NULL
      );
      CREATE TABLE pair_metadata (
        pair text PRIMARY KEY,
        token0 text NOT NULL,
        token1 text NOT NULL
      );

      -- Each tracked pair at the end of each epoch: reserves, USD prices (null: not priced), TVL, and its trades
      -- summed over the epoch, the last 24 hours and the last 7 days (by block timestamps). USD amounts have 18
      -- decimals; token amounts are in the token's smallest unit; counts are transactions.
      CREATE TABLE pair_snapshots (
        epoch_number int8 NOT NULL REFERENCES epochs ON DELETE CASCADE,
        pair text NOT NULL,
        token0 text NOT NULL,
        token1 text NOT NULL,
        block_timestamp int8 NOT NULL,
        reserve0 numeric(78) NOT NULL,
        reserve1 numeric(78) NOT NULL,
        price0_usd numeric(78,18),
        price1_usd numeric(78,18),
        tvl_usd numeric(78,18) NOT NULL,
        volume0 numeric(78) NOT NULL, volume1 numeric(78) NOT NULL, volume_usd numeric(78,18) NOT NULL,
        fees0 numeric(78) NOT NULL, fees1 numeric(78) NOT NULL, fees_usd numeric(78,18) NOT NULL,
        swaps int8 NOT NULL, mints int8 NOT NULL, burns int8 NOT NULL,
        volume0_24h numeric(78) NOT NULL, volume1_24h numeric(78) NOT NULL, volume_usd_24h numeric(78,18) NOT NULL,
        fees0_24h numeric(78) NOT NULL, fees1_24h numeric(78) NOT NULL, fees_usd_24h numeric(78,18) NOT NULL,
        swaps_24h int8 NOT NULL, mints_24h int8 NOT NULL, burns_24h int8 NOT NULL,
        volume0_7d numeric(78) NOT NULL, volume1_7d numeric(78) NOT NULL, volume_usd_7d numeric(78,18) NOT NULL,
        fees0_7d numeric(78) NOT NULL, fees1_7d numeric(78) NOT NULL, fees_usd_7d numeric(78,18) NOT NULL,
        swaps_7d int8 NOT NULL, mints_7d int8 NOT NULL, burns_7d int8 NOT NULL,
        PRIMARY KEY (epoch_number, pair)
      );
      CREATE INDEX pair_snapshots_pair ON pair_snapshots (pair, epoch_number);

      -- Swaps, mints and burns grouped by transaction: one row per pair, transaction and kind, in the epoch of its
      -- block. In and out are what the pair received and paid (a mint's deposit is in, a burn's withdrawal out).
      CREATE TABLE pair_transactions (
        epoch_number int8 NOT NULL REFERENCES epochs ON DELETE CASCADE,
        pair text NOT NULL,
        tx_hash text NOT NULL,
        kind text NOT NULL CHECK (kind IN ('swap', 'mint', 'burn')),
        block_number int8 NOT NULL,
        block_timestamp int8 NOT NULL,
        log_index int4 NOT NULL,
        log_count int4 NOT NULL,
        amount0_in numeric(78) NOT NULL,
        amount1_in numeric(78) NOT NULL,
        amount0_out numeric(78) NOT NULL,
        amount1_out numeric(78) NOT NULL,
        value_usd numeric(78,18) NOT NULL,
        fees0 numeric(78) NOT NULL,
        fees1 numeric(78) NOT NULL,
        fees_usd numeric(78,18) NOT NULL,
        PRIMARY KEY (epoch_number, pair, tx_hash, kind)
      );
      CREATE INDEX pair_transactions_time ON pair_transactions (pair, block_timestamp);

      -- Each token of a tracked pair at the end of each epoch: its USD price and where it came from, what the
      -- tracked pairs hold of it, and its swaps over the epoch, 24 hours and 7 days.
      CREATE TABLE token_snapshots (
        epoch_number int8 NOT NULL REFERENCES epochs ON DELETE CASCADE,
        token text NOT NULL,
        block_timestamp int8 NOT NULL,
        price_usd numeric(78,18),
        price_source text,
        price_pairs int4 NOT NULL,
        reserve numeric(78) NOT NULL,
        tvl_usd numeric(78,18) NOT NULL,
        volume numeric(78) NOT NULL, volume_usd numeric(78,18) NOT NULL,
        fees numeric(78) NOT NULL, fees_usd numeric(78,18) NOT NULL, swaps int8 NOT NULL,
        volume_24h numeric(78) NOT NULL, volume_usd_24h numeric(78,18) NOT NULL,
        fees_24h numeric(78) NOT NULL, fees_usd_24h numeric(78,18) NOT NULL, swaps_24h int8 NOT NULL,
        volume_7d numeric(78) NOT NULL, volume_usd_7d numeric(78,18) NOT NULL,
        fees_7d numeric(78) NOT NULL, fees_usd_7d numeric(78,18) NOT NULL, swaps_7d int8 NOT NULL,
        PRIMARY KEY (epoch_number, token)
      );
      CREATE INDEX token_snapshots_token ON token_snapshots (token, epoch_number);
    `,
  },
];

/** Applies the migrations `store` has not recorded yet; safe to run from several processes at once. */
export async function migrate(store: Store, list: readonly Migration[] = migrations): Promise<string[]> {
  await store.transaction(async (sql) => {
    await sql.query("SELECT pg_advisory_xact_lock(7201)");
    await sql.exec(`
      CREATE TABLE IF NOT EXISTS schema_migrations (
        id text PRIMARY KEY,
        applied_at timestamptz NOT NULL DEFAULT now()
      )`);
  });
  const applied: string[] = [];
  for (const migration of list) {
    const ran = await store.transaction(async (sql) => {
      // one migrator at a time: a second process waits here, then sees the migration recorded
      await sql.query("SELECT pg_advisory_xact_lock(7201)");
      const done = await sql.query("SELECT 1 FROM schema_migrations WHERE id = $1", [migration.id]);
      if (done.length > 0) return false;
      await sql.exec(migration.sql);
      await sql.query("INSERT INTO schema_migrations (id) VALUES ($1)", [migration.id]);
      return true;
    });
    if (ran) applied.push(migration.id);
  }
  return applied;
}
