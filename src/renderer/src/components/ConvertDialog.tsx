import { useEffect, useState } from 'react';
import { useTranslation } from 'react-i18next';
import { api, ApiError, errorText } from '../api/client';
import { navigate } from '../lib/route';
import { useDatabaseDay } from '../lib/databaseDay';
import { Modal } from './Modal';
import { useToast } from './Toasts';

type Match = Awaited<ReturnType<(typeof api)['leads.matches']>>[number];
type Industry = Awaited<ReturnType<(typeof api)['industries.list']>>[number];
type Kind = 'core' | 'startup' | 'service';


/**
 * Turns a won lead into a park enterprise, or links it to the enterprise it already is. A new
 * enterprise starts from what the lead knows (company, credit code, industry, area) and the dialog
 * asks for what it lacks (credit code when unknown, building, room, entry date); then the new record
 * opens in the enterprise registry.
 */
export function ConvertDialog({ leadId, company, onClose, onDone }: { leadId: string; company: string; onClose: () => void; onDone: () => void }) {
  const { t } = useTranslation();
  const toast = useToast();
  const [matches, setMatches] = useState<Match[] | null>(null);
  const [industries, setIndustries] = useState<Industry[]>([]);
  const [choice, setChoice] = useState<string>('new');
  const [form, setForm] = useState({ name: company, uscc: '', industry: '', kind: 'startup' as Kind, entry_date: '', building: '', unit: '', area_m2: '' });
  // The entry date left alone is the database's today (a demo's last day), not the computer's.
  const day = useDatabaseDay();
  const entryDate = form.entry_date || day || '';
  const [fieldErrors, setFieldErrors] = useState<Record<string, string>>({});
  const [error, setError] = useState<string | null>(null);

  useEffect(() => {
    void Promise.all([api['leads.matches']({ id: leadId }), api['leads.get']({ id: leadId }), api['industries.list']({})]).then(([m, lead, inds]) => {
      setMatches(m);
      setIndustries(inds);
      if (m[0]) setChoice(m[0].id);
      setForm((f) => ({
        ...f,
        name: String(lead.company ?? company),
        uscc: String(lead.uscc ?? ''),
        industry: String(lead.industry ?? ''),
        area_m2: lead.expected_area_m2 == null ? '' : String(lead.expected_area_m2),
      }));
    });
  }, [leadId, company]);

  const set = (key: keyof typeof form) => (e: { target: { value: string } }) => setForm({ ...form, [key]: e.target.value });

  const submit = async () => {
    setError(null);
    setFieldErrors({});
    try {
      const r = await api['leads.convert'](
        choice === 'new'
          ? {
              id: leadId, mode: 'create', kind: form.kind, name: form.name, uscc: form.uscc.trim() || null, industry: form.industry || null,
              entry_date: entryDate, building: form.building.trim() || null, unit: form.unit.trim() || null, area_m2: form.area_m2 ? Number(form.area_m2) : null,
            }
          : { id: leadId, mode: 'link', enterprise_id: choice },
      );
      const name = r.enterprise.name as string;
      toast({ kind: 'info', text: r.linked ? t('convert.linked', { name }) : t('convert.created', { name }) });
      onDone();
      navigate(`enterprises/${r.enterprise.id as string}`); // the new (or linked) record, open
    } catch (err) {
      const fields = err instanceof ApiError ? err.payload.fields : undefined;
      if (fields?.length) setFieldErrors(Object.fromEntries(fields.map((f) => [f.field, f.message])));
      setError(errorText(err));
    }
  };

  const field = (key: 'name' | 'uscc' | 'entry_date' | 'building' | 'unit' | 'area_m2', label: string, props: Record<string, unknown> = {}) => (
    <label className="form-row">
      <span>{label}</span>
      <input value={key === 'entry_date' ? entryDate : form[key]} onChange={set(key)} aria-invalid={!!fieldErrors[key]} aria-describedby={fieldErrors[key] ? `convert-${key}-error` : undefined} {...props} />
      {fieldErrors[key] && <span id={`convert-${key}-error`} className="field-error">{fieldErrors[key]}</span>}
    </label>
  );

  return (
    <Modal open onClose={onClose} label={t('convert.title')} className="convert-dialog">
      <h2>{t('convert.title')}</h2>
      <p className="muted">{t('convert.lead', { company })}</p>
      {matches === null ? <p className="muted">{t('common.loading')}</p> : (
        <>
          <fieldset className="choices">
            <legend>{t('convert.choose')}</legend>
            {matches.map((m) => (
              <label key={m.id}>
                <input type="radio" name="convert" checked={choice === m.id} onChange={() => setChoice(m.id)} />
                <span>{t('convert.linkTo', { name: m.name })} <span className="muted small">({t(`convert.by_${m.by}`)})</span></span>
              </label>
            ))}
            <label>
              <input type="radio" name="convert" checked={choice === 'new'} onChange={() => setChoice('new')} />
              <span>{t('convert.createNew')}</span>
            </label>
          </fieldset>
          {choice === 'new' && (
            <div className="convert-form">
              <p className="muted small">{t('convert.carried')}</p>
              {field('name', t('field.name'), { required: true })}
              {field('uscc', t('field.uscc'), { placeholder: t('convert.usccMissing') })}
              <label className="form-row">
                <span>{t('field.industry')}</span>
                <select value={form.industry} onChange={set('industry')}>
                  <option value="">{t('common.none')}</option>
                  {industries.map((i) => <option key={i.id} value={i.id}>{t(`enum.industry.${i.id}`)}</option>)}
                </select>
              </label>
              <label className="form-row">
                <span>{t('field.kind')}</span>
                <select value={form.kind} onChange={set('kind')}>
                  {(['core', 'startup', 'service'] as const).map((k) => <option key={k} value={k}>{t(`enum.enterpriseKind.${k}`)}</option>)}
                </select>
              </label>
              {field('entry_date', t('field.entry_date'), { type: 'date', required: true })}
              {field('building', t('field.building'))}
              {field('unit', t('field.unit'))}
              {field('area_m2', t('field.area_m2'), { inputMode: 'decimal' })}
            </div>
          )}
        </>
      )}
      {error && <p className="field-error" role="alert">{error}</p>}
      <div className="actions">
        <button type="button" onClick={onClose}>{t('common.cancel')}</button>
        <button type="button" className="primary" disabled={!entryDate} onClick={() => void submit()}>{choice === 'new' ? t('convert.submitCreate') : t('convert.submit')}</button>
      </div>
    </Modal>
  );
}
