import { beforeAll, describe, expect, it } from 'vitest';
import { changeText, comparedStretches, shiftMonths } from '../../src/core/reports/comparison';
import { loadCharts } from '../../src/core/reports/charts';
import { parsePeriod, type Section } from '../../src/core/reports/model';
import { operationsReport } from '../../src/core/reports/operations';
import { reportHtml } from '../../src/core/reports/html';
import { seedDemo } from '../../src/core/seed/seed';
import type { ParkCore } from '../../src/core/service';
import { testCore } from './helpers';

type Row = Record<string, unknown>;
let core: ParkCore;
let enterprises: { entry_date: string | null; exit_date: string | null }[];
let incubationEvents: { row_id: string; stage: string; date: string }[];

beforeAll(async () => {
  await loadCharts();
  core = testCore();
  seedDemo(core.context());
  const db = core.context().db;
  // The second route: whole tables read once, counted here in plain code (not the report's SQL).
  enterprises = db.prepare('SELECT entry_date, exit_date FROM enterprises WHERE deleted = 0').all() as typeof enterprises;
  incubationEvents = db.prepare("SELECT row_id, stage, date FROM stage_events WHERE entity = 'incubations' AND deleted = 0").all() as typeof incubationEvents;
});

const within = (d: string | null, from: string, to: string) => d !== null && d >= from && d <= to;
const entries = (from: string, to: string) => enterprises.filter((e) => within(e.entry_date, from, to)).length;
const exits = (from: string, to: string) => enterprises.filter((e) => within(e.exit_date, from, to)).length;
const inPark = (day: string) => enterprises.filter((e) => (e.entry_date === null || e.entry_date <= day) && (e.exit_date === null || e.exit_date > day)).length;
const reached = (stage: string, from: string, to: string) => new Set(incubationEvents.filter((e) => e.stage === stage && within(e.date, from, to)).map((e) => e.row_id)).size;

function keyFigures(period: string, asOf: string, locale: 'zh-CN' | 'en' = 'zh-CN'): { section: Extract<Section, { kind: 'table' }>; byLabel: Map<string, Row> } {
  const report = operationsReport(core.context().db, parsePeriod(period)!, asOf, locale, '2021-12-31');
  const section = report.sections[0] as Extract<Section, { kind: 'table' }>;
  return { section, byLabel: new Map(section.rows.map((r) => [String(r.label), r])) };
}

