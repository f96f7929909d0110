import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import type { z } from 'zod';
import { enterprisesHandlers } from '../../src/core/enterprises/handlers';
import { incubationsHandlers } from '../../src/core/incubation/handlers';
import { leadsHandlers } from '../../src/core/leads/handlers';
import { createSchemas } from '../../src/core/imports/create-schemas';
import { findHeaderRow, mapColumns } from '../../src/core/imports/importer';
import { openTable } from '../../src/core/imports/read';
import { checkPlan } from '../../src/core/imports/check-plan';
import { checkThreadTesting } from '../../src/core/imports/check-thread';
import { rowChecker } from '../../src/core/imports/row-check';
import type { SourceRow } from '../../src/core/imports/source';
import { readerThread } from '../../src/core/imports/worker-source';
import { seedReference } from '../../src/core/seed/seed';
import { testCore } from './helpers';

/**
 * A long file's rows are normalised and run through the create schema on the check thread
 * (check-worker.ts): each row's result must be what the importer's own thread makes of the row
 * (rowChecker), value for value (-0 included), reason for reason, and its cells must read back as
 * the reader made them (the rejected rows' workbook shows them).
 */
const FIXTURES = resolve(__dirname, '../fixtures/import-equivalence');
const dir = mkdtempSync(join(tmpdir(), 'import-check-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

async function checkedBothWays(path: string, name: string): Promise<number> {
  const saved = readerThread.minBytes;
  readerThread.minBytes = 0;
  try {
    const core = testCore();
    seedReference(core.context());
    const table = await openTable(path, name);
    const thread = table.checkOnThread?.();
    expect(thread).toBeTruthy();
    const rows = table.rows[Symbol.asyncIterator]();
    const top: SourceRow[] = [];
    for (let i = 0; i < 30; i++) top.push((await rows.next()).value as SourceRow);
    const headerRow = findHeaderRow(core.db, 'enterprises', top);
    const plan = checkPlan(core.db, 'enterprises', mapColumns(core.db, 'enterprises', top.find((r) => r.row === headerRow)!.cells), 'zh-CN');
    thread!.plan(plan);
    expect(await thread!.loading).toBe(true);
    const here = rowChecker(plan);
    const plain = (await openTable(path, name)).rows[Symbol.asyncIterator]();
    let onThread = 0;
    for (const r of top) expect((await plain.next()).value).toStrictEqual(r);
    for (let n = await rows.next(); !n.done; n = await rows.next()) {
      const r = n.value;
      const same = (await plain.next()).value as SourceRow;
      expect(r.row).toBe(same.row);
      expect(r.cells, `row ${r.row}`).toStrictEqual(same.cells);
      if (r.checked === undefined) continue;
      onThread++;
      expect(r.checked, `row ${r.row}`).toStrictEqual(here(same.cells));
    }
    expect((await plain.next()).done).toBe(true);
    core.close();
    return onThread;
  } finally {
    readerThread.minBytes = saved;
  }
}

describe('the import check thread', () => {
  it('checks a CSV roster (blanks, bad cells, duplicates) exactly as the importer would', async () => {
    expect(await checkedBothWays(join(FIXTURES, 'roster.csv'), 'roster.csv')).toBeGreaterThanOrEqual(1_000);
  });

  it('checks an .xlsx roster (dates, holes, problems) exactly as the importer would', async () => {
    expect(await checkedBothWays(join(FIXTURES, 'roster-exceljs.xlsx'), 'roster.xlsx')).toBeGreaterThanOrEqual(1_000);
  });

  it('keeps -0, refusals of the create schema and contacts as they are', async () => {
    const lines = ['企业名称,注册资本（万元）,面积（㎡）,从业人数,联系人,联系电话'];
    for (let i = 1; i <= 2_500; i++) {
      const name = i % 7 === 0 ? 'x'.repeat(300) : `企业${i}`; // too long a name: the create schema refuses it
      lines.push(`${name},${i % 3 ? '-0' : '12'},${i % 2 ? '-0' : '3.5'},${i % 5 ? '-0' : '9'},${i % 4 ? `联系人${i}` : ''},1380000${i}`);
    }
    const path = join(dir, 'zeros.csv');
    writeFileSync(path, lines.join('\n'));
    expect(await checkedBothWays(path, 'zeros.csv')).toBeGreaterThanOrEqual(1_000);
  });
});

describe('a check thread that fails half way', () => {
  it('loses no row: the batches it had not answered, and every later one, are checked in the importer\'s thread', async () => {
    const lines = ['企业名称,注册资本（万元）,从业人数'];
    for (let i = 1; i <= 4_500; i++) lines.push(`失败企业${i},${i % 9},${i % 4}`);
    const path = join(dir, 'dies.csv');
    writeFileSync(path, lines.join('\n'));
    checkThreadTesting.dieAfterBatches = 1;
    try {
      // checkedBothWays compares every row's cells with a plain read, so a lost or doubled batch fails it;
      // rows the thread answered before it ended are still compared with the importer's own check.
      expect(await checkedBothWays(path, 'dies.csv')).toBeLessThan(4_500);
    } finally {
      checkThreadTesting.dieAfterBatches = null;
    }
  });
});

describe('the check thread\'s create schemas', () => {
  it('are the create handlers\' own: the same zod schema for every field, no other key, unknown keys refused', () => {
    const handlers = { enterprises: enterprisesHandlers['enterprises.create'], leads: leadsHandlers['leads.create'], incubations: incubationsHandlers['incubations.create'] };
    for (const [entity, h] of Object.entries(handlers)) {
      const ours = createSchemas[entity as keyof typeof handlers] as z.ZodObject;
      const theirs = h.input as unknown as z.ZodObject;
      expect(Object.keys(ours.shape).sort(), entity).toEqual(Object.keys(theirs.shape).sort());
      for (const k of Object.keys(theirs.shape)) expect(ours.shape[k], `${entity}.${k}`).toBe(theirs.shape[k]);
      expect(ours.safeParse({ unknown_field: 1 }).success).toBe(false);
      expect(ours._zod.def.catchall?._zod.def.type).toBe(theirs._zod.def.catchall?._zod.def.type);
    }
  });
});
