import { MAX_CLOCK_AHEAD_MS, isStamp, parse as parseStamp } from '../db/clock';
import { ENTERPRISE_REFS, EntryCache, derivedId, entriesOf, fieldWinners, materializeRow, membersOf, sameJson, survivorOf, type AliasIndex, type LogEntry } from '../db/materialize';
import { nativeBindingOf, prepared, type Db } from '../db/open';
import { isTableName, tables, type TableName } from '../db/tables';
import { insertRow, stampTime, transactAsync, type Row, type WriteContext } from '../db/write';
import { AppError } from '../errors';
import { keepIncubationStatusAfterMerge } from '../incubation/after-merge';
import { NO_REVIEW, classify, preloadRoots, rootMembers, type Classified, type PendingReview } from './merge-classify';
import { changeKey, deletedAmong, heldAmong } from './merge-reads';
import { ClassifyThread, WORKER_THRESHOLD, classifyTesting } from './merge-thread';
import { changeSample, encodeFresh } from './merge-wire';
import { PlainRows } from './plain-rows';
import { recordLabel } from './record-label';
import { threadCpuMs } from './thread-cpu';
import { deviceOf, recordPeer, recordSites, type SiteInfo, type Vector } from './peers';

/**
 * Merging changes from another copy (a laptop's package, its database file, later the office hub).
 *
 * Values: each field keeps the write with the largest clock stamp (see db/materialize.ts), so copies
 * converge whatever order changes arrive in. Comparing a change's old value with the value it meets
 * decides only whether a person must look at it:
 * - fast-forward: the receiver had not changed the field since the sender's copy (or the later writer
 *   had seen the earlier value) → applied silently;
 * - converged: both wrote the same value → nothing to do;
 * - conflict: both changed it to different values → the clock winner stays and a review item records
 *   the losing value, who wrote it, when and on which device.
 * An edit that meets a deletion the editor had not seen (or a deletion that meets an edit the deleter
 * had not seen) is applied to the tombstone and a review item offers to restore the record. Review
 * items take their id from the losing change, so every copy that meets the same conflict records the
 * same item, and resolving one is an ordinary write that travels like any other.
 */
export interface Sender {
  site: string;
  device: string;
  person: string | null;
  /** What the sender held from each site when it wrote the package. */
  seen: Vector;
  sites: SiteInfo[];
}

export interface Conflict {
  table: string;
  id: string;
  /** The record's name as people know it (sync/record-label.ts), or null. */
  label: string | null;
  field: string;
  kept: unknown;
  lost: unknown;
  lostBy: string;
  lostDevice: string | null;
  lostAt: string;
}

export interface MergeReport {
  dryRun: boolean;
  /** Changes in the package. */
  changes: number;
  /** Of those, already held here (merging twice changes nothing). */
  duplicates: number;
  /** Of those, new here and stored. */
  applied: number;
  fastForward: number;
  converged: number;
  conflicts: Conflict[];
  absorbed: { uscc: string; kept: string; absorbed: string }[];
  newRecords: number;
  deletedEdits: number;
  reviewItems: number;
}

export interface MergeOptions {
  dryRun?: boolean;
  signal?: AbortSignal;
  onProgress?: (done: number, total: number) => void;
  /** Stores what travels beside the changes (attachment contents) inside the merge's transaction. */
  store?: () => void;
  /**
   * Rewrites every touched row from its whole log, never the short way for plain rows (plain-rows.ts):
   * the differential test merges the same packages both ways and compares.
   */
  fullFold?: boolean;
  /**
   * Filled with each phase's wall and CPU milliseconds (the bench reports where a merge's time goes): the
   * merge thread's CPU (thread-cpu.ts), and the classify thread's phases as `thread: …`.
   */
  phases?: Record<string, { wall: number; cpu: number }>;
  /**
   * Classify on a second thread (merge-thread.ts): by default for packages of WORKER_THRESHOLD changes
   * or more into a database file in WAL mode; `true`/`false` force it (tests, benches).
   */
  classifyOnWorker?: boolean;
  /** Changes a chunk of the classify thread's answer (tests make it small to exercise the streaming). */
  classifyChunk?: number;
  /** Rewrite every plain row here, not from the classify thread's plans (the bench weighs them). */
  noThreadPlans?: boolean;
  /**
   * A classify thread started ahead by the caller (classifyThreadFor, with the same changes and options):
   * importSource starts it before its verified backup, so that the thread loads while the file is copied.
   * The merge uses it (null: none) and stops it.
   */
  thread?: ClassifyThread | null;
  /**
   * `changes` as the package file holds them (ChangePackage.changesBytes: a JSON line each, same order,
   * UTF-8): the classify thread then reads the new ones from these lines itself, instead of this thread
   * writing them out for it (encodeFresh).
   */
  packageLines?: Uint8Array;
}

