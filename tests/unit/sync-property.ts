import fc from 'fast-check';
import { aggregatesAgainstRebuild } from '../../src/core/backup/check';
import { createHash } from 'node:crypto';
import { existsSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { MAX_CLOCK_AHEAD_MS } from '../../src/core/db/clock';
import { derivedId, foldRow, type LogEntry } from '../../src/core/db/materialize';
import { prepared } from '../../src/core/db/open';
import { tables, type TableName } from '../../src/core/db/tables';
import { ParkCore } from '../../src/core/service';
import { checkout, exportPackage, importSource } from '../../src/core/sync/fieldwork';
import { completeUscc } from '../../src/core/util/uscc';
import { seededIds } from '../../src/core/util/ids';
import { contentHash } from './sync-helpers';

/**
 * The model behind the sync property tests (and the bench's longer run): an office and laptops doing
 * random work and exchanging packages in a random schedule, then the invariants every copy must hold.
 */
const POOL = ['91440400MA4W1001', '91440400MA4W1002', '91440400MA4W1003'].map(completeUscc);
const FIELDS = ['headcount', 'revenue', 'notes', 'status', 'building'] as const;
const INCUBATION_STAGES = ['incubating', 'graduated', 'terminated'] as const;
/** Enterprises whose status disagrees with their incubation records (incubation/status.ts). */
const DISAGREE = `SELECT e.id, e.status FROM enterprises e WHERE e.deleted = 0 AND e.status <> 'exited' AND
  (e.status = 'incubating') <> EXISTS (SELECT 1 FROM incubations i WHERE i.enterprise_id = e.id AND i.deleted = 0 AND i.stage IN ('admitted', 'incubating'))`;

export type Cmd =
  | { t: 'create'; copy: number; uscc: number | null; name: number }
  | { t: 'edit'; copy: number; pick: number; field: number; value: number }
  | { t: 'delete'; copy: number; pick: number }
  | { t: 'restore'; copy: number; pick: number }
  | { t: 'lead'; copy: number; pick: number }
  | { t: 'visit'; copy: number; pick: number; photo: number }
  | { t: 'incubate'; copy: number; pick: number; stage: number }
  | { t: 'skew'; copy: number; ms: number }
  | { t: 'send'; from: number; to: number; twice: boolean; cut: boolean };

/** How many commands a scenario runs: the suite's short ones (0–30) or the bench's long ones. */
export interface Lengths {
  minLength?: number;
  maxLength?: number;
}

export function commands(copies: number, { minLength = 0, maxLength = 30 }: Lengths = {}): fc.Arbitrary<Cmd[]> {
  const copy = fc.nat({ max: copies - 1 });
  const cmd: fc.Arbitrary<Cmd> = fc.oneof(
    { arbitrary: fc.record({ t: fc.constant('create' as const), copy, uscc: fc.option(fc.nat({ max: POOL.length - 1 }), { freq: 2 }), name: fc.nat({ max: 5 }) }), weight: 3 },
    { arbitrary: fc.record({ t: fc.constant('edit' as const), copy, pick: fc.nat(), field: fc.nat({ max: FIELDS.length - 1 }), value: fc.nat({ max: 3 }) }), weight: 5 },
    { arbitrary: fc.record({ t: fc.constant('delete' as const), copy, pick: fc.nat() }), weight: 1 },
    { arbitrary: fc.record({ t: fc.constant('restore' as const), copy, pick: fc.nat() }), weight: 1 },
    { arbitrary: fc.record({ t: fc.constant('lead' as const), copy, pick: fc.nat() }), weight: 1 },
    // A visit with a photo (a small pool of contents, so copies attach the same file) and a request.
    { arbitrary: fc.record({ t: fc.constant('visit' as const), copy, pick: fc.nat(), photo: fc.nat({ max: 2 }) }), weight: 1 },
    // An incubation admitted, or the enterprise's active one ended: 在孵 follows on every copy.
    { arbitrary: fc.record({ t: fc.constant('incubate' as const), copy, pick: fc.nat(), stage: fc.nat({ max: INCUBATION_STAGES.length - 1 }) }), weight: 3 },
    { arbitrary: fc.record({ t: fc.constant('skew' as const), copy, ms: fc.integer({ min: 0, max: 300_000 }) }), weight: 1 },
    { arbitrary: fc.record({ t: fc.constant('send' as const), from: copy, to: copy, twice: fc.boolean(), cut: fc.boolean() }), weight: 4 },
  );
  return fc.array(cmd, { minLength, maxLength });
}

interface Copy {
  core: ParkCore;
  clock: { t: number };
  user: string;
}

const value = (field: string, v: number): unknown =>
  field === 'status' ? ['settled', 'incubating', 'exited', 'graduated'][v] : field === 'notes' || field === 'building' ? `${field}-${v}` : v * 10;

function live(core: ParkCore, deleted: 0 | 1): string[] {
  return (core.db.prepare('SELECT id FROM enterprises WHERE deleted = ? AND id NOT IN (SELECT id FROM row_aliases) ORDER BY id').all(deleted) as { id: string }[]).map((r) => r.id);
}

const attempt = (fn: () => unknown) => {
  try {
    fn();
  } catch {
    // A refusal (credit code taken here, record gone) is a user's ordinary experience, not a failure.
  }
};

const START = Date.UTC(2026, 10, 21, 9);

/** Copy `i` in memory, opened from an image of its file, with its own clock (+1 ms a call) and ids. */
function openCopy(image: Buffer, i: number, ids = seededIds(100 + i, START + i)): Copy {
  const clock = { t: START + i * 1000 };
  return { core: new ParkCore(':memory:', { image, user: `user${i}`, now: () => clock.t++, ids }), clock, user: `user${i}` };
}

let empty: Buffer | null = null;

/** An empty, migrated ParkPilot database with no site yet. */
function emptyImage(): Buffer {
  if (!empty) {
    const core = new ParkCore(':memory:', { user: 'template' });
    core.db.exec("DELETE FROM settings WHERE key IN ('site', 'site_home', 'clock'); DELETE FROM sync_sites;");
    empty = core.db.serialize();
    core.close();
  }
  return empty;
}

/** The `index`-th ordering of copies 0..n-1 (lexicographic). */
function permutation(n: number, index: number): number[] {
  const all: number[][] = [];
  const walk = (prefix: number[]) => {
    if (prefix.length === n) all.push(prefix);
    else for (let i = 0; i < n; i++) if (!prefix.includes(i)) walk([...prefix, i]);
  };
  walk([]);
  return all[index % all.length]!;
}

const factorial = (n: number): number => (n <= 1 ? 1 : n * factorial(n - 1));
const starts = new Map<string, Buffer[]>();

/**
 * The copies a scenario starts from, as images: the office after its set-up and the laptops checked out
 * from it (by `checkout`, as in the app). Making them (a migrated schema, a VACUUM INTO per laptop) cost
 * more than all the rest of a scenario, so each is made once per process and every scenario opens fresh
 * in-memory copies of them: no files, and no backup before each merge (the properties need neither).
 * Site ids are random and their order decides ties between stamps, so a scenario names the order it
 * wants (`order`, an index of the copies' orderings) and starting points are made until one has it.
 */
function startingPoint(copies: number, order: number): Buffer[] {
  const want = `${copies}:${permutation(copies, order).join()}`;
  while (!starts.has(want)) {
    const dir = mkdtempSync(join(scratch(), 'pp-start-'));
    const office = openCopy(emptyImage(), 0, seededIds(99, START - 1000));
    try {
      office.core.call('pipeline.applyPreset', { preset: 'government' });
      office.core.call('enterprises.create', { name: '基础企业', kind: 'startup', status: 'settled', uscc: POOL[0] });
      const sites = [office.core.context().clock.site];
      const laptops: Buffer[] = [];
      for (let i = 1; i < copies; i++) {
        const file = join(dir, `laptop${i}.db`);
        sites.push(checkout(office.core.context(), file, `laptop${i}`, `person${i}`).site);
        laptops.push(readFileSync(file));
      }
      // The copies listed from the smallest site id up.
      const sorted = sites.map((_, i) => i).sort((a, b) => (sites[a]! < sites[b]! ? -1 : 1));
      const key = `${copies}:${sorted.join()}`;
      if (!starts.has(key)) starts.set(key, [office.core.db.serialize(), ...laptops]);
    } finally {
      office.core.close();
      rmSync(dir, { recursive: true, force: true });
    }
  }
  return starts.get(want)!;
}

const scratch = () => process.env.PARKPILOT_PROPERTY_TMP ?? (existsSync('/dev/shm') ? '/dev/shm' : tmpdir());

/** A scenario: its commands and the order of its copies' site ids. */
export function scenarios(copies: number, lengths?: Lengths): fc.Arbitrary<{ order: number; cmds: Cmd[] }> {
  return fc.record({ order: fc.nat({ max: factorial(copies) - 1 }), cmds: commands(copies, lengths) });
}

/**
 * Every stored byte a merge writes: each synced table with its timestamps, the log, the aggregates and the
 * search indexes' own tables. Two copies with equal dumps hold exactly the same database content.
 */
export function strictDump(db: ParkCore['db']): string {
  const hash = createHash('sha256');
  // (sync_peers and sync_sites also record when they heard of a site, by this machine's clock: not compared.)
  hash.update(JSON.stringify(db.prepare('SELECT site, seen FROM sync_peers ORDER BY site').raw(true).all()));
  hash.update(JSON.stringify(db.prepare('SELECT site, device, person FROM sync_sites ORDER BY site').raw(true).all()));
  const names = [...Object.keys(tables).sort(), 'changes', 'enterprise_months', 'stage_months', 'blobs'];
  const fts = db.prepare("SELECT name FROM sqlite_master WHERE type = 'table' AND (name LIKE '%\\_fts\\_data' ESCAPE '\\' OR name LIKE '%\\_fts\\_docsize' ESCAPE '\\') ORDER BY name").pluck().all() as string[];
  for (const t of [...names, ...fts]) {
    const rows = db.prepare(`SELECT * FROM ${t}`).raw(true).all().map((row) => JSON.stringify(row, (_k, v: unknown) => (v instanceof Uint8Array ? Buffer.from(v).toString('hex') : v)));
    for (const row of rows.sort()) hash.update(`${t}\u0000${row}\n`);
  }
  return hash.digest('hex');
}

/** Where two databases' strict dumps differ: the first differing row of each table that differs. */
function dumpDiff(a: ParkCore['db'], b: ParkCore['db']): string {
  const out: string[] = [];
  for (const t of a.prepare("SELECT name FROM sqlite_master WHERE type = 'table' AND name NOT IN ('sync_peers', 'sync_sites')").pluck().all() as string[]) {
    const rows = (db: ParkCore['db']) => (db.prepare(`SELECT * FROM "${t}"`).raw(true).all().map((r) => JSON.stringify(r)) as string[]).sort();
    const [x, y] = [rows(a), rows(b)];
    const i = x.findIndex((r, k) => r !== y[k]);
    if (i >= 0 || x.length !== y.length) out.push(`${t}: ${x[i] ?? '(none)'} ≠ ${y[i] ?? '(none)'}`);
  }
  return out.join('; ').slice(0, 1500);
}

export interface ScenarioOptions {
  /**
   * Before each merge, merges the same package into a twin of the receiver the long way (every touched
   * row folded from its whole log, `fullFold`) and requires both to end byte for byte the same.
   */
  differential?: boolean;
  /**
   * Before each merge, merges the same package into a file copy of the receiver with classify on the
   * second thread (sync/merge-thread.ts) and requires the same report and the same database.
   */
  onThread?: boolean;
}

export async function runScenario(cmds: Cmd[], copies = 3, order = 0, options: ScenarioOptions = {}): Promise<void> {
  const dir = mkdtempSync(join(scratch(), 'pp-sync-'));
  const all: Copy[] = [];
  try {
    for (const [i, image] of startingPoint(copies, order).entries()) all.push(openCopy(image, i));
    let n = 0;
    const send = async (from: Copy, to: Copy, twice: boolean, cut: boolean) => {
      const file = join(dir, `p${n++}.ppsync`);
      exportPackage(from.core.context(), file, to.core.context().clock.site);
      if (cut) {
        // An interrupted copy of the package: refused, nothing changes.
        const bytes = readFileSync(file);
        const cutFile = `${file}.cut`;
        writeFileSync(cutFile, bytes.subarray(0, Math.max(10, bytes.length >> 1)));
        const before = contentHash(to.core.db);
        let refused = false;
        await importSource(to.core.context(), cutFile).catch(() => (refused = true));
        if (!refused || contentHash(to.core.db) !== before) throw new Error('a cut package changed the database');
      }
      let twin: Copy | null = null;
      if (options.differential) {
        const clock = { t: to.clock.t };
        twin = { core: new ParkCore(':memory:', { image: to.core.db.serialize(), user: to.user, now: () => clock.t++ }), clock, user: to.user };
      } else if (options.onThread) {
        const clock = { t: to.clock.t };
        const twinFile = join(dir, `twin${n++}.db`);
        writeFileSync(twinFile, to.core.db.serialize());
        twin = { core: new ParkCore(twinFile, { create: false, user: to.user, now: () => clock.t++ }), clock, user: to.user };
      }
      try {
        const report = await importSource(to.core.context(), file);
        if (twin) {
          const longWay = await importSource(twin.core.context(), file, options.onThread ? { classifyOnWorker: true, dryRun: false, classifyChunk: 3 } : { fullFold: true });
          const [twinWay, thisWay] = options.onThread ? ['classify on the thread', 'in the merge thread'] : ['the long way', 'the short way'];
          if (JSON.stringify(longWay) !== JSON.stringify(report)) throw new Error(`${twinWay} reports ${JSON.stringify(longWay)}, ${thisWay} ${JSON.stringify(report)}`);
          if (strictDump(twin.core.db) !== strictDump(to.core.db)) throw new Error(`a merge ${thisWay} left another database than ${twinWay}: ${dumpDiff(twin.core.db, to.core.db)}`);
        }
      } finally {
        twin?.core.close();
      }
      if (twice) {
        const before = contentHash(to.core.db);
        const again = await importSource(to.core.context(), file);
        if (again.applied !== 0 || contentHash(to.core.db) !== before) throw new Error('merging twice changed the database');
      }
    };
    for (const c of cmds) {
      if (c.t === 'send') {
        if (c.from !== c.to) await send(all[c.from]!, all[c.to]!, c.twice, c.cut);
        continue;
      }
      const { core, clock } = all[c.copy]!;
      // A clock running ahead, but never so far ahead of the slowest copy that a receiver must refuse
      // its stamps (sync.test.ts tests that refusal): several skews of one copy add up, and the long
      // scenarios met copies 12 minutes apart, refused as they should be, which is not what this tests.
      if (c.t === 'skew') clock.t = Math.max(clock.t, Math.min(clock.t + c.ms, Math.min(...all.map((x) => x.clock.t)) + MAX_CLOCK_AHEAD_MS / 2));
      else if (c.t === 'create') attempt(() => core.call('enterprises.create', { name: `企业${c.name}`, kind: 'startup', status: 'settled', ...(c.uscc === null ? {} : { uscc: POOL[c.uscc] }) }));
      else {
        const ids = live(core, c.t === 'restore' ? 1 : 0);
        if (!ids.length) continue;
        const id = ids[c.pick % ids.length]!;
        if (c.t === 'edit') attempt(() => core.call('enterprises.update', { id, patch: { [FIELDS[c.field]!]: value(FIELDS[c.field]!, c.value) } }));
        else if (c.t === 'delete') attempt(() => core.call('enterprises.delete', { id }));
        else if (c.t === 'restore') attempt(() => core.call('enterprises.restore', { id }));
        else if (c.t === 'incubate') {
          const stage = INCUBATION_STAGES[c.stage]!;
          const active = core.db.prepare("SELECT id FROM incubations WHERE enterprise_id = ? AND deleted = 0 AND stage IN ('admitted', 'incubating') ORDER BY id LIMIT 1").pluck().get(id) as string | undefined;
          if (stage === 'incubating') attempt(() => core.call('incubations.create', { enterprise_id: id, stage }));
          else if (active) attempt(() => core.call('incubations.moveStage', { id: active, stage, date: '2026-11-20' }));
        } else if (c.t === 'visit') {
          attempt(() => {
            const visit = core.call('visits.create', { enterprise_id: id, date: '2026-11-21', purpose: '走访' }) as { id: string };
            const photo = join(dir, `photo${n++}.jpg`);
            writeFileSync(photo, `photo-${c.photo}`.repeat(100));
            core.call('attachments.add', { visit_id: visit.id, file: core.files.register(photo) });
            core.call('requests.create', { enterprise_id: id, visit_id: visit.id, text: '诉求' });
          });
        }
        else attempt(() => core.call('leads.create', { company: '线索', source: 'referral', stage: 'promoted', enterprise_id: id }));
      }
    }
    // Settle, as the office hub will: the office hears from every laptop, then every laptop from the
    // office, until nothing new travels (review items made on the way travel in the next round).
    for (let round = 0; round < 4; round++) {
      for (let j = 1; j < all.length; j++) await send(all[j]!, all[0]!, false, false);
      for (let j = 1; j < all.length; j++) await send(all[0]!, all[j]!, false, false);
      if (new Set(all.map((c) => contentHash(c.core.db))).size === 1) break;
    }
    checkInvariants(all.map((c) => c.core));
  } finally {
    for (const c of all) c.core.close();
    rmSync(dir, { recursive: true, force: true });
  }
}

const same = (a: unknown, b: unknown) => JSON.stringify(a ?? null) === JSON.stringify(b ?? null);

export function checkInvariants(cores: ParkCore[]): void {
  const hashes = new Set(cores.map((c) => contentHash(c.db)));
  if (hashes.size !== 1) throw new Error('the copies did not converge');
  const blobSets = new Set(cores.map((c) => JSON.stringify(c.db.prepare('SELECT hash FROM blobs ORDER BY hash').pluck().all())));
  if (blobSets.size !== 1) throw new Error('the copies hold different attachment contents');
  for (const core of cores) {
    const db = core.db;
    const outOfStep = db.prepare(DISAGREE).all();
    if (outOfStep.length) throw new Error(`在孵 disagrees with the incubation records: ${JSON.stringify(outOfStep)}`);
    const dup = db.prepare('SELECT uscc, count(*) AS n FROM enterprises WHERE deleted = 0 AND uscc IS NOT NULL GROUP BY uscc HAVING n > 1').all();
    if (dup.length) throw new Error(`two live enterprises share a credit code: ${JSON.stringify(dup)}`);
    const dangling = db.prepare('SELECT l.id FROM leads l LEFT JOIN enterprises e ON e.id = l.enterprise_id WHERE l.enterprise_id IS NOT NULL AND (e.id IS NULL OR e.id IN (SELECT id FROM row_aliases))').all();
    if (dangling.length) throw new Error(`references that do not resolve: ${JSON.stringify(dangling)}`);
    for (const t of ['visits', 'requests']) {
      const lost = db.prepare(`SELECT x.id FROM ${t} x LEFT JOIN enterprises e ON e.id = x.enterprise_id WHERE x.enterprise_id IS NOT NULL AND (e.id IS NULL OR e.id IN (SELECT id FROM row_aliases))`).all();
      if (lost.length) throw new Error(`${t} whose enterprise does not resolve: ${JSON.stringify(lost)}`);
    }
    // Every attachment's content is here, once, and is what its name says.
    const missing = db.prepare('SELECT a.id FROM attachments a LEFT JOIN blobs b ON b.hash = a.hash WHERE b.hash IS NULL').all();
    if (missing.length) throw new Error(`attachments without their content: ${JSON.stringify(missing)}`);
    for (const b of db.prepare('SELECT hash, data FROM blobs').all() as { hash: string; data: Buffer }[]) {
      if (createHash('sha256').update(b.data).digest('hex') !== b.hash) throw new Error(`blob ${b.hash} does not match its content`);
    }
    // Every row is what its log says.
    for (const table of Object.keys(tables) as TableName[]) {
      const read = prepared(db, `SELECT * FROM ${table} WHERE id = ?`);
      for (const { id } of db.prepare(`SELECT id FROM ${table}`).all() as { id: string }[]) {
        const folded = foldRow(db, table, id);
        const stored = read.get(id) as Record<string, unknown>;
        if (!folded) throw new Error(`${table} ${id} has no history`);
        for (const col of Object.keys(tables[table].columns)) {
          const kind = (tables[table].columns as Record<string, string>)[col];
          const v = kind === 'json' && typeof stored[col] === 'string' ? JSON.parse(stored[col]) : stored[col];
          if (!same(v, folded.values[col])) throw new Error(`${table}.${col} of ${id} is ${JSON.stringify(v)}, its log says ${JSON.stringify(folded.values[col])}`);
        }
        if (stored.deleted !== folded.deleted) throw new Error(`${table} ${id} deleted=${String(stored.deleted)}, its log says ${folded.deleted}`);
      }
    }
    // Every Overview aggregate and target rollup equals a rebuild (what `parkpilot check` compares).
    const differ = aggregatesAgainstRebuild(db).filter((a) => !a.ok);
    if (differ.length) throw new Error(`aggregates differ from a rebuild: ${JSON.stringify(differ)}`);
    const indexed = (db.prepare('SELECT count(*) AS n FROM enterprises_fts').get() as { n: number }).n;
    const liveRows = (db.prepare('SELECT count(*) AS n FROM enterprises WHERE deleted = 0').get() as { n: number }).n;
    if (indexed !== liveRows) throw new Error(`search index has ${indexed} rows for ${liveRows} live enterprises`);
    noSilentLoss(db);
  }
}

/** Every value written and no longer stored was seen by a later writer, or has a review item. */
function noSilentLoss(db: ParkCore['db']): void {
  const entries = db.prepare("SELECT stamp, site, user, tbl, row_id, field, old_value, new_value FROM changes WHERE tbl = 'enterprises' AND field NOT IN ('*', 'deleted')").all() as LogEntry[];
  const alias = new Map((db.prepare('SELECT id, target_id FROM row_aliases').all() as { id: string; target_id: string }[]).map((r) => [r.id, r.target_id]));
  const root = (id: string) => {
    let cur = id;
    while (alias.has(cur)) cur = alias.get(cur)!;
    return cur;
  };
  const byField = new Map<string, LogEntry[]>();
  for (const e of entries) {
    const key = `${root(e.row_id)}\u0000${e.field}`;
    byField.set(key, [...(byField.get(key) ?? []), e]);
  }
  const items = new Set((db.prepare('SELECT id FROM review_items').all() as { id: string }[]).map((r) => r.id));
  // The values a review item records as lost, by record and field. Three copies that create the same
  // enterprise (one credit code) with two names write the losing name twice: the merge records the
  // value once, from whichever of the two writes it met (the long scenarios found this); the value is
  // not lost, so another write of the same value needs no item of its own.
  const recorded = new Set(
    (db.prepare("SELECT row_id, field, lost_value FROM review_items WHERE kind = 'conflict' AND tbl = 'enterprises'").all() as { row_id: string; field: string; lost_value: string }[]).map(
      (r) => `${root(r.row_id)}\u0000${r.field}\u0000${r.lost_value}`,
    ),
  );
  for (const [key, list] of byField) {
    const [id, field] = key.split('\u0000') as [string, string];
    const row = prepared(db, `SELECT ${field} AS v FROM enterprises WHERE id = ?`).get(id) as { v: unknown };
    for (const e of list) {
      const v = e.new_value === null ? null : JSON.parse(e.new_value);
      if (same(v, row.v)) continue;
      if (list.some((f) => f.stamp > e.stamp && f.old_value === e.new_value)) continue;
      if (items.has(derivedId(`conflict\n${e.stamp}\nenterprises\n${e.row_id}\n${field}`))) continue;
      if (recorded.has(`${id}\u0000${field}\u0000${JSON.stringify(v)}`)) continue;
      throw new Error(`enterprises.${field} = ${e.new_value} by ${e.user} at ${e.stamp} was lost without a review item`);
    }
  }
}
