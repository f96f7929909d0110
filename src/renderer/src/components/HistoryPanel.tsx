import { useTranslation } from 'react-i18next';
import type { ChangeEntry } from '../../../core/db/write';
import { api, invokeMethod } from '../api/client';
import { useCoreData } from '../lib/useCoreData';
import { ErrorBanner } from './ErrorBanner';
import { decimalsOf, formatDate, formatDateTime, formatNumber } from '../lib/format';
import type { Area, FieldDef } from '../pages/registries';
import { localName, unitText } from '../lib/names';
import { measureText } from '../lib/measureText';
import { struckValues } from '../lib/reviewOutcome';

type Change = ChangeEntry;

/**
 * A record's field-level history from the change log, newest first, grouped by write. Changes merged
 * from another copy name the device they were made on; the conflicts merges found on this record, and
 * who settled them, are listed first.
 */
export function HistoryPanel({ area, id, fields }: { area: Area; id: string; fields: FieldDef[] }) {
  const { t, i18n } = useTranslation();
  const { data: changes, error } = useCoreData(() => invokeMethod(`${area}.history`, { id }), [area, id], [area]);
  const reviews = useCoreData(() => api['sync.reviews']({ status: 'all', tbl: area, row_id: id }), [area, id], ['review_items', area]).data ?? [];
  const mySite = useCoreData(() => api['meta.info']({}), [], []).data?.site;
  const byField = new Map(fields.map((f) => [f.name, f]));
  // References read as names, not ids: the staff, the plan, the enterprise a change points at.
  const kinds = new Set(fields.map((f) => f.kind));
  const isEnterprise = (field: string) => field === 'enterprise_id' || byField.get(field)?.kind === 'enterprise';
  const staff = useCoreData(kinds.has('staff') || kinds.has('measure') ? () => api['staff.list']({}) : null, [kinds.has('staff') || kinds.has('measure')], ['staff']).data ?? [];
  const plans = useCoreData(kinds.has('plan') ? () => api['plans.list']({}) : null, [kinds.has('plan')], ['plans']).data ?? [];
  const enterpriseIds = [...new Set((changes ?? []).filter((c) => isEnterprise(c.field)).flatMap((c) => [c.old_value, c.new_value]).filter((v): v is string => typeof v === 'string'))];
  const enterprises = useCoreData(
    enterpriseIds.length ? () => Promise.all(enterpriseIds.map((eid) => api['enterprises.get']({ id: eid }).then((e) => [eid, e.name] as const, () => [eid, null] as const))).then((pairs) => new Map(pairs)) : null,
    [enterpriseIds.join(',')],
    ['enterprises'],
  ).data;
  const staffName = (sid: string) => staff.find((x) => x.id === sid)?.name;
  if (error) return <ErrorBanner error={error} />;
  if (!changes) return <p className="muted">{t('common.loading')}</p>;
  if (!changes.length) return <p className="muted">{t('history.empty')}</p>;

  const show = (field: string, v: unknown): string => {
    if (v == null || v === '') return '∅';
    const f = byField.get(field);
    if (f?.kind === 'staff') return staffName(String(v)) ?? String(v);
    if (f?.kind === 'plan') {
      const plan = plans.find((p) => p.id === v);
      return plan ? localName(i18n.language, plan.name, plan.name_en) : String(v);
    }
    if (isEnterprise(field)) return enterprises?.get(String(v)) ?? (enterprises ? t('history.deletedRecord') : '…');
    if (area === 'targets' && field === 'unit') return unitText(t, i18n.language, String(v));
    if (f?.kind === 'measure' && typeof v === 'object') return measureText(t, v as Record<string, unknown>, staffName);
    // The field's label names its unit (万元, registry/field.ts): the value is the number alone.
    // Every stored digit: a history rounded to two places could read "120.13 → 120.13" for a real change.
    if (f?.kind === 'money' && typeof v === 'number') return formatNumber(v / 10_000, i18n.language, decimalsOf(v / 10_000, 4));
    if (f?.kind === 'number' && typeof v === 'number') return formatNumber(v, i18n.language, decimalsOf(v, 6));
    if (f?.kind === 'enum') return t(`enum.${f.enumName}.${String(v)}`);
    if (f?.kind === 'industry') return t(`enum.industry.${String(v)}`);
    if (f?.kind === 'date') return formatDate(String(v), i18n.language);
    if (Array.isArray(v)) return v.length ? v.map(item).join(t('common.clauseSep')) : '∅';
    if (typeof v === 'object') return item(v);
    return String(v);
  };
  // Lists as a person reads them: tags as words, contacts as "name (role, phone, email)",
  // qualifications with their expiry; never raw JSON.
  const item = (x: unknown): string => {
    if (x == null || typeof x !== 'object') return String(x ?? '');
    const o = x as Record<string, unknown>;
    if (typeof o.type === 'string' && 'expires' in o) {
      const label = t(`enum.qualification.${o.type}`);
      return o.expires ? t('common.withDetails', { name: label, details: `${t('field.qualification_expires')} ${formatDate(String(o.expires), i18n.language)}` }) : label;
    }
    if (typeof o.name === 'string') {
      const details = [o.role, o.phone, o.email].filter((d) => typeof d === 'string' && d) as string[];
      return details.length ? t('common.withDetails', { name: o.name, details: details.join(t('common.listSep')) }) : o.name;
    }
    return Object.entries(o).filter(([, val]) => val != null && val !== '').map(([k, val]) => `${t(`field.${k}`, { defaultValue: k })}: ${String(val)}`).join(t('common.listSep'));
  };
  const label = (field: string) => t(byField.get(field)?.labelKey ?? `field.${field}`, { defaultValue: field });
  const groups = new Map<string, Change[]>();
  for (const c of [...changes].reverse()) groups.set(c.stamp, [...(groups.get(c.stamp) ?? []), c]);
  // The oldest write is the creation; everything after it is an edit, a delete or a restore.
  const oldestStamp = changes[0]!.stamp;

  return (
    <div className="history-wrap">
      {reviews.length > 0 && (
        <ul className="history-reviews" aria-label={t('reviews.title')}>
          {reviews.map((r) => (
            <li key={r.id} data-review={r.status}>
              <strong>{r.kind === 'deleted_edit' ? t('reviews.deletedEdit') : t('reviews.conflictOn', { field: label(r.field) })}</strong>{' '}
              {r.kind === 'conflict' && <ConflictValues kept={show(r.field, r.kept)} lost={show(r.field, r.lost)} struck={struckValues(r.status, r.resolution)} />}
              <span className="muted">· {t('reviews.lostBy', { user: r.lostBy, device: r.lostDevice ?? '?', time: formatDateTime(r.lostAt, i18n.language) })}</span>
              {r.status === 'resolved' ? (
                <span className="resolved"> · {t('reviews.resolvedBy', { user: r.resolvedBy ?? '', time: formatDateTime(r.resolvedAt, i18n.language), choice: t(`reviews.choice.${r.resolution ?? 'kept'}`) })}</span>
              ) : (
                <a href="#/reviews" className="badge warn"> {t('reviews.open')}</a>
              )}
            </li>
          ))}
        </ul>
      )}
      <ol className="history">
        {[...groups.entries()].map(([stamp, group]) => {
          const first = group[0]!;
          const merged = mySite && first.site !== mySite && first.device;
          return (
            <li key={stamp}>
              <div className="history-head">
                <strong>{first.field === 'deleted' ? (first.new_value === 1 ? t('history.deleted') : t('history.restored')) : first.field === '*' ? t('history.bulk') : stamp === oldestStamp ? t('history.created') : t('common.edit')}</strong>
                <span className="muted"> · {t('history.by', { user: first.user, time: formatDateTime(stamp.slice(0, 24), i18n.language) })}</span>
                {merged && <span className="badge device" title={first.site}>{t('history.onDevice', { device: first.device })}</span>}
                {first.import_file && <a className="badge import" href="#/imports">{t('history.byImport', { file: first.import_file })}</a>}
              </div>
              {first.field !== 'deleted' && first.field !== '*' && (
                <ul>
                  {group.map((c) => (
                    <li key={c.field} data-field={c.field}>
                      <span className="history-field">{label(c.field)}</span>: <del>{show(c.field, c.old_value)}</del> → <ins>{show(c.field, c.new_value)}</ins>
                    </li>
                  ))}
                </ul>
              )}
            </li>
          );
        })}
      </ol>
    </div>
  );
}

/** A conflict's two values, the one that did not stay struck out (both, when another was typed). */
function ConflictValues({ kept, lost, struck }: { kept: string; lost: string; struck: { kept: boolean; lost: boolean } }) {
  return (
    <span>
      {struck.kept ? <del>{kept}</del> : kept} / {struck.lost ? <del>{lost}</del> : lost}{' '}
    </span>
  );
}