/** Starts timing phases into `into` (when given): each call of the returned function ends one phase. */
function phaseTimer(into?: Record<string, { wall: number; cpu: number }>): (name: string) => void {
  if (!into) return () => {};
  let wall = performance.now();
  // This thread's CPU: the classify thread's own is reported beside, as its phases.
  let cpu = threadCpuMs();
  return (name) => {
    const used = threadCpuMs();
    const now = performance.now();
    const slot = (into[name] ??= { wall: 0, cpu: 0 });
    slot.wall += now - wall;
    slot.cpu += used - cpu;
    wall = now;
    cpu = used;
  };
}

/** Changes stored between two turns of the event loop: before the rewrite, and while the rewrite waits for the classify thread (its chunks are heard between steps). */
const STORE_STEP = 2000;
const STORE_STEP_WAITING = 500;

/** Tables in reference order: a row's references are folded before the row. */
const ORDER: TableName[] = [
  'row_aliases', 'industries', 'staff', 'pipeline_stages', 'plans', 'enterprises', 'incubations', 'leads', 'activities',
  'visits', 'attachments', 'requests', 'targets', 'milestones', 'stage_events', 'financing_rounds', 'startup_milestones',
];
const tableOrder = (): TableName[] => [...ORDER, ...(Object.keys(tables) as TableName[]).filter((t) => !ORDER.includes(t))];

const parse = (v: string | null): unknown => (v === null ? null : JSON.parse(v));
const same = (a: unknown, b: unknown) => sameJson(a ?? null, b ?? null);

/** Refuses a package whose changes this program cannot apply safely; nothing is written. */
export function checkIncoming(ctx: WriteContext, changes: LogEntry[], sender: Sender): void {
  const wall = ctx.clock.wallTime();
  let latest: LogEntry | null = null;
  // Made once, not a closure a change (under tsx every named closure also costs a defineProperty).
  const bad = (c: LogEntry, detail: string) => new AppError('sync_bad_change', { detail: `${c.tbl}.${c.field} ${detail}` });
  for (const c of changes) {
    if (!isTableName(c.tbl)) throw bad(c, '(table)');
    const columns = tables[c.tbl].columns as Record<string, unknown>;
    if (c.field !== '*' && c.field !== 'deleted' && !Object.hasOwn(columns, c.field)) throw bad(c, '(field)');
    try {
      if (!isStamp(c.stamp)) throw new Error('stamp');
      const value = parse(c.new_value);
      parse(c.old_value);
      if (c.field === '*') {
        if (!value || typeof value !== 'object' || Array.isArray(value)) throw new Error('snapshot');
        for (const k of Object.keys(value)) if (!Object.hasOwn(columns, k)) throw new Error(k);
      }
    } catch {
      throw bad(c, '(value)');
    }
    // A stamp ends with the id of the site that wrote it (clock.ts format): held changes are found by site (heldAmong).
    if (c.site !== c.stamp.slice(-16)) throw bad(c, '(site)');
    if (typeof c.row_id !== 'string' || !c.row_id || c.row_id.length > 64) throw bad(c, '(row)');
    if (!latest || c.stamp > latest.stamp) latest = c;
  }
  if (latest) {
    const { millis } = parseStamp(latest.stamp);
    if (millis > wall + MAX_CLOCK_AHEAD_MS) {
      const device = sender.sites.find((s) => s.site === latest.site)?.device ?? latest.site;
      throw new AppError('sync_clock_ahead', {
        device,
        stamp: stampTime(latest.stamp).replace('T', ' ').slice(0, 19),
        now: new Date(wall).toISOString().replace('T', ' ').slice(0, 19),
        minutes: MAX_CLOCK_AHEAD_MS / 60_000,
      });
    }
  }
}

