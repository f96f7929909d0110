/**
 * Where an import's CPU goes, by phase (issue 14): `npx tsx tests/bench/import-phases.ts PROFILE.cpuprofile`
 * on the main thread's profile of an import, taken with
 * `NODE_PROF="--cpu-prof --cpu-prof-dir=DIR" npx tsx tests/bench/import-memory.ts 100000 csv` (the
 * reader thread writes a profile of its own beside it). Each sample is put in the innermost phase on
 * its stack (the search index before the row insert that calls it, say), so the phases add up to the
 * busy time. The figures are the profiler's, inflated by sampling: compare shares, not seconds.
 */
import { readFileSync } from 'node:fs';

interface ProfileNode {
  id: number;
  callFrame: { functionName: string; url: string };
  children?: number[];
}
interface Profile {
  nodes: ProfileNode[];
  samples: number[];
  timeDeltas: number[];
}

/** Phases, innermost first where they nest: the first whose test a frame passes names the sample. */
const PHASES: [string, (fn: string, url: string) => boolean][] = [
  ['index rebuild (deferred indexes)', (_, u) => u.endsWith('deferred-indexes.ts')],
  ['search index (tokens, FTS insert)', (f) => f === 'insertTokens' || f === 'searchTokens'],
  ['change log', (f) => f === 'logChange' || f === 'snapshotOf'],
  ['Overview rollups', (f) => f === 'afterWrite' || f === 'enterpriseMonths'],
  ['insert row (INSERT, clock, id)', (f) => f === 'insertRow'],
  ['validate: zod schema', (f) => f === 'safeParse'],
  ['validate: rules (references, credit code)', (f, u) => f === 'refExists' || u.endsWith('enterprises/handlers.ts')],
  ['duplicates (in-file keys, existing rows)', (f, u) => u.endsWith('seen-keys.ts') || f === 'findExisting'],
  ['normalise cells', (_, u) => /imports\/(normalize|contacts|fields)\.ts$/.test(u)],
  ['rows from the reader thread (decode)', (_, u) => u.endsWith('worker-source.ts')],
  ['begin / commit', (f) => f === 'transactAsync'],
  ['job start (temp folder sweep)', (_, u) => u.endsWith('core/jobs.ts')],
  ['settle (importer, inlined helpers)', (_, u) => u.endsWith('imports/importer.ts')],
];

function phases(profile: Profile): { busyUs: number; byPhase: Map<string, number> } {
  const nodes = new Map(profile.nodes.map((n) => [n.id, n]));
  const parent = new Map<number, number>();
  for (const n of profile.nodes) for (const c of n.children ?? []) parent.set(c, n.id);
  const byPhase = new Map<string, number>();
  let busyUs = 0;
  profile.samples.forEach((id, i) => {
    const t = profile.timeDeltas[i] ?? 0;
    const self = nodes.get(id)!.callFrame.functionName;
    if (self === '(idle)') return;
    let phase: string | undefined = self === '(garbage collector)' ? 'garbage collection' : undefined;
    for (let x: number | undefined = id; !phase && x !== undefined; x = parent.get(x)) {
      const { functionName, url } = nodes.get(x)!.callFrame;
      phase = PHASES.find(([, test]) => test(functionName, url))?.[0];
    }
    phase ??= 'other (start-up, module loading, the bench)';
    busyUs += t;
    byPhase.set(phase, (byPhase.get(phase) ?? 0) + t);
  });
  return { busyUs, byPhase };
}

const { busyUs, byPhase } = phases(JSON.parse(readFileSync(process.argv[2]!, 'utf8')) as Profile);
console.log(`busy ${(busyUs / 1e6).toFixed(1)} s (profiled)`);
for (const [name, us] of [...byPhase].sort((a, b) => b[1] - a[1])) console.log(`${name.padEnd(46)} ${(us / 1e6).toFixed(1).padStart(6)} s ${((100 * us) / busyUs).toFixed(0).padStart(4)}%`);
