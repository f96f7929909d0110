import type { Db } from '../db/open';
import { enums } from '../enums';
import type { Locale } from '../errors';
import { labelMaps } from '../exports/views';
import { overview, stagesOn } from '../overview/dashboard';
import type { TargetStatus } from '../targets/handlers';
import { chartSvg } from './charts';
import type { Period, Report, Section } from './model';
import { incubationStages } from '../enums';
import { localName, unitLabel } from '../targets/names';
import { changeText, comparedStretches, FIGURE_KEYS, keyFigures, stageEntries, type FigureKey, type Stretch } from './comparison';
import { ACTIVE_INCUBATION_STAGES } from '../incubation/status';

/**
 * The park operations report (月报/季报/年报) for a period, as of a date: key figures, the plan-target
 * table with status and projection, new entries and exits, the lead funnel, incubation statistics.
 */
export function operationsReport(db: Db, period: Period, asOf: string, locale: Locale, today: string): Report {
  const en = locale === 'en';
  const d = overview(db, asOf, today);
  const labels = labelMaps(db, locale);
  const entries = db
    .prepare('SELECT name, uscc, industry, kind, entry_date, registered_capital FROM enterprises WHERE deleted = 0 AND entry_date BETWEEN ? AND ? ORDER BY entry_date, name')
    .all(period.from, period.to) as Record<string, unknown>[];
  const exits = db.prepare('SELECT name, uscc, industry, kind, exit_date FROM enterprises WHERE deleted = 0 AND exit_date BETWEEN ? AND ? ORDER BY exit_date, name').all(period.from, period.to) as Record<string, unknown>[];
  for (const r of [...entries, ...exits]) {
    r.industry = labels.industry!.get(r.industry as string) ?? r.industry;
    r.kind = labels.enterpriseKind!.get(r.kind as string) ?? r.kind;
  }
  const t = (zh: string, e: string) => (en ? e : zh);
  const status = (code: TargetStatus) => enums.targetStatus[code][en ? 1 : 0];

  const sections: Section[] = [
    keyFiguresSection(db, period, asOf, today, en),
    incubationSection(db, period, asOf, today, d.incubationStages, labels.incubationStage!, en),
    {
      kind: 'table',
      title: t('三、规划目标完成情况', '3. Plan targets'),
      columns: [
        { key: 'plan', header: t('规划', 'Plan'), kind: 'text' },
        { key: 'name', header: t('目标', 'Target'), kind: 'text' },
        { key: 'range', header: t('目标值', 'Target range'), kind: 'text', nowrap: true },
        // A milestone's value is the day it was done.
        { key: 'value', header: t('当前值', 'Value'), kind: 'number', nowrap: true },
        { key: 'projection', header: t('到期预测', 'Projected'), kind: 'number' },
        { key: 'deadline', header: t('截止日期', 'Deadline'), kind: 'date' },
        // A status is a few words (已达成, 按计划推进): broken over two lines it reads as two.
        { key: 'status', header: t('状态', 'Status'), kind: 'text', nowrap: true },
      ],
      rows: d.targets.map((x) => ({
        plan: localName(locale, x.plan_name, x.plan_name_en),
        name: localName(locale, x.name, x.name_en),
        range: x.kind === 'milestone' ? t('完成', 'Done') : x.max_value == null ? `≥ ${x.min_value} ${unitLabel(x.unit, locale, x.min_value)}` : `${x.min_value}–${x.max_value} ${unitLabel(x.unit, locale, x.max_value)}`,
        value: x.kind === 'milestone' ? (x.done_date ?? t('未完成', 'Open')) : x.value,
        // Past its deadline the value is the value at the deadline: no projection left (the cell stays empty).
        projection: x.kind === 'milestone' || x.pastDeadline ? null : x.projection,
        deadline: x.deadline,
        status: status(x.status),
      })),
    },
    {
      kind: 'chart',
      title: t('四、招商漏斗', '4. Lead funnel'),
      svg: chartSvg({
        series: [{
          type: 'funnel', sort: 'none', left: '10%', width: '80%', top: 10, bottom: 10, minSize: '10%',
          // No halo on labels (ECharts' default here and on the pie): stroked text prints as Type 3 glyph outlines, never as an embedded font.
          label: { position: 'inside', textBorderColor: 'none', formatter: (p: { name: string; value: number; data: { conversion: number | null } }) => `${p.name} ${p.value}${p.data.conversion != null ? ` (${p.data.conversion}%)` : ''}` },
          data: d.funnel.stages.map((s) => ({ name: labels.leadStage!.get(s.stage) ?? s.stage, value: s.atOrBeyond, conversion: s.conversion })),
        }],
      }),
      caption: t(`截至 ${asOf}，括号内为相对上一阶段的转化率；另有 ${d.funnel.lost} 条线索流失。`, `As of ${asOf}; conversion from the previous stage in brackets; ${d.funnel.lost} leads lost.`),
      data: {
        columns: [
          { key: 'stage', header: t('阶段', 'Stage'), kind: 'text' },
          { key: 'n', header: t('到达本阶段及以后（条）', 'At this stage or later'), kind: 'number' },
          { key: 'conversion', header: t('转化率（%）', 'Conversion (%)'), kind: 'number' },
        ],
        rows: d.funnel.stages.map((s) => ({ stage: labels.leadStage!.get(s.stage) ?? s.stage, n: s.atOrBeyond, conversion: s.conversion })),
      },
    },
    {
      kind: 'table',
      title: t('五、本期新入驻企业', '5. New entries this period'),
      columns: [
        { key: 'name', header: t('企业名称', 'Company'), kind: 'text' },
        { key: 'uscc', header: t('统一社会信用代码', 'Credit code'), kind: 'text' },
        { key: 'industry', header: t('所属行业', 'Industry'), kind: 'text' },
        { key: 'kind', header: t('企业类型', 'Kind'), kind: 'text', nowrap: true },
        { key: 'entry_date', header: t('入驻日期', 'Entry date'), kind: 'date' },
        { key: 'registered_capital', header: t('注册资本（万元）', 'Capital (10k CNY)'), kind: 'money' },
      ],
      rows: entries,
      empty: t('本期无新入驻企业', 'No new entries'),
      pdfLimit: 200,
      more: t('……另有 {n} 家，完整名单见 Excel 版报表', '… {n} more: the full list is in the Excel version'),
    },
    {
      kind: 'table',
      title: t('六、本期迁出企业', '6. Exits this period'),
      columns: [
        { key: 'name', header: t('企业名称', 'Company'), kind: 'text' },
        { key: 'uscc', header: t('统一社会信用代码', 'Credit code'), kind: 'text' },
        { key: 'industry', header: t('所属行业', 'Industry'), kind: 'text' },
        { key: 'exit_date', header: t('迁出日期', 'Exit date'), kind: 'date' },
      ],
      rows: exits,
      empty: t('本期无迁出企业', 'No exits'),
      pdfLimit: 200,
      more: t('……另有 {n} 家，完整名单见 Excel 版报表', '… {n} more: the full list is in the Excel version'),
    },
    {
      kind: 'chart',
      title: t('七、行业分布', '7. Industry mix'),
      svg: chartSvg({
        legend: { bottom: 0 },
        series: [{ type: 'pie', radius: ['35%', '62%'], center: ['50%', '45%'], label: { formatter: '{b} {c}', textBorderColor: 'none' }, data: d.industryMix.map((r) => ({ name: labels.industry!.get(r.industry) ?? (r.industry || '—'), value: r.n })) }],
      }),
      data: {
        columns: [
          { key: 'industry', header: t('行业', 'Industry'), kind: 'text' },
          { key: 'n', header: t('企业数（家）', 'Enterprises'), kind: 'number' },
        ],
        rows: d.industryMix.map((r) => ({ industry: labels.industry!.get(r.industry) ?? (r.industry || '—'), n: r.n })),
      },
    },
  ];
  return {
    title: t(`园区运营报告（${period.label}）`, `Park operations report (${period.from} – ${period.to})`),
    subtitle: t(`统计期间 ${period.from} 至 ${period.to}，数据截至 ${asOf}`, `Period ${period.from} to ${period.to}, data as of ${asOf}`),
    organisation: t('大数据产业园 · 孵化基地', 'Big-data industrial park and incubation base'),
    generatedAt: t(`ParkPilot 生成于 ${today}`, `Produced by ParkPilot on ${today}`),
    sections,
  };
}