class DryRunDone extends Error {}

/**
 * The classify thread a merge of `count` changes with these options uses (null: it classifies in its own
 * thread), started now: by default for WORKER_THRESHOLD changes or more (MergeOptions.classifyOnWorker).
 */
export function classifyThreadFor(ctx: WriteContext, count: number, options: MergeOptions = {}): ClassifyThread | null {
  // A full fold rewrites every row the long way: the thread's verdicts and plans would serve nothing.
  const wantThread = !options.fullFold && (options.classifyOnWorker ?? count >= WORKER_THRESHOLD);
  return wantThread ? ClassifyThread.start(ctx.db, classifyTesting.binding ?? nativeBindingOf(ctx.db)) : null;
}

export async function mergeChanges(ctx: WriteContext, changes: LogEntry[], sender: Sender, options: MergeOptions = {}): Promise<MergeReport> {
  const phase = phaseTimer(options.phases);
  // Started first (or by the caller, earlier still), so that its start overlaps the checks; told to work
  // once the transaction holds the write lock.
  const thread = options.thread !== undefined ? options.thread : classifyThreadFor(ctx, changes.length, options);
  try {
    return await mergeWith(ctx, changes, sender, options, phase, thread);
  } finally {
    // Kept warm for the next merge (a preview's merge) when it is idle and sound, else ended.
    thread?.release();
  }
}

