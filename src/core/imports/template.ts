import type { Db } from '../db/open';
import { enums } from '../enums';
import { leadStages } from '../leads/pipeline';
import { completeUscc } from '../util/uscc';
import type { OutColumn } from '../exports/cells';
import { writeXlsx } from '../exports/xlsx';
import { importFields, type ImportEntity, type ImportField } from './fields';

/**
 * The import template of an entity: one column per field the importer knows, headed by that field's
 * usual Chinese header (money columns name their unit, 万元), and one example row a park office can
 * overwrite. The importer maps every header of it back, and the example row imports as it is.
 */
const EXAMPLE_TEXT: Record<string, string> = {
  name: '珠海示例数据科技有限公司', company: '珠海示例数据科技有限公司', team_name: '示例创业团队', cohort: '2020 年第一批',
  building: 'A3 栋', unit: '501', notes: '示例行，导入前请删除或改写', lost_reason: '',
  contact_name: '张敏', contact_role: '总经理', contact_phone: '0756-1234567', contact_email: 'zhangmin@example.cn',
};
const EXAMPLE_NUMBER: Record<string, number> = {
  area_m2: 300, expected_area_m2: 500, registered_capital: 500, headcount: 25, revenue: 1200, revenue_prev: 800, tax: 60,
  rd_spend: 150, patents: 3, software_copyrights: 8, intended_investment: 3000, probability: 60,
};
const EXAMPLE_DATE: Record<string, string> = {
  entry_date: '2020-06-01', founded_date: '2019-03-15', applied_date: '2020-03-01', admitted_date: '2020-04-01',
  agreement_start: '2020-04-01', agreement_end: '2022-03-31', next_follow_up: '2020-07-15',
};
/** Dates that would close the record (an exit) stay empty in the example. */
const EMPTY = new Set(['exit_date', 'lost_reason']);

function example(db: Db, entity: ImportEntity, field: string, spec: ImportField): string | number | null {
  if (EMPTY.has(field)) return null;
  switch (spec.kind) {
    case 'uscc': return completeUscc('91440400MA00TMP1');
    case 'date': return EXAMPLE_DATE[field] ?? '2020-06-01';
    case 'money': case 'number': case 'int': return EXAMPLE_NUMBER[field] ?? 1;
    case 'enum': {
      const labels = Object.values(enums[spec.enumName!]) as unknown as [string, string][];
      const preferred = { enterpriseKind: 'startup', enterpriseStatus: 'settled', incubationStage: 'incubating', leadSource: 'exhibition' } as Record<string, string>;
      const code = preferred[spec.enumName!];
      return code ? (enums[spec.enumName!] as Record<string, readonly [string, string]>)[code]![0] : labels[0]![0];
    }
    case 'industry': return (db.prepare('SELECT name_zh FROM industries WHERE deleted = 0 ORDER BY sort LIMIT 1').get() as { name_zh: string } | undefined)?.name_zh ?? null;
    case 'stage': return leadStages(db).find((s) => s.kind === 'open')?.name_zh ?? null;
    case 'staff': return (db.prepare('SELECT name FROM staff WHERE deleted = 0 ORDER BY name LIMIT 1').get() as { name: string } | undefined)?.name ?? null;
    case 'enterprise': return (db.prepare('SELECT name FROM enterprises WHERE deleted = 0 ORDER BY name LIMIT 1').get() as { name: string } | undefined)?.name ?? null;
    default: return EXAMPLE_TEXT[field] ?? null;
  }
}

export async function writeTemplate(db: Db, entity: ImportEntity, path: string, locale: 'zh-CN' | 'en'): Promise<void> {
  const fields = Object.entries(importFields[entity]);
  const columns: OutColumn[] = fields.map(([field, spec]) => ({
    key: field,
    header: spec.kind === 'money' ? `${spec.aliases[0]}（万元）` : spec.aliases[0]!,
    kind: 'text',
  }));
  const row = Object.fromEntries(fields.map(([field, spec]) => [field, example(db, entity, field, spec)]));
  await writeXlsx(path, [{ name: locale === 'en' ? 'Template' : '导入模板', columns, rows: [row] }]);
}
