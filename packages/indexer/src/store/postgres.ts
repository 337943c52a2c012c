// The scaled store: a PostgreSQL server through node-postgres, optionally inside one schema.
import pg from "pg";
import type { Sql, Store } from "./store.ts";

const int8Oid = 20;

export async function openPostgresStore(databaseUrl: string, schema: string | undefined): Promise<Store> {
  if (schema !== undefined) {
    const setup = new pg.Client({ connectionString: databaseUrl });
    await setup.connect();
    try {
      await setup.query(`CREATE SCHEMA IF NOT EXISTS "${schema}"`);
    } finally {
      await setup.end();
    }
  }
  const pool = new pg.Pool({
    connectionString: databaseUrl,
    max: 10,
    ...(schema === undefined ? {} : { options: `-c search_path=${schema}` }),
    types: {
      getTypeParser: ((oid: number, format?: "text" | "binary") =>
        oid === int8Oid ? (value: string) => BigInt(value) : pg.types.getTypeParser(oid, format)) as never,
    },
  });
  // an idle connection dropped by the server must not crash the process; the next query reconnects
  pool.on("error", () => {});
  const on = (client: pg.Pool | pg.PoolClient): Sql => ({
    async query<Row>(text: string, params: readonly unknown[] = []) {
      return (await client.query(text, [...params])).rows as Row[];
    },
    async exec(text: string) {
      await client.query(text);
    },
  });
  return {
    kind: "postgres",
    ...on(pool),
    async transaction(work) {
      const client = await pool.connect();
      try {
        await client.query("BEGIN");
        const result = await work(on(client));
        await client.query("COMMIT");
        return result;
      } catch (error) {
        await client.query("ROLLBACK").catch(() => {});
        throw error;
      } finally {
        client.release();
      }
    },
    close: () => pool.end(),
  };
}