async function mergeWith(ctx: WriteContext, changes: LogEntry[], sender: Sender, options: MergeOptions, phase: (name: string) => void, thread: ClassifyThread | null): Promise<MergeReport> {
  checkIncoming(ctx, changes, sender);
  phase('check');
  const report: MergeReport = {
    dryRun: !!options.dryRun, changes: changes.length, duplicates: 0, applied: 0, fastForward: 0, converged: 0,
    conflicts: [], absorbed: [], newRecords: 0, deletedEdits: 0, reviewItems: 0,
  };
  const db = ctx.db;
  // A large package touches more pages of the log's and the tables' indexes than the connection's page
  // cache holds (64 MB), and would read many of them again from the file: give the merge room, then go back.
  const cacheSize = db.pragma('cache_size', { simple: true }) as number;
  if (changes.length > 10_000) db.pragma(`cache_size = ${Math.min(cacheSize, -262_144)}`);
  try {
    await transactAsync(ctx, async (pause) => {
      db.pragma('defer_foreign_keys = ON');
      let work = 0;
      const total = changes.length * 2;
      // Every 2,000 units of work: report progress, let the event loop run, hear a cancel.
      const step = async () => {
        options.onProgress?.(work, total);
        await pause();
        if (options.signal?.aborted) throw new AppError('cancelled');
      };

      // 1. What is new here (a change has one identity on every copy).
      const held = heldAmong(db, changes);
      // In clock order (of two copies of one change, the first in the package stays: ties by position). A
      // change repeated in the package has the same stamp, so only changes of one stamp are compared.
      const order = Array.from(changes.keys());
      // A package lists its changes in clock order (peers.ts changesSince): checked in one pass, sorted only if not.
      let sorted = true;
      for (let i = 1; i < changes.length && sorted; i++) sorted = changes[i - 1]!.stamp <= changes[i]!.stamp;
      if (!sorted) {
        order.sort((a, b) => {
          const x = changes[a]!.stamp;
          const y = changes[b]!.stamp;
          return x < y ? -1 : x > y ? 1 : a - b;
        });
      }
      const byStamp = order.map((i) => changes[i]!);
      const fresh: LogEntry[] = [];
      // Where each new change is in the package (its line, for the classify thread: packageLines).
      const freshAt: number[] = [];
      const sameStamp = new Set<string>();
      for (let i = 0; i < byStamp.length; i++) {
        const c = byStamp[i]!;
        const prev = byStamp[i - 1];
        const next = byStamp[i + 1];
        if (prev?.stamp !== c.stamp && sameStamp.size) sameStamp.clear();
        const shared = prev?.stamp === c.stamp || next?.stamp === c.stamp;
        const key = held.size || shared ? changeKey(c) : '';
        if ((shared && sameStamp.has(key)) || (held.size && held.has(key))) report.duplicates++;
        else {
          fresh.push(c);
          freshAt.push(order[i]!);
        }
        if (shared) sameStamp.add(key);
        if (++work % 2000 === 0) await step();
      }
      report.applied = fresh.length;
      phase('held');

      // 2. Classify against what each field holds here, in clock order, before storing anything: on the
      // classify thread meanwhile the changes are stored (its connection does not see them), or here.
      const cache = new EntryCache(db);
      let plain = options.fullFold ? null : new PlainRows(db);
      // The package's own lines with the line of each new change, or the new changes encoded (while the
      // thread may still be loading: it is started as the merge begins); null when they cannot be encoded.
      const wire = !thread ? null : options.packageLines !== undefined ? { lines: options.packageLines, pick: Int32Array.from(freshAt), sample: changeSample(fresh) } : encodedFor(fresh);
      if (thread) phase('encode for the classify thread');
      // Sent now, whether the thread has loaded yet or not (it takes the message once it has): this thread
      // stores the changes meanwhile. Its answer arrives in chunks while this thread stores the changes and
      // rewrites the first rows: each chunk's verdicts go to the short way as they come, in the changes' order.
      let elsewhere = wire !== null ? thread!.classify(fresh, wire, (from, to, newer) => offerChunk(fresh, plain!, from, to, newer), options.signal, options.classifyChunk) : null;
      let reviews: PendingReview[] = [];
      if (elsewhere) {
        plain!.expectFields(fresh);
        if (!options.noThreadPlans) plain!.usePlans(elsewhere.plans);
        phase('send to the classify thread');
      } else {
        preloadRoots(cache, fresh);
        phase('read logs');
        reviews = classified(fresh, report, classify(fresh, cache, !!options.fullFold), plain);
        phase('classify');
      }

      // 3. Store, then move the clock past everything received. With the classify thread's answer to come,
      // only until its first rows are ready: the rest is stored while the rewrite waits for the thread (the
      // short way's UPDATEs read no log), and before anything that reads the log (`storeRest`).
      const insert = prepared(db, 'INSERT INTO changes (stamp, site, user, tbl, row_id, field, old_value, new_value, batch) VALUES (?, ?, ?, ?, ?, ?, ?, ?, NULL)');
      let stored = 0;
      const storeSome = (n: number) => {
        const end = Math.min(fresh.length, stored + n);
        for (; stored < end; stored++) {
          const c = fresh[stored]!;
          insert.run(c.stamp, c.site, c.user, c.tbl, c.row_id, c.field, c.old_value, c.new_value);
          // With classify on the thread this cache has read no log yet: nothing to add to (a key a change saved).
          if (!elsewhere) cache.add(c);
        }
      };
      const storeRest = async () => {
        while (stored < fresh.length) {
          const before = stored;
          storeSome(STORE_STEP);
          work += stored - before;
          await step();
        }
      };
      // Records merged as one (row_aliases) are folded the long way first: everything is stored before.
      const interleave = elsewhere !== null && !fresh.some((c) => c.tbl === 'row_aliases');
      if (!interleave) await storeRest();
      if (fresh.length) ctx.clock.receive(fresh[fresh.length - 1]!.stamp);
      options.store?.();
      phase('store changes');
      if (elsewhere && !(await thread!.ready())) {
        // The thread could not load (a packaged app's binding): classify here after all, against the
        // logs as they were before the store, and read ahead what classify here would have read.
        elsewhere = null;
        await storeRest();
        plain = new PlainRows(db);
        reviews = classifyBeforeStore(db, fresh, report, plain);
        readAfterStore(cache, fresh, null, new Map());
        preloadRoots(cache, fresh);
      } else if (elsewhere) readAfterStore(cache, fresh, plain, elsewhere.logMax);
      if (thread) phase('start the classify thread');

      // 4. Rewrite the touched rows from their logs, references first.
      const touched = new Map<TableName, Set<string>>();
      const touch = (t: TableName, id: string) => {
        if (!touched.has(t)) touched.set(t, new Set());
        touched.get(t)!.add(id);
      };
      // With the thread's answer arriving: each changed row's last new change (the row is rewritten once its answer is in).
      const lastChange = elsewhere ? new Map<TableName, Map<string, number>>() : null;
      for (let i = 0; i < fresh.length; i++) {
        const c = fresh[i]!;
        const prev = fresh[i - 1];
        const next = fresh[i + 1];
        if (prev?.row_id !== c.row_id || prev.tbl !== c.tbl) touch(c.tbl as TableName, c.row_id);
        if (lastChange && (next?.row_id !== c.row_id || next.tbl !== c.tbl)) {
          let ofTable = lastChange.get(c.tbl as TableName);
          if (!ofTable) lastChange.set(c.tbl as TableName, (ofTable = new Map()));
          ofTable.set(c.row_id, i);
        }
      }
      // With the thread's answer still arriving: the rows classified so far are rewritten the short way;
      // the first row that takes the long way waits for the whole answer and reads the long way's logs
      // ahead, as it would have without the thread, before anything is written but plain rows' UPDATEs.
      let streaming = elsewhere !== null;
      const longWay = (table: TableName, id: string) => {
        const { created } = materializeRow(ctx, table, id, (kept, absorbed, uscc) => {
          plain?.forgetStored();
          report.absorbed.push({ uscc, kept, absorbed });
          reviews.push(...absorbedReviews(ctx, table, kept, absorbed));
        }, cache);
        if (created) report.newRecords++;
      };
      // A row whose answer has arrived is rewritten with no promise made (an `async` function a row, and an
      // await of the thread's answer a row, were three promises and as many turns of the microtask queue for
      // each of 25,000 rows); a promise comes back only when there is something to wait for.
      const foldReady = (table: TableName, id: string, ids: Set<string>): Promise<void> | undefined => {
        const short = plain?.apply(ctx, table, id, ids, cache) ?? null;
        if (short == null && streaming) return firstLongWay(table, id, ids);
        if (short == null) longWay(table, id);
        return ++work % 2000 === 0 ? step() : undefined;
      };
      const firstLongWay = async (table: TableName, id: string, ids: Set<string>) => {
        streaming = false;
        await storeRest();
        await elsewhere!.all();
        preloadLongWay(cache, fresh, plain!);
        // Its verdicts are all in now: a row not plain before is not plain now, but ask again all the same.
        if (plain!.apply(ctx, table, id, ids, cache) == null) longWay(table, id);
        if (++work % 2000 === 0) await step();
      };
      const fold = (table: TableName, id: string, ids: Set<string>): Promise<void> | undefined => {
        if (!streaming) return foldReady(table, id, ids);
        const last = lastChange!.get(table)?.get(id);
        if (elsewhere!.readyThrough(last)) return foldReady(table, id, ids);
        return stored < fresh.length ? storeWhileWaiting(last).then(() => fold(table, id, ids)) : elsewhere!.whenReadyThrough(last).then(() => foldReady(table, id, ids));
      };
      let storedWaiting = 0;
      // The row's answer is not in: store changes meanwhile, a step at a time, hearing the thread's chunks between steps.
      const storeWhileWaiting = async (last: number | undefined) => {
        const t = performance.now();
        while (stored < fresh.length && !elsewhere!.readyThrough(last)) {
          const before = stored;
          storeSome(STORE_STEP_WAITING);
          if (Math.floor(work / 2000) !== Math.floor((work += stored - before) / 2000)) await step();
          else await pause();
        }
        storedWaiting += performance.now() - t;
      };
      // Aliases first: a row absorbed into another becomes a tombstone, its survivor folds both
      // histories, and the rows that refer to it follow the survivor.
      for (const id of touched.get('row_aliases') ?? []) {
        await fold('row_aliases', id, touched.get('row_aliases')!);
        const alias = prepared(db, 'SELECT tbl, target_id FROM row_aliases WHERE id = ?').get(id) as { tbl: string; target_id: string } | undefined;
        if (!alias || !isTableName(alias.tbl)) continue;
        touch(alias.tbl, id);
        touch(alias.tbl, alias.target_id);
        // Records merged on another copy: this copy may hold a member that copy had not met.
        if (!NO_REVIEW.has(alias.tbl)) reviews.push(...absorbedReviews(ctx, alias.tbl, survivorOf(db, alias.tbl, id), id));
        if (alias.tbl === 'enterprises') {
          for (const [refTable, col] of Object.entries(ENTERPRISE_REFS) as [TableName, string][]) {
            for (const r of prepared(db, `SELECT id FROM ${refTable} WHERE ${col} = ?`).all(id) as { id: string }[]) touch(refTable, r.id);
          }
        }
      }
      // A change to an absorbed row changes its survivor.
      const aliases = cache.aliases();
      for (const [table, ids] of touched) for (const id of [...ids]) ids.add(aliases.survivor(table, id));
      for (const table of tableOrder()) {
        if (table === 'row_aliases') continue;
        const ids = touched.get(table);
        for (const id of ids ?? []) {
          const wait = fold(table, id, ids!);
          if (wait) await wait;
        }
      }
      plain?.flush(ctx);
      await storeRest();
      phase('rewrite rows');
      if (options.phases && storedWaiting > 0) options.phases['(of rewrite rows: storing changes while the thread works)'] = { wall: storedWaiting, cpu: NaN };
      if (elsewhere) {
        const answer = await elsewhere.all();
        report.fastForward += answer.fastForward;
        report.converged += answer.converged;
        // Classify's items first, as when it runs in this thread (items of records merged during the rewrite follow).
        reviews = [...elsewhere.reviews, ...reviews];
        if (options.phases) {
          for (const [name, t] of Object.entries(answer.phases)) options.phases[`thread: ${name}`] = t;
          options.phases['(of rewrite rows: waiting for the classify thread)'] = { wall: elsewhere.waited, cpu: NaN };
        }
        phase('wait for the classify thread');
      }
      // Review items of the other side arrive as rows; they need no review of their own.
      reviews.push(...deletedEdits(ctx, fresh, sender, cache));
      phase('deleted edits');

      // 5. Review items, with the value that stayed.
      for (const r of reviews) {
        const root = survivorOf(db, r.tbl, r.rowId);
        const row = prepared(db, `SELECT * FROM ${r.tbl} WHERE id = ?`).get(root) as Row | undefined;
        const kept = r.kind === 'deleted_edit' ? 1 : row ? decode(r.tbl, r.field, row[r.field]) : null;
        if (r.kind === 'conflict' && same(kept, r.lost)) continue;
        const conflict: Conflict = {
          table: r.tbl, id: root, label: recordLabel(r.tbl, row), field: r.field, kept, lost: r.lost, lostBy: r.loser.user,
          lostDevice: sender.sites.find((s) => s.site === r.loser.site)?.device ?? deviceOf(db, r.loser.site), lostAt: stampTime(r.loser.stamp),
        };
        const id = derivedId(`${r.kind}\n${r.loser.stamp}\n${r.tbl}\n${r.loser.row_id}\n${r.field}`);
        const held = prepared(db, 'SELECT 1 FROM review_items WHERE id = ?').get(id);
        if (held && r.group) continue;
        if (r.kind === 'conflict') report.conflicts.push(conflict);
        else report.deletedEdits++;
        if (held) continue;
        insertRow(ctx, 'review_items', {
          kind: r.kind, tbl: r.tbl, row_id: root, field: r.field, kept_value: JSON.stringify(kept), lost_value: JSON.stringify(r.lost),
          lost_stamp: r.loser.stamp, lost_site: r.loser.site, lost_user: r.loser.user, status: 'open',
        }, id);
        report.reviewItems++;
      }

      // 6. 在孵 follows the merged incubation records (an ordinary change, as a local edit writes it).
      keepIncubationStatusAfterMerge(ctx, fresh, report.absorbed);

      recordSites(db, sender.sites);
      recordPeer(db, sender.site, sender.seen);
      options.onProgress?.(total, total);
      phase('review items');
      if (options.dryRun) throw new DryRunDone();
    });
    phase('commit');
  } catch (err) {
    if (err instanceof DryRunDone) {
      phase('roll back');
      return report;
    }
    // A row the package does not create, or a reference to a record it does not carry: a package
    // written for another receiver, or cut down by hand. Nothing was kept.
    const code = (err as { code?: string }).code;
    if (code === 'SQLITE_CONSTRAINT_NOTNULL' || code === 'SQLITE_CONSTRAINT_FOREIGNKEY') throw new AppError('sync_incomplete', { detail: (err as Error).message });
    throw err;
  } finally {
    if (db.open) db.pragma(`cache_size = ${cacheSize}`);
  }
  return report;
}

