import fc from 'fast-check';
import { describe, it } from 'vitest';
import { runScenario, scenarios } from './sync-property';

/**
 * An office and two laptops with random creates, edits, deletes, restores, leads, visits with photos
 * and requests (a small pool of photo contents, so the same file arrives from two laptops), a small pool of
 * shared credit codes, clock offsets and random exchange schedules (packages repeated, reordered and
 * cut off): every copy converges to the same content, merging twice is merging once, nothing is lost
 * silently, one live enterprise per credit code, references resolve, rows equal the fold of their log,
 * aggregates and search equal a rebuild, every attachment's content is held once on every copy.
 * `npm run bench:sync` runs many more.
 */
describe('sync properties', () => {
  it('office + 2 laptops, random work and exchanges, converge with nothing lost', async () => {
    await fc.assert(fc.asyncProperty(scenarios(3), ({ cmds, order }) => runScenario(cmds, 3, order)), {
      numRuns: Number(process.env.SYNC_RUNS ?? 1000),
      seed: process.env.SYNC_SEED ? Number(process.env.SYNC_SEED) : undefined,
      // Found by the 1,000-run suite: an edit of an enterprise another copy had already absorbed left the
      // absorbing copies' tombstone stale (it mirrored the survivor) while others refolded it.
      examples: [[{ order: 0, cmds: [
        { t: 'create', copy: 1, uscc: 1, name: 0 }, { t: 'create', copy: 0, uscc: 1, name: 0 },
        { t: 'send', from: 0, to: 1, twice: false, cut: false }, { t: 'edit', copy: 0, pick: 268326705, field: 0, value: 0 },
      ] }],
      // Found by the long scenarios (bench:sync props): three copies create one enterprise (one credit code)
      // under two names; the losing name was written twice and recorded once (see noSilentLoss).
      [{ order: 0, cmds: [{ t: 'create', copy: 1, uscc: 2, name: 4 }, { t: 'create', copy: 2, uscc: 2, name: 0 }, { t: 'create', copy: 0, uscc: 2, name: 4 }] }],
      // Found by the long scenarios: two laptops each merged the office's copy of one enterprise with their
      // own; no copy met all three, so the name that lost in the end had no review item (an alias that
      // arrives now compares the whole merged group, as an absorb made here does).
      [{ order: 0, cmds: [
        { t: 'create', copy: 1, uscc: 1, name: 0 }, { t: 'create', copy: 0, uscc: 1, name: 1 }, { t: 'send', from: 0, to: 1, twice: false, cut: false },
        { t: 'create', copy: 2, uscc: 1, name: 1 }, { t: 'send', from: 0, to: 2, twice: false, cut: false },
      ] }]],
    });
  }, 600_000);
});
