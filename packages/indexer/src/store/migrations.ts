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
