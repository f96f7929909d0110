import { writeFileSync } from 'node:fs';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { aggregatesAgainstRebuild, checkDatabase } from '../../src/core/backup/check';
import { ParkCore } from '../../src/core/service';
import { migrations } from '../../src/core/db/migrations';
import { checkout, exportPackage, importSource } from '../../src/core/sync/fieldwork';
import { seededIds } from '../../src/core/util/ids';
import { tempFile } from './helpers';
import { dueByScan } from './qualification-due-scan';

/**
 * The Overview's qualification due-list reads qualification_days (migration 0017) and walks the
 * enterprises by their earliest expiry; it must equal the one json_each over every live enterprise it
 * replaced — items, their order and both counts — after random histories: enterprises created with
 * qualifications, their lists edited, deleted and restored, on the office and on a field laptop whose
 * changes are merged back (concurrent edits included), and an import and its revert. Few dates and names,
 * so ties on expiry and on name are common and a small limit cuts through them.
 */
const types = ['hnte', 'srdi', 'tsme'] as const;
const dateArb = fc.constantFrom('2025-12-31', '2026-01-01', '2026-06-30', '2026-11-20', '2026-11-21', '2026-12-01', '2027-02-19', '2027-02-20', '2028-01-01');
const qualificationsArb = fc.array(fc.record({ type: fc.constantFrom(...types), expires: fc.option(dateArb, { nil: null }) }), { maxLength: 4 });
const nameArb = fc.constantFrom('甲数据科技有限公司', '乙智能制造有限公司', 'Alpha Data Ltd', '丙云计算有限公司');

const opArb = fc.oneof(
  fc.record({ op: fc.constant('create' as const), laptop: fc.boolean(), name: nameArb, qualifications: qualificationsArb }),
  fc.record({ op: fc.constant('edit' as const), laptop: fc.boolean(), i: fc.nat(), qualifications: qualificationsArb }),
  fc.record({ op: fc.constant('rename' as const), laptop: fc.boolean(), i: fc.nat(), name: nameArb }),
  fc.record({ op: fc.constant('delete' as const), laptop: fc.boolean(), i: fc.nat() }),
  fc.record({ op: fc.constant('restore' as const), laptop: fc.boolean(), i: fc.nat() }),
  fc.record({ op: fc.constant('merge' as const) }),
  fc.record({ op: fc.constant('import' as const), revert: fc.boolean() }),
);

const queryArb = fc.record({ asOf: dateArb, days: fc.constantFrom(1, 30, 90, 400), limit: fc.integer({ min: 1, max: 6 }) });

function open(file: string, seed: number, start: number): ParkCore {
  let t = start;
  return new ParkCore(file, { user: `user${seed}`, now: () => t++, ids: seededIds(seed, start) });
}

function expectSameAsScan(core: ParkCore, queries: { asOf: string; days: number; limit: number }[]): void {
  for (const q of queries) {
    const due = core.call('qualifications.due', q) as { today: string; until: string; total: number; expired: number; items: { id: string; name: string; type: string; expires: string; expired: boolean }[] };
    const scan = dueByScan(core.db, due.today, due.until, q.limit);
    expect({ total: due.total, expired: due.expired, items: due.items }).toEqual({ ...scan, items: scan.items.map((r) => ({ ...r, expired: r.expires < q.asOf })) });
  }
  expect(aggregatesAgainstRebuild(core.db).filter((a) => !a.ok)).toEqual([]);
}

