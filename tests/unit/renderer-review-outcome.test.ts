import { describe, expect, it } from 'vitest';
import { struckValues } from '../../src/renderer/src/lib/reviewOutcome';

/** A record's history strikes out the value of a conflict that did not stay (the newcomer walk of session 21 saw the kept one struck after “take the overwritten value”). */
describe('which conflict value the history strikes out', () => {
  it('open, or settled by keeping the value that stayed: the overwritten one', () => {
    expect(struckValues('open', null)).toEqual({ kept: false, lost: true });
    expect(struckValues('resolved', 'kept')).toEqual({ kept: false, lost: true });
  });
  it('settled by taking the overwritten value: the one that had stayed', () => {
    expect(struckValues('resolved', 'lost')).toEqual({ kept: true, lost: false });
  });
  it('settled by typing another value: both', () => {
    expect(struckValues('resolved', 'other')).toEqual({ kept: true, lost: true });
  });
});
