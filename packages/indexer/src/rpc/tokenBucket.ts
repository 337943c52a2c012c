// A token bucket: `ratePerSecond` tokens a second, up to `capacity` saved for a burst. One per RPC call sent.
export type Clock = { now(): number; sleep(ms: number): Promise<void> };

export const systemClock: Clock = {
  now: () => performance.now(),
  sleep: (ms) => new Promise((resolve) => setTimeout(resolve, ms)),
};

export type TokenBucket = {
  /** Waits until `count` tokens are there and takes them (a batch larger than the bucket waits for a full one). */
  take(count?: number): Promise<void>;
};

export function createTokenBucket(ratePerSecond: number, capacity: number, clock: Clock = systemClock): TokenBucket {
  let tokens = capacity;
  let updatedAt = clock.now();
  // takers queue in order, so a large batch is not starved by a stream of single calls
  let queue: Promise<void> = Promise.resolve();
  const refill = () => {
    const now = clock.now();
    tokens = Math.min(capacity, tokens + ((now - updatedAt) / 1000) * ratePerSecond);
    updatedAt = now;
  };
  return {
    take(count = 1) {
      const needed = Math.min(count, capacity);
      const turn = queue.then(async () => {
        refill();
        while (tokens < needed) {
          await clock.sleep(Math.ceil(((needed - tokens) / ratePerSecond) * 1000));
          refill();
        }
        tokens -= count;
      });
      queue = turn;
      return turn;
    },
  };
}
