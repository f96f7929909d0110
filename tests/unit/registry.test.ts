import { readFileSync, writeFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { tables } from '../../src/core/db/tables';
import { enterpriseRegistry } from '../../src/core/enterprises/fields';
import { exportColumns } from '../../src/core/exports/views';
import { incubationRegistry } from '../../src/core/incubation/fields';
import { importFields, matchField, type ImportEntity } from '../../src/core/imports/fields';
import { leadRegistry } from '../../src/core/leads/fields';
import type { Registry } from '../../src/core/registry/field';
import { seedReference } from '../../src/core/seed/seed';
import { tempFile, testCore } from './helpers';

const registries: Record<ImportEntity, Registry> = { enterprises: enterpriseRegistry, leads: leadRegistry, incubations: incubationRegistry };

describe('the field registries', () => {
  it.each(Object.keys(registries) as ImportEntity[])('%s: the table holds exactly the stored fields, and every exported column imports back', (entity) => {
    const registry = registries[entity];
    const stored = Object.entries(registry).filter(([, f]) => f.kind === 'stored').map(([name]) => name);
    expect(Object.keys(tables[entity].columns).sort()).toEqual(stored.sort());
    for (const column of exportColumns[entity]) {
      const target = column.key.replace(/_name$/, '_id'); // a joined name imports into its reference
      for (const header of [column.zh, column.en]) {
        const field = matchField(entity, header);
        if (field || importFields[entity][target]) expect([column.key, target]).toContain(field);
      }
    }
  });

  it('carries a new field from its one entry to the table, input, import, grid, export and renderer', async () => {
    const core = testCore();
    seedReference(core.context());
    const csv = tempFile('roster.csv');
    writeFileSync(csv, '企业名称,楼栋,所在楼层,房号\n珠海楼层数据科技有限公司,A座,3F,301\n');
    const job = core.call('imports.start', { file: core.files.register(csv, 'roster.csv'), entity: 'enterprises', mode: 'create', dryRun: false });
    const done = await core.jobs.wait(job.id);
    expect(done.state).toBe('done');

    const page = core.call('enterprises.rows', { startRow: 0, endRow: 10, filterModel: { floor: { filterType: 'text', type: 'equals', filter: '3F' } } });
    expect(page.count).toBe(1);
    const row = page.rows[0]!;
    expect(row).toMatchObject({ name: '珠海楼层数据科技有限公司', building: 'A座', floor: '3F', unit: '301' });

    expect(core.call('enterprises.update', { id: String(row.id), patch: { floor: 'B1' } }).changed).toEqual(['floor']);
    expect(() => core.call('enterprises.update', { id: String(row.id), patch: { floor: 12 } as never })).toThrow();
    expect(core.call('enterprises.history', { id: String(row.id) }).at(-1)).toMatchObject({ field: 'floor', old_value: '3F', new_value: 'B1' });

    const exported = core.call('exports.start', { view: 'enterprises', filterModel: { floor: { filterType: 'text', type: 'equals', filter: 'B1' } }, sortModel: [], format: 'csv' });
    const file = await core.jobs.wait(exported.id);
    const [header, line] = readFileSync(core.files.get((file.result as { token: string }).token).path, 'utf8').replace(/^\uFEFF/, '').trim().split('\r\n').map((l) => l.split(','));
    expect(line![header!.indexOf('楼层')]).toBe('B1');

    const floor = core.call('meta.fields', {}).enterprises.find((f) => f.name === 'floor');
    expect(floor).toMatchObject({ type: 'text', label: ['楼层', 'Floor'], stored: true, grid: { editable: true, filter: 'text' }, form: {} });
  });
});
