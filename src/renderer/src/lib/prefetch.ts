/**
 * Answers asked for at start-up, before the screen that needs them has loaded its code: a cold start
 * then waits for the slowest of them, not for each in turn. A prefetched answer is taken once, and
 * only while fresh; any later load asks the core again.
 */
const FRESH_MS = 5000;
const pending = new Map<string, { at: number; answer: Promise<unknown>; settled?: { value: unknown } }>();

export function prefetch<T>(key: string, load: () => Promise<T>): Promise<T> {
  const answer = load();
  const entry: { at: number; answer: Promise<unknown>; settled?: { value: unknown } } = { at: Date.now(), answer };
  // Kept once it arrives, so the first render can show it at once (peekPrefetched) instead of a frame later.
  answer.then((value) => (entry.settled = { value }), () => undefined); // the screen that takes it reports a failure
  pending.set(key, entry);
  return answer;
}

/** The answer prefetched under `key` if it is fresh (taken once), else `load()`. */
export function takePrefetched<T>(key: string, load: () => Promise<T>): Promise<T> {
  const entry = pending.get(key);
  pending.delete(key);
  return entry && Date.now() - entry.at < FRESH_MS ? (entry.answer as Promise<T>) : load();
}

/**
 * The prefetched answer under `key` if it has already arrived and is fresh, without taking it: a screen's
 * first render shows it, and its load (takePrefetched) then receives the same answer.
 */
export function peekPrefetched<T>(key: string): T | undefined {
  const entry = pending.get(key);
  return entry?.settled && Date.now() - entry.at < FRESH_MS ? (entry.settled.value as T) : undefined;
}
