// Sizes payout batches to a gas limit: the most miners whose `payBatch` fits, found by bisection on a gas estimate.

export type FitBatchParameters = {
  /** The gas one batch of the first `count` candidates needs (an `eth_estimateGas`, or a model). */
  estimateGas: (count: number) => Promise<bigint> | bigint;
  /** The most a batch may use; a block's or a policy's limit. */
  gasLimit: bigint;
  /** The candidates available: the batch is at most this long. */
  maxCount: number;
};

export type FitBatchReturnType = { count: number; gas: bigint };

export class BatchSizeError extends Error {
  override name = "BatchSizeError";
}

/**
 * The longest prefix of the candidates whose batch fits `gasLimit`. Gas grows with the count (every miner adds a
 * transfer), so bisection needs about log2(maxCount) estimates.
 */
export async function fitBatch({ estimateGas, gasLimit, maxCount }: FitBatchParameters): Promise<FitBatchReturnType> {
  if (maxCount < 1) throw new BatchSizeError("no candidates to pay");
  const first = await estimateGas(1);
  if (first > gasLimit) throw new BatchSizeError(`a batch of one needs ${first} gas, over the limit ${gasLimit}`);
  let low = 1; // fits
  let lowGas = first;
  let high = maxCount + 1; // first count known not to fit (or past the end)
  while (high - low > 1) {
    const middle = Math.floor((low + high) / 2);
    const gas = await estimateGas(middle);
    if (gas <= gasLimit) {
      low = middle;
      lowGas = gas;
    } else high = middle;
  }
  return { count: low, gas: lowGas };
}

/** A linear gas model, `fixed + perMiner × count`, fitted from two measurements; for planning without a chain. */
export function linearGasModel(one: { count: number; gas: bigint }, two: { count: number; gas: bigint }) {
  const perMiner = (two.gas - one.gas) / BigInt(two.count - one.count);
  const fixed = one.gas - perMiner * BigInt(one.count);
  return { fixed, perMiner, estimateGas: (count: number) => fixed + perMiner * BigInt(count) };
}
