import { mergeCrashTest } from '../crash/merge-crash';

/** `npm run bench:crash` (second part): SIGKILL a merge at random moments (CRASH_KILLS, default 40). Needs `npm run build`. */
async function main(): Promise<void> {
  const kills = Number(process.env.CRASH_KILLS ?? 40);
  const outcome = await mergeCrashTest(kills, Number(process.env.CRASH_ENTERPRISES ?? 4000), (l) => console.log(l));
  console.log(`merge crash test: ${outcome.kills} kills, ${outcome.untouched} untouched, ${outcome.merged} fully merged, 0 in between; integrity ok every time (${outcome.changes} changes, merge ${outcome.mergeMs} ms)`);
}
void main();
