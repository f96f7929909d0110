import { useEffect, useRef, useState, type FormEvent } from 'react';
import { useTranslation } from 'react-i18next';
import { localName } from '../lib/names';
import { api, ApiError, errorText, invokeMethod } from '../api/client';
import { wanToYuan } from '../lib/format';
import { useCoreData } from '../lib/useCoreData';
import type { FieldDef, RegistryConfig, Row } from '../pages/registries';
import { EnterprisePicker } from './EnterprisePicker';
import { MeasureEditor } from './MeasureEditor';
import { Icon } from './Icon';
import { useDatabaseDay } from '../lib/databaseDay';

type FormValue = string | Record<string, string | null>[];
type Options = { staff: { id: string; name: string; role: string }[]; industries: { id: string }[]; plans: { id: string; name: string; name_en: string | null }[] };

/** Row value → what the input holds (money in 万元, tags as text, JSON pretty-printed). */
function toForm(f: FieldDef, v: unknown): FormValue {
  if (f.kind === 'qualifications' || f.kind === 'contacts') return Array.isArray(v) ? (v as Record<string, string | null>[]) : [];
  if (v == null) return '';
  if (f.kind === 'money') return String((v as number) / 10_000);
  if (f.kind === 'tags') return (v as string[]).join(', ');
  if (f.kind === 'json' || f.kind === 'measure') return JSON.stringify(v, null, 2);
  return String(v);
}

class FieldParseError extends Error {}

/** Input → API value; empty is null. Throws FieldParseError for text the field cannot hold. */
function fromForm(f: FieldDef, v: FormValue): unknown {
  if (Array.isArray(v)) return v.filter((item) => Object.values(item).some((x) => x));
  const s = v.trim();
  if (s === '') return null;
  if (f.kind === 'number' || f.kind === 'money') {
    const n = Number(s.replace(/[,，\s]/g, ''));
    if (!Number.isFinite(n)) throw new FieldParseError('number');
    return f.kind === 'money' ? wanToYuan(n) : n;
  }
  if (f.kind === 'bool') return s === '1' ? 1 : 0;
  if (f.kind === 'tags') return s.split(/[,，、]/).map((x) => x.trim()).filter(Boolean);
  if (f.kind === 'json' || f.kind === 'measure') {
    try {
      return JSON.parse(s) as unknown;
    } catch {
      throw new FieldParseError('json');
    }
  }
  return s;
}

