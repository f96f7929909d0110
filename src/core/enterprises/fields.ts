import { z } from 'zod';
import { enumOf, optionalDate, requiredText, shortText } from '../fields';
import { field } from '../registry/field';

/**
 * Every field of an enterprise, once, in reading order: the form, the grid (where `grid` is set),
 * the import headers and the export follow it. Adding a field is a migration and an entry here.
 */
export const enterpriseRegistry = {
  name: field.requiredText(['企业名称', 'Enterprise name'], {
    import: ['公司名称', '企业', '公司', '单位名称', '名称', 'company', 'enterprise', 'name'],
    grid: { sortable: true, editable: true, pinned: 'left', width: 280 }, form: { wide: true },
  }),
  uscc: field.uscc(['统一社会信用代码', 'Unified Social Credit Code'], { import: ['社会信用代码', '信用代码', '统一代码', 'uscc', 'credit code'], grid: { sortable: true, width: 200 } }),
  industry: field.industry(['所属行业', 'Industry'], { import: ['行业', '行业类别', 'industry'], grid: { sortable: true, width: 140 } }),
  kind: field.enum('enterpriseKind', ['企业类型', 'Kind'], { import: ['类型', '企业类别', 'kind', 'type'], grid: { sortable: true, width: 120 } }),
  status: field.enum('enterpriseStatus', ['状态', 'Status'], { import: ['入驻状态', '企业状态', 'status'], grid: { sortable: true, editable: true, width: 120 } }),
  building: field.text(['楼栋', 'Building'], { import: ['楼宇', '所在楼宇', 'building'], grid: { sortable: true, editable: true, width: 130 } }),
  floor: field.text(['楼层', 'Floor'], { import: ['所在楼层', '层', 'storey', 'level'], grid: { editable: true, width: 90 } }),
  unit: field.text(['房号', 'Unit'], { import: ['房间号', '单元', 'unit', 'room'], grid: { editable: true, width: 90 } }),
  area_m2: field.area(['面积', 'Area'], { import: ['租赁面积', '面积（平方米）', 'area', 'area m2'], grid: { sortable: true, editable: true } }),
  entry_date: field.date(['入驻日期', 'Entry date'], { import: ['入园日期', '入驻时间', '入园时间', 'entered'], grid: { sortable: true } }),
  exit_date: field.date(['迁出日期', 'Exit date'], { import: ['退园日期', '迁出时间', 'exited'], grid: { sortable: true } }),
  founded_date: field.date(['成立日期', 'Founded'], { import: ['注册日期', '成立时间', 'registration date'] }),
  registered_capital: field.money(['注册资本', 'Registered capital'], { import: [], grid: { sortable: true, width: 150 } }),
  headcount: field.int(['从业人数', 'Headcount'], { import: ['员工人数', '职工人数', '人数', 'employees'], grid: { sortable: true, editable: true } }),
  revenue: field.money(['营业收入', 'Revenue'], { import: ['营收', '年营业收入', '本年营收', '本年营业收入'], grid: { sortable: true, width: 150 } }),
  revenue_prev: field.money(['上年营业收入', 'Revenue, year before'], { import: ['上年营收', '上年度营业收入', '上年度营收', '去年营收', 'previous revenue', 'revenue last year'] }),
  tax: field.money(['纳税', 'Tax paid'], { import: ['纳税额', '税收', '实缴税金', 'tax'], grid: { sortable: true, width: 150 } }),
  rd_spend: field.money(['研发投入', 'R&D spend'], { import: ['研发经费', 'r&d', 'rd spend'], grid: { sortable: true, width: 150 } }),
  patents: field.int(['专利', 'Patents'], { import: ['专利数', '授权专利'], grid: { sortable: true } }),
  software_copyrights: field.int(['软件著作权', 'Software copyrights'], { import: ['软著'], grid: { show: false } }),
  listed_or_acquired: field.bool(['已上市或被并购', 'Listed or acquired']),
  qualifications: field.custom('qualifications', ['资质', 'Qualifications'], z.array(z.strictObject({ type: enumOf('qualification'), expires: optionalDate })).max(10).nullish(), { form: { wide: true } }),
  contacts: field.custom('contacts', ['联系人', 'Contacts'], z.array(z.strictObject({ name: requiredText, role: shortText, phone: shortText, email: shortText })).max(20).nullish(), { form: { wide: true } }),
  tags: field.custom('tags', ['标签', 'Tags'], z.array(z.string().trim().min(1).max(40)).max(30).nullish(), { grid: { show: false }, form: { wide: true } }),
  notes: field.longText(['备注', 'Notes'], { import: ['说明', 'remarks'], form: { wide: true } }),
  /**
   * The earliest expiry among its qualifications: a date filter lists those due for renewal. A virtual
   * generated column with its own index (migration 0014), so the filter is an index range, not JSON read per row.
   */
  qualification_expires: field.view('date', ['资质最早到期', 'Qualification expires'], 'e.qualification_expires', { export: false, grid: { width: 140 } }),
  updated_at: field.view('date', ['最后修改', 'Last changed'], 'e.updated_at', { export: false, grid: { sortable: true, noFilter: true } }),
} as const;