/** The new changes encoded for the classify thread (merge-wire.ts encodeFresh), or null when they cannot be. */
function encodedFor(fresh: LogEntry[]): { changes: string } | null {
  const changes = encodeFresh(fresh);
  return changes === null ? null : { changes };
}

function decode(table: TableName, field: string, value: unknown): unknown {
  const kind = (tables[table].columns as Record<string, string>)[field];
  return kind === 'json' && typeof value === 'string' ? JSON.parse(value) : value;
}


/** Takes classify's answer: its counts into the report, its verdicts to the short way; returns the review items. */
function classified(fresh: LogEntry[], report: MergeReport, c: Classified, plain: PlainRows | null): PendingReview[] {
  report.fastForward += c.fastForward;
  report.converged += c.converged;
  if (plain) for (let i = 0; i < fresh.length; i++) plain.offer(fresh[i]!, c.newer[i] === 1);
  return c.reviews;
}

/**
 * After a classify on the other thread, this thread's cache read nothing before the store: the short
 * way takes each row's newest stamp from the thread (`logMax`, filled as its answer arrives), the rows
 * that take the long way are read ahead later (preloadLongWay, once the whole answer is in), and every
 * row classify's read-ahead would have held lists its log in the order it would have (the log before
 * the merge, then the stored changes in the order they were stored).
 */
