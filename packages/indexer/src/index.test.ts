import assert from "node:assert/strict";
import { test } from "node:test";
import * as indexer from "./index.ts";

// The indexer's public runtime API. A change here is an API change: update the list on purpose.
test("exports", () => {
  assert.deepEqual(Object.keys(indexer).sort(), [
    "LogRangeTooLargeError",
    "POOL_BUILDER",
    "RpcBusyError",
    "RpcResponseError",
    "createDistributor",
    "createEpochFinalizer",
    "createEpochHistory",
    "createInProcessQueue",
    "createPoolSnapshotBuilder",
    "createRegistryFold",
    "createRegistryHistory",
    "createRpcClient",
    "createTokenBucket",
    "getEpoch",
    "getLastEpoch",
    "listEpochs",
    "migrate",
    "migrations",
    "openStore",
    "writePoolSnapshot",
  ]);
});
