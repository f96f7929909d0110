import { describe, expect, it } from 'vitest';
import { validate, version } from 'uuid';
import { pooledRandomIds } from '../../src/core/util/ids';

describe('row ids', () => {
  it('are valid v7 uuids, unique, and sort in creation order even within one millisecond', () => {
    const ids = pooledRandomIds();
    const made = Array.from({ length: 20_000 }, () => ids());
    for (const id of made.slice(0, 50)) {
      expect(validate(id)).toBe(true);
      expect(version(id)).toBe(7);
    }
    expect(new Set(made).size).toBe(made.length);
    expect([...made].sort()).toEqual(made);
  });

  it('draw fresh random bytes once the pool is used up', () => {
    const ids = pooledRandomIds();
    const tails = Array.from({ length: 2_000 }, () => ids().slice(-12));
    expect(new Set(tails).size).toBe(tails.length);
  });
});
