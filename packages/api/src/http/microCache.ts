// A short-lived cache of serialized answers: a heavy list asked for many times a second is built and serialized once
// a second, not once a request. The data behind it changes once an epoch, far less often than the cache expires.
export type MicroCache = {
  /** The cached text for `key` if younger than the TTL; else `produce`'s, shared by every caller while it runs. */
  get(key: string, produce: () => Promise<string>): Promise<string>;
  readonly size: number;
};

export function createMicroCache(options: { ttlMs: number; maxEntries: number; now?: () => number }): MicroCache {
  const now = options.now ?? (() => performance.now());
  const entries = new Map<string, { at: number; text: Promise<string> }>();
  return {
    get(key, produce) {
      const entry = entries.get(key);
      if (entry !== undefined && now() - entry.at < options.ttlMs) return entry.text;
      if (entries.size >= options.maxEntries) {
        // the oldest first: a Map iterates in insertion order
        for (const [old, value] of entries) {
          if (entries.size < options.maxEntries && now() - value.at < options.ttlMs) break;
          entries.delete(old);
        }
      }
      const text = produce();
      entries.set(key, { at: now(), text });
      // a failure is not cached: the next caller tries again
      text.catch(() => {
        if (entries.get(key)?.text === text) entries.delete(key);
      });
      return text;
    },
    get size() {
      return entries.size;
    },
  };
}
