import assert from "node:assert/strict";
import { test } from "node:test";
import { InvalidInputError } from "../errors.ts";
import { computeEconomics, defaultEconomicsInputs } from "./economics.ts";

test("the defaults reproduce seed 000 Figures 1-4 exactly", () => {
  const economics = computeEconomics();
  assert.deepEqual(economics.inputs, defaultEconomicsInputs);
  // Figure 1
  assert.equal(economics.requestsPerNode, 842);
  assert.equal(economics.revenuePerNode, 46.20896);
  assert.equal(economics.costPerNode, 23.10448);
  assert.equal(economics.profitPerNode, 23.10448);
  // Figure 2
  assert.equal(economics.stakedTokens, 14_000_000);
  // Figure 3
  assert.equal(economics.nodes, 700);
  // Figure 4
  assert.equal(economics.serviceProfit, 16_173.136);
  assert.equal(economics.stakerProfit, 12_129.852);
  assert.equal(economics.ownerProfit, 4_043.284);
  assert.equal(String(economics.serviceProfit), "16173.136");
});

test("changed inputs: twice the requests, a 10,000 limit, 80/20 split", () => {
  const economics = computeEconomics({ requestsPerMonth: 8_000_000, stakingLimitPerNode: 10_000, stakerShare: 0.8 });
  assert.equal(economics.requestsPerNode, 1684); // 32,000,000 / 19,000 = 1684.2
  assert.equal(economics.revenuePerNode, 92.41792);
  assert.equal(economics.costPerNode, 46.20896);
  assert.equal(economics.profitPerNode, 46.20896);
  assert.equal(economics.nodes, 1400);
  assert.equal(economics.serviceProfit, 64_692.544);
  assert.equal(economics.stakerProfit, 51_754.0352);
  assert.equal(economics.ownerProfit, 12_938.5088);
});

test("the seed's unrounded staking interest needs one more, partly filled, node", () => {
  const economics = computeEconomics({ stakedTokens: 13_969_252.36 });
  assert.equal(economics.stakedTokens, 13_969_252.36);
  assert.equal(economics.nodes, 699);
  assert.equal(economics.serviceProfit, 16_150.03152);
});

test("refuses inputs that make no sense", () => {
  assert.throws(() => computeEconomics({ oracleCount: 0 }), InvalidInputError);
  assert.throws(() => computeEconomics({ requestsPerMonth: 1.5 }), /requestsPerMonth must be a whole number/);
  assert.throws(() => computeEconomics({ costPerRequest: -1 }), /costPerRequest must be a number of 0 or more/);
  assert.throws(() => computeEconomics({ stakingLimitPerNode: 0 }), /stakingLimitPerNode must be more than 0/);
  assert.throws(() => computeEconomics({ stakerShare: 1.5 }), /stakerShare must be from 0 to 1/);
  assert.throws(() => computeEconomics({ revenuePerRequest: Number.NaN }), InvalidInputError);
});
