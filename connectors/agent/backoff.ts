/**
 * One gate for every delivery while the hub cannot be reached: the first failure closes it for a second, each
 * failure after that for twice as long (up to five minutes, with a little jitter), and one success opens it again.
 * Concurrent deliveries wait at the same gate, so an outage is one retry at a time, not one per file.
 */
export interface Backoff {
  /** Resolves when the next attempt may go. */
  wait(): Promise<void>;
  succeeded(): void;
  /** Closes the gate; the delay when this failure started a new wait, undefined when the gate was already closed. */
  failed(): number | undefined;
}

export function backoff(options: { firstMs: number; maxMs: number }): Backoff {
  let failures = 0;
  let openAt = 0;
  return {
    async wait() {
      for (let delay = openAt - Date.now(); delay > 0; delay = openAt - Date.now()) {
        await new Promise((resolve) => setTimeout(resolve, delay));
      }
    },
    succeeded() {
      failures = 0;
      openAt = 0;
    },
    failed() {
      if (Date.now() < openAt) return undefined;
      failures += 1;
      const base = Math.min(options.firstMs * 2 ** (failures - 1), options.maxMs);
      const delay = Math.round(base * (0.9 + Math.random() * 0.2));
      openAt = Date.now() + delay;
      return delay;
    },
  };
}
