// Sign-in attempts, limited per email and per client address: after `maxFailures` failures within
// `window`, further attempts are refused until the oldest failure leaves the window. Kept in this
// process's memory — each server instance limits on its own (README, limits).
export interface SignInLimiter {
  /** Milliseconds to wait before trying again, or 0 when an attempt may be made now. */
  retryAfter(keys: string[], now?: number): number;
  failed(keys: string[], now?: number): void;
  succeeded(keys: string[]): void;
}

export function createSignInLimiter({ maxFailures = 5, windowMs = 15 * 60_000, maxKeys = 100_000 } = {}): SignInLimiter {
  const failures = new Map<string, number[]>();
  const recent = (key: string, now: number) => (failures.get(key) ?? []).filter((at) => at > now - windowMs);
  return {
    retryAfter(keys, now = Date.now()) {
      let wait = 0;
      for (const key of keys) {
        const times = recent(key, now);
        if (times.length >= maxFailures) wait = Math.max(wait, times[times.length - maxFailures]! + windowMs - now);
      }
      return wait;
    },
    failed(keys, now = Date.now()) {
      // A flood of made-up emails must not grow memory without bound: forget the oldest keys.
      if (failures.size > maxKeys) for (const key of [...failures.keys()].slice(0, maxKeys / 10)) failures.delete(key);
      for (const key of keys) failures.set(key, [...recent(key, now), now].slice(-maxFailures));
    },
    succeeded(keys) {
      for (const key of keys) failures.delete(key);
    },
  };
}
