import { field } from '../registry/field';

/** Every field of an incubation (a startup or team in the incubator), once (see enterprises/fields.ts). */
export const incubationRegistry = {
  name: field.view('text', ['孵化对象', 'Incubatee'], 'coalesce(e.name, i.team_name)', { export: false, grid: { pinned: 'left', width: 260 } }),
  enterprise_id: field.enterprise(['在园企业', 'Park enterprise'], { import: ['企业名称', '在孵企业', '企业', 'enterprise', 'company'], export: false, form: { wide: true } }),
  enterprise_name: field.view('text', ['企业名称', 'Company'], 'e.name'),
  team_name: field.text(['团队名称（未注册）', 'Team name (not registered)'], { import: ['团队名称', '项目名称', 'team', 'team name'], grid: { show: false, sortable: true }, form: { wide: true } }),
  cohort: field.text(['批次', 'Cohort'], { import: ['期数'], grid: { sortable: true, editable: true, width: 110 } }),
  stage: field.enum('incubationStage', ['阶段', 'Stage'], { import: ['孵化阶段', '状态'], grid: { sortable: true, editable: true, width: 120 } }),
  mentor_id: field.staff(['创业导师', 'Mentor'], 'mentor', { import: ['导师'], export: false, grid: { show: false, sortable: true } }),
  mentor_name: field.view('text', ['创业导师', 'Mentor'], 's.name', { pickList: 'staff', grid: { width: 120 } }),
  applied_date: field.date(['申请日期', 'Applied'], { import: [], grid: { sortable: true } }),
  admitted_date: field.date(['入孵日期', 'Admitted'], { import: ['入孵时间'], grid: { sortable: true } }),
  exit_date: field.date(['毕业/终止日期', 'Graduated / terminated'], { import: ['毕业日期', '出孵日期', '终止日期', 'graduated', 'exit date'], grid: { sortable: true, width: 150 } }),
  agreement_start: field.date(['协议开始', 'Agreement start'], { import: ['协议起始日期'], grid: { show: false } }),
  agreement_end: field.date(['协议到期', 'Agreement end'], { import: ['协议截止日期'], grid: { sortable: true } }),
  notes: field.longText(['备注', 'Notes'], { import: [], form: { wide: true } }),
  updated_at: field.view('date', ['最后修改', 'Last changed'], 'i.updated_at', { export: false, grid: { sortable: true, noFilter: true } }),
} as const;
