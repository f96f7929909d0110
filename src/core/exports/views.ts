import type { Db } from '../db/open';
import { enums } from '../enums';
import type { Locale } from '../errors';
import { leadStages } from '../leads/pipeline';
import type { ColumnKind } from './cells';

/**
 * The columns each view exports by default (the CLI; the app sends the grid's visible columns),
 * with headers in both languages that the importer maps straight back.
 */
export interface ExportColumn {
  key: string;
  zh: string;
  en: string;
  kind: ColumnKind;
  /** Codes shown as labels: an enum, the industry list or the lead stages. */
  labels?: 'industry' | 'leadStage' | keyof typeof enums;
}

const c = (key: string, zh: string, en: string, kind: ColumnKind = 'text', labels?: ExportColumn['labels']): ExportColumn => ({ key, zh, en, kind, ...(labels ? { labels } : {}) });

export const exportColumns: Record<'enterprises' | 'leads' | 'incubations' | 'targets', ExportColumn[]> = {
  enterprises: [
    c('name', '企业名称', 'Company'), c('uscc', '统一社会信用代码', 'Credit code'), c('industry', '所属行业', 'Industry', 'text', 'industry'),
    c('kind', '企业类型', 'Kind', 'text', 'enterpriseKind'), c('status', '状态', 'Status', 'text', 'enterpriseStatus'), c('building', '楼栋', 'Building'),
    c('unit', '房号', 'Unit'), c('area_m2', '面积（㎡）', 'Area (m2)', 'number'), c('entry_date', '入驻日期', 'Entry date', 'date'),
    c('exit_date', '迁出日期', 'Exit date', 'date'), c('founded_date', '成立日期', 'Founded', 'date'), c('registered_capital', '注册资本（万元）', 'Registered capital (10k CNY)', 'money'),
    c('headcount', '从业人数', 'Headcount', 'number'), c('revenue', '营业收入（万元）', 'Revenue (10k CNY)', 'money'), c('revenue_prev', '上年营业收入（万元）', 'Previous revenue (10k CNY)', 'money'),
    c('tax', '纳税（万元）', 'Tax (10k CNY)', 'money'), c('rd_spend', '研发投入（万元）', 'R&D spend (10k CNY)', 'money'), c('patents', '专利', 'Patents', 'number'),
    c('software_copyrights', '软件著作权', 'Software copyrights', 'number'), c('notes', '备注', 'Notes'),
  ],
  leads: [
    c('company', '企业名称', 'Company'), c('uscc', '统一社会信用代码', 'Credit code'), c('stage', '阶段', 'Stage', 'text', 'leadStage'),
    c('source', '线索来源', 'Source', 'text', 'leadSource'), c('industry', '所属行业', 'Industry', 'text', 'industry'),
    c('intended_investment', '意向投资（万元）', 'Intended investment (10k CNY)', 'money'), c('expected_area_m2', '意向面积', 'Expected area', 'number'),
    c('owner_name', '负责人', 'Owner'), c('next_follow_up', '下次跟进', 'Next follow-up', 'date'), c('probability', '成功概率', 'Probability', 'number'),
    c('lost_reason', '流失原因', 'Lost reason'), c('notes', '备注', 'Notes'),
  ],
  incubations: [
    c('enterprise_name', '企业名称', 'Company'), c('team_name', '团队名称', 'Team'), c('cohort', '批次', 'Cohort'),
    c('stage', '阶段', 'Stage', 'text', 'incubationStage'), c('mentor_name', '创业导师', 'Mentor'), c('applied_date', '申请日期', 'Applied', 'date'),
    c('admitted_date', '入孵日期', 'Admitted', 'date'), c('exit_date', '毕业日期', 'Graduated', 'date'), c('agreement_start', '协议开始', 'Agreement start', 'date'),
    c('agreement_end', '协议到期', 'Agreement end', 'date'), c('notes', '备注', 'Notes'),
  ],
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
