import { randomFillSync } from 'node:crypto';
import { v7 as uuidv7 } from 'uuid';

/** Makes row ids. UUIDv7 so ids from two laptops never collide and sort by creation time. */
export type IdFactory = () => string;

/**
 * Random v7 ids that sort in creation order even within one millisecond: the same per-millisecond
 * counter uuid keeps itself (a random start, then +1), but with random bytes drawn from a pool.
 * uuid asks the OS for 16 bytes per id, which cost a 100,000-row import almost a second.
 */
export function pooledRandomIds(): IdFactory {
  const pool = new Uint8Array(16 * 512);
  let next = pool.length;
  let msecs = -Infinity;
  let seq = 0;
  return () => {
    if (next === pool.length) {
      randomFillSync(pool);
      next = 0;
    }
    const random = pool.subarray(next, (next += 16));
    const now = Date.now();
    if (now > msecs) {
      msecs = now;
      seq = ((random[6]! & 0x7f) << 24) | (random[7]! << 16) | (random[8]! << 8) | random[9]!;
    } else {
      seq = (seq + 1) | 0;
      if (seq === 0) msecs++;
    }
    return uuidv7({ msecs, seq, random });
  };
}

export const randomIds: IdFactory = pooledRandomIds();

/** Deterministic ids for tests and demo data: a seeded byte stream and a fixed start time. */
export function seededIds(seed: number, startMs = Date.UTC(2017, 0, 1)): IdFactory {
  const rand = mulberry32(seed);
  let ms = startMs;
  return () => {
    ms += 1;
    const random = new Uint8Array(16);
    for (let i = 0; i < 16; i++) random[i] = Math.floor(rand() * 256);
    return uuidv7({ msecs: ms, random });
  };
}

/** Small, fast, well-known seeded PRNG; good enough for demo data, not for secrets. */
export function mulberry32(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}
