import Database from 'better-sqlite3';
import { spawn } from 'node:child_process';
import { copyFileSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { transact, updateRow } from '../../src/core/db/write';
import { generate } from '../../src/core/seed/seed';
import { ParkCore } from '../../src/core/service';
import { checkout, exportPackage } from '../../src/core/sync/fieldwork';
import { contentHash } from '../unit/sync-helpers';

/**
 * SIGKILL during a merge, at random moments: the database must pass integrity_check and hold either
 * exactly what it held before or exactly the fully merged content, never anything between.
 * Used by the e2e suite (a few kills) and by `npm run bench:crash` (many).
 */
export interface CrashOutcome {
  kills: number;
  untouched: number;
  merged: number;
  mergeMs: number;
  changes: number;
}

const CLI = resolve('bin/parkpilot.js');

function hashOf(file: string): string {
  const db = new Database(file); // read-write: replays or discards the WAL the killed process left
  try {
    const check = db.pragma('integrity_check', { simple: true });
    if (check !== 'ok') throw new Error(`integrity_check: ${String(check)}`);
    return contentHash(db);
  } finally {
    db.close();
  }
}

function runMerge(pkg: string, db: string, killAfterMs: number | null): Promise<{ ms: number; code: number | null }> {
  return new Promise((done, fail) => {
    const started = Date.now();
    const child = spawn(process.execPath, [CLI, 'sync', 'import', pkg, '--db', db], { stdio: 'ignore' });
    const timer = killAfterMs === null ? null : setTimeout(() => child.kill('SIGKILL'), killAfterMs);
    child.on('error', fail);
    child.on('exit', (code) => {
      if (timer) clearTimeout(timer);
      done({ ms: Date.now() - started, code });
    });
  });
}

export async function mergeCrashTest(kills: number, enterprises = 4000, log: (line: string) => void = () => {}): Promise<CrashOutcome> {
  const dir = mkdtempSync(join(tmpdir(), 'pp-crash-'));
  try {
    const officeFile = join(dir, 'office.db');
    const office = new ParkCore(officeFile, { user: 'office' });
    generate(office.context(), { enterprises, leads: 0, activities: 0 });
    const laptopFile = join(dir, 'laptop.db');
    checkout(office.context(), laptopFile, 'crash laptop', null);
    const laptop = new ParkCore(laptopFile, { user: 'field' });
    const ids = (laptop.db.prepare('SELECT id FROM enterprises').all() as { id: string }[]).map((r) => r.id);
    const ctx = laptop.context();
    transact(ctx, () => ids.forEach((id, i) => updateRow(ctx, 'enterprises', id, { headcount: i % 97, notes: `走访 ${i}`, patents: i % 7, building: `B${i % 9}` })));
    // Some office edits to the same fields: the merge has conflicts to record too.
    const octx = office.context();
    transact(octx, () => ids.slice(0, 200).forEach((id, i) => updateRow(octx, 'enterprises', id, { headcount: 1000 + i })));
    const pkg = join(dir, 'back.ppsync');
    const { changes } = exportPackage(ctx, pkg, null);
    laptop.close();
    office.close();

    const pristine = join(dir, 'pristine.db');
    copyFileSync(officeFile, pristine);
    const before = hashOf(pristine);
    const reference = join(dir, 'reference.db');
    copyFileSync(pristine, reference);
    const full = await runMerge(pkg, reference, null);
    if (full.code !== 0) throw new Error(`the merge itself failed (exit ${full.code})`);
    const after = hashOf(reference);
    if (after === before) throw new Error('the merge changed nothing');
    log(`merge of ${changes} changes takes ${full.ms} ms in a fresh process`);

    const outcome: CrashOutcome = { kills, untouched: 0, merged: 0, mergeMs: full.ms, changes };
    for (let i = 0; i < kills; i++) {
      const run = join(dir, `run${i}.db`);
      copyFileSync(pristine, run);
      const at = Math.floor(Math.random() * full.ms * 1.3);
      await runMerge(pkg, run, at);
      const h = hashOf(run);
      if (h === before) outcome.untouched++;
      else if (h === after) outcome.merged++;
      else throw new Error(`kill ${i} at ${at} ms left a database that is neither untouched nor fully merged`);
      rmSync(run, { force: true });
      rmSync(`${run}-wal`, { force: true });
      rmSync(`${run}-shm`, { force: true });
    }
    return outcome;
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

