/**
 * Answers asked for at start-up, before the screen that needs them has loaded its code: a cold start
 * then waits for the slowest of them, not for each in turn. A prefetched answer is taken once, and
 * only while fresh; any later load asks the core again.
 */
const FRESH_MS = 5000;
const pending = new Map<string, { at: number; answer: Promise<unknown> }>();

export function prefetch<T>(key: string, load: () => Promise<T>): Promise<T> {
  const answer = load();
  answer.catch(() => undefined); // the screen that takes it reports the failure
  pending.set(key, { at: Date.now(), answer });
  return answer;
}

/** The answer prefetched under `key` if it is fresh (taken once), else `load()`. */
export function takePrefetched<T>(key: string, load: () => Promise<T>): Promise<T> {
  const entry = pending.get(key);
  pending.delete(key);
  return entry && Date.now() - entry.at < FRESH_MS ? (entry.answer as Promise<T>) : load();
}
