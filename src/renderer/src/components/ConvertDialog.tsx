import { useEffect, useState } from 'react';
import { useTranslation } from 'react-i18next';
import { api, errorText } from '../api/client';
import { useCoreData } from '../lib/useCoreData';
import { ErrorBanner } from './ErrorBanner';
import { Modal } from './Modal';
import { useToast } from './Toasts';

/** Turns a won lead into a park enterprise, or links it to the enterprise it already is. */
export function ConvertDialog({ leadId, company, onClose, onDone }: { leadId: string; company: string; onClose: () => void; onDone: () => void }) {
  const { t } = useTranslation();
  const toast = useToast();
  const { data: matches, error: loadError } = useCoreData(() => api['leads.matches']({ id: leadId }), [leadId], ['enterprises', 'leads']);
  const [choice, setChoice] = useState<string>('new');
  const [kind, setKind] = useState<'core' | 'startup' | 'service'>('startup');
  const [error, setError] = useState<string | null>(null);

  // The likeliest match is chosen for the user once the matches arrive.
  const first = matches?.[0]?.id;
  useEffect(() => {
    if (first) setChoice(first);
  }, [first]);

  const submit = async () => {
    try {
      const r = await api['leads.convert'](choice === 'new' ? { id: leadId, mode: 'create', kind } : { id: leadId, mode: 'link', enterprise_id: choice });
      toast({ kind: 'info', text: r.linked ? t('convert.linked', { name: r.enterprise.name as string }) : t('convert.created', { name: r.enterprise.name as string }) });
      onDone();
    } catch (err) {
      setError(errorText(err));
    }
  };

  return (
    <Modal open onClose={onClose} label={t('convert.title')} className="confirm">
      <h2>{t('convert.title')}</h2>
      <p>{company}</p>
      <ErrorBanner error={loadError} />
      {matches === null ? !loadError && <p className="muted">{t('common.loading')}</p> : (
        <fieldset className="choices">
          {matches.map((m) => (
            <label key={m.id}>
              <input type="radio" name="convert" checked={choice === m.id} onChange={() => setChoice(m.id)} />
              {t('convert.linkTo', { name: m.name })} <span className="muted small">({t(`convert.by_${m.by}`)})</span>
            </label>
          ))}
          <label>
            <input type="radio" name="convert" checked={choice === 'new'} onChange={() => setChoice('new')} />
            {t('convert.createNew')}
            <select aria-label={t('field.kind')} value={kind} disabled={choice !== 'new'} onChange={(e) => setKind(e.target.value as typeof kind)}>
              {(['core', 'startup', 'service'] as const).map((k) => <option key={k} value={k}>{t(`enum.enterpriseKind.${k}`)}</option>)}
            </select>
          </label>
        </fieldset>
      )}
      {error && <p className="field-error" role="alert">{error}</p>}
      <div className="actions">
        <button type="button" onClick={onClose}>{t('common.cancel')}</button>
        <button type="button" className="primary" onClick={() => void submit()}>{t('convert.submit')}</button>
      </div>
    </Modal>
  );
}
