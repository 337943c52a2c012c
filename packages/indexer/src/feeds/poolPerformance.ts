// A pool's rounds, as the sdk's `apparentPerformance` takes them: per epoch, the rounds closed in it that the pool's
// oracles (those bound to it in the registry) were eligible for, over every feed, and those they answered.
import type { RoundSample } from "@poolnet/sdk";
import type { Address } from "viem";
import type { Sql } from "../store/store.ts";

/** One sample per epoch (block = its last block) with rounds for `pool`, after `afterBlock` when given. */
export async function poolRoundSamples(
  sql: Sql,
  pool: Address,
  options: { afterBlock?: bigint | undefined } = {},
): Promise<RoundSample[]> {
  const rows = await sql.query<{ to_block: bigint; eligible: bigint; answered: bigint }>(
    `SELECT e.to_block, sum(f.eligible)::int8 AS eligible, sum(f.answered)::int8 AS answered
     FROM feed_oracle_epochs f JOIN epochs e ON e.epoch_number = f.epoch_number
     WHERE f.pool = $1 AND e.to_block > $2
     GROUP BY e.to_block HAVING sum(f.eligible) > 0 ORDER BY e.to_block`,
    [pool, options.afterBlock ?? -1n],
  );
  return rows.map((row) => ({ block: row.to_block, eligible: Number(row.eligible), answered: Number(row.answered) }));
}
