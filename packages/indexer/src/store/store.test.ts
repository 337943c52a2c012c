import assert from "node:assert/strict";
import { randomBytes } from "node:crypto";
import { mkdtemp, rm } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { test } from "node:test";
import { InvalidInputError } from "@poolnet/sdk";
import { dropSchema, openTestStore, testDatabaseUrl } from "../internal/testStore.ts";
import { migrate, migrations } from "./migrations.ts";
import { openStore, type OpenStoreParameters } from "./store.ts";

/** Opens the same durable store twice (a PGlite directory, or a PostgreSQL schema), as a restart would. */
async function withDurableStore(use: (parameters: OpenStoreParameters) => Promise<void>) {
  if (testDatabaseUrl === undefined) {
    const dataDir = await mkdtemp(join(tmpdir(), "indexer-store-"));
    try {
      await use({ dataDir });
    } finally {
      await rm(dataDir, { recursive: true, force: true });
    }
  } else {
    const schema = `indexer_test_${process.pid}_${randomBytes(4).toString("hex")}`;
    try {
      await use({ databaseUrl: testDatabaseUrl, schema });
    } finally {
      await dropSchema(schema);
    }
  }
}

test("a new store has every migration applied and recorded", async () => {
  const store = await openTestStore();
  try {
    assert.equal(store.kind, testDatabaseUrl === undefined ? "pglite" : "postgres");
    const rows = await store.query<{ id: string }>("SELECT id FROM schema_migrations ORDER BY id");
    assert.deepEqual(
      rows.map((row) => row.id),
      migrations.map((migration) => migration.id),
    );
    // running them again applies nothing
    assert.deepEqual(await migrate(store), []);
  } finally {
    await store.close();
  }
});

test("migrations apply in order, once, and a later one runs on a store that has the earlier ones", async () => {
  const store = await openTestStore();
  try {
    const later = [
      ...migrations,
      { id: "2099-01-01_a", sql: "CREATE TABLE later_a (x int4); INSERT INTO later_a VALUES (1);" },
      { id: "2099-01-02_b", sql: "INSERT INTO later_a VALUES (2);" },
    ];
    assert.deepEqual(await migrate(store, later), ["2099-01-01_a", "2099-01-02_b"]);
    assert.deepEqual(await migrate(store, later), []);
    const rows = await store.query<{ x: number }>("SELECT x FROM later_a ORDER BY x");
    assert.deepEqual(
      rows.map((row) => row.x),
      [1, 2],
    );
  } finally {
    await store.close();
  }
});

test("a failing migration leaves nothing behind and is not recorded", async () => {
  const store = await openTestStore();
  try {
    const broken = [...migrations, { id: "2099-01-01_broken", sql: "CREATE TABLE half (x int4); SELECT nope;" }];
    await assert.rejects(migrate(store, broken));
    assert.deepEqual(await store.query("SELECT 1 FROM schema_migrations WHERE id = '2099-01-01_broken'"), []);
    assert.deepEqual(await store.query("SELECT 1 FROM information_schema.tables WHERE table_name = 'half'"), []);
  } finally {
    await store.close();
  }
});

test("rows survive closing and reopening the store, and migrations are not applied twice", async () => {
  await withDurableStore(async (parameters) => {
    const first = await openStore(parameters);
    await first.query("INSERT INTO cursors (name, block_number) VALUES ('registryLogs', 42)");
    await first.close();
    const second = await openStore(parameters);
    try {
      const rows = await second.query<{ block_number: bigint }>("SELECT block_number FROM cursors");
      assert.deepEqual(rows, [{ block_number: 42n }]);
      const applied = await second.query("SELECT id FROM schema_migrations");
      assert.equal(applied.length, migrations.length);
    } finally {
      await second.close();
    }
  });
});

test("int8 comes back as bigint and numeric(78) holds a uint256 exactly", async () => {
  const store = await openTestStore();
  try {
    const max = 2n ** 256n - 1n;
    const [row] = await store.query<{ big: bigint; amount: string }>(
      "SELECT $1::int8 AS big, $2::numeric(78) AS amount",
      [2n ** 62n, max.toString()],
    );
    assert.equal(row!.big, 2n ** 62n);
    assert.equal(BigInt(row!.amount), max);
  } finally {
    await store.close();
  }
});

test("a transaction commits when its work resolves and rolls back when it throws", async () => {
  const store = await openTestStore();
  try {
    await store.transaction(async (sql) => {
      await sql.query("INSERT INTO cursors (name, block_number) VALUES ('kept', 1)");
    });
    await assert.rejects(
      store.transaction(async (sql) => {
        await sql.query("INSERT INTO cursors (name, block_number) VALUES ('dropped', 2)");
        throw new Error("work failed");
      }),
      /work failed/,
    );
    const rows = await store.query<{ name: string }>("SELECT name FROM cursors ORDER BY name");
    assert.deepEqual(
      rows.map((row) => row.name),
      ["kept"],
    );
  } finally {
    await store.close();
  }
});

test("the schema refuses an epoch status it does not know", async () => {
  const store = await openTestStore();
  try {
    await assert.rejects(
      store.query(
        "INSERT INTO epochs (epoch_number, from_block, to_block, to_block_hash, status) VALUES (0, 1, 10, '0x', 'odd')",
      ),
      /check constraint/,
    );
  } finally {
    await store.close();
  }
});

test("bad store parameters are refused with a sentence", async () => {
  await assert.rejects(openStore({ databaseUrl: "mysql://x" }), (error: unknown) => {
    assert.ok(error instanceof InvalidInputError);
    assert.equal(error.message, "the database URL must start with postgres:// or postgresql://");
    return true;
  });
  await assert.rejects(openStore({ schema: "x" }), /only be chosen for a PostgreSQL store/);
  await assert.rejects(
    openStore({ databaseUrl: "postgres://localhost/x", schema: 'a"; DROP' }),
    /the schema name "a"; DROP" is not valid/,
  );
  await assert.rejects(
    openStore({ databaseUrl: "postgres://localhost/x", dataDir: "/tmp/x" }),
    /a database URL or a data directory, not both/,
  );
});
