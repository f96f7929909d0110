import type { Db } from '../db/open';
import { enums, type EnumName } from '../enums';
import { leadStages } from '../leads/pipeline';

/**
 * What an import can fill, per entity: each field's kind and the column headers (Chinese or English)
 * that mean it. Money columns say their unit in the header (万元, 千元, 元); without one, 万元 — the
 * unit park offices keep.
 */
export type ImportEntity = 'enterprises' | 'leads' | 'incubations';
export type FieldKind = 'text' | 'uscc' | 'date' | 'money' | 'number' | 'int' | 'enum' | 'industry' | 'stage' | 'staff' | 'enterprise';

export interface ImportField {
  kind: FieldKind;
  aliases: string[];
  enumName?: EnumName;
  required?: boolean;
}

const text = (...aliases: string[]): ImportField => ({ kind: 'text', aliases });
const date = (...aliases: string[]): ImportField => ({ kind: 'date', aliases });
const money = (...aliases: string[]): ImportField => ({ kind: 'money', aliases });
const int = (...aliases: string[]): ImportField => ({ kind: 'int', aliases });

export const importFields: Record<ImportEntity, Record<string, ImportField>> = {
  enterprises: {
    name: { kind: 'text', aliases: ['企业名称', '公司名称', '企业', '公司', '单位名称', '名称', 'company', 'enterprise', 'enterprise name', 'name'], required: true },
    uscc: { kind: 'uscc', aliases: ['统一社会信用代码', '社会信用代码', '信用代码', '统一代码', 'uscc', 'credit code', 'unified social credit code'] },
    industry: { kind: 'industry', aliases: ['所属行业', '行业', '行业类别', 'industry'] },
    kind: { kind: 'enum', enumName: 'enterpriseKind', aliases: ['企业类型', '类型', '企业类别', 'kind', 'type'] },
    status: { kind: 'enum', enumName: 'enterpriseStatus', aliases: ['状态', '入驻状态', '企业状态', 'status'] },
    building: text('楼栋', '楼宇', '所在楼宇', 'building'),
    unit: text('房号', '房间号', '单元', 'unit', 'room'),
    area_m2: { kind: 'number', aliases: ['面积', '租赁面积', '面积（㎡）', '面积（平方米）', 'area', 'area (m2)', 'area m2'] },
    entry_date: date('入驻日期', '入园日期', '入驻时间', '入园时间', 'entry date', 'entered'),
    exit_date: date('迁出日期', '退园日期', '迁出时间', 'exit date', 'exited'),
    founded_date: date('成立日期', '注册日期', '成立时间', 'founded', 'registration date'),
    registered_capital: money('注册资本', 'registered capital'),
    headcount: int('从业人数', '员工人数', '职工人数', '人数', 'headcount', 'employees'),
    revenue: money('营业收入', '营收', '年营业收入', '本年营收', '本年营业收入', 'revenue'),
    revenue_prev: money('上年营业收入', '上年营收', '上年度营业收入', '上年度营收', '去年营收', 'previous revenue', 'revenue last year'),
    tax: money('纳税', '纳税额', '税收', '实缴税金', 'tax'),
    rd_spend: money('研发投入', '研发经费', 'r&d', 'r&d spend', 'rd spend'),
    patents: int('专利', '专利数', '授权专利', 'patents'),
    software_copyrights: int('软件著作权', '软著', 'software copyrights'),
    notes: text('备注', '说明', 'notes', 'remarks'),
    // One contact per row, folded into `contacts` by the importer (see contacts.ts).
    contact_name: text('联系人', '联系人姓名', '联系人员', 'contact', 'contact name', 'contact person'),
    contact_role: text('联系人职务', '职务', 'contact role', 'position'),
    contact_phone: text('联系电话', '电话', '手机', '手机号', '联系方式', 'phone', 'telephone', 'mobile'),
    contact_email: text('邮箱', '电子邮箱', '电子邮件', 'email', 'e-mail'),
  },
  leads: {
    company: { kind: 'text', aliases: ['企业名称', '公司名称', '项目单位', '客户名称', 'company', 'name'], required: true },
    uscc: { kind: 'uscc', aliases: ['统一社会信用代码', '信用代码', 'uscc', 'credit code'] },
    source: { kind: 'enum', enumName: 'leadSource', aliases: ['线索来源', '来源', '招商方式', 'source'] },
    industry: { kind: 'industry', aliases: ['所属行业', '行业', 'industry'] },
    intended_investment: money('意向投资', '投资额', '计划投资', '投资总额', 'intended investment', 'investment'),
    expected_area_m2: { kind: 'number', aliases: ['意向面积', '需求面积', 'expected area', 'area'] },
    stage: { kind: 'stage', aliases: ['阶段', '进展阶段', '项目阶段', 'stage'] },
    owner_id: { kind: 'staff', aliases: ['负责人', '招商专员', '跟进人', 'owner'] },
    next_follow_up: date('下次跟进', '下次跟进日期', 'next follow-up', 'next follow up'),
    probability: int('成功概率', '概率', 'probability'),
    lost_reason: text('流失原因', 'lost reason'),
    notes: text('备注', 'notes'),
  },
  incubations: {
    enterprise_id: { kind: 'enterprise', aliases: ['企业名称', '在孵企业', '企业', 'enterprise', 'company'] },
    team_name: text('团队名称', '项目名称', 'team', 'team name'),
    cohort: text('批次', '期数', 'cohort'),
    stage: { kind: 'enum', enumName: 'incubationStage', aliases: ['阶段', '孵化阶段', '状态', 'stage'] },
    mentor_id: { kind: 'staff', aliases: ['创业导师', '导师', 'mentor'] },
    applied_date: date('申请日期', 'applied'),
    admitted_date: date('入孵日期', '入孵时间', 'admitted'),
    exit_date: date('毕业日期', '出孵日期', '终止日期', 'graduated', 'exit date'),
    agreement_start: date('协议开始', '协议起始日期', 'agreement start'),
    agreement_end: date('协议到期', '协议截止日期', 'agreement end'),
    notes: text('备注', 'notes'),
  },
};

