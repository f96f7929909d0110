/**
 * `npm run bench:sync` — fieldwork sync at scale, and the long run of the sync property test.
 *
 * 1. A package of SYNC_CHANGES (default 100,000) field changes from a laptop, over a quarter of as many
 *    enterprises of the bench database (1,000,000 enterprises, made by `npm run bench` under .bench/, or a
 *    smaller one with BENCH_ENTERPRISES): time to write it, its size, and the merge (a dry run, so the bench
 *    database is not changed: the same work, rolled back). Reference: the sqlite3 CLI loading the same
 *    changes as plain rows into a bare table (`.import` of a CSV).
 * 2. SYNC_RUNS (default 1,000) random scenarios of the property test (office + 2 laptops).
 */
import fc from 'fast-check';
import { execFileSync } from 'node:child_process';
import { existsSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { format } from '../../src/core/db/clock';
import type { LogEntry } from '../../src/core/db/materialize';
import { ParkCore } from '../../src/core/service';
import { mergeChanges } from '../../src/core/sync/merge';
import { encodePackage, type Manifest } from '../../src/core/sync/package';
import { vectorOf } from '../../src/core/sync/peers';
import { commands, runScenario } from '../unit/sync-property';

const SIZE = [process.env.BENCH_ENTERPRISES ?? 1_000_000, process.env.BENCH_LEADS ?? 200_000, process.env.BENCH_ACTIVITIES ?? 1_000_000].map(Number);
const FILE = join('.bench', `bench-v2-${SIZE.join('-')}.db`);
const CHANGES = Number(process.env.SYNC_CHANGES ?? 100_000);
const RUNS = Number(process.env.SYNC_RUNS ?? 1_000);
const ms = (t: bigint) => Number(process.hrtime.bigint() - t) / 1e6;

async function mergeBench(): Promise<void> {
  if (!existsSync(FILE)) {
    console.log(`${FILE} is missing: run \`npm run bench\` first (it generates the database). Skipping the merge figures.`);
    return;
  }
  const core = new ParkCore(FILE, { create: false, user: 'bench' });
  try {
    const dir = mkdtempSync(join(tmpdir(), 'pp-syncbench-'));
    const rows = core.db.prepare('SELECT id, headcount, revenue, notes, patents FROM enterprises WHERE deleted = 0 ORDER BY rowid LIMIT ?').all(Math.ceil(CHANGES / 4)) as Record<string, unknown>[];
    const site = 'fe11d0c0ffee0001';
    const start = Date.now() - 60_000;
    const changes: LogEntry[] = [];
    let i = 0;
    for (const r of rows) {
      for (const [field, value] of [['headcount', Number(r.headcount ?? 0) + 1], ['revenue', Number(r.revenue ?? 0) + 1000], ['notes', `走访记录 ${i}`], ['patents', Number(r.patents ?? 0) + 1]] as const) {
        if (changes.length >= CHANGES) break;
        changes.push({ stamp: format(start + Math.floor(i / 50), i % 50, site), site, user: 'field', tbl: 'enterprises', row_id: String(r.id), field, old_value: JSON.stringify(r[field] ?? null), new_value: JSON.stringify(value) });
        i++;
      }
    }
    const manifest: Manifest = {
      ppsync: 1, schema: [], dbId: String((core.db.prepare("SELECT value FROM settings WHERE key = 'db_id'").get() as { value: string }).value),
      sender: { site, device: 'bench laptop', person: null, seen: { ...vectorOf(core.db), [site]: changes[changes.length - 1]!.stamp } },
      receiver: core.context().clock.site, range: { from: changes[0]!.stamp, to: changes[changes.length - 1]!.stamp }, counts: { changes: changes.length },
      sites: [{ site, device: 'bench laptop', person: null }], createdAt: new Date().toISOString(),
    };
    let t = process.hrtime.bigint();
    const bytes = encodePackage({ manifest, changes, blobs: new Map() });
    const writeMs = ms(t);
    writeFileSync(join(dir, 'p.ppsync'), bytes);
    const sender = { site, device: 'bench laptop', person: null, seen: manifest.sender.seen, sites: manifest.sites };
    const times: number[] = [];
    for (let run = 0; run < 3; run++) {
      t = process.hrtime.bigint();
      const report = await mergeChanges(core.context(), changes, sender, { dryRun: true });
      times.push(ms(t));
      if (report.applied !== changes.length) throw new Error(`applied ${report.applied} of ${changes.length}`);
    }
    // Reference: the same changes as plain rows, loaded by the sqlite3 CLI.
    const csv = join(dir, 'changes.csv');
    writeFileSync(csv, changes.map((c) => [c.stamp, c.site, c.user, c.tbl, c.row_id, c.field, c.old_value, c.new_value].map((v) => `"${String(v).replace(/"/g, '""')}"`).join(',')).join('\n'));
    t = process.hrtime.bigint();
    execFileSync('sqlite3', [join(dir, 'ref.db')], { input: 'CREATE TABLE c (stamp, site, user, tbl, row_id, field, old_value, new_value);\n.mode csv\n.import ' + csv + ' c\n' });
    const refMs = ms(t);
    const best = Math.min(...times);
    console.log(`| measure | figure | reference | target |\n| --- | --- | --- | --- |`);
    console.log(`| write package of ${changes.length} changes | ${writeMs.toFixed(0)} ms, ${(bytes.length / 1e6).toFixed(1)} MB | — | — |`);
    console.log(`| merge into the ${SIZE[0]!.toLocaleString('en')}-enterprise database (dry run, best of 3; all: ${times.map((x) => x.toFixed(0)).join(' / ')} ms) | ${best.toFixed(0)} ms | sqlite3 .import of the same rows: ${refMs.toFixed(0)} ms | ≤ 2000 ms ${best <= 2000 ? 'PASS' : 'FAIL'} |`);
    rmSync(dir, { recursive: true, force: true });
  } finally {
    core.close();
  }
}

async function propertyRuns(): Promise<void> {
  const t = process.hrtime.bigint();
  await fc.assert(fc.asyncProperty(commands(3), (cmds) => runScenario(cmds)), { numRuns: RUNS });
  console.log(`sync property test: ${RUNS} random scenarios passed in ${(ms(t) / 1000).toFixed(0)} s`);
}

async function main(): Promise<void> {
  await mergeBench();
  if (RUNS > 0) await propertyRuns();
}
void main();