export function EntityForm({ config, row, onSaved, onCancel, onDirtyChange, onSaveFailed, readOnly = false }: {
  config: RegistryConfig; row: Row | null; onSaved: (row: Row, isNew: boolean) => void; onCancel: () => void;
  /** The record is shown but may not be changed here (an office-hub role that reads only). */
  readOnly?: boolean;
  /** Whether the inputs differ from the record (the page asks before dropping them). */
  onDirtyChange?: (dirty: boolean) => void;
  /** A save was refused (bad input or an error); the form shows why. */
  onSaveFailed?: () => void;
}) {
  const { t } = useTranslation();
  const day = useDatabaseDay();
  const initial = row ?? config.defaults(day);
  const [values, setValues] = useState<Record<string, FormValue>>(() => Object.fromEntries(config.fields.map((f) => [f.name, toForm(f, initial[f.name])])));
  const [errors, setErrors] = useState<Record<string, string>>({});
  const [formError, setFormError] = useState<string | null>(null);
  const [saving, setSaving] = useState(false);
  const formRef = useRef<HTMLFormElement>(null);
  const [pristine] = useState(() => JSON.stringify(values));
  const dirty = JSON.stringify(values) !== pristine;
  useEffect(() => onDirtyChange?.(dirty), [dirty, onDirtyChange]);
  useEffect(() => () => onDirtyChange?.(false), [onDirtyChange]);

  const loaded = useCoreData(async (): Promise<Options> => {
    const kinds = new Set(config.fields.map((f) => f.kind));
    const [staff, industries, plans] = await Promise.all([
      kinds.has('staff') ? api['staff.list']({}) : [],
      kinds.has('industry') ? api['industries.list']({}) : [],
      kinds.has('plan') ? api['plans.list']({}) : [],
    ]);
    return { staff, industries, plans };
  }, [config.fields], ['staff', 'industries', 'plans']);
  const options: Options = loaded.data ?? { staff: [], industries: [], plans: [] };

  const set = (name: string, v: FormValue) => setValues((all) => ({ ...all, [name]: v }));
  const label = (f: FieldDef) => t(f.labelKey ?? `field.${f.name}`);

  const submit = async (e: FormEvent) => {
    e.preventDefault();
    if (readOnly) return;
    const payload: Record<string, unknown> = {};
    const local: Record<string, string> = {};
    for (const f of config.fields) {
      try {
        const v = fromForm(f, values[f.name]!);
        if (f.required && v == null) local[f.name] = t('common.required');
        payload[f.name] = v;
      } catch (err) {
        local[f.name] = (err as Error).message === 'json' ? 'JSON' : t('field.' + f.name) + ' ?';
      }
    }
    setErrors(local);
    if (Object.keys(local).length) {
      setFormError(t('common.fixErrors'));
      focusFirstError(local);
      onSaveFailed?.();
      return;
    }
    setSaving(true);
    try {
      if (row) {
        const patch = Object.fromEntries(Object.entries(payload).filter(([k, v]) => JSON.stringify(v ?? null) !== JSON.stringify(row[k] ?? null) || k in {}));
        const result = await invokeMethod(`${config.area}.update`, { id: row.id, patch });
        onSaved(result.row, false);
      } else {
        const created = await invokeMethod(`${config.area}.create`, Object.fromEntries(Object.entries(payload).filter(([, v]) => v !== null)));
        onSaved(created, true);
      }
    } catch (err) {
      if (err instanceof ApiError && err.payload.fields?.length) {
        const byField = Object.fromEntries(err.payload.fields.map((f) => [f.field.split('.')[0]!.replace(/^patch$/, ''), f.message]));
        setErrors(byField);
        setFormError(t('common.fixErrors'));
        focusFirstError(byField);
      } else setFormError(errorText(err));
      onSaveFailed?.();
    } finally {
      setSaving(false);
    }
  };

  const focusFirstError = (errs: Record<string, string>) => {
    const first = config.fields.find((f) => errs[f.name]);
    if (first) setTimeout(() => formRef.current?.querySelector<HTMLElement>(`[name="${first.name}"]`)?.focus(), 0);
  };

  return (
    <form ref={formRef} className="entity-form" onSubmit={(e) => void submit(e)} noValidate onKeyDown={(e) => { if ((e.ctrlKey || e.metaKey) && e.key === 's') void submit(e); }}>
      {(formError ?? loaded.error) && <div className="form-error" role="alert">{formError ?? loaded.error}</div>}
      <fieldset className="fields" disabled={readOnly}>
        {config.fields.map((f) => (
          <div key={f.name} className={`field ${f.wide ? 'wide' : ''} ${errors[f.name] ? 'invalid' : ''}`}>
            <label htmlFor={`f-${f.name}`}>
              {label(f)}
              {f.required && <span aria-hidden className="req"> *</span>}
            </label>
            <FieldInput field={f} value={values[f.name]!} onChange={(v) => set(f.name, v)} options={options} row={row} invalid={!!errors[f.name]} />
            {errors[f.name] && <div className="field-error" id={`e-${f.name}`} role="alert">{errors[f.name]}</div>}
          </div>
        ))}
      </fieldset>
      <div className="form-actions">
        <button type="button" onClick={onCancel}>{readOnly ? t('common.close') : t('common.cancel')}</button>
        {!readOnly && <button type="submit" className="primary" disabled={saving}>{saving ? t('common.saving') : t('common.save')}</button>}
      </div>
    </form>
  );
}

