import fc from 'fast-check';
import { runScenario, scenarios, type Cmd } from './sync-property';

/** The suite's sync property runs in all (SYNC_RUNS overrides), shared by its two test files. */
export const SYNC_PROPERTY_RUNS = Number(process.env.SYNC_RUNS ?? 1000);

/** `runs` random scenarios (SYNC_SEED fixes the seed), after the fixed counterexamples when asked. */
export async function checkSyncProperties(runs: number, withExamples: boolean): Promise<void> {
  await fc.assert(fc.asyncProperty(scenarios(3), ({ cmds, order }) => runScenario(cmds, 3, order)), {
    numRuns: runs,
    seed: process.env.SYNC_SEED ? Number(process.env.SYNC_SEED) : undefined,
    examples: withExamples ? COUNTEREXAMPLES : [],
  });
}

/** Counterexamples found so far; each runs on every suite run. */
const COUNTEREXAMPLES: [{ order: number; cmds: Cmd[] }][] = [
  // Found once incubations joined the model: the office admits the enterprise to incubation, a laptop
  // that had not heard sets it 毕业; the merge left 毕业 beside an active incubation (incubation/after-merge.ts).
  [{ order: 0, cmds: [{ t: 'incubate', copy: 0, pick: 0, stage: 0 }, { t: 'edit', copy: 1, pick: 0, field: 3, value: 3 }] }],
  // Found by the 1,000-run suite: an edit of an enterprise another copy had already absorbed left the
  // absorbing copies' tombstone stale (it mirrored the survivor) while others refolded it.
  [{ order: 0, cmds: [
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
  ] }],
];