describe('qualification due-list from qualification_days', () => {
  it('equals the json_each scan after random edits, deletes, merges and imports', async () => {
    await fc.assert(
      fc.asyncProperty(fc.array(opArb, { minLength: 1, maxLength: 25 }), fc.array(queryArb, { minLength: 1, maxLength: 4 }), async (ops, queries) => {
        const office = open(tempFile('office.db'), 1, Date.UTC(2026, 10, 21, 9));
        const laptopFile = tempFile('laptop.db');
        checkout(office.context(), laptopFile, '外勤笔记本', '张三');
        const laptop = open(laptopFile, 2, Date.UTC(2026, 10, 21, 9, 5));
        const ids: string[] = [];
        const pick = (i: number) => ids[i % ids.length];
        let imports = 0;
        try {
          for (const o of ops) {
            const core = 'laptop' in o && o.laptop ? laptop : office;
            const known = (id: string) => core.db.prepare('SELECT deleted FROM enterprises WHERE id = ?').get(id) as { deleted: number } | undefined;
            if (o.op === 'create') ids.push((core.call('enterprises.create', { name: o.name, kind: 'startup', status: 'settled', qualifications: o.qualifications }) as { id: string }).id);
            else if (o.op === 'merge') {
              const file = tempFile('back.ppsync');
              exportPackage(laptop.context(), file, office.context().clock.site);
              await importSource(office.context(), file, {});
            } else if (o.op === 'import') {
              const csv = tempFile(`roster${imports++}.csv`);
              writeFileSync(csv, `企业名称,所属行业\n导入数据科技有限公司${imports},大数据\n甲数据科技有限公司,大数据\n`);
              const job = office.call('imports.start', { file: office.files.register(csv), entity: 'enterprises', mode: 'upsert', dryRun: false });
              const done = await office.jobs.wait(job.id);
              if (o.revert && done.state === 'done') office.call('imports.revert', { batchId: (done.result as { batchId: string }).batchId });
            } else if (ids.length) {
              const id = pick(o.i)!;
              const row = known(id);
              if (!row) continue; // made on the other copy and not merged yet
              if (o.op === 'edit' && row.deleted === 0) core.call('enterprises.update', { id, patch: { qualifications: o.qualifications } });
              if (o.op === 'rename' && row.deleted === 0) core.call('enterprises.update', { id, patch: { name: o.name } });
              if (o.op === 'delete' && row.deleted === 0) core.call('enterprises.delete', { id });
              if (o.op === 'restore' && row.deleted === 1) core.call('enterprises.restore', { id });
            }
          }
          expectSameAsScan(office, queries);
          expectSameAsScan(laptop, queries);
        } finally {
          office.close();
          laptop.close();
        }
      }),
      { numRuns: 40 },
    );
  }, 240_000);

  it('migration 0017 fills qualification_days from an older database', () => {
    const file = tempFile();
    const older = migrations.slice(0, migrations.findIndex((m) => m.id === '0017_qualification_days'));
    let t = Date.UTC(2026, 10, 21, 9);
    const old = new ParkCore(file, { knownMigrations: older, user: 'old', now: () => t++, ids: seededIds(4, t) });
    const make = (name: string, qualifications: { type: string; expires: string | null }[]) => (old.call('enterprises.create', { name, kind: 'startup', status: 'settled', qualifications } as never) as { id: string }).id;
    make('甲数据科技有限公司', [{ type: 'hnte', expires: '2026-10-01' }, { type: 'srdi', expires: '2026-10-01' }]);
    make('乙数据科技有限公司', [{ type: 'tsme', expires: '2027-01-15' }, { type: 'hnte', expires: null }]);
    old.call('enterprises.delete', { id: make('丙数据科技有限公司', [{ type: 'hnte', expires: '2026-11-01' }]) });
    old.close();
    const core = open(file, 5, t);
    expect(core.db.prepare('SELECT day, n FROM qualification_days ORDER BY day').all()).toEqual([
      { day: '2026-10-01', n: 2 },
      { day: '2027-01-15', n: 1 },
    ]);
    expectSameAsScan(core, [{ asOf: '2026-11-21', days: 90, limit: 2 }]);
    core.close();
  });

  it('`parkpilot check` reports a tampered qualification_days', () => {
    const core = open(tempFile(), 3, Date.UTC(2026, 10, 21, 9));
    core.call('enterprises.create', { name: '甲数据科技有限公司', kind: 'startup', status: 'settled', qualifications: [{ type: 'hnte', expires: '2026-12-01' }] });
    expect(checkDatabase(core.db).aggregates.find((a) => a.name === 'qualification_days')).toEqual({ name: 'qualification_days', differences: 0, ok: true });
    core.db.prepare("UPDATE qualification_days SET n = n + 1 WHERE day = '2026-12-01'").run();
    const report = checkDatabase(core.db);
    expect(report.ok).toBe(false);
    expect(report.aggregates.find((a) => a.name === 'qualification_days')).toEqual({ name: 'qualification_days', differences: 2, ok: false });
    core.close();
  });
});
