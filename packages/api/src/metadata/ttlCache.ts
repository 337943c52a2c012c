// A bounded in-memory cache whose entries expire, with loads of the same key shared while in flight: a burst of
// requests for one pool's metadata makes one fetch.

export type TtlCache<V> = {
  /** The cached value, or the shared load's result; `load` says how long its value may be kept. */
  getOrLoad(key: string, load: () => Promise<{ value: V; ttlMs: number }>): Promise<V>;
  delete(key: string): void;
  readonly size: number;
};

export type TtlCacheOptions = { maxEntries?: number; now?: () => number };

export function createTtlCache<V>({ maxEntries = 10_000, now = Date.now }: TtlCacheOptions = {}): TtlCache<V> {
  const entries = new Map<string, { value: V; expiresAt: number }>();
  const inFlight = new Map<string, Promise<V>>();

  const store = (key: string, value: V, ttlMs: number) => {
    entries.delete(key);
    if (ttlMs <= 0) return;
    entries.set(key, { value, expiresAt: now() + ttlMs });
    // Map keeps insertion order, and a hit re-inserts its key, so the first key is the least recently used
    while (entries.size > maxEntries) entries.delete(entries.keys().next().value!);
  };

  return {
    async getOrLoad(key, load) {
      const entry = entries.get(key);
      if (entry !== undefined) {
        if (entry.expiresAt > now()) {
          entries.delete(key);
          entries.set(key, entry);
          return entry.value;
        }
        entries.delete(key);
      }
      const pending = inFlight.get(key);
      if (pending !== undefined) return pending;
      const loading = load().then(({ value, ttlMs }) => {
        store(key, value, ttlMs);
        return value;
      });
      inFlight.set(key, loading);
      try {
        return await loading;
      } finally {
        inFlight.delete(key);
      }
    },
    delete(key) {
      entries.delete(key);
    },
    get size() {
      return entries.size;
    },
  };
}
