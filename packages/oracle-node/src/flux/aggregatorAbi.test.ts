import assert from "node:assert/strict";
import { test } from "node:test";
import { fluxAggregatorAbi } from "../../../sdk/src/generated/contracts.ts";
import { fluxMonitorAbi } from "./aggregatorAbi.ts";

// the monitor's ABI items must be FluxAggregator's own, to the parameter types and the mutability
test("every item the monitor uses is FluxAggregator's", () => {
  const signature = (item: { type: string; name?: string; inputs?: readonly { type: string }[] }) =>
    `${item.type} ${item.name}(${(item.inputs ?? []).map((input) => input.type).join(",")})`;
  for (const item of fluxMonitorAbi) {
    const full = fluxAggregatorAbi.find((candidate) => signature(candidate) === signature(item));
    assert.ok(full, `${signature(item)} is not in FluxAggregator's ABI`);
    if (item.type === "function" && full.type === "function") {
      assert.equal(item.stateMutability, full.stateMutability, signature(item));
      assert.deepEqual(
        item.outputs.map((output) => output.type),
        full.outputs.map((output) => output.type),
      );
    }
    if (item.type === "event" && full.type === "event") {
      assert.deepEqual(
        item.inputs.map((input) => (input as { indexed?: boolean }).indexed ?? false),
        full.inputs.map((input) => (input as { indexed?: boolean }).indexed ?? false),
      );
    }
  }
});
