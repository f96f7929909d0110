import { useState } from 'react';
import { useTranslation } from 'react-i18next';
import { api } from '../api/client';
import { useEditableList } from '../lib/useEditableList';

const ROLES = ['investment', 'mentor', 'admin'] as const;
const loadStaff = () => api['staff.list']({});

/** The people leads and startups are assigned to: investment officers and mentors. */
export function StaffSettings() {
  const { t } = useTranslation();
  const { items: staff, error, run: save } = useEditableList(loadStaff, ['staff']);
  const [draft, setDraft] = useState({ name: '', role: 'investment' as (typeof ROLES)[number], phone: '' });

  return (
    <section className="card">
      <h2>{t('settings.staff')}</h2>
      <table className="plain">
        <thead>
          <tr><th>{t('settings.staffName')}</th><th>{t('settings.role')}</th><th>{t('field.contact_phone')}</th><th>{t('common.rowActions')}</th></tr>
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
