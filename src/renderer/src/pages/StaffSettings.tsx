import { useCallback, useEffect, useState } from 'react';
import { useTranslation } from 'react-i18next';
import { api, ApiError } from '../api/client';
import { useToast } from '../components/Toasts';

type Staff = Awaited<ReturnType<(typeof api)['staff.list']>>[number];
const ROLES = ['investment', 'mentor', 'admin'] as const;

/** The people leads and startups are assigned to: investment officers and mentors. */
export function StaffSettings() {
  const { t } = useTranslation();
  const toast = useToast();
  const [staff, setStaff] = useState<Staff[]>([]);
  const [draft, setDraft] = useState({ name: '', role: 'investment' as (typeof ROLES)[number], phone: '' });
  const [error, setError] = useState<string | null>(null);
  const reload = useCallback(async () => setStaff(await api['staff.list']({})), []);
  useEffect(() => void reload(), [reload]);

  const save = async (fn: () => Promise<unknown>) => {
    setError(null);
    try {
      await fn();
      await reload();
    } catch (err) {
      const message = err instanceof ApiError ? (err.payload.fields ?? []).map((f) => `${t(`field.${f.field}`, { defaultValue: f.field })}: ${f.message}`).join('；') || err.message : String(err);
      toast({ kind: 'error', text: message });
      setError(message);
    }
  };

  return (
    <section className="card">
      <h2>{t('settings.staff')}</h2>
      <table className="plain">
        <thead>
          <tr><th>{t('settings.staffName')}</th><th>{t('settings.role')}</th><th>{t('field.contact_phone')}</th><th /></tr>
        </thead>
        <tbody>
          {staff.map((s) => (
            <tr key={s.id}>
              <td><input aria-label={`${s.name} ${t('settings.staffName')}`} defaultValue={s.name} onBlur={(e) => e.target.value !== s.name && void save(() => api['staff.update']({ id: s.id, patch: { name: e.target.value } }))} /></td>
              <td>
                <select aria-label={`${s.name} ${t('settings.role')}`} value={s.role} onChange={(e) => void save(() => api['staff.update']({ id: s.id, patch: { role: e.target.value as (typeof ROLES)[number] } }))}>
                  {ROLES.map((r) => <option key={r} value={r}>{t(`enum.staffRole.${r}`)}</option>)}
                </select>
              </td>
              <td><input aria-label={`${s.name} ${t('field.contact_phone')}`} defaultValue={s.phone ?? ''} onBlur={(e) => e.target.value !== (s.phone ?? '') && void save(() => api['staff.update']({ id: s.id, patch: { phone: e.target.value || null } }))} /></td>
              <td><button type="button" className="danger" onClick={() => void save(() => api['staff.delete']({ id: s.id }))}>{t('common.delete')}</button></td>
            </tr>
          ))}
          <tr>
            <td><input aria-label={t('settings.staffName')} value={draft.name} onChange={(e) => setDraft({ ...draft, name: e.target.value })} /></td>
            <td>
              <select aria-label={t('settings.role')} value={draft.role} onChange={(e) => setDraft({ ...draft, role: e.target.value as (typeof ROLES)[number] })}>
                {ROLES.map((r) => <option key={r} value={r}>{t(`enum.staffRole.${r}`)}</option>)}
              </select>
            </td>
            <td><input aria-label={t('field.contact_phone')} value={draft.phone} onChange={(e) => setDraft({ ...draft, phone: e.target.value })} /></td>
            <td>
              <button type="button" className="primary" onClick={() => void save(async () => {
                await api['staff.create']({ name: draft.name, role: draft.role, phone: draft.phone || null });
                setDraft({ name: '', role: draft.role, phone: '' });
              })}>
                {t('settings.addStaff')}
              </button>
            </td>
          </tr>
        </tbody>
      </table>
      {error && <p className="field-error" role="alert">{error}</p>}
    </section>
  );
}
