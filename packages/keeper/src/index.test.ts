import assert from "node:assert/strict";
import { test } from "node:test";
import * as keeper from "./index.ts";

// The keeper's public runtime API. A change here is an API change: update the list on purpose.
test("exports", () => {
  assert.deepEqual(Object.keys(keeper).sort(), [
    "KeeperStateCorruptError",
    "createKeeper",
    "defaultKeeperConfig",
    "keeperJobs",
    "openKeeperState",
    "resolveKeeperConfig",
  ]);
});
