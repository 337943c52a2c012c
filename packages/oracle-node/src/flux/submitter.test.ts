import assert from "node:assert/strict";
import { test } from "node:test";
import { submissionGasLimit } from "./submitter.ts";

test("a submission's gas limit covers the round-completing submission: twice the estimate, at least 500,000", () => {
  assert.equal(submissionGasLimit(51_271n), 500_000n);
  assert.equal(submissionGasLimit(250_000n), 500_000n);
  assert.equal(submissionGasLimit(250_001n), 500_002n);
  // Chainlink's aggregator: a middle submission estimated at 75,453 gas can cost 124,600 when it completes the round
  assert.ok(submissionGasLimit(75_453n) >= 124_600n);
});
