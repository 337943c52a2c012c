// fitBatch finds the longest batch under the limit, exactly at the boundary.
import assert from "node:assert/strict";
import { describe, it } from "node:test";
import { BatchSizeError, fitBatch, linearGasModel } from "./index.ts";

describe("fitBatch", () => {
  const model = linearGasModel({ count: 1, gas: 70_000n }, { count: 101, gas: 2_770_000n }); // 27,000 a miner
  for (const [limit, expected] of [
    [70_000n, 1],
    [97_000n, 2],
    [96_999n, 1],
    [30_000_000n, 1_109],
  ] as const) {
    it(`fits ${expected} under ${limit}`, async () => {
      const { count, gas } = await fitBatch({ estimateGas: model.estimateGas, gasLimit: limit, maxCount: 2_239 });
      assert.equal(count, expected);
      assert.ok(gas <= limit && model.estimateGas(count + 1) > limit);
    });
  }
  it("stops at the candidates available, and refuses a limit below one miner", async () => {
    assert.equal((await fitBatch({ estimateGas: model.estimateGas, gasLimit: 10n ** 9n, maxCount: 5 })).count, 5);
    await assert.rejects(fitBatch({ estimateGas: model.estimateGas, gasLimit: 1n, maxCount: 5 }), BatchSizeError);
  });
});