function readAfterStore(cache: EntryCache, fresh: LogEntry[], plain: PlainRows | null, logMax: Map<string, string>): void {
  const aliases = cache.aliases();
  let preloadable: Set<string> | null = null;
  let rank: Map<string, number> | null = null;
  cache.arrangeReads((key, list) => {
    preloadable ??= readAhead(aliases, fresh);
    if (!preloadable.has(key) || list.length === 0) return list;
    rank ??= new Map(fresh.map((e, i) => [changeKey(e), i]));
    const before: LogEntry[] = [];
    const stored: [number, LogEntry][] = [];
    for (const e of list) {
      const r = rank.get(changeKey(e));
      if (r === undefined) before.push(e);
      else stored.push([r, e]);
    }
    stored.sort((a, b) => a[0] - b[0]);
    return [...before, ...stored.map(([, e]) => e)];
  });
  plain?.useLogMax(logMax);
}

/**
 * Classify's answer (as `classified` takes it) for changes just stored, from the logs as they were
 * before: each row's log read without them, in the order classify would have read it before the store.
 */
function classifyBeforeStore(db: Db, fresh: LogEntry[], report: MergeReport, plain: PlainRows): PendingReview[] {
  const stored = new Set(fresh.map(changeKey));
  const before = new EntryCache(db);
  before.arrangeReads((_key, list) => list.filter((e) => !stored.has(changeKey(e))));
  preloadRoots(before, fresh);
  return classified(fresh, report, classify(fresh, before), plain);
}

