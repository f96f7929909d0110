import fc from 'fast-check';
import { createHash } from 'node:crypto';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { updateRow } from '../../src/core/db/write';
import { ParkCore } from '../../src/core/service';
import { generate } from '../../src/core/seed/seed';
import type { LogEntry } from '../../src/core/db/materialize';
import { mergeChanges, type MergeOptions, type MergeReport, type Sender } from '../../src/core/sync/merge';
import { decodePackage, encodePackage } from '../../src/core/sync/package';
import { ClassifyThread, classifyTesting, hasWarmThread } from '../../src/core/sync/merge-thread';
import { vectorOf } from '../../src/core/sync/peers';
import { threadPlans } from '../../src/core/sync/plain-rows';
import { fieldChanges } from './field-changes';
import { runScenario, scenarios, strictDump } from './sync-property';

/**
 * A large merge classifies on a second thread (sync/merge-thread.ts, merge-worker.ts) with its own
 * read-only connection while the merge stores the changes. The same package merged with classify on
 * the thread and in the merge's own thread must leave the same database, byte for byte, and the same
 * report. (The thread needs a database file in WAL mode: these copies are files.)
 */
const dir = mkdtempSync(join(tmpdir(), 'pp-mergethread-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));
let n = 0;

/** A file copy of `image` (a serialized database), opened as the office. */
function fileCopy(image: Buffer, now: () => number): ParkCore {
  const file = join(dir, `copy${n++}.db`);
  writeFileSync(file, image);
  return new ParkCore(file, { create: false, user: 'office', now });
}

/** The merged copy of `image` (each merge into a file copy of its own): its report, strict dump and the phases timed. */
async function mergedCopy(image: Buffer, changes: LogEntry[], sender: Sender, onThread: boolean, classifyChunk?: number, options: MergeOptions = {}) {
  const core = fileCopy(image, () => Date.UTC(2026, 10, 30, 11));
  try {
    const phases: Record<string, { wall: number; cpu: number }> = {};
    const report: MergeReport = await mergeChanges(core.context(), changes, sender, { classifyOnWorker: onThread, phases, ...(classifyChunk ? { classifyChunk } : {}), ...options });
    return { report, dump: strictDump(core.db), phases: Object.keys(phases) };
  } finally {
    core.close();
  }
}

/** The laptop `laptop` as the sender of `changes`, having seen what `office` holds. */
const senderOf = (office: ParkCore, laptop: string, changes: LogEntry[]): Sender => ({
  site: laptop, device: 'laptop', person: null, seen: { ...vectorOf(office.db), [laptop]: changes.at(-1)!.stamp }, sites: [{ site: laptop, device: 'laptop', person: null }],
});

/**
 * A generated park of 300 enterprises (its database image) and a laptop's package of edits to the rows
 * `select` reads (`edit` pushes them), with `merged(onThread, classifyChunk)` merging it into a copy.
 */
function laptopPackage(laptop: string, select: string, edit: (rows: Record<string, unknown>[], push: ReturnType<typeof fieldChanges>['push']) => void) {
  const office = new ParkCore(':memory:', { user: 'office', now: () => Date.UTC(2026, 10, 30, 9) });
  generate(office.context(), { enterprises: 300, leads: 0, activities: 0 });
  const { changes, push } = fieldChanges(laptop, Date.UTC(2026, 10, 30, 10));
  edit(office.db.prepare(select).all() as Record<string, unknown>[], push);
  const image = office.db.serialize();
  const sender = senderOf(office, laptop, changes);
  office.close();
  return { image, changes, sender, merged: (onThread: boolean, classifyChunk?: number) => mergedCopy(image, changes, sender, onThread, classifyChunk) };
}

describe('merge: classify on the second thread = classify in the merge thread', () => {
  it('a laptop package over a generated park, with conflicts, converged values, snapshots, deletions and new rows', async () => {
    const clock = { t: Date.UTC(2026, 10, 30, 9) };
    const office = new ParkCore(':memory:', { user: 'office', now: () => clock.t });
    generate(office.context(), { enterprises: 600, leads: 200, activities: 200 });
    const rows = office.db.prepare('SELECT id, headcount, revenue, notes, tags, name FROM enterprises WHERE deleted = 0 ORDER BY rowid LIMIT 400').all() as Record<string, unknown>[];
    const laptop = 'fe11d0c0ffee0003';
    const { changes, push } = fieldChanges(laptop, Date.UTC(2026, 10, 30, 10));
    rows.forEach((r, i) => {
      const kind = i % 10;
      if (kind <= 3) push('enterprises', r.id, 'headcount', r.headcount, Number(r.headcount ?? 0) + 1);
      if (kind === 0) push('enterprises', r.id, 'notes', r.notes, `走访 ${i}`);
      if (kind === 1) push('enterprises', r.id, 'revenue', r.revenue, r.revenue); // converged
      if (kind === 2) push('enterprises', r.id, 'headcount', r.headcount, Number(r.headcount ?? 0) + 2);
      if (kind === 4) push('enterprises', r.id, 'notes', 'not what the office holds', `冲突 ${i}`); // a conflict
      if (kind === 5) push('enterprises', r.id, 'name', r.name, `${String(r.name)}（新）`);
      if (kind === 6) push('enterprises', r.id, 'tags', r.tags === null ? [] : JSON.parse(String(r.tags)), ['走访', `t${i}`]);
      if (kind === 7) push('enterprises', r.id, 'headcount', 5, 7, Date.UTC(2010, 0, 1)); // older than what it holds: a conflict it loses
      if (kind === 8) push('enterprises', r.id, 'deleted', 0, 1);
      if (kind === 3) push('enterprises', r.id, '*', null, { headcount: 99, notes: 'snapshot' });
      if (kind === 9) push('enterprises', `new-${i}`, '*', null, { name: `新企业${i}`, kind: 'startup', status: 'settled' });
    });
    const seenByLaptop = vectorOf(office.db);
    // The office edited a few of the same rows after the laptop's copy, some of them deleted there.
    rows.slice(0, 60).forEach((r, i) => {
      if (i % 10 === 8) updateRow(office.context(), 'enterprises', String(r.id), { headcount: 1234 });
      if (i % 10 === 0) updateRow(office.context(), 'enterprises', String(r.id), { notes: '办公室' });
    });
    // And, later than the laptop's edits, another field of rows the laptop edited: the rewritten row's
    // last-write time is the office's.
    clock.t = Date.UTC(2026, 10, 30, 12);
    rows.slice(0, 60).forEach((r, i) => {
      if (i % 10 === 2) updateRow(office.context(), 'enterprises', String(r.id), { patents: 77 });
    });
    const image = office.db.serialize();
    const sender: Sender = { site: laptop, device: 'laptop', person: null, seen: { ...seenByLaptop, [laptop]: changes.at(-1)!.stamp }, sites: [{ site: laptop, device: 'laptop', person: null }] };
    office.close();
    const merged = (onThread: boolean, classifyChunk?: number) => mergedCopy(image, changes, sender, onThread, classifyChunk);
    const there = await merged(true);
    // The answer streamed back in chunks of a few changes: rows rewritten while later chunks are classified.
    const streamed = await merged(true, 7);
    const here = await merged(false);
    // A thread that cannot load, found out only after the merge stored the changes: classified here then.
    classifyTesting.binding = join(dir, 'no-such-binding.node');
    const unloaded = await merged(true).finally(() => delete classifyTesting.binding);
    expect(unloaded.phases).not.toContain('thread: classify');
    expect(unloaded.report).toEqual(here.report);
    expect(unloaded.dump).toBe(here.dump);
    expect(there.phases).toContain('thread: classify');
    expect(streamed.phases).toContain('thread: classify');
    expect(here.phases).not.toContain('thread: classify');
    expect(here.report.conflicts.length).toBeGreaterThan(0);
    expect(here.report.deletedEdits).toBeGreaterThan(0);
    expect(here.report.newRecords).toBeGreaterThan(0);
    expect(there.report).toEqual(here.report);
    expect(there.dump).toBe(here.dump);
    expect(streamed.report).toEqual(here.report);
    expect(streamed.dump).toBe(here.dump);
  }, 120_000);

  it('a thread that cannot load says so before it is given work (the merge then classifies in its own thread)', async () => {
    const core = fileCopy(new ParkCore(':memory:', { user: 'office' }).db.serialize(), () => Date.UTC(2026, 10, 30, 9));
    try {
      const broken = ClassifyThread.start(core.db, join(dir, 'no-such-binding.node'))!;
      expect(await broken.ready()).toBe(false);
      broken.stop();
      const working = ClassifyThread.start(core.db)!;
      expect(await working.ready()).toBe(true);
      working.stop();
      expect(ClassifyThread.start(new ParkCore(':memory:', { user: 'x' }).db)).toBeNull();
    } finally {
      core.close();
    }
  }, 60_000);

  it('plain edits streamed back a few changes a chunk, a row\'s changes far apart in the package: same database and report', async () => {
    // Two passes: first each row's four number and note fields side by side, then, for rows of the second
    // half, name and tags, or a tax figure. Those rows' last change sits many chunks after their first, and
    // their first changes arrive with rows the merge rewrites (and reads ahead) long before the last. The
    // rows given a tax figure get only the values they hold (converged, newer): nothing to rewrite.
    const same = (i: number) => i >= 60 && i % 3 === 1;
    const { merged } = laptopPackage('fe11d0c0ffee0004', 'SELECT id, headcount, revenue, notes, tags, name, patents, tax FROM enterprises WHERE deleted = 0 ORDER BY rowid LIMIT 120', (rows, push) => {
      rows.forEach((r, i) => {
        for (const field of ['headcount', 'revenue', 'patents']) push('enterprises', r.id, field, r[field], same(i) ? r[field] : Number(r[field] ?? 0) + 1);
        push('enterprises', r.id, 'notes', r.notes, same(i) ? r.notes : `走访 ${i}`);
      });
      rows.forEach((r, i) => {
        if (same(i)) push('enterprises', r.id, 'tax', r.tax, r.tax);
        if (i < 60 || i % 3 !== 0) return;
        push('enterprises', r.id, 'name', r.name, `${String(r.name)}（${i}）`);
        push('enterprises', r.id, 'tags', r.tags === null ? [] : JSON.parse(String(r.tags)), ['走访', `t${i}`]);
      });
    });
    let applied = threadPlans.applied;
    const here = await merged(false);
    expect(threadPlans.applied).toBe(applied);
    expect(here.report.converged).toBeGreaterThan(0);
    expect(here.report.conflicts).toEqual([]);
    for (const chunk of [1, 5, 64]) {
      applied = threadPlans.applied;
      const streamed = await merged(true, chunk);
      expect(streamed.report).toEqual(here.report);
      expect(streamed.dump).toBe(here.dump);
      // The rows were rewritten from the thread's plans, not worked out again here.
      expect(threadPlans.applied - applied).toBeGreaterThanOrEqual(60);
    }
    // The thread pausing after each chunk: the merge stores the changes while it waits for the answer
    // (not all before the rewrite), long before the answer is all in, and rewrites each row as soon as its
    // last change is classified.
    classifyTesting.pauseMs = 15;
    try {
      for (const chunk of [8, 64]) {
        const slow = await merged(true, chunk);
        expect(slow.report).toEqual(here.report);
        expect(slow.dump).toBe(here.dump);
        expect(slow.phases).toContain('(of rewrite rows: storing changes while the thread works)');
      }
    } finally {
      classifyTesting.pauseMs = null;
    }
  }, 120_000);

  it('planned rows scattered over the table (their UPDATEs run in rowid order) among rows taking other ways: same database and report', async () => {
    // The package meets the rows against rowid order, so PlainRows.flush reorders the planned UPDATEs; the
    // rows between them that take another way (a deletion, a snapshot: the long way; a name: the search
    // text, worked out here) must see every planned UPDATE before them done.
    const { merged } = laptopPackage('fe11d0c0ffee0005', 'SELECT id, headcount, revenue, notes, name FROM enterprises WHERE deleted = 0 ORDER BY (rowid * 7919) % 1009 LIMIT 200', (rows, push) => {
      rows.forEach((r, i) => {
        push('enterprises', r.id, 'headcount', r.headcount, Number(r.headcount ?? 0) + 1);
        push('enterprises', r.id, 'notes', r.notes, `走访 ${i}`);
        if (i % 7 === 4) push('enterprises', r.id, 'deleted', 0, 1);
        if (i % 11 === 5) push('enterprises', r.id, '*', null, { revenue: 1234, notes: 'snapshot' });
        if (i % 13 === 8) push('enterprises', r.id, 'name', r.name, `${String(r.name)}（${i}）`);
      });
    });
    const here = await merged(false);
    expect(here.report.deletedEdits + here.report.fastForward).toBeGreaterThan(0);
    for (const chunk of [undefined, 16]) {
      const applied = threadPlans.applied;
      const there = await merged(true, chunk);
      expect(threadPlans.applied - applied).toBeGreaterThanOrEqual(100);
      expect(there.report).toEqual(here.report);
      expect(there.dump).toBe(here.dump);
    }
  }, 120_000);

  it('a thread failing half way through its answer rolls the merge back; so does a cancel', async () => {
    // 1,200 changes: the merge reports progress (and hears a cancel) every 2,000 units of work.
    const { image, changes, sender } = laptopPackage('fe11d0c0ffee0005', 'SELECT id, headcount, revenue, patents, notes FROM enterprises WHERE deleted = 0 ORDER BY rowid LIMIT 300', (rows, push) => {
      for (const r of rows) {
        for (const field of ['headcount', 'revenue', 'patents']) push('enterprises', r.id, field, r[field], Number(r[field] ?? 0) + 1);
        push('enterprises', r.id, 'notes', r.notes, '走访');
      }
    });
    const core = fileCopy(image, () => Date.UTC(2026, 10, 30, 11));
    try {
      const before = strictDump(core.db);
      classifyTesting.afterChunks = 3;
      try {
        await expect(mergeChanges(core.context(), changes, sender, { classifyOnWorker: true, classifyChunk: 10 })).rejects.toMatchObject({ code: 'internal' });
      } finally {
        classifyTesting.afterChunks = null;
      }
      expect(strictDump(core.db)).toBe(before);
      const abort = new AbortController();
      await expect(mergeChanges(core.context(), changes, sender, { classifyOnWorker: true, classifyChunk: 10, signal: abort.signal, onProgress: (done) => done > 0 && abort.abort() })).rejects.toMatchObject({ code: 'cancelled' });
      expect(strictDump(core.db)).toBe(before);
      // And the same merge, left alone, changes it.
      const report = await mergeChanges(core.context(), changes, sender, { classifyOnWorker: true, classifyChunk: 10 });
      expect(report.fastForward).toBe(changes.length);
      expect(strictDump(core.db)).not.toBe(before);
    } finally {
      core.close();
    }
  }, 60_000);

  it('a package file\'s own lines go to the thread, its new changes picked out (clock order, repeats and changes held here left out): same database and report as changes encoded for it', async () => {
    const laptop = 'fe11d0c0ffee0008';
    const clock = { t: Date.UTC(2026, 10, 30, 9) };
    const office = new ParkCore(':memory:', { user: 'office', now: () => clock.t });
    generate(office.context(), { enterprises: 300, leads: 0, activities: 0 });
    const { changes, push } = fieldChanges(laptop, Date.UTC(2026, 10, 30, 10));
    clock.t = Date.UTC(2026, 10, 30, 10, 30);
    (office.db.prepare('SELECT id, headcount, revenue, notes FROM enterprises WHERE deleted = 0 ORDER BY rowid LIMIT 120').all() as Record<string, unknown>[]).forEach((r, i) => {
      push('enterprises', r.id, 'headcount', r.headcount, Number(r.headcount ?? 0) + 1);
      push('enterprises', r.id, 'notes', r.notes, i % 5 === 0 ? '冲突' : `走访 ${i}`);
      if (i % 3 === 0) push('enterprises', r.id, 'revenue', r.revenue, Number(r.revenue ?? 0) + 5);
    });
    const sender = senderOf(office, laptop, changes);
    // Held here already: a third of the changes, merged first.
    await mergeChanges(office.context(), changes.filter((_, i) => i % 3 === 1), sender, { classifyOnWorker: false });
    // And the office changed the notes of a few rows whose laptop notes are still to come: conflicts.
    changes.forEach((c, i) => c.field === 'notes' && i % 3 !== 1 && i % 4 === 0 && updateRow(office.context(), 'enterprises', c.row_id, { notes: '办公室' }));
    const merged = office.db.serialize();
    office.close();
    // The package out of clock order, some changes twice, and an attachment after the changes' lines.
    const shuffled = changes.map((c, i) => ({ c, k: (i * 7919) % 101 })).sort((a, b) => a.k - b.k).map(({ c }) => c);
    const listed = [...shuffled, ...shuffled.filter((_, i) => i % 9 === 4)];
    const blob = Buffer.from('走访照片');
    const file = encodePackage({
      manifest: { ppsync: 1, schema: [], dbId: '', sender: { ...sender.sites[0]!, seen: sender.seen }, receiver: null, range: null, counts: { changes: listed.length, blobs: 1 }, sites: sender.sites, createdAt: '2026-11-30T10:00:00Z' },
      changes: listed,
      blobs: new Map([[createHash('sha256').update(blob).digest('hex'), blob]]),
    });
    const pkg = decodePackage(file);
    // The change lines' bytes, without the attachment's line after them.
    const changeLines = Buffer.from(pkg.changesBytes!).toString('utf8').split('\n');
    expect(changeLines).toHaveLength(listed.length);
    expect(JSON.parse(changeLines.at(-1)!)).toHaveLength(8);
    expect(pkg.blobs.size).toBe(1);
    const here = await mergedCopy(merged, pkg.changes, sender, false);
    const encoded = await mergedCopy(merged, pkg.changes, sender, true, 16);
    const lines = await mergedCopy(merged, pkg.changes, sender, true, 16, { packageLines: pkg.changesBytes! });
    expect(here.report.duplicates).toBeGreaterThan(changes.length / 3);
    expect(here.report.conflicts.length).toBeGreaterThan(0);
    expect(lines.phases).toContain('thread: classify');
    expect(encoded.report).toEqual(here.report);
    expect(lines.report).toEqual(here.report);
    expect(lines.dump).toBe(here.dump);
    expect(encoded.dump).toBe(here.dump);
    // The thread reads those lines itself, and checks that they give the changes being merged: lines
    // out of step with the changes fail the merge, which rolls back.
    const shifted = [...changeLines];
    shifted.push(shifted.shift()!);
    await expect(mergedCopy(merged, pkg.changes, sender, true, 16, { packageLines: Buffer.from(shifted.join('\n')) })).rejects.toMatchObject({ code: 'internal' });
  }, 120_000);

  it('a thread that finished its merge is kept for the next merge into the connection (a preview, then the merge), which classifies the data as it is then; a failed one is not kept; idle time and close end it', async () => {
    const { image, changes, sender } = laptopPackage('fe11d0c0ffee0006', 'SELECT id, headcount, notes FROM enterprises WHERE deleted = 0 ORDER BY rowid LIMIT 150', (rows, push) => {
      rows.forEach((r, i) => {
        push('enterprises', r.id, 'headcount', r.headcount, Number(r.headcount ?? 0) + 1);
        push('enterprises', r.id, 'notes', r.notes, `走访 ${i}`);
      });
    });
    const starts: number[] = [];
    classifyTesting.onStart = () => starts.push(1);
    const edited = (core: ParkCore) => String((core.db.prepare('SELECT id FROM enterprises WHERE deleted = 0 ORDER BY rowid LIMIT 1 OFFSET 7').get() as { id: string }).id);
    /** The preview, an office edit of a field the package changes (a conflict the preview did not see), then the merge. */
    const previewThenMerge = async (core: ParkCore, onThread: boolean) => {
      const preview = await mergeChanges(core.context(), changes, sender, { classifyOnWorker: onThread, dryRun: true, classifyChunk: 16 });
      updateRow(core.context(), 'enterprises', edited(core), { notes: '办公室刚改过' });
      const merged = await mergeChanges(core.context(), changes, sender, { classifyOnWorker: onThread, classifyChunk: 16 });
      return { preview, merged, dump: strictDump(core.db) };
    };
    try {
      const here = fileCopy(image, () => Date.UTC(2026, 10, 30, 11));
      const expected = await previewThenMerge(here, false).finally(() => here.close());
      expect(expected.preview.conflicts).toEqual([]);
      expect(expected.merged.conflicts).toHaveLength(1);

      const core = fileCopy(image, () => Date.UTC(2026, 10, 30, 11));
      const got = await previewThenMerge(core, true);
      // One thread served both, and the merge's answer saw the office's edit made after the preview.
      expect(starts).toHaveLength(1);
      expect(got.preview).toEqual(expected.preview);
      expect(got.merged).toEqual(expected.merged);
      expect(got.dump).toBe(expected.dump);
      expect(hasWarmThread(core.db)).toBe(true);

      // The same edits from another laptop: new to this copy (the package above is merged already).
      const other = 'fe11d0c0ffee0007';
      const otherChanges = changes.map((c) => ({ ...c, site: other, stamp: c.stamp.replace('fe11d0c0ffee0006', other) }));
      const otherSender = { ...sender, site: other, seen: { ...sender.seen, [other]: otherChanges.at(-1)!.stamp }, sites: [{ site: other, device: 'laptop 7', person: null }] };
      // A thread that fails half way is ended, not kept: the next merge starts another.
      classifyTesting.afterChunks = 2;
      await expect(mergeChanges(core.context(), otherChanges, otherSender, { classifyOnWorker: true, classifyChunk: 16, dryRun: true })).rejects.toMatchObject({ code: 'internal' });
      classifyTesting.afterChunks = null;
      expect(hasWarmThread(core.db)).toBe(false);
      const again = await mergeChanges(core.context(), changes, sender, { classifyOnWorker: true, dryRun: true });
      expect(starts).toHaveLength(2);
      expect(again.duplicates).toBe(changes.length);

      // A merge cancelled while its thread is still answering is not kept either.
      const abort = new AbortController();
      classifyTesting.pauseMs = 20;
      setTimeout(() => abort.abort(), 60);
      await expect(mergeChanges(core.context(), otherChanges, otherSender, { classifyOnWorker: true, classifyChunk: 16, signal: abort.signal, dryRun: true })).rejects.toMatchObject({ code: 'cancelled' });
      classifyTesting.pauseMs = null;
      expect(hasWarmThread(core.db)).toBe(false);
      expect(starts).toHaveLength(2);

      // Kept only so long idle.
      classifyTesting.warmMs = 50;
      await mergeChanges(core.context(), changes, sender, { classifyOnWorker: true, dryRun: true });
      expect(hasWarmThread(core.db)).toBe(true);
      await new Promise((resolve) => setTimeout(resolve, 300));
      expect(hasWarmThread(core.db)).toBe(false);

      // And closing the database ends it.
      delete classifyTesting.warmMs;
      await mergeChanges(core.context(), changes, sender, { classifyOnWorker: true, dryRun: true });
      const db = core.db;
      expect(hasWarmThread(db)).toBe(true);
      core.close();
      expect(hasWarmThread(db)).toBe(false);
    } finally {
      classifyTesting.onStart = undefined;
      classifyTesting.afterChunks = null;
      classifyTesting.pauseMs = null;
      delete classifyTesting.warmMs;
    }
  }, 120_000);

  it('random office + 2 laptop scenarios, each merge also made with classify on the thread', async () => {
    await fc.assert(fc.asyncProperty(scenarios(3), ({ cmds, order }) => runScenario(cmds, 3, order, { onThread: true })), {
      numRuns: Number(process.env.SYNC_THREAD_RUNS ?? 3),
    });
  }, 600_000);
});