function FieldInput({ field: f, value, onChange, options, row, invalid }: { field: FieldDef; value: FormValue; onChange: (v: FormValue) => void; options: Options; row: Row | null; invalid: boolean }) {
  const { t, i18n } = useTranslation();
  const common = { id: `f-${f.name}`, name: f.name, 'aria-invalid': invalid || undefined, 'aria-describedby': invalid ? `e-${f.name}` : undefined };
  const text = typeof value === 'string' ? value : '';
  switch (f.kind) {
    case 'textarea':
      return <textarea {...common} rows={3} value={text} onChange={(e) => onChange(e.target.value)} />;
    case 'json':
      return <textarea {...common} rows={6} className="mono" value={text} onChange={(e) => onChange(e.target.value)} />;
    case 'measure':
      return <MeasureEditor id={common.id} value={text} onChange={onChange} />;
    case 'date':
      return <input {...common} type="date" value={text} onChange={(e) => onChange(e.target.value)} />;
    case 'bool':
      return <input {...common} type="checkbox" className="checkbox" checked={text === '1'} onChange={(e) => onChange(e.target.checked ? '1' : '0')} />;
    case 'number':
    case 'money':
      return <input {...common} inputMode="decimal" value={text} onChange={(e) => onChange(e.target.value)} placeholder={f.kind === 'money' ? t('common.wan') : ''} />;
    case 'enum':
      return (
        <select {...common} value={text} onChange={(e) => onChange(e.target.value)}>
          {!f.required && <option value="">{t('common.none')}</option>}
          {Object.keys(t(`enum.${f.enumName}`, { returnObjects: true }) as Record<string, string>).map((code) => (
            <option key={code} value={code}>{t(`enum.${f.enumName}.${code}`)}</option>
          ))}
        </select>
      );
    case 'industry':
      return (
        <select {...common} value={text} onChange={(e) => onChange(e.target.value)}>
          <option value="">{t('common.none')}</option>
          {options.industries.map((i) => <option key={i.id} value={i.id}>{t(`enum.industry.${i.id}`)}</option>)}
        </select>
      );
    case 'staff':
      return (
        <select {...common} value={text} onChange={(e) => onChange(e.target.value)}>
          <option value="">{t('common.none')}</option>
          {options.staff.filter((s) => !f.role || s.role === f.role || s.id === text).map((s) => <option key={s.id} value={s.id}>{s.name}</option>)}
        </select>
      );
    case 'plan':
      return (
        <select {...common} value={text} onChange={(e) => onChange(e.target.value)}>
          <option value="">{t('common.none')}</option>
          {options.plans.map((p) => <option key={p.id} value={p.id}>{localName(i18n.language, p.name, p.name_en)}</option>)}
        </select>
      );
    case 'enterprise':
      return <EnterprisePicker {...common} value={text} initialName={(row?.enterprise_name as string | undefined) ?? ''} onChange={onChange} />;
    case 'qualifications':
      return (
        <ListEditor
          id={common.id}
          items={Array.isArray(value) ? value : []}
          onChange={onChange}
          blank={{ type: 'hnte', expires: '' }}
          render={(item, update) => (
            <>
              <select aria-label={t('field.qualifications')} value={item.type ?? ''} onChange={(e) => update({ type: e.target.value })}>
                {Object.keys(t('enum.qualification', { returnObjects: true }) as Record<string, string>).map((c) => <option key={c} value={c}>{t(`enum.qualification.${c}`)}</option>)}
              </select>
              <input type="date" aria-label={t('field.qualification_expires')} value={item.expires ?? ''} onChange={(e) => update({ expires: e.target.value || null })} />
            </>
          )}
        />
      );
    case 'contacts':
      return (
        <ListEditor
          id={common.id}
          items={Array.isArray(value) ? value : []}
          onChange={onChange}
          blank={{ name: '', role: '', phone: '', email: '' }}
          render={(item, update) => (
            <>
              {(['name', 'role', 'phone', 'email'] as const).map((k) => (
                <input key={k} aria-label={t(`field.contact_${k}`)} placeholder={t(`field.contact_${k}`)} value={item[k] ?? ''} onChange={(e) => update({ [k]: e.target.value || null })} />
              ))}
            </>
          )}
        />
      );
    case 'tags':
      return <input {...common} value={text} placeholder={t('field.tagsHint')} onChange={(e) => onChange(e.target.value)} />;
    default:
      return <input {...common} value={text} onChange={(e) => onChange(e.target.value)} autoComplete="off" />;
  }
}

function ListEditor({ id, items, onChange, blank, render }: { id: string; items: Record<string, string | null>[]; onChange: (v: FormValue) => void; blank: Record<string, string | null>; render: (item: Record<string, string | null>, update: (p: Record<string, string | null>) => void) => React.ReactNode }) {
  const { t } = useTranslation();
  return (
    <div className="list-editor" id={id}>
      {items.map((item, i) => (
        <div key={i} className="list-row">
          {render(item, (p) => onChange(items.map((x, j) => (j === i ? { ...x, ...p } : x))))}
          <button type="button" aria-label={t('common.delete')} onClick={() => onChange(items.filter((_, j) => j !== i))}><Icon name="close" /></button>
        </div>
      ))}
      <button type="button" onClick={() => onChange([...items, { ...blank }])}>+</button>
    </div>
  );
}