/** Reads ahead, in batches, the logs of the rows that take the long way (those the short way does not take). */
function preloadLongWay(cache: EntryCache, fresh: LogEntry[], plain: PlainRows): void {
  const longWay = fresh.filter((e) => !plain.isPlain(e.tbl, e.row_id));
  if (longWay.length) preloadRoots(cache, longWay);
}

/** A chunk of the classify thread's verdicts, to the short way (as `classified` offers them in this thread). */
function offerChunk(fresh: LogEntry[], plain: PlainRows, from: number, to: number, newer: Uint8Array): void {
  for (let i = from; i < to; i++) plain.offer(fresh[i]!, newer[i] === 1);
}

/** The keys (table, id) of the rows classify's read-ahead reads for `fresh` (preloadRoots). */
function readAhead(aliases: AliasIndex, fresh: LogEntry[]): Set<string> {
  const out = new Set<string>();
  for (const [table, ids] of rootMembers(aliases, fresh)) for (const id of ids) out.add(`${table}\u0000${id}`);
  return out;
}

/**
 * Two records merged as one: each field where a member's own latest value differs from the value the
 * merged record keeps is a conflict to review. The whole group is compared, not only the pair just met:
 * a third copy of the record (three devices, one credit code) can make an earlier pair's winner lose,
 * and that value needs its item too (the long property scenarios found it lost without one). Items take
 * their id from the losing change, so one met again is not recorded twice.
 */