const FIGURE_LABELS: Record<FigureKey, readonly [zh: string, en: string]> = {
  enterprises: ['在园企业（家）', 'Enterprises in the park'],
  entries: ['新入驻企业（家）', 'New entries'],
  exits: ['迁出企业（家）', 'Exits'],
  incubating: ['在孵企业（家）', 'In incubation'],
  signed: ['签约项目（个）', 'Projects signed'],
  admitted: ['新入孵企业（家）', 'Admitted to incubation'],
  graduated: ['毕业企业（家）', 'Graduated'],
  overdue: ['逾期未跟进线索（条）', 'Overdue lead follow-ups'],
};

/**
 * Key figures with 同比 (the same stretch a year before) and 环比 (the previous period; a year's
 * previous period is the year before, so an annual report shows 同比 alone). See comparison.ts.
 */
function keyFiguresSection(db: Db, period: Period, asOf: string, today: string, en: boolean): Section {
  const t = (zh: string, e: string) => (en ? e : zh);
  const stretches = comparedStretches(period, asOf);
  const now = keyFigures(db, stretches.current, today);
  const lastYear = keyFigures(db, stretches.lastYear, today);
  const previous = stretches.previous ? keyFigures(db, stretches.previous, today) : null;
  const span = (s: Stretch) => t(`${s.from} 至 ${s.to}`, `${s.from} to ${s.to}`);
  return {
    kind: 'table',
    title: t('一、主要指标', '1. Key figures'),
    columns: [
      { key: 'label', header: t('指标', 'Figure'), kind: 'text' },
      { key: 'now', header: t('本期', 'This period'), kind: 'number', nowrap: true },
      { key: 'lastYear', header: t('上年同期', 'Same period last year'), kind: 'number', nowrap: true },
      { key: 'yoy', header: t('同比增减', 'Year on year'), kind: 'text', nowrap: true },
      ...(previous
        ? [
            { key: 'previous', header: t('上期', 'Previous period'), kind: 'number', nowrap: true } as const,
            { key: 'pop', header: t('环比增减', 'Period on period'), kind: 'text', nowrap: true } as const,
          ]
        : []),
    ],
    rows: FIGURE_KEYS.map((key) => ({
      label: FIGURE_LABELS[key][en ? 1 : 0],
      now: now[key],
      lastYear: lastYear[key],
      yoy: changeText(now[key], lastYear[key]),
      ...(previous ? { previous: previous[key], pop: changeText(now[key], previous[key]) } : {}),
    })),
    note: t(
      `本期 ${span(stretches.current)}；上年同期 ${span(stretches.lastYear)}${stretches.previous ? `；上期 ${span(stretches.previous)}` : ''}。在园、在孵与逾期为期末数，其余为期间内发生数。`,
      `This period ${span(stretches.current)}; same period last year ${span(stretches.lastYear)}${stretches.previous ? `; previous period ${span(stretches.previous)}` : ''}. Enterprises in the park, in incubation and overdue follow-ups are counted on the last day; the others over the period.`,
    ),
  };
}

