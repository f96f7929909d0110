import { field } from '../registry/field';

/** Every field of an investment lead, once (see enterprises/fields.ts). */
export const leadRegistry = {
  company: field.requiredText(['企业名称', 'Company'], {
    import: ['公司名称', '项目单位', '客户名称', 'company', 'name'],
    grid: { sortable: true, editable: true, pinned: 'left', width: 260 }, form: { wide: true },
  }),
  uscc: field.uscc(['统一社会信用代码', 'Unified Social Credit Code'], { import: ['信用代码', 'uscc', 'credit code'], grid: { sortable: true, width: 200 } }),
  stage: field.stage(['阶段', 'Stage'], { import: ['进展阶段', '项目阶段'], grid: { sortable: true, width: 120 } }),
  source: field.enum('leadSource', ['线索来源', 'Source'], { import: ['来源', '招商方式'], grid: { sortable: true, width: 130 } }),
  industry: field.industry(['所属行业', 'Industry'], { import: ['行业'], grid: { sortable: true, width: 140 } }),
  intended_investment: field.money(['意向投资', 'Intended investment'], { import: ['投资额', '计划投资', '投资总额', 'investment'], grid: { sortable: true, width: 150 } }),
  expected_area_m2: field.area(['意向面积', 'Expected area'], { import: ['需求面积', 'area'], grid: { sortable: true } }),
  owner_id: field.staff(['负责人', 'Owner'], 'investment', { import: ['招商专员', '跟进人'], export: false, grid: { show: false, sortable: true } }),
  owner_name: field.view('text', ['负责人', 'Owner'], 's.name', { pickList: 'staff', grid: { width: 110 } }),
  next_follow_up: field.date(['下次跟进', 'Next follow-up'], { import: ['下次跟进日期', 'next follow up'], grid: { sortable: true } }),
  probability: field.percent(['成功概率', 'Probability'], { import: ['概率'], grid: { sortable: true, editable: true, width: 110 } }),
  lost_reason: field.text(['流失原因', 'Lost reason'], { import: [], grid: { width: 160 }, form: { wide: true } }),
  enterprise_id: field.enterprise(['在园企业', 'Park enterprise'], { form: { hidden: true } }),
  notes: field.longText(['备注', 'Notes'], { import: [], form: { wide: true } }),
  updated_at: field.view('date', ['最后修改', 'Last changed'], 'l.updated_at', { export: false, grid: { sortable: true, noFilter: true } }),
} as const;
