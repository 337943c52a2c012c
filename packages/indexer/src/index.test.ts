import assert from "node:assert/strict";
import { test } from "node:test";
import * as indexer from "./index.ts";

// The indexer's public runtime API. A change here is an API change: update the list on purpose.
test("exports", () => {
  assert.deepEqual(Object.keys(indexer).sort(), [
    "FEED_BUILDER",
    "INDEXER_DEFAULTS",
    "INDEXER_USAGE",
    "LogRangeTooLargeError",
    "POOL_BUILDER",
    "RpcBusyError",
    "RpcResponseError",
    "createDistributor",
    "createEpochFinalizer",
    "createEpochHistory",
    "createFeedFold",
    "createFeedHistory",
    "createFeedSnapshotBuilder",
    "createInProcessQueue",
    "createIndexer",
    "createPoolSnapshotBuilder",
    "createRegistryFold",
    "createRegistryHistory",
    "createRpcClient",
    "createTokenBucket",
    "defaultBuilders",
    "getEpoch",
    "getLastEpoch",
    "listEpochs",
    "migrate",
    "migrations",
    "openStore",
    "parseIndexerArgs",
    "poolRoundSamples",
    "readFeedStart",
    "writeFeedSnapshot",
    "writePoolSnapshot",
  ]);
});