function absorbedReviews(ctx: WriteContext, table: TableName, kept: string, absorbed: string): PendingReview[] {
  void absorbed;
  const members = membersOf(ctx.db, table, kept);
  const winners = fieldWinners(entriesOf(ctx.db, table, members));
  const out: PendingReview[] = [];
  for (const member of members) {
    for (const [field, own] of fieldWinners(entriesOf(ctx.db, table, [member]))) {
      const stay = winners.get(field);
      if (!stay || field === 'deleted' || same(stay.value, own.value)) continue;
      out.push({ kind: 'conflict', tbl: table, rowId: kept, field, lost: own.value, loser: own.entry, group: true });
    }
  }
  return out;
}

/**
 * Edits that met a deletion their writer had not seen, or a deletion that met edits its writer had not
 * seen: the edit is kept on the tombstone, and one review item per deletion offers to restore it.
 */
function deletedEdits(ctx: WriteContext, fresh: LogEntry[], sender: Sender, cache: EntryCache): PendingReview[] {
  let freshKeys: Set<string> | null = null;
  const isFresh = (c: LogEntry) => (freshKeys ??= new Set(fresh.map(changeKey))).has(changeKey(c));
  const unseenBySender = (c: LogEntry) => c.stamp > (sender.seen[c.site] ?? '');
  const aliases = cache.aliases();
  // Each changed row's survivor, table by table, and all of them in the order first met (the review items' order).
  const roots = new Map<TableName, Set<string>>();
  const met: [TableName, string][] = [];
  // In clock order a row's changes mostly sit side by side (the fields of one save share a stamp range): a change of the
  // row just seen adds nothing, and skipping it saves the look-ups of three changes in four.
  let lastTbl = '';
  let lastId = '';
  for (const c of fresh) {
    if (NO_REVIEW.has(c.tbl)) continue;
    if (c.row_id === lastId && c.tbl === lastTbl) continue;
    lastTbl = c.tbl;
    lastId = c.row_id;
    const tbl = c.tbl as TableName;
    let ofTable = roots.get(tbl);
    if (!ofTable) roots.set(tbl, (ofTable = new Set()));
    const root = aliases.survivor(tbl, c.row_id);
    if (ofTable.has(root)) continue;
    ofTable.add(root);
    met.push([tbl, root]);
  }
  // Only deleted rows can hold an edit that met a deletion: find them with a statement per BATCH rows.
  const deleted = new Map<TableName, Set<string>>();
  for (const [tbl, ids] of roots) {
    const found = deletedAmong(ctx.db, tbl, [...ids]);
    if (found.size) deleted.set(tbl, found);
  }
  const out: PendingReview[] = [];
  if (deleted.size === 0) return out;
  for (const [tbl, root] of met) {
    if (!deleted.get(tbl)?.has(root)) continue;
    const entries = entriesOf(ctx.db, tbl, membersOf(ctx.db, tbl, root), cache);
    const del = fieldWinners(entries).get('deleted');
    if (!del || !Number(del.value)) continue;
    const edits = entries.filter((e) => e.field !== 'deleted' && e.field !== '*');
    // The deletion came with the package and meets edits here the sender had not seen, or the deletion
    // is ours and the sender edited without having seen it.
    const missed = isFresh(del.entry) ? edits.find((e) => !isFresh(e) && unseenBySender(e)) : unseenBySender(del.entry) ? edits.find(isFresh) : undefined;
    if (!missed) continue;
    out.push({ kind: 'deleted_edit', tbl, rowId: root, field: 'deleted', lost: { [missed.field]: parse(missed.new_value) }, loser: { ...del.entry, field: 'deleted' } });
  }
  return out;
}
