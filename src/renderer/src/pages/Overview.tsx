import { useEffect, useMemo, useState } from 'react';
import type { TFunction } from 'i18next';
import { useTranslation } from 'react-i18next';
import { RequestsCard } from '../components/RequestsCard';
import { api } from '../api/client';
import { ErrorBanner } from '../components/ErrorBanner';
import { Chart, type ChartOption } from '../components/Chart';
import { formatDate, formatNumber } from '../lib/format';
import { navigate } from '../lib/route';
import { encodeGridState } from '../components/grid/gridUrl';
import type { Theme } from '../lib/theme';
import { useCoreData } from '../lib/useCoreData';
import { Icon } from '../components/Icon';
import { OverdueMore, QualificationsDue } from '../components/overview/DueLists';
import { peekPrefetched, takePrefetched } from '../lib/prefetch';
import { useFirstPaintDone } from '../lib/firstPaint';
import { localName, unitText } from '../lib/names';
import { AS_OF_KEY, dashboardKey, initialAsOf } from './overviewStart';

type Dashboard = Awaited<ReturnType<(typeof api)['dashboard.overview']>>;
type Target = Dashboard['targets'][number];


/** The park office's morning view: targets, pipelines and the park's make-up, as of any date. */
export function Overview({ theme, today: todayIs }: { theme: Theme; today: string }) {
  const { t, i18n } = useTranslation();
  const locale = i18n.language;
  // "Today" is the core's: a demo database's own last day while it runs on it (settings/handlers.ts).
  const today = () => todayIs;
  // A remembered day after "today" (a demo database's last day) falls back to today.
  const [asOf, setAsOf] = useState(() => initialAsOf(todayIs));
  useEffect(() => sessionStorage.setItem(AS_OF_KEY, asOf), [asOf]);
  /**
   * Chart click-throughs open the registry, which lists today's rows: from a past as-of day the grid
   * says so plainly (`asof`), since its count may differ from the number the chart showed.
   */
  const withAsOf = (path: string) => (asOf === todayIs ? path : `${path}${path.includes('?') ? '&' : '?'}asof=${asOf}`);
  const go = (path: string) => navigate(withAsOf(path));
  // The tiles are links (keyboard, middle click) to the same registries: they carry the day too.
  // Every table feeds some figure here, so any change reloads it.
  // The first answer may have been asked for at start-up (overviewStart.ts).
  // When that answer is already here, the first render shows the figures (no "loading" frame first).
  const { data, error } = useCoreData(() => takePrefetched(dashboardKey(asOf), () => api['dashboard.overview']({ asOf })), [asOf], 'all', () => peekPrefetched<Dashboard>(dashboardKey(asOf)));

  // The charts and lists lie below the fold: rendered once the figures have been painted, so a cold start
  // lays out and paints the figures without them (lib/firstPaint.ts).
  const belowFold = useFirstPaintDone();
  const charts = useMemo(() => (data && belowFold ? buildCharts(data, t) : null), [data, t, belowFold]);

  const [burnupId, setBurnupId] = useState<string | null>(null);
  const computed = data?.targets.filter((x) => x.kind !== 'milestone') ?? [];
  const burnupTarget = computed.find((x) => x.id === burnupId) ?? computed[0];

  if (error) return <ErrorBanner error={error} />;
  if (!data) return <p className="muted" aria-busy>{t('common.loading')}</p>;

  // Timeline entries are plan deadlines and milestones, named as the plan or the milestone's target:
  // their English names come from the targets (a milestone the office added shows its own name).
  const englishNames = new Map(data.targets.flatMap((x) => [[x.name, x.name_en], [x.plan_name, x.plan_name_en]] as const));
  const timelineName = (name: string) => localName(locale, name, englishNames.get(name));
  // Each figure opens the grid filtered to the records it counts (a newcomer compares the two numbers):
  // enterprises on record are those that have not left, open leads those in a stage of kind open. (An entry
  // or exit dated after the database's day, which the figure would leave out, is refused by the core.)
  // Which statuses and stages the figures count comes with them (the core's one declaration of each).
  const active = data.counted.activeIncubationStages;
  const openStages = data.counted.openLeadStages;
  const openLeads = data.funnel.stages.filter((s) => openStages.includes(s.stage)).reduce((a, s) => a + s.current, 0);
  const cards = [
    { key: 'enterprises', value: data.enterprises, href: `enterprises?status=${data.counted.registeredStatuses.join(',')}` },
    { key: 'incubating', value: active.reduce((a, s) => a + (data.incubationStages[s] ?? 0), 0), href: `incubations?stage=${active.join(',')}` },
    { key: 'leads', value: openLeads, href: `leads?stage=${openStages.join(',')}` },
    // The overdue leads themselves (as the core counts them: an open stage, follow-up before the day), soonest due first.
    { key: 'overdue', value: data.overdue.count, href: `leads?stage=${openStages.join(',')}&${encodeGridState({ filter: { next_follow_up: { filterType: 'date', type: 'lessThan', dateFrom: `${asOf} 00:00:00` } }, sort: [{ colId: 'next_follow_up', sort: 'asc' }] })}`, warn: data.overdue.count > 0 },
  ];

  return (
    <div className="overview">
      <div className="overview-head">
        <h1>{t('overview.title')}</h1>
        <label className="inline as-of">
          {t('overview.asOfLabel')}
          <input type="date" aria-label={t('overview.asOfLabel')} value={asOf} max="2099-12-31" onChange={(e) => e.target.value && setAsOf(e.target.value)} />
        </label>
        {asOf !== today() && (
          <button type="button" onClick={() => setAsOf(today())}>{t('overview.backToToday')}</button>
        )}
      </div>
      <section className="cards" aria-label={t('overview.title')}>
        {cards.map((c) => (
          <a key={c.key} className={`card stat ${c.warn ? 'warn' : ''}`} href={`#/${withAsOf(c.href)}`}>
            <span className="stat-label">{t(`overview.${c.key}`)}</span>
            <span className="stat-value">{formatNumber(c.value, locale)}</span>
          </a>
        ))}
      </section>
      <section aria-labelledby="targets-h">
        <h2 id="targets-h">{t('overview.targets')} <span className="muted small">{t('overview.asOf', { date: formatDate(asOf, locale) })}</span></h2>
        {data.targets.length === 0 ? <p className="muted">{t('overview.noTargets')}</p> : (
          <div className="target-cards">
            {data.targets.map((tg) => <TargetCard key={tg.id} target={tg} locale={locale} onBurnup={() => setBurnupId(tg.id)} />)}
          </div>
        )}
      </section>
      <RequestsCard />
      {charts && <section className="charts">
        <div className="card chart-card">
          <h2>{t('overview.funnel')}</h2>
          <Chart option={charts.funnel} theme={theme} label={t('overview.funnel')} onClick={(p) => go(`leads?stage=${encodeURIComponent((p.data as { codes: string[] }).codes.join(','))}`)} />
          <p className="muted small">{t('overview.lost', { n: data.funnel.lost })}</p>
        </div>
        <div className="card chart-card">
          <div className="chart-title">
            <h2>{t('overview.burnup')}</h2>
            {computed.length > 1 && (
              <select aria-label={t('overview.burnup')} value={burnupTarget?.id} onChange={(e) => setBurnupId(e.target.value)}>
                {computed.map((x) => <option key={x.id} value={x.id}>{localName(locale, x.name, x.name_en)}</option>)}
              </select>
            )}
          </div>
          {burnupTarget ? <Chart option={burnupOption(burnupTarget, t, locale)} theme={theme} label={t('overview.burnup')} /> : <p className="muted">{t('overview.noTargets')}</p>}
        </div>
        <div className="card chart-card">
          <h2>{t('overview.timeInStage')}</h2>
          <Chart option={charts.timeInStage} theme={theme} label={t('overview.timeInStage')} onClick={(p) => go(`leads?stage=${encodeURIComponent((p.data as { code: string }).code)}`)} />
        </div>
        <div className="card chart-card">
          <h2>{t('overview.incubationFlow')}</h2>
          {data.incubationFlow.length ? (
            <Chart option={charts.sankey} theme={theme} label={t('overview.incubationFlow')} onClick={(p) => {
              const d = p.data as { target?: string; name?: string };
              const stage = p.dataType === 'edge' ? d.target : d.name;
              if (stage) go(`incubations?stage=${encodeURIComponent(stage)}`);
            }} />
          ) : <p className="muted">{t('common.emptyFiltered')}</p>}
        </div>
        <div className="card chart-card">
          <h2>{t('overview.byIndustry')}</h2>
          <Chart option={charts.industry} theme={theme} label={t('overview.byIndustry')} onClick={(p) => go(`enterprises?industry=${encodeURIComponent((p.data as { code: string }).code)}&status=${data.counted.registeredStatuses.join(',')}`)} />
        </div>
        <div className="card chart-card">
          <h2>{t('overview.entriesExits')}</h2>
          <Chart option={charts.entriesExits} theme={theme} label={t('overview.entriesExits')} onClick={(p) => {
            const q = data.entriesExits[p.dataIndex]!;
            const column = p.seriesIndex === 0 ? 'entry_date' : 'exit_date';
            go(`enterprises?${column}=${q.from}..${q.to}`);
          }} />
        </div>
        <div className="card">
          <h2>{t('overview.overdueList')}</h2>
          {data.overdue.leads.length === 0 ? <p className="muted">{t('overview.noOverdue')}</p> : (
            <ul className="plain-list">
              {data.overdue.leads.map((l) => (
                <li key={l.id}><a href={`#/leads/${l.id}`}>{l.company}</a> <span className="muted small">{formatDate(l.next_follow_up, locale)} · {l.owner ?? t('common.none')}</span></li>
              ))}
            </ul>
          )}
          <OverdueMore shown={data.overdue.leads.length} total={data.overdue.count} asOf={asOf} />
        </div>
        <QualificationsDue asOf={asOf} />
        <div className="card">
          <h2>{t('overview.timeline')}</h2>
          <ol className="timeline">
            {data.timeline.map((e, i) => (
              <li key={i} className={e.done ? 'done' : e.date < asOf ? 'late' : ''}>
                <span className="tl-date">{formatDate(e.date, locale)}</span>
                <span>{e.kind === 'deadline' ? <><Icon name="clock" /> {t('overview.deadlineOf', { name: timelineName(e.name) })}</> : <><Icon name={e.done ? 'check' : 'circle'} /> {timelineName(e.name)}</>}</span>
              </li>
            ))}
          </ol>
        </div>
      </section>}
    </div>
  );
}

