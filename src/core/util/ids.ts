import { randomFillSync } from 'node:crypto';
import { v7 as uuidv7 } from 'uuid';

/** Makes row ids. UUIDv7 so ids from two laptops never collide and sort by creation time. */
export type IdFactory = () => string;

// Random bytes fetched 64 KB at a time: one system call per 4,096 ids instead of one per id (an
// import of 100,000 rows spent most of a second there). Each slice is used once.
const POOL = new Uint8Array(65_536);
let offset = POOL.length;
function random16(): Uint8Array {
  if (offset + 16 > POOL.length) {
    randomFillSync(POOL);
    offset = 0;
  }
  offset += 16;
  return POOL.subarray(offset - 16, offset);
}

export const randomIds: IdFactory = () => uuidv7({ random: random16() });

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
