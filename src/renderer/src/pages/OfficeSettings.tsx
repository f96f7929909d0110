import { useEffect, useState } from 'react';
import { useTranslation } from 'react-i18next';
import { api, errorText } from '../api/client';
import { useToast } from '../components/Toasts';

/**
 * The park's name (report covers, the window title) and the person at this computer (the name the
 * change history records for each edit). Saved when a field is left, like the other settings.
 */
export function OfficeSettings() {
  const { t } = useTranslation();
  const toast = useToast();
  const [values, setValues] = useState<{ parkName: string; currentUser: string } | null>(null);
  useEffect(() => void api['settings.get']({}).then((s) => setValues({ parkName: s.parkName ?? '', currentUser: s.currentUser ?? '' })), []);
  if (!values) return null;

  const save = async (field: 'parkName' | 'currentUser', value: string) => {
    try {
      await api['settings.update']({ [field]: value });
      toast({ kind: 'info', text: t('settings.officeSaved') });
    } catch (err) {
      toast({ kind: 'error', text: errorText(err) });
    }
  };

  return (
    <section className="card" aria-labelledby="office-settings">
      <h2 id="office-settings">{t('settings.office')}</h2>
      <label className="row">
        {t('settings.parkName')}
        <input value={values.parkName} maxLength={100} placeholder={t('settings.parkNamePlaceholder')}
          onChange={(e) => setValues({ ...values, parkName: e.target.value })} onBlur={(e) => void save('parkName', e.target.value)} />
      </label>
      <label className="row">
        {t('settings.currentUser')}
        <input value={values.currentUser} maxLength={100} placeholder={t('settings.currentUserPlaceholder')}
          onChange={(e) => setValues({ ...values, currentUser: e.target.value })} onBlur={(e) => void save('currentUser', e.target.value)} />
      </label>
    </section>
  );
}