/** Header text reduced for matching: no spaces, brackets or units, lower case. */
export function headerKey(header: string): string {
  return header
    .toLowerCase()
    .replace(/[（(][^）)]*[）)]/g, '')
    .replace(/[\s*：:_\-—]/g, '')
    .trim();
}

/** The money unit a header names, as a yuan multiplier; 万元 when it names none. */
export function headerUnit(header: string): number {
  if (/亿元/.test(header)) return 100_000_000;
  if (/万元|万/.test(header)) return 10_000;
  if (/千元/.test(header)) return 1_000;
  if (/元|yuan|cny/i.test(header)) return 1;
  return 10_000;
}

export function matchField(entity: ImportEntity, header: string): string | null {
  const key = headerKey(header);
  if (!key) return null;
  for (const [field, spec] of Object.entries(importFields[entity])) if (spec.aliases.some((a) => headerKey(a) === key)) return field;
  return null;
}

/** Codes reachable by a label, code or English name, for enum-like columns. */
export function labelIndex(db: Db, field: ImportField): Map<string, string> {
  const index = new Map<string, string>();
  const add = (code: string, ...labels: string[]) => {
    for (const l of [code, ...labels]) index.set(l.trim().toLowerCase(), code);
  };
  if (field.kind === 'enum' && field.enumName) for (const [code, labels] of Object.entries(enums[field.enumName])) add(code, ...(labels as readonly string[]));
  if (field.kind === 'industry') for (const r of db.prepare('SELECT id, name_zh, name_en FROM industries WHERE deleted = 0').all() as { id: string; name_zh: string; name_en: string }[]) add(r.id, r.name_zh, r.name_en);
  if (field.kind === 'stage') for (const s of leadStages(db)) add(s.id, s.name_zh, s.name_en);
  if (field.kind === 'staff') for (const r of db.prepare('SELECT id, name FROM staff WHERE deleted = 0').all() as { id: string; name: string }[]) add(r.id, r.name);
  if (field.kind === 'enterprise') for (const r of db.prepare('SELECT id, name, uscc FROM enterprises WHERE deleted = 0').all() as { id: string; name: string; uscc: string | null }[]) add(r.id, r.name, ...(r.uscc ? [r.uscc] : []));
  return index;
}
