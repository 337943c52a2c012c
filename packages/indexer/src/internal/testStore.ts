// For tests only: a fresh, isolated store per test — in-memory PGlite, or a schema of its own in the PostgreSQL
// database named by POOLNET_TEST_DATABASE_URL, dropped on close so runs never see each other's rows.
import { randomBytes } from "node:crypto";
import pg from "pg";
import { openStore, type Store } from "../store/store.ts";

export const testDatabaseUrl: string | undefined = process.env.POOLNET_TEST_DATABASE_URL || undefined;

export async function openTestStore(): Promise<Store> {
  if (testDatabaseUrl === undefined) return openStore();
  const schema = `indexer_test_${process.pid}_${randomBytes(4).toString("hex")}`;
  const store = await openStore({ databaseUrl: testDatabaseUrl, schema });
  return {
    ...store,
    async close() {
      await store.close();
      await dropSchema(schema);
    },
  };
}

export async function dropSchema(schema: string): Promise<void> {
  const client = new pg.Client({ connectionString: testDatabaseUrl });
  await client.connect();
  try {
    await client.query(`DROP SCHEMA IF EXISTS "${schema}" CASCADE`);
  } finally {
    await client.end();
  }
}