function TargetCard({ target: tg, locale, onBurnup }: { target: Target; locale: string; onBurnup: () => void }) {
  const { t } = useTranslation();
  const pct = tg.kind === 'milestone' ? (tg.value ? 100 : 0) : Math.min(100, tg.percent_of_min ?? 0);
  return (
    <div className={`card target status-${tg.status}`} data-target={tg.name}>
      <div className="target-top">
        <a className="target-name" href={`#/targets/${tg.id}`}>{localName(locale, tg.name, tg.name_en)}</a>
        <span className={`badge status-${tg.status}`}>{t(`targetStatus.${tg.status}`)}</span>
      </div>
      <div className="target-value">
        {tg.kind === 'milestone' ? (
          <span>{tg.done_date ? <><Icon name="check" /> {formatDate(tg.done_date, locale)}</> : t('overview.milestone')}</span>
        ) : (
          <>
            <span className="big">{formatNumber(tg.value, locale)}</span> {unitText(t, locale, tg.unit, tg.value)}
            <span className="muted"> · {tg.max_value != null ? t('overview.range', { min: tg.min_value, max: tg.max_value, unit: unitText(t, locale, tg.unit, tg.max_value) }) : t('overview.atLeast', { min: tg.min_value, unit: unitText(t, locale, tg.unit, tg.min_value) })}</span>
          </>
        )}
      </div>
      <div className="bar" role="progressbar" aria-valuenow={pct} aria-valuemin={0} aria-valuemax={100}><span style={{ width: `${pct}%` }} /></div>
      <div className="muted small">
        {/* Past its deadline the value shown is the value at the deadline: nothing is left to project. */}
        {tg.kind !== 'milestone' && <button type="button" className="link" onClick={onBurnup}>{tg.pastDeadline ? t('overview.trendLink') : t('overview.projection', { value: formatNumber(tg.projection, locale, tg.kind === 'count' ? 0 : 1) })}</button>}
        {' '}{t('overview.deadline', { date: formatDate(tg.deadline, locale) })} · {localName(locale, tg.plan_name, tg.plan_name_en)}
      </div>
    </div>
  );
}

