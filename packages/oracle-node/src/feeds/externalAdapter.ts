// Chainlink's external adapter (bridge) protocol: POST {"id","data"} → {"jobRunID","data":{"result"},"result","statusCode"}.
import { randomUUID } from "node:crypto";
import { InvalidInputError } from "@poolnet/sdk";
import { FeedMissingFieldError, FeedRejectedError, FeedUnavailableError } from "./errors.ts";
import { formatPair, parseHttpUrl, parsePair, parseTimeout, type Feed, type FeedResult } from "./feed.ts";
import { isTemporaryStatus, priceAt, requestJson, stringAt } from "./request.ts";
import { valueAt } from "../internal/json.ts";

export type ExternalAdapterFeedParameters = {
  /** Where the adapter listens: the bridge's URL in a Chainlink node. */
  url: string;
  /** "LINK/USD". */
  pair: string;
  /** The name in errors and results: the bridge's name ("bridge-coinapi"); the URL's host by default. */
  source?: string | undefined;
  /**
   * The request's `data`, as a job spec's `requestData` gives it; `{ "from": base, "to": quote }` by default, the
   * parameters Chainlink's price adapters take.
   */
  data?: Record<string, unknown> | undefined;
  timeoutMs?: number | undefined;
};

/**
 * A feed asking a Chainlink external adapter, as a Chainlink node does: the result may be at `data.result` or at
 * `result` (nodes read either), and an `error` or `errorMessage` field, or a non-2xx status, is a failure.
 */
export function createExternalAdapterFeed(parameters: ExternalAdapterFeedParameters): Feed {
  const pair = parsePair(parameters.pair);
  let host: string;
  try {
    host = new URL(parameters.url).host;
  } catch {
    throw new InvalidInputError(`the external adapter URL "${parameters.url}" is not a URL`);
  }
  const source = parameters.source ?? `external adapter ${host}`;
  const url = parseHttpUrl(source, parameters.url);
  const timeoutMs = parseTimeout(source, parameters.timeoutMs);
  const data = parameters.data ?? { from: pair.base, to: pair.quote };
  const feed = { source, pair: formatPair(pair) };

  return {
    ...feed,
    async fetchPrice(): Promise<FeedResult> {
      const response = await requestJson({
        ...feed,
        url,
        init: {
          method: "POST",
          headers: { "content-type": "application/json", accept: "application/json" },
          body: JSON.stringify({ id: randomUUID(), data }),
        },
        timeoutMs,
        apiMessage: adapterError,
      });
      if (!response.ok) return { ok: false, ...feed, error: response.error };
      const { body } = response;
      const apiMessage = adapterError(body);
      if (apiMessage !== undefined || stringAt(body, ["status"]) === "errored") {
        // an adapter reports its upstream's failure in `statusCode`; a 2xx there with an error is still one
        const reported = valueAt(body, ["statusCode"]);
        const status = typeof reported === "number" && reported >= 400 ? reported : 500;
        const options = { ...feed, status, apiMessage: apiMessage ?? "errored" };
        const error = isTemporaryStatus(status) ? new FeedUnavailableError(options) : new FeedRejectedError(options);
        return { ok: false, ...feed, error };
      }
      const path = [["data", "result"], ["result"]].find((at) => valueAt(body, at) != null);
      if (path === undefined) {
        return { ok: false, ...feed, error: new FeedMissingFieldError("data.result or result", feed) };
      }
      return priceAt(body, path, feed);
    },
  };
}

/** The adapter's error: `error` as text or `{ message }` (the adapter framework), or `errorMessage` (older nodes). */
function adapterError(body: unknown): string | undefined {
  const error = valueAt(body, ["error"]);
  if (typeof error === "string" && error.trim() !== "") return error;
  if (typeof error === "object" && error !== null) {
    return stringAt(error, ["message"]) ?? stringAt(error, ["name"]) ?? JSON.stringify(error).slice(0, 200);
  }
  return stringAt(body, ["errorMessage"]);
}
