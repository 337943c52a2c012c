// The indexer's store: one small interface over embedded PGlite (the default) and PostgreSQL (when a URL is given),
// both migrated to the same schema on open. The chain-derived rows are a cache by finalized epoch; the epochs, cursors
// and reorg records are the indexer's own truth and survive a restart.
import { InvalidInputError } from "@poolnet/sdk";
import { openPgliteStore } from "./pglite.ts";
import { openPostgresStore } from "./postgres.ts";
import { migrate } from "./migrations.ts";

/** Something SQL can be run on: the store itself, or one transaction of it. */
export type Sql = {
  /** One statement with `$1`-style parameters. int8 columns come back as bigint, numeric as string. */
  query<Row = Record<string, unknown>>(text: string, params?: readonly unknown[]): Promise<Row[]>;
  /** Several statements without parameters (a migration). */
  exec(text: string): Promise<void>;
};

export type Store = Sql & {
  readonly kind: "pglite" | "postgres";
  /** Runs `work` in one transaction: committed when it resolves, rolled back when it throws. */
  transaction<T>(work: (sql: Sql) => Promise<T>): Promise<T>;
  close(): Promise<void>;
};

export type OpenStoreParameters = {
  /** A `postgres://` URL: the store is that PostgreSQL database. Without it the store is embedded PGlite. */
  databaseUrl?: string | undefined;
  /** PGlite only: the directory holding the database; in memory (lost on close) when absent. */
  dataDir?: string | undefined;
  /** PostgreSQL only: the schema to use, created if missing (`public` by default). Lets runs share a database. */
  schema?: string | undefined;
};

/** Opens the store and applies the migrations it has not seen yet. */
export async function openStore(parameters: OpenStoreParameters = {}): Promise<Store> {
  const { databaseUrl, dataDir, schema } = parameters;
  if (schema !== undefined && !/^[a-z_][a-z0-9_]{0,62}$/.test(schema)) {
    throw new InvalidInputError(
      `the schema name "${schema}" is not valid: use lower-case letters, digits and underscores`,
    );
  }
  let store: Store;
  if (databaseUrl !== undefined) {
    if (!/^postgres(ql)?:\/\//.test(databaseUrl)) {
      throw new InvalidInputError(`the database URL must start with postgres:// or postgresql://`);
    }
    if (dataDir !== undefined) throw new InvalidInputError("give a database URL or a data directory, not both");
    store = await openPostgresStore(databaseUrl, schema);
  } else {
    if (schema !== undefined) throw new InvalidInputError("a schema can only be chosen for a PostgreSQL store");
    store = await openPgliteStore(dataDir);
  }
  try {
    await migrate(store);
  } catch (error) {
    await store.close();
    throw error;
  }
  return store;
}
