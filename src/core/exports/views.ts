import type { Db } from '../db/open';
import { enums } from '../enums';
import type { Locale } from '../errors';
import { leadStages } from '../leads/pipeline';
import type { ColumnKind } from './cells';
import { enterpriseRegistry } from '../enterprises/fields';
import { incubationRegistry } from '../incubation/fields';
import { leadRegistry } from '../leads/fields';
import { exportColumnsOf, type ExportColumn } from '../registry/derive';

/**
 * The columns each view exports by default (the CLI; the app sends the grid's visible columns),
 * with headers in both languages that the importer maps straight back. The registry areas' columns
 * derive from their field registries; targets add their computed progress.
 */
export type { ExportColumn };

const c = (key: string, zh: string, en: string, kind: ColumnKind = 'text', labels?: ExportColumn['labels']): ExportColumn => ({ key, zh, en, kind, ...(labels ? { labels } : {}) });

export const exportColumns: Record<'enterprises' | 'leads' | 'incubations' | 'targets', ExportColumn[]> = {
  enterprises: exportColumnsOf(enterpriseRegistry),
  leads: exportColumnsOf(leadRegistry),
  incubations: exportColumnsOf(incubationRegistry),
  targets: [
    c('plan_name', '规划', 'Plan'), c('name', '目标', 'Target'), c('unit', '单位', 'Unit'), c('min_value', '目标下限', 'Minimum', 'number'),
    c('max_value', '目标上限', 'Maximum', 'number'), c('baseline', '基数', 'Baseline', 'number'), c('deadline', '截止日期', 'Deadline', 'date'),
    c('value', '当前值', 'Value', 'number'), c('percent_of_min', '完成率（%）', 'Percent of minimum', 'number'), c('projection', '预计到期值', 'Projection', 'number'),
    c('status', '状态', 'Status', 'text', 'targetStatus'), c('done_date', '完成日期', 'Completed', 'date'), c('evidence', '佐证材料', 'Evidence'),
  ],
};

/** code → label for every labelled column kind, in one language. */
export function labelMaps(db: Db, locale: Locale): Record<string, Map<string, string>> {
  const i = locale === 'en' ? 1 : 0;
  const out: Record<string, Map<string, string>> = {};
  for (const [name, codes] of Object.entries(enums)) out[name] = new Map(Object.entries(codes).map(([code, labels]) => [code, (labels as readonly string[])[i]!]));
  out.industry = new Map((db.prepare('SELECT id, name_zh, name_en FROM industries').all() as { id: string; name_zh: string; name_en: string }[]).map((r) => [r.id, i ? r.name_en : r.name_zh]));
  out.leadStage = new Map(leadStages(db).map((s) => [s.id, i ? s.name_en : s.name_zh]));
  return out;
}
