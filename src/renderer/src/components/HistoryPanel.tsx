import { useTranslation } from 'react-i18next';
import type { ChangeEntry } from '../../../core/db/write';
import { invokeMethod } from '../api/client';
import { useCoreData } from '../lib/useCoreData';
import { ErrorBanner } from './ErrorBanner';
import { formatDate, formatDateTime, formatWan } from '../lib/format';
import type { Area, FieldDef } from '../pages/registries';

type Change = ChangeEntry;

/** A record's field-level history from the change log, newest first, grouped by write. */
export function HistoryPanel({ area, id, fields }: { area: Area; id: string; fields: FieldDef[] }) {
  const { t, i18n } = useTranslation();
  const { data: changes, error } = useCoreData(() => invokeMethod(`${area}.history`, { id }), [area, id], [area]);
  if (error) return <ErrorBanner error={error} />;
  if (!changes) return <p className="muted">{t('common.loading')}</p>;
  if (!changes.length) return <p className="muted">{t('history.empty')}</p>;

  const byField = new Map(fields.map((f) => [f.name, f]));
  const show = (field: string, v: unknown): string => {
    if (v == null || v === '') return '∅';
    const f = byField.get(field);
    if (f?.kind === 'money') return `${formatWan(v as number, i18n.language)} ${t('common.wan')}`;
    if (f?.kind === 'enum') return t(`enum.${f.enumName}.${String(v)}`);
    if (f?.kind === 'industry') return t(`enum.industry.${String(v)}`);
    if (f?.kind === 'date') return formatDate(String(v), i18n.language);
    if (Array.isArray(v)) return v.length ? v.map(item).join('；') : '∅';
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
      return o.expires ? `${label}（${t('field.qualification_expires')} ${formatDate(String(o.expires), i18n.language)}）` : label;
    }
    if (typeof o.name === 'string') {
      const details = [o.role, o.phone, o.email].filter((d) => typeof d === 'string' && d) as string[];
      return details.length ? `${o.name}（${details.join('，')}）` : o.name;
    }
    return Object.entries(o).filter(([, val]) => val != null && val !== '').map(([k, val]) => `${t(`field.${k}`, { defaultValue: k })}: ${String(val)}`).join('，');
  };
  const groups = new Map<string, Change[]>();
  for (const c of [...changes].reverse()) groups.set(c.stamp, [...(groups.get(c.stamp) ?? []), c]);
  // The oldest write is the creation; everything after it is an edit, a delete or a restore.
  const oldestStamp = changes[0]!.stamp;

  return (
    <ol className="history">
      {[...groups.entries()].map(([stamp, group]) => (
        <li key={stamp}>
          <div className="history-head">
            <strong>{group[0]!.field === 'deleted' ? (group[0]!.new_value === 1 ? t('history.deleted') : t('history.restored')) : group[0]!.field === '*' ? t('history.bulk') : stamp === oldestStamp ? t('history.created') : t('common.edit')}</strong>
            <span className="muted"> · {t('history.by', { user: group[0]!.user, time: formatDateTime(stamp.slice(0, 24), i18n.language) })}</span>
          </div>
          {group[0]!.field !== 'deleted' && group[0]!.field !== '*' && (
            <ul>
              {group.map((c) => (
                <li key={c.field} data-field={c.field}>
                  <span className="history-field">{t(byField.get(c.field)?.labelKey ?? `field.${c.field}`)}</span>: <del>{show(c.field, c.old_value)}</del> → <ins>{show(c.field, c.new_value)}</ins>
                </li>
              ))}
            </ul>
          )}
        </li>
      ))}
    </ol>
  );
}