describe('operations report: key figures with 同比 and 环比', () => {
  it('a quarter: this quarter, the same quarter a year before and the quarter before, each with its change', () => {
    const { section, byLabel } = keyFigures('2020-Q4', '2020-12-31');
    expect(section.columns.map((c) => c.key)).toEqual(['label', 'now', 'lastYear', 'yoy', 'previous', 'pop']);
    const row = byLabel.get('新入驻企业（家）')!;
    const now = entries('2020-10-01', '2020-12-31');
    const lastYear = entries('2019-10-01', '2019-12-31');
    const previous = entries('2020-07-01', '2020-09-30');
    expect(now).toBeGreaterThan(0);
    expect(row).toMatchObject({ now, lastYear, previous, yoy: changeText(now, lastYear), pop: changeText(now, previous) });
    expect(byLabel.get('迁出企业（家）')).toMatchObject({ now: exits('2020-10-01', '2020-12-31'), lastYear: exits('2019-10-01', '2019-12-31'), previous: exits('2020-07-01', '2020-09-30') });
    // A stock is counted on the stretch's last day.
    expect(byLabel.get('在园企业（家）')).toMatchObject({ now: inPark('2020-12-31'), lastYear: inPark('2019-12-31'), previous: inPark('2020-09-30') });
    expect(byLabel.get('毕业企业（家）')).toMatchObject({ now: reached('graduated', '2020-10-01', '2020-12-31'), lastYear: reached('graduated', '2019-10-01', '2019-12-31') });
    expect(byLabel.get('新入孵企业（家）')).toMatchObject({ previous: reached('admitted', '2020-07-01', '2020-09-30') });
  });

  it('a year: compared with the year before only (its previous period is that year), in English too', () => {
    const { section, byLabel } = keyFigures('2020', '2020-12-31', 'en');
    expect(section.columns.map((c) => c.key)).toEqual(['label', 'now', 'lastYear', 'yoy']);
    expect(byLabel.get('New entries')).toMatchObject({ now: entries('2020-01-01', '2020-12-31'), lastYear: entries('2019-01-01', '2019-12-31') });
    expect(byLabel.get('Enterprises in the park')).toMatchObject({ now: inPark('2020-12-31'), lastYear: inPark('2019-12-31') });
    expect(section.note).toContain('2019-01-01 to 2019-12-31');
  });

  it('a month still running is compared period-to-date: the same days of the month before and of last year', () => {
    const { byLabel } = keyFigures('2020-03', '2020-03-15');
    expect(byLabel.get('新入驻企业（家）')).toMatchObject({ now: entries('2020-03-01', '2020-03-15'), lastYear: entries('2019-03-01', '2019-03-15'), previous: entries('2020-02-01', '2020-02-15') });
  });

  it('the incubation table gives each stage on the last day and entered in the period, the key figures\' 在孵, 新入孵 and 毕业 among them', () => {
    const report = operationsReport(core.context().db, parsePeriod('2021')!, '2021-12-31', 'zh-CN', '2021-12-31');
    const figures = new Map((report.sections[0] as Extract<Section, { kind: 'table' }>).rows.map((r) => [String(r.label), r.now]));
    const section = report.sections.find((s) => s.title === '二、孵化统计') as Extract<Section, { kind: 'table' }>;
    const [onLastDay, entered] = section.rows as Row[];
    expect(onLastDay!.label).toBe('期末（2021-12-31）');
    expect(entered!.label).toBe('本期进入');
    // The stock is what the Overview counts that day; the flows, counted here from the events.
    const stages = core.call('dashboard.overview', { asOf: '2021-12-31' }).incubationStages as Record<string, number>;
    for (const stage of ['applied', 'screening', 'admitted', 'incubating', 'graduated', 'terminated']) {
      expect(onLastDay![stage], stage).toBe(stages[stage] ?? 0);
      expect(entered![stage], stage).toBe(reached(stage, '2021-01-01', '2021-12-31'));
    }
    expect(figures.get('在孵企业（家）')).toBe(Number(onLastDay!.admitted) + Number(onLastDay!.incubating));
    expect(figures.get('新入孵企业（家）')).toBe(entered!.admitted);
    expect(figures.get('毕业企业（家）')).toBe(entered!.graduated);
    // The demo's year has more graduates on record than graduated in it: the note says which is which.
    expect(Number(onLastDay!.graduated)).toBeGreaterThan(Number(entered!.graduated));
    expect(section.note).toContain('“新入孵”“毕业”是本期进入数');
  });

  it('a period reported as of a later day: the incubation stock is the period\'s last day, as the key figure counts it', () => {
    const report = operationsReport(core.context().db, parsePeriod('2020-Q1')!, '2021-06-30', 'zh-CN', '2021-12-31');
    const figures = new Map((report.sections[0] as Extract<Section, { kind: 'table' }>).rows.map((r) => [String(r.label), r.now]));
    const [onLastDay] = (report.sections.find((s) => s.title === '二、孵化统计') as Extract<Section, { kind: 'table' }>).rows as Row[];
    expect(onLastDay!.label).toBe('期末（2020-03-31）');
    const stages = core.call('dashboard.overview', { asOf: '2020-03-31' }).incubationStages as Record<string, number>;
    expect(onLastDay!.incubating).toBe(stages.incubating ?? 0);
    expect(figures.get('在孵企业（家）')).toBe(Number(onLastDay!.admitted) + Number(onLastDay!.incubating));
    // And the day the report was asked for holds other counts: the row does not take them.
    const later = core.call('dashboard.overview', { asOf: '2021-06-30' }).incubationStages as Record<string, number>;
    expect(later).not.toEqual(stages);
  });

  it('changes read as people write them, and months shift to the month end', () => {
    expect(changeText(12, 10)).toBe('+2 (+20.0%)');
    expect(changeText(7, 10)).toBe('−3 (−30.0%)');
    expect(changeText(5, 5)).toBe('0 (0.0%)');
    expect(changeText(4, 0)).toBe('+4');
    expect(shiftMonths('2020-12-31', -3)).toBe('2020-09-30');
    expect(shiftMonths('2020-03-31', -1)).toBe('2020-02-29');
    expect(shiftMonths('2020-02-29', -12)).toBe('2019-02-28');
    expect(shiftMonths('2020-01-15', -1)).toBe('2019-12-15');
    expect(comparedStretches(parsePeriod('2020-Q1')!, '2021-06-30')).toEqual({
      current: { from: '2020-01-01', to: '2020-03-31' }, lastYear: { from: '2019-01-01', to: '2019-03-31' }, previous: { from: '2019-10-01', to: '2019-12-31' },
    });
  });

  it('English report: seeded plans, targets and units in English; numbers, dates and changes never wrap', () => {
    const report = operationsReport(core.context().db, parsePeriod('2020')!, '2020-12-31', 'en', '2021-12-31');
    const targets = report.sections.find((s) => s.title === '3. Plan targets') as Extract<Section, { kind: 'table' }>;
    expect(targets.rows.map((r) => r.plan)).toContain('Zhuhai National Big Data Comprehensive Pilot Zone (Pearl River Delta) Implementation Plan');
    expect(targets.rows.find((r) => r.name === 'Core enterprises introduced or incubated')?.range).toBe('3–5 companies');
    expect(targets.columns.filter((c) => c.nowrap).map((c) => c.key)).toEqual(['range', 'value', 'status']);
    // As of 2020-12-31 every target of the pilot-zone plan is on its deadline day: projected; a year on, past it, none is.
    const later = operationsReport(core.context().db, parsePeriod('2021')!, '2021-12-31', 'en', '2021-12-31').sections.find((s) => s.title === '3. Plan targets') as Extract<Section, { kind: 'table' }>;
    const startups = (t: typeof targets) => t.rows.find((r) => r.name === 'Startups hatched')!;
    expect(startups(targets).projection).toEqual(expect.any(Number));
    expect(startups(later).projection).toBeNull();
    expect(startups(later).value).toBe(startups(targets).value);
    expect(later.rows.filter((r) => r.deadline as string > '2021-12-31').every((r) => r.projection !== null)).toBe(true);
    const html = reportHtml(report, 'en');
    expect(html).toMatch(/td\.date, td\.number, td\.money, td\.nowrap[^{]*\{ white-space: nowrap; \}/);
    expect(html).toContain('<td class="text nowrap">+');
  });
});
