// The median of several feeds' prices: what a flux monitor node submits, sound while a minority fails, lags or lies.
import { InvalidInputError, RetryableError, type PoolnetErrorOptions } from "@poolnet/sdk";
import { PRICE_DECIMALS, formatDecimal, parseDecimal } from "../internal/decimal.ts";
import type { Feed, FeedAnswer, FeedFailure } from "./feed.ts";

/** Fewer feeds answered than the median needs: no price this poll; the next one may do better. */
export class NotEnoughAnswersError extends RetryableError {
  override name = "NotEnoughAnswersError";
  readonly pair: string;
  readonly answered: number;
  readonly required: number;
  readonly failures: readonly FeedFailure[];

  constructor(
    pair: string,
    { answered, required, failures }: { answered: number; required: number; failures: readonly FeedFailure[] },
    options: PoolnetErrorOptions = {},
  ) {
    super(`only ${answered} of ${answered + failures.length} feeds gave a price for ${pair}, ${required} needed`, {
      details: failures.map((failure) => failure.error.shortMessage).join("; "),
      ...options,
    });
    this.pair = pair;
    this.answered = answered;
    this.required = required;
    this.failures = failures;
  }
}

/**
 * The median of decimal prices, exactly: each is read as an integer scaled by 10^18 (PRICE_DECIMALS; digits past
 * the 18th are rounded), never as a float. With an even count it is the mean of the two middle prices, which needs
 * at most one digit more, so it is exact too. Throws InvalidInputError for no prices or one that is not a decimal.
 */
export function median(prices: readonly string[]): string {
  if (prices.length === 0) throw new InvalidInputError("the median of no prices is undefined");
  const scaled = prices.map((price) => {
    const value = parseDecimal(price);
    if (value === undefined) throw new InvalidInputError(`"${price}" is not a decimal price`);
    return value;
  });
  scaled.sort((a, b) => (a < b ? -1 : a > b ? 1 : 0));
  const middle = Math.floor(scaled.length / 2);
  if (scaled.length % 2 === 1) return formatDecimal(scaled[middle]!);
  // (a + b) / 2 = (a + b) * 5 / 10: one decimal more, no rounding
  return formatDecimal((scaled[middle - 1]! + scaled[middle]!) * 5n, PRICE_DECIMALS + 1);
}

export type MedianOfFeedsParameters = {
  /**
   * How many feeds must give a price for the median to count; more than half of the feeds by default, as a
   * Chainlink node requires. With n feeds and m required, up to n − m may fail, and while fewer than half of the
   * answers lie, the median stays between two honest answers.
   */
  minAnswers?: number | undefined;
};

export type FeedsMedian =
  | { ok: true; pair: string; price: string; answers: FeedAnswer[]; failures: FeedFailure[] }
  | { ok: false; pair: string; error: NotEnoughAnswersError; answers: FeedAnswer[]; failures: FeedFailure[] };

/**
 * Asks every feed at once and takes the median of the prices they give. A slow feed costs no more than its own
 * timeout. Never rejects for a feed's failure: fewer answers than `minAnswers` is a `NotEnoughAnswersError` result.
 * Throws InvalidInputError when the feeds are for different pairs or `minAnswers` is out of range.
 */
export async function medianOfFeeds(
  feeds: readonly Feed[],
  { minAnswers }: MedianOfFeedsParameters = {},
): Promise<FeedsMedian> {
  const [first] = feeds;
  if (first === undefined) throw new InvalidInputError("the median needs at least one feed");
  const { pair } = first;
  const other = feeds.find((feed) => feed.pair !== pair);
  if (other !== undefined) {
    throw new InvalidInputError(`every feed of a median must price ${pair}, but ${other.source} prices ${other.pair}`);
  }
  const required = minAnswers ?? Math.floor(feeds.length / 2) + 1;
  if (!Number.isSafeInteger(required) || required < 1 || required > feeds.length) {
    throw new InvalidInputError(
      `the median of ${feeds.length} feeds can require from 1 to ${feeds.length} answers, not ${required}`,
    );
  }

  const results = await Promise.all(feeds.map((feed) => feed.fetchPrice()));
  const answers = results.filter((result): result is FeedAnswer => result.ok);
  const failures = results.filter((result): result is FeedFailure => !result.ok);
  if (answers.length < required) {
    const error = new NotEnoughAnswersError(pair, { answered: answers.length, required, failures });
    return { ok: false, pair, error, answers, failures };
  }
  return { ok: true, pair, price: median(answers.map((answer) => answer.price)), answers, failures };
}
