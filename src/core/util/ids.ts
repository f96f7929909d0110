import { v7 as uuidv7 } from 'uuid';

/** Makes row ids. UUIDv7 so ids from two laptops never collide and sort by creation time. */
export type IdFactory = () => string;

// uuid keeps a per-millisecond sequence, so ids made in the same millisecond still sort in creation
// order (passing our own random bytes would turn that off).
export const randomIds: IdFactory = () => uuidv7();

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