/**
 * Incubation by stage, two rows a column per stage: the records in each stage on the last day, and the
 * records that entered each stage within the period. The key figures take theirs from the same counts
 * (在孵 = the active stages on the last day; 新入孵 and 毕业 = entered within the period), and the note
 * says so: a reader who sees 在孵 17 here and 22 above, or 毕业 11 and 5, is told why.
 */
function incubationSection(db: Db, period: Period, asOf: string, today: string, onAsOf: Record<string, number>, stageLabels: Map<string, string>, en: boolean): Section {
  const t = (zh: string, e: string) => (en ? e : zh);
  const to = asOf < period.to ? asOf : period.to;
  // The period's last day, as the key figures count their stocks: the as-of day only when it falls inside the period.
  const onLastDay = to === asOf ? onAsOf : Object.fromEntries(stagesOn(db, 'incubations', to, today));
  const entered = stageEntries(db, period.from, to);
  const name = (stage: string) => stageLabels.get(stage) ?? stage;
  const active = ACTIVE_INCUBATION_STAGES.map(name).join(t('与', ' and '));
  return {
    kind: 'table',
    title: t('二、孵化统计', '2. Incubation'),
    columns: [
      { key: 'label', header: t('口径', 'Count'), kind: 'text', nowrap: true },
      ...incubationStages.map((stage) => ({ key: stage, header: `${name(stage)}${t('（家）', '')}`, kind: 'number' as const, nowrap: true })),
    ],
    rows: [
      { label: t(`期末（${to}）`, `On ${to}`), ...Object.fromEntries(incubationStages.map((stage) => [stage, onLastDay[stage] ?? 0])) },
      { label: t('本期进入', 'Entered this period'), ...Object.fromEntries(incubationStages.map((stage) => [stage, entered.get(stage) ?? 0])) },
    ],
    note: t(
      `期末为 ${to} 处于各阶段的企业数；本期进入为 ${period.from} 至 ${to} 进入各阶段的企业数。主要指标的“在孵企业”是${active}的期末数之和，“新入孵”“毕业”是本期进入数。`,
      `"On ${to}": records in each stage that day; "entered": records that reached each stage from ${period.from} to ${to}. The key figures' "in incubation" is the sum of ${active} on the last day; "admitted" and "graduated" are entries this period.`,
    ),
  };
}