function burnupOption(tg: Target, t: TFunction, locale: string): ChartOption {
  const months = tg.burnup.map((b) => b.month);
  const deadlineMonth = tg.deadline.slice(0, 7);
  const last = tg.burnup.at(-1);
  const projection = last && last.month < deadlineMonth ? [[last.month, last.value], [deadlineMonth, tg.projection]] : [];
  const axis = last && last.month < deadlineMonth ? [...months, deadlineMonth] : months;
  return {
    tooltip: { trigger: 'axis' },
    legend: { bottom: 0 },
    grid: { left: 44, right: 24, top: 24, bottom: 48 },
    xAxis: { type: 'category', data: axis, boundaryGap: false },
    yAxis: { type: 'value', name: unitText(t, locale, tg.unit), min: 0, max: (v: { max: number }) => Math.ceil(Math.max(v.max, tg.max_value ?? tg.min_value ?? 0) * 1.15) },
    series: [
      {
        name: t('overview.actual'), type: 'line', step: 'end', symbol: 'none', data: tg.burnup.map((b) => [b.month, b.value]), areaStyle: { opacity: 0.12 },
        markArea: tg.min_value != null ? { silent: true, itemStyle: { opacity: 0.12, color: '#1b7f3b' }, data: [[{ yAxis: tg.min_value, name: t('overview.band') }, { yAxis: tg.max_value ?? tg.min_value }]] } : undefined,
        markLine: {
          silent: true,
          symbol: 'none',
          data: [
            { xAxis: deadlineMonth, label: { formatter: formatDate(tg.deadline, locale), position: 'insideEndTop' } },
            ...(tg.min_value != null ? [{ yAxis: tg.min_value, label: { formatter: `${t('field.min_value')} ${tg.min_value}`, position: 'insideStartTop' } }] : []),
          ],
        },
      },
      { name: t('overview.projected'), type: 'line', symbol: 'circle', lineStyle: { type: 'dashed' }, data: projection },
    ],
  };
}

