// Commands of one process that lost a race on a stream wait for their turn here, in memory: one at a
// time per stream, so they stop racing each other, and no database connection is held while waiting.

const tails = new Map<string, Promise<void>>();

/** Runs `work` once every earlier caller for `key` (in this process) has finished. */
export async function inTurn<T>(key: string, work: () => Promise<T>): Promise<T> {
  const previous = tails.get(key) ?? Promise.resolve();
  let finished!: () => void;
  const done = new Promise<void>((resolve) => (finished = resolve));
  const tail = previous.then(() => done);
  tails.set(key, tail);
  await previous;
  try {
    return await work();
  } finally {
    finished();
    if (tails.get(key) === tail) tails.delete(key);
  }
}

/** Whether commands of this process are taking turns on `key` (running or waiting). */
export function takingTurns(key: string): boolean {
  return tails.has(key);
}

/**
 * Waits before the next try after the `retry`th lost race in a row: a random time up to 5 ms doubled
 * at each retry, at most 200 ms ("full jitter"), so that writers in several processes spread out
 * instead of colliding again; never past the deadline.
 */
export function pauseAfterLostRace(retry: number, deadline: number): Promise<void> {
  const ceiling = Math.min(200, 5 * 2 ** (retry - 1));
  const pause = Math.min(Math.random() * ceiling, Math.max(0, deadline - Date.now()));
  return new Promise((resolve) => setTimeout(resolve, pause));
}
