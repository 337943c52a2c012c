import assert from "node:assert/strict";
import { test } from "node:test";
import * as api from "./index.ts";

// The api's public runtime API. A change here is an API change: update the list on purpose.
test("exports", () => {
  assert.deepEqual(Object.keys(api).sort(), [
    "HandlerTimeoutError",
    "METADATA_FIELD_LIMITS",
    "METADATA_MAX_BYTES",
    "METADATA_URL_SCHEMES",
    "checkContent",
    "createApp",
    "createChainReader",
    "createMemoryReadModel",
    "createMetadataClient",
    "createMetadataProxy",
    "createMetadataProxyServer",
    "createRegistryResolver",
    "createStoreApi",
    "createStoreReadModel",
    "defaultHttpConfig",
    "epochStatuses",
    "fetchMetadata",
    "metadataSchema",
    "metadataUnavailableReasons",
    "poolGroups",
    "poolSortKeys",
    "storeReadModelGaps",
    "validateMetadata",
  ]);
});
