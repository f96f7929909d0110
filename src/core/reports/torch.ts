import type { Db } from '../db/open';
import type { Locale } from '../errors';
import { assessIncubation, monthsBetween } from '../incubation/rules';
import type { Report, ReportColumn, Section } from './model';

/**
 * The incubator's annual return to the Torch High Technology Industry Development Center (火炬统计):
 * startups in incubation during the year and those graduated in it, with their indicators; summary
 * indicators with amounts in 千元; and the consistency checks that fail, listed on their own.
 */
export function torchReport(db: Db, year: number, locale: Locale, today: string): Report {
  const en = locale === 'en';
  const t = (zh: string, e: string) => (en ? e : zh);
  const from = `${year}-01-01`;
  const to = `${year}-12-31`;
  const rows = db
    .prepare(
      `SELECT i.*, e.name AS enterprise_name, e.uscc, e.founded_date, e.headcount, e.revenue, e.tax, e.rd_spend, e.patents, e.software_copyrights,
              e.qualifications, (SELECT coalesce(sum(amount), 0) FROM financing_rounds f WHERE f.incubation_id = i.id AND f.deleted = 0 AND f.date BETWEEN ? AND ?) AS financing
       FROM incubations i LEFT JOIN enterprises e ON e.id = i.enterprise_id
       WHERE i.deleted = 0 AND i.admitted_date IS NOT NULL AND i.admitted_date <= ? AND (i.exit_date IS NULL OR i.exit_date >= ?)
       ORDER BY i.admitted_date`,
    )
    .all(from, to, to, from) as Record<string, unknown>[];
  const graduatedIds = new Set((db.prepare("SELECT DISTINCT row_id FROM stage_events WHERE entity = 'incubations' AND stage = 'graduated' AND deleted = 0 AND date BETWEEN ? AND ?").all(from, to) as { row_id: string }[]).map((r) => r.row_id));
  const listed = rows.map((r) => ({
    name: (r.enterprise_name as string | null) ?? r.team_name,
    uscc: r.uscc ?? '',
    founded: r.founded_date,
    admitted: r.admitted_date,
    exit: r.exit_date,
    stage: r.stage,
    headcount: r.headcount,
    revenue: r.revenue,
    tax: r.tax,
    rd: r.rd_spend,
    patents: r.patents,
    copyrights: r.software_copyrights,
    financing: r.financing,
    hnte: (JSON.parse((r.qualifications as string) || '[]') as { type: string }[]).some((q) => q.type === 'hnte') ? t('是', 'Yes') : t('否', 'No'),
    raw: r,
  }));
  const inIncubation = listed.filter((r) => !graduatedIds.has(r.raw.id as string));
  const graduated = listed.filter((r) => graduatedIds.has(r.raw.id as string));
  const columns: ReportColumn[] = [
    { key: 'name', header: t('企业（项目）名称', 'Company / team'), kind: 'text' },
    { key: 'uscc', header: t('统一社会信用代码', 'Credit code'), kind: 'text' },
    { key: 'founded', header: t('成立日期', 'Founded'), kind: 'date' },
    { key: 'admitted', header: t('入孵日期', 'Admitted'), kind: 'date' },
    { key: 'headcount', header: t('从业人员（人）', 'Employees'), kind: 'number' },
    { key: 'revenue', header: t('总收入（千元）', 'Revenue (k CNY)'), kind: 'money' },
    { key: 'tax', header: t('上缴税费（千元）', 'Tax (k CNY)'), kind: 'money' },
    { key: 'rd', header: t('研发经费支出（千元）', 'R&D (k CNY)'), kind: 'money' },
    { key: 'patents', header: t('拥有有效知识产权数（件）', 'Patents'), kind: 'number' },
    { key: 'copyrights', header: t('软件著作权（件）', 'Software copyrights'), kind: 'number' },
    { key: 'financing', header: t('当年获得投融资（千元）', 'Financing in year (k CNY)'), kind: 'money' },
    { key: 'hnte', header: t('高新技术企业', 'High-tech'), kind: 'text' },
  ];
  const sum = (list: typeof listed, key: 'headcount' | 'revenue' | 'tax' | 'rd' | 'patents' | 'copyrights' | 'financing') => list.reduce((a, r) => a + (Number(r[key]) || 0), 0);
  const k = (yuan: number) => Math.round(yuan / 100) / 10; // yuan → 千元, one decimal
  const admittedInYear = listed.filter((r) => String(r.admitted) >= from).length;
  const totalGraduated = (db.prepare("SELECT count(DISTINCT row_id) AS n FROM stage_events WHERE entity = 'incubations' AND stage = 'graduated' AND deleted = 0 AND date <= ?").get(to) as { n: number }).n;

  // Consistency checks: each failing one is listed with the record and what is wrong.
  const problems: { name: unknown; check: string }[] = [];
  for (const r of listed) {
    const a = assessIncubation(db, r.raw, to);
    if (!r.raw.enterprise_id) problems.push({ name: r.name, check: t('尚未登记注册的团队，不计入企业指标', 'A team without a registered company: not counted in company indicators') });
    else {
      if (!r.uscc) problems.push({ name: r.name, check: t('缺少统一社会信用代码', 'Credit code missing') });
      if (r.headcount == null || Number(r.headcount) === 0) problems.push({ name: r.name, check: t('从业人员为空或为 0', 'No employees recorded') });
      if (Number(r.tax) > Number(r.revenue ?? 0)) problems.push({ name: r.name, check: t('上缴税费大于总收入', 'Tax exceeds revenue') });
      if (Number(r.rd) > Number(r.revenue ?? 0) && Number(r.revenue ?? 0) > 0) problems.push({ name: r.name, check: t('研发经费大于总收入', 'R&D spend exceeds revenue') });
      if (r.founded && r.admitted && String(r.founded) > String(r.admitted)) problems.push({ name: r.name, check: t('成立日期晚于入孵日期', 'Founded after admission') });
    }
    for (const w of a.warnings) problems.push({ name: r.name, check: w.code === 'age_at_admission' ? t(`入孵时已成立 ${w.months} 个月（超过 24 个月）`, `${w.months} months old at admission (over 24)`) : t(`在孵 ${w.months} 个月（超过 48 个月）`, `Incubated ${w.months} months (over 48)`) });
    if (graduatedIds.has(r.raw.id as string) && !a.checklist.anyMet) problems.push({ name: r.name, check: t('已毕业但未满足任何毕业条件', 'Graduated without meeting any graduation criterion') });
    if (r.stage === 'graduated' && !graduatedIds.has(r.raw.id as string) && (!r.exit || String(r.exit) > to)) problems.push({ name: r.name, check: t('状态为毕业但缺少当年毕业记录', 'Marked graduated without a graduation date') });
    if (r.exit && monthsBetween(String(r.admitted), String(r.exit)) < 0) problems.push({ name: r.name, check: t('毕业/终止日期早于入孵日期', 'Exit before admission') });
  }

  const sections: Section[] = [
    {
      kind: 'figures',
      title: t(`一、${year} 年汇总指标（金额单位：千元）`, `1. Summary for ${year} (amounts in thousand CNY)`),
      figures: [
        { label: t('在孵企业（家）', 'In incubation'), value: inIncubation.length },
        { label: t('当年新增在孵（家）', 'Admitted in the year'), value: admittedInYear },
        { label: t('当年毕业（家）', 'Graduated in the year'), value: graduated.length },
        { label: t('累计毕业（家）', 'Graduated to date'), value: totalGraduated },
        { label: t('从业人员（人）', 'Employees'), value: sum(listed, 'headcount') },
        { label: t('总收入（千元）', 'Revenue (k CNY)'), value: k(sum(listed, 'revenue')) },
        { label: t('上缴税费（千元）', 'Tax (k CNY)'), value: k(sum(listed, 'tax')) },
        { label: t('研发经费支出（千元）', 'R&D (k CNY)'), value: k(sum(listed, 'rd')) },
        { label: t('有效知识产权（件）', 'Patents'), value: sum(listed, 'patents') },
        { label: t('软件著作权（件）', 'Software copyrights'), value: sum(listed, 'copyrights') },
        { label: t('当年投融资（千元）', 'Financing (k CNY)'), value: k(sum(listed, 'financing')) },
        { label: t('未通过校验（项）', 'Failed checks'), value: problems.length },
      ],
    },
    { kind: 'table', title: t('二、在孵企业名单', '2. Startups in incubation'), columns, rows: inIncubation, moneyDivisor: 1_000, empty: t('无', 'None'), pdfLimit: 500, more: t('……另有 {n} 家，完整名单见 Excel 版', '… {n} more in the Excel version') },
    { kind: 'table', title: t('三、当年毕业企业名单', '3. Graduated in the year'), columns, rows: graduated, moneyDivisor: 1_000, empty: t('无', 'None'), pdfLimit: 500, more: t('……另有 {n} 家，完整名单见 Excel 版', '… {n} more in the Excel version') },
    {
      kind: 'table',
      title: t('四、未通过的校验', '4. Failed consistency checks'),
      columns: [
        { key: 'name', header: t('企业（项目）名称', 'Company / team'), kind: 'text' },
        { key: 'check', header: t('问题', 'Problem'), kind: 'text' },
      ],
      rows: problems,
      empty: t('全部校验通过', 'All checks pass'),
    },
  ];
  return {
    title: t(`科技企业孵化器火炬统计（${year} 年度）`, `Torch statistics return for ${year}`),
    subtitle: t(`统计年度 ${from} 至 ${to}，金额单位：千元`, `Year ${from} to ${to}; amounts in thousand CNY`),
    organisation: t('大数据产业园 · 孵化基地', 'Big-data industrial park and incubation base'),
    generatedAt: t(`ParkPilot 生成于 ${today}`, `Produced by ParkPilot on ${today}`),
    sections,
  };
}
