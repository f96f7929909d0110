/**
 * Standing crash test: the `parkpilot` command is killed (SIGKILL) at random moments during import,
 * revert, export, report and backup, and what it leaves behind is checked as the next start would
 * find it: the database passes integrity_check and holds either all of the operation or none of it;
 * an output file is either the older file, untouched, or the complete new one; no temporary files stay
 * once a later run has swept them. Used by tests/bench/crash.ts (≥ 30 kills each) and, briefly, by
 * tests/e2e/crash.spec.ts.
 */
import Database from 'better-sqlite3';
import { spawn, spawnSync } from 'node:child_process';
import { copyFileSync, cpSync, existsSync, mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';

export type Operation = 'import' | 'revert' | 'export' | 'report' | 'backup';
export interface Tally {
  operation: Operation;
  runs: number;
  /** Killed before it finished (the rest finished before the kill landed). */
  killed: number;
  /** Outcome "none of it": database or output file exactly as before. */
  before: number;
  /** Outcome "all of it": the operation complete. */
  after: number;
  failures: string[];
}

const OLD = 'the older file, which must survive\n';

export class CrashLab {
  readonly tmp: string;
  private readonly base: string;
  private readonly csv: string;
  private readonly imported: string;
  private baseCount = 0;
  private importedCount = 0;
  private batch = '';
  private exportLines = 0;
  private readonly timings = new Map<Operation, number>();

  /** A copy of the built command, so a rebuild meanwhile does not change what is being tested. */
  private readonly cliPath: string;

  constructor(readonly dir: string) {
    rmSync(dir, { recursive: true, force: true });
    mkdirSync(dir, { recursive: true });
    cpSync(resolve('out/main'), join(dir, 'app/out/main'), { recursive: true });
    cpSync(resolve('bin/parkpilot.js'), join(dir, 'app/bin/parkpilot.js'));
    this.cliPath = join(dir, 'app/bin/parkpilot.js');
    // The children's temporary folder: what a killed run leaves there is counted, undisturbed by others.
    // A short path: Chromium puts sockets in it, whose names have a length limit.
    this.tmp = mkdtempSync(join(tmpdir(), 'ppcrash-'));
    this.base = join(dir, 'base.db');
    this.csv = join(dir, 'roster.csv');
    this.imported = join(dir, 'imported.db');
  }

  /** The copied command finds the project's packages through NODE_PATH, wherever the lab's folder is. */
  private get env(): NodeJS.ProcessEnv {
    return { ...process.env, TMPDIR: this.tmp, LANG: 'en_US.UTF-8', NODE_PATH: resolve('node_modules') };
  }

  /** Removes the children's temporary folder (the lab's own folder stays for inspection). */
  dispose(): void {
    rmSync(this.tmp, { recursive: true, force: true });
  }

  private cli(args: string[]): { code: number | null; out: string; err: string } {
    const r = spawnSync(process.execPath, [this.cliPath, ...args], { encoding: 'utf8', env: this.env });
    return { code: r.status, out: r.stdout, err: r.stderr };
  }

  /** The demo database, a roster of `rows` new enterprises, the same database with it imported, and each operation's duration. */
  prepare(rows: number): void {
    const must = (r: { code: number | null; out: string; err: string }) => {
      if (r.code !== 0) throw new Error(r.err);
      return r;
    };
    must(this.cli(['demo', '--db', this.base]));
    writeFileSync(this.csv, `企业名称,所属行业\n${Array.from({ length: rows }, (_, i) => `崩溃测试企业${i + 1}有限公司,大数据`).join('\n')}\n`);
    this.baseCount = count(this.base);
    copyFileSync(this.base, this.imported);
    const started = Date.now();
    this.batch = (JSON.parse(must(this.cli(['import', this.csv, '--db', this.imported, '--json'])).out) as { batch: string }).batch;
    this.timings.set('import', Date.now() - started);
    this.importedCount = count(this.imported);
    rmSync(join(this.dir, 'imported-backups'), { recursive: true, force: true });
    for (const op of ['revert', 'export', 'report', 'backup'] as const) {
      const work = this.workDir(op, -1);
      const t = Date.now();
      must(this.cli(this.args(op, work, 0)));
      this.timings.set(op, Date.now() - t);
      if (op === 'export') this.exportLines = readFileSync(join(work, 'out.csv'), 'utf8').split('\r\n').length;
    }
  }

  private workDir(op: Operation, i: number): string {
    const work = join(this.dir, `${op}-${i}`);
    rmSync(work, { recursive: true, force: true });
    mkdirSync(work);
    copyFileSync(op === 'revert' ? this.imported : this.base, join(work, 'park.db'));
    for (const out of ['out.csv', 'out.pdf', 'out.xlsx', 'copy.db']) writeFileSync(join(work, out), OLD);
    return work;
  }

  private args(op: Operation, work: string, i: number): string[] {
    const db = join(work, 'park.db');
    switch (op) {
      case 'import': return ['import', this.csv, '--db', db];
      case 'revert': return ['import-revert', this.batch, '--db', db];
      case 'export': return ['export', '--db', db, '--view', 'enterprises', '--format', 'csv', '--out', join(work, 'out.csv')];
      case 'report': return ['report', '--db', db, '--kind', 'operations', '--period', '2020', '--format', i % 2 ? 'xlsx' : 'pdf', '--out', join(work, i % 2 ? 'out.xlsx' : 'out.pdf')];
      case 'backup': return i % 2 ? ['backup', '--db', db, '--out', join(work, 'copy.db')] : ['backup', '--db', db];
    }
  }

  /** `runs` kills of `op`, each at a random moment between start and a little after its usual end. */
  async crash(op: Operation, runs: number): Promise<Tally> {
    const tally: Tally = { operation: op, runs, killed: 0, before: 0, after: 0, failures: [] };
    const span = (this.timings.get(op) ?? 1000) * 1.1;
    for (let i = 0; i < runs; i++) {
      const work = this.workDir(op, i);
      const delay = Math.round(Math.random() * span);
      const finished = await this.runAndKill(this.args(op, work, i), delay);
      if (!finished) tally.killed++;
      try {
        const outcome = this.inspect(op, work, i);
        tally[outcome]++;
      } catch (err) {
        tally.failures.push(`${op} #${i} killed at ${delay} ms: ${(err as Error).message}`);
      }
      rmSync(work, { recursive: true, force: true });
    }
    return tally;
  }

  private runAndKill(args: string[], delay: number): Promise<boolean> {
    return new Promise((resolvePromise) => {
      const child = spawn(process.execPath, [this.cliPath, ...args], { stdio: 'ignore', env: this.env });
      let exited = false;
      const timer = setTimeout(() => child.kill('SIGKILL'), delay);
      child.on('exit', (code) => {
        exited = true;
        clearTimeout(timer);
        resolvePromise(code === 0);
      });
      void exited;
    });
  }

  /** What a killed run left, as the next start finds it: "before" or "after", or an error saying what is wrong. */
  private inspect(op: Operation, work: string, i: number): 'before' | 'after' {
    const db = join(work, 'park.db');
    assertIntact(db);
    const backups = join(work, 'park-backups');
    if (existsSync(backups)) {
      for (const name of readdirSync(backups).filter((n) => n.endsWith('.db'))) assertIntact(join(backups, name));
    }
    switch (op) {
      case 'import':
      case 'revert': {
        const n = count(db);
        const [from, to] = op === 'import' ? [this.baseCount, this.importedCount] : [this.importedCount, this.baseCount];
        if (n === from) return 'before';
        if (n === to) return 'after';
        throw new Error(`${n} enterprises: neither ${from} (none of it) nor ${to} (all of it)`);
      }
      case 'export': {
        const text = readFileSync(join(work, 'out.csv'), 'utf8');
        if (text === OLD) return 'before';
        if (text.endsWith('\r\n') && text.split('\r\n').length === this.exportLines) return 'after';
        throw new Error(`out.csv is cut off (${text.length} characters)`);
      }
      case 'report': {
        const file = join(work, i % 2 ? 'out.xlsx' : 'out.pdf');
        const bytes = readFileSync(file);
        if (bytes.toString('utf8') === OLD) return 'before';
        const whole = i % 2 ? bytes.subarray(-22, -18).equals(Buffer.from([0x50, 0x4b, 0x05, 0x06])) : bytes.subarray(0, 5).toString() === '%PDF-' && bytes.subarray(-8).toString().includes('%%EOF');
        if (whole) return 'after';
        throw new Error(`${file} is cut off (${bytes.length} bytes)`);
      }
      case 'backup': {
        if (i % 2) {
          const copy = join(work, 'copy.db');
          if (readFileSync(copy).subarray(0, OLD.length).toString() === OLD) return 'before';
          assertIntact(copy);
          if (count(copy) !== this.baseCount) throw new Error('the copy is not the database');
          return 'after';
        }
        // Leftover temporary files of the killed run go with the next backup's listing.
        const made = existsSync(backups) ? readdirSync(backups).filter((n) => n.endsWith('.db')).length : 0;
        const r = this.cli(['backup', '--db', db]);
        if (r.code !== 0) throw new Error(`the next backup failed: ${r.err}`);
        const left = readdirSync(backups).filter((n) => n.endsWith('.part'));
        if (left.length) throw new Error(`temporary files left: ${left.join(', ')}`);
        return made ? 'after' : 'before';
      }
    }
  }

  /**
   * After a series of kills, one ordinary run must sweep what they left in the temp folder: private
   * folders of dead processes, Chromium profiles, Playwright scratch folders.
   */
  checkTempSwept(): string[] {
    const work = this.workDir('report', 999);
    this.cli(['report', '--db', join(work, 'park.db'), '--kind', 'operations', '--period', '2020', '--format', 'pdf', '--out', join(work, 'out.pdf')]);
    rmSync(work, { recursive: true, force: true });
    return readdirSync(this.tmp);
  }

  /** How long each operation takes when not killed (ms): the kills land between 0 and 1.1 times this. */
  durations(): Record<string, number> {
    return Object.fromEntries(this.timings);
  }
}

function assertIntact(file: string): void {
  // A read-write connection, as the next start makes: it recovers a hot WAL the way the app would.
  const db = new Database(file, { fileMustExist: true });
  try {
    const result = db.pragma('integrity_check', { simple: true });
    if (result !== 'ok') throw new Error(`${file}: integrity_check says ${String(result)}`);
  } finally {
    db.close();
  }
}

function count(file: string): number {
  const db = new Database(file, { readonly: true, fileMustExist: true });
  try {
    return (db.prepare('SELECT count(*) AS n FROM enterprises WHERE deleted = 0').get() as { n: number }).n;
  } finally {
    db.close();
  }
}
