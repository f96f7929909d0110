import { writeFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { runImport, type ImportReport } from '../../src/core/imports/importer';
import { openTable } from '../../src/core/imports/read';
import { seedReference } from '../../src/core/seed/seed';
import type { ParkCore } from '../../src/core/service';
import { tempFile, testCore } from './helpers';

/**
 * An import sums the Overview's enterprise_months increments per chunk (aggregates.ts
 * batchEnterpriseMonths) instead of one upsert per row. After the import the table must hold exactly
 * what the rows say, also when a later row of the same chunk moves a record the chunk created (an
 * upsert repeat: the decrement must find the held-back count in the table), when the file is shorter
 * than the header search (the rows are settled at the end), and after a dry run (nothing written).
 */
const HEADER = '企业名称,所属行业,入驻日期,迁出日期';

async function importCsv(core: ParkCore, lines: string[], options: { mode?: string; dryRun?: boolean } = {}): Promise<ImportReport> {
  const path = tempFile('roster.csv');
  writeFileSync(path, [HEADER, ...lines].join('\n'));
  const job = core.call('imports.start', { file: core.files.register(path, 'roster.csv'), entity: 'enterprises', mode: 'create', dryRun: false, ...options } as never);
  const done = await core.jobs.wait(job.id);
  if (done.state !== 'done') throw new Error(done.error?.message ?? done.state);
  return done.result as ImportReport;
}

/** enterprise_months as stored, and as recomputed from the live rows (the cells aggregates.ts keys). */
function months(core: ParkCore) {
  const stored = core.db.prepare('SELECT industry, entry_month, exit_month, n FROM enterprise_months ORDER BY 1, 2, 3').all();
  const recomputed = core.db
    .prepare(
      "SELECT coalesce(industry, '') AS industry, coalesce(substr(entry_date, 1, 7), '') AS entry_month, coalesce(substr(exit_date, 1, 7), '') AS exit_month, count(*) AS n FROM enterprises WHERE deleted = 0 GROUP BY 1, 2, 3 ORDER BY 1, 2, 3",
    )
    .all();
  return { stored, recomputed };
}

function freshCore(): ParkCore {
  const core = testCore();
  seedReference(core.context());
  return core;
}

describe('enterprise_months during an import', () => {
  it('counts every created row, in chunks and across them', async () => {
    const core = freshCore();
    const lines = Array.from({ length: 2_600 }, (_, i) => `企业${i},${['大数据', '云计算', '人工智能'][i % 3]},2021-${String((i % 12) + 1).padStart(2, '0')}-05,${i % 7 === 0 ? '2023-03-01' : ''}`);
    const report = await importCsv(core, lines);
    expect(report.created).toBe(2_600);
    const { stored, recomputed } = months(core);
    expect(stored.length).toBeGreaterThan(20);
    expect(stored).toEqual(recomputed);
  });

  it('has the table whole at every yield of the import (where progress is reported)', async () => {
    const core = freshCore();
    const path = tempFile('roster.csv');
    writeFileSync(path, [HEADER, ...Array.from({ length: 3_500 }, (_, i) => `企业${i},大数据,2021-0${(i % 9) + 1}-05,`)].join('\n'));
    const seen: boolean[] = [];
    const report = await runImport(core.context(), await openTable(path, 'roster.csv'), {
      entity: 'enterprises', mode: 'create', dryRun: false, fileName: 'roster.csv', locale: 'zh-CN',
      onProgress: (done, total) => {
        if (total === 1000 && done <= 900) {
          const { stored, recomputed } = months(core);
          seen.push(JSON.stringify(stored) === JSON.stringify(recomputed));
        }
      },
    });
    expect(report.created).toBe(3_500);
    expect(seen.length).toBeGreaterThanOrEqual(3);
    expect(seen.every(Boolean)).toBe(true);
  });

  it('moves a record created earlier in the same chunk (upsert repeat)', async () => {
    const core = freshCore();
    const report = await importCsv(core, ['甲公司,大数据,2021-01-05,', '乙公司,大数据,2021-01-09,', '甲公司,云计算,2021-02-01,', '乙公司,大数据,2021-01-09,2022-06-30'], { mode: 'upsert' });
    expect([report.created, report.updated]).toEqual([2, 2]);
    const { stored, recomputed } = months(core);
    expect(stored).toEqual(recomputed);
    expect(stored).toHaveLength(2);
  });

  it('leaves nothing after a dry run, and batches nothing after the import', async () => {
    const core = freshCore();
    await importCsv(core, ['甲公司,大数据,2021-01-05,'], { dryRun: true });
    expect(months(core).stored).toEqual([]);
    await importCsv(core, ['甲公司,大数据,2021-01-05,']);
    // A create after the import, through the API, is counted at once (no batch left open).
    core.call('enterprises.create', { name: '丙公司', kind: 'startup', status: 'settled', industry: (core.db.prepare("SELECT id FROM industries WHERE name_zh = '大数据'").get() as { id: string }).id, entry_date: '2021-01-20' } as never);
    const { stored, recomputed } = months(core);
    expect(stored).toEqual(recomputed);
    expect(stored).toEqual([expect.objectContaining({ entry_month: '2021-01', n: 2 })]);
  });
});