function buildCharts(d: Dashboard, t: TFunction): Record<'funnel' | 'timeInStage' | 'sankey' | 'industry' | 'entriesExits', ChartOption> {
  const stageName = (code: string) => t(`enum.leadStage.${code}`);
  return {
    funnel: {
      tooltip: { trigger: 'item', formatter: (p: { data: { name: string; value: number; current: number; conversion: number | null } }) => `${p.data.name}<br/>${t('overview.atOrBeyond')}: ${p.data.value}<br/>${t('overview.current')}: ${p.data.current}${p.data.conversion != null ? `<br/>${t('overview.conversion')}: ${p.data.conversion}%` : ''}` },
      series: [{
        type: 'funnel', sort: 'none', left: '8%', width: '84%', top: 8, bottom: 8, minSize: '8%', gap: 2,
        label: { position: 'inside', formatter: (p: { data: { name: string; value: number; conversion: number | null } }) => `${p.data.name} ${p.data.value}${p.data.conversion != null ? ` (${p.data.conversion}%)` : ''}` },
        data: d.funnel.stages.map((s) => ({ name: stageName(s.stage), value: s.atOrBeyond, current: s.current, conversion: s.conversion, codes: s.codes })),
      }],
    },
    timeInStage: {
      tooltip: { trigger: 'axis' },
      grid: { left: 48, right: 16, top: 16, bottom: 32 },
      xAxis: { type: 'category', data: d.funnel.stages.map((s) => stageName(s.stage)) },
      yAxis: { type: 'value', name: t('overview.days') },
      series: [{ type: 'bar', barMaxWidth: 40, data: d.funnel.stages.map((s) => ({ value: d.leadTimeInStage.find((x) => x.stage === s.stage)?.days ?? 0, code: s.stage })) }],
    },
    sankey: {
      tooltip: { trigger: 'item' },
      series: [{
        type: 'sankey', left: 8, right: 90, top: 8, bottom: 8, nodeAlign: 'left', emphasis: { focus: 'adjacency' },
        data: [...new Set(d.incubationFlow.flatMap((l) => [l.source, l.target]))].map((name) => ({ name, label: { formatter: () => t(`enum.incubationStage.${name}`) } })),
        links: d.incubationFlow,
        label: { formatter: (p: { name: string }) => t(`enum.incubationStage.${p.name}`) },
      }],
    },
    industry: {
      tooltip: { trigger: 'item' },
      legend: { type: 'scroll', bottom: 0 },
      series: [{ type: 'pie', radius: ['40%', '68%'], center: ['50%', '44%'], data: d.industryMix.map((r) => ({ name: r.industry ? t(`enum.industry.${r.industry}`) : t('common.none'), value: r.n, code: r.industry })) }],
    },
    entriesExits: {
      tooltip: { trigger: 'axis' },
      legend: { bottom: 0 },
      grid: { left: 40, right: 16, top: 16, bottom: 76 },
      xAxis: { type: 'category', data: d.entriesExits.map((q) => q.quarter) },
      yAxis: { type: 'value' },
      // The whole history, with a window the user drags or zooms (wheel, or the slider's handles):
      // by default the last 16 quarters when there are more.
      dataZoom: [
        { type: 'slider', bottom: 28, height: 18, startValue: Math.max(0, d.entriesExits.length - 16), endValue: d.entriesExits.length - 1 },
        { type: 'inside' },
      ],
      series: [
        { name: t('overview.entries'), type: 'bar', data: d.entriesExits.map((q) => q.entries) },
        { name: t('overview.exits'), type: 'bar', data: d.entriesExits.map((q) => q.exits) },
      ],
    },
  };
}
