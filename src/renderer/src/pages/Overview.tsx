import { useEffect, useMemo, useState } from 'react';
import { useTranslation } from 'react-i18next';
import { api } from '../api/client';
import { Chart } from '../components/Chart';
import { formatDate, formatNumber } from '../lib/format';
import { navigate } from '../lib/route';
import type { Theme } from '../lib/theme';

type Stats = Awaited<ReturnType<(typeof api)['stats.get']>>;
type Progress = Awaited<ReturnType<(typeof api)['targets.progress']>>;
type Summary = Awaited<ReturnType<(typeof api)['enterprises.summary']>>;

export function Overview({ dataVersion, theme }: { dataVersion: number; theme: Theme }) {
  const { t, i18n } = useTranslation();
  const locale = i18n.language;
  const [stats, setStats] = useState<Stats | null>(null);
  const [targets, setTargets] = useState<Progress | null>(null);
  const [summary, setSummary] = useState<Summary | null>(null);
  const [overdue, setOverdue] = useState<number | null>(null);
  const [error, setError] = useState<string | null>(null);

  useEffect(() => {
    Promise.all([api['stats.get']({}), api['targets.progress']({}), api['enterprises.summary']({}), api['leads.overdue']({})])
      .then(([s, p, sum, o]) => {
        setStats(s);
        setTargets(p);
        setSummary(sum);
        setOverdue(o.count);
      })
      .catch((err: unknown) => setError(err instanceof Error ? err.message : String(err)));
  }, [dataVersion]);

  const industryOption = useMemo(
    () =>
      summary && {
        tooltip: { trigger: 'item' },
        legend: { type: 'scroll', bottom: 0 },
        series: [{ type: 'pie', radius: ['40%', '68%'], center: ['50%', '44%'], data: summary.byIndustry.map((r) => ({ name: r.key ? t(`enum.industry.${r.key}`) : t('common.none'), value: r.n, code: r.key })) }],
      },
    [summary, t],
  );
  const statusOption = useMemo(
    () =>
      summary && {
        tooltip: { trigger: 'axis' },
        grid: { left: 48, right: 16, top: 16, bottom: 32 },
        xAxis: { type: 'category', data: summary.byStatus.map((r) => t(`enum.enterpriseStatus.${r.key}`)) },
        yAxis: { type: 'value' },
        series: [{ type: 'bar', barMaxWidth: 48, data: summary.byStatus.map((r) => ({ value: r.n, code: r.key })) }],
      },
    [summary, t],
  );

  if (error) return <p className="error-banner" role="alert">{t('common.error')}: {error}</p>;
  if (!stats || !targets || !summary) return <p className="muted" aria-busy>{t('common.loading')}</p>;

  const openLeads = stats.leads.total - (stats.leads.byStage.lost ?? 0) - (stats.leads.byStage.producing ?? 0);
  const cards = [
    { key: 'enterprises', value: stats.enterprises.total, href: 'enterprises' },
    { key: 'settled', value: stats.enterprises.byStatus.settled ?? 0, href: 'enterprises?status=settled' },
    { key: 'incubating', value: stats.enterprises.byStatus.incubating ?? 0, href: 'enterprises?status=incubating' },
    { key: 'leads', value: openLeads, href: 'leads' },
    { key: 'overdue', value: overdue ?? 0, href: 'leads', warn: (overdue ?? 0) > 0 },
  ];

  return (
    <div className="overview">
      <div className="overview-head">
        <h1>{t('overview.title')}</h1>
        <span className="muted">{t('overview.asOf', { date: formatDate(stats.asOf, locale) })}</span>
      </div>
      <section className="cards" aria-label={t('overview.title')}>
        {cards.map((c) => (
          <a key={c.key} className={`card stat ${c.warn ? 'warn' : ''}`} href={`#/${c.href}`}>
            <span className="stat-label">{t(`overview.${c.key}`)}</span>
            <span className="stat-value">{formatNumber(c.value, locale)}</span>
          </a>
        ))}
      </section>
      <section aria-labelledby="targets-h">
        <h2 id="targets-h">{t('overview.targets')}</h2>
        {targets.length === 0 ? (
          <p className="muted">{t('overview.noTargets')}</p>
        ) : (
          <div className="target-cards">
            {targets.map((tg) => {
              const pct = tg.kind === 'milestone' ? (tg.value ? 100 : 0) : Math.min(100, tg.percent_of_min ?? 0);
              return (
                <a key={tg.id} className={`card target status-${tg.status}`} href={`#/targets/${tg.id}`} data-target={tg.name}>
                  <div className="target-top">
                    <span className="target-name">{locale === 'en' && tg.name_en ? tg.name_en : tg.name}</span>
                    <span className={`badge status-${tg.status}`}>{t(`targetStatus.${tg.status}`)}</span>
                  </div>
                  <div className="target-value">
                    {tg.kind === 'milestone' ? (
                      <span>{tg.done_date ? formatDate(tg.done_date, locale) : t('overview.milestone')}</span>
                    ) : (
                      <>
                        <span className="big">{formatNumber(tg.value, locale)}</span> {tg.unit}
                        <span className="muted"> · {tg.max_value != null ? t('overview.range', { min: tg.min_value, max: tg.max_value, unit: tg.unit }) : t('overview.atLeast', { min: tg.min_value, unit: tg.unit })}</span>
                      </>
                    )}
                  </div>
                  <div className="bar" role="progressbar" aria-valuenow={pct} aria-valuemin={0} aria-valuemax={100}>
                    <span style={{ width: `${pct}%` }} />
                  </div>
                  <div className="muted small">{tg.plan_name} · {t('overview.deadline', { date: formatDate(tg.deadline, locale) })}</div>
                </a>
              );
            })}
          </div>
        )}
      </section>
      <section className="charts">
        <div className="card chart-card">
          <h2>{t('overview.byIndustry')}</h2>
          {industryOption && <Chart option={industryOption} theme={theme} label={t('overview.byIndustry')} onClick={(p) => navigate(`enterprises?industry=${encodeURIComponent((p.data as { code: string }).code)}`)} />}
        </div>
        <div className="card chart-card">
          <h2>{t('overview.byStatus')}</h2>
          {statusOption && <Chart option={statusOption} theme={theme} label={t('overview.byStatus')} onClick={(p) => navigate(`enterprises?status=${encodeURIComponent((p.data as { code: string }).code)}`)} />}
        </div>
      </section>
    </div>
  );
}
