// A job's feed entries turned into the adapters of feeds/, API keys read from the environment.
import { createCoinGeckoFeed } from "../feeds/coinGecko.ts";
import { createCoinMarketCapFeed } from "../feeds/coinMarketCap.ts";
import { createCoinbaseFeed } from "../feeds/coinbase.ts";
import { createCryptoCompareFeed } from "../feeds/cryptoCompare.ts";
import { createExternalAdapterFeed } from "../feeds/externalAdapter.ts";
import type { Feed } from "../feeds/feed.ts";
import { createKrakenFeed } from "../feeds/kraken.ts";
import { JobSpecError, type JobFeedsSpec } from "./jobSpec.ts";

/** One adapter per feed entry. Throws a JobSpecError when an entry's `apiKeyEnv` names an unset variable. */
export function createJobFeeds(job: JobFeedsSpec, env: NodeJS.ProcessEnv = process.env): Feed[] {
  // Chainlink sends a bridge the spec's requestData.data; a requestData without one is the data itself
  const data = job.requestData.data;
  const adapterData = typeof data === "object" && data !== null ? (data as Record<string, unknown>) : job.requestData;
  return job.feeds.map((feed, i) => {
    const { pair, timeoutMs } = feed;
    switch (feed.type) {
      case "external":
        return createExternalAdapterFeed({
          url: feed.url,
          pair,
          source: feed.name,
          data: Object.keys(adapterData).length === 0 ? undefined : adapterData,
          timeoutMs,
        });
      case "coinbase":
        return createCoinbaseFeed({ pair, baseUrl: feed.baseUrl, timeoutMs });
      case "kraken":
        return createKrakenFeed({ pair, baseUrl: feed.baseUrl, timeoutMs });
      default: {
        let apiKey: string | undefined;
        if (feed.apiKeyEnv !== undefined) {
          apiKey = env[feed.apiKeyEnv];
          if (apiKey === undefined || apiKey === "") {
            throw new JobSpecError(
              `initiators[0].params.feeds[${i}].apiKeyEnv`,
              `names ${feed.apiKeyEnv}, which is not set in the environment`,
            );
          }
        }
        const parameters = { pair, baseUrl: feed.baseUrl, timeoutMs, apiKey };
        if (feed.type === "coingecko") return createCoinGeckoFeed(parameters);
        if (feed.type === "coinmarketcap") return createCoinMarketCapFeed(parameters);
        return createCryptoCompareFeed(parameters);
      }
    }
  });
}
