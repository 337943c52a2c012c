// The embedded store: PGlite (PostgreSQL compiled to WebAssembly) in this process, on a directory or in memory.
import { PGlite, types } from "@electric-sql/pglite";
import type { Sql, Store } from "./store.ts";

// int8 as bigint, like the PostgreSQL driver is configured: block numbers pass 2^53 on no chain today, but the
// store must not be the place that decides that
const parsers = { [types.INT8]: (value: string) => BigInt(value) };

export async function openPgliteStore(dataDir: string | undefined): Promise<Store> {
  const db = await PGlite.create({ dataDir, parsers });
  const on = (target: Pick<PGlite, "query" | "exec">): Sql => ({
    async query<Row>(text: string, params: readonly unknown[] = []) {
      return (await target.query<Row>(text, [...params])).rows;
    },
    async exec(text: string) {
      await target.exec(text);
    },
  });
  return {
    kind: "pglite",
    ...on(db),
    transaction: (work) => db.transaction((tx) => work(on(tx))),
    close: () => db.close(),
  };
}
