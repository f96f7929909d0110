import { useState } from 'react';
import { useTranslation } from 'react-i18next';
import { api, errorText, saveFile, uploadFile } from '../api/client';
import { formatDate } from '../lib/format';
import { useCoreData } from '../lib/useCoreData';
import { useDatabaseDay } from '../lib/databaseDay';
import { ErrorBanner } from './ErrorBanner';
import { ReadOnlyNote } from '../hub/ReadOnlyNote';
import { useWriteAccess } from '../hub/useWriteAccess';
import '../fieldwork.css';

type Visit = Awaited<ReturnType<(typeof api)['visits.of']>>[number];
type Attachment = Visit['attachments'][number];

/**
 * Visits (走访) on an enterprise or a lead: date, staff, purpose, notes, photos and other files, and
 * (on an enterprise) the requests raised on the visit. Works the same on a laptop copy with no network.
 */
export function VisitsPanel({ enterpriseId, leadId }: { enterpriseId?: string; leadId?: string }) {
  const { t, i18n } = useTranslation();
  const owner = enterpriseId ? { enterprise_id: enterpriseId } : { lead_id: leadId! };
  // The date left alone is the database's today (a demo's last day), not the computer's.
  // staff_id null: not chosen yet (the person working here, when known); '' : chosen "none".
  const [draft, setDraft] = useState<{ date: string; staff_id: string | null; purpose: string; notes: string; request: string }>({ date: '', staff_id: null, purpose: '', notes: '', request: '' });
  const day = useDatabaseDay();
  const date = draft.date || day || '';
  const [files, setFiles] = useState<File[]>([]);
  /** Remounts the file input after a save (a file input cannot be cleared by state). */
  const [formKey, setFormKey] = useState(0);
  const [busy, setBusy] = useState(false);
  const [error, setError] = useState<string | null>(null);
  const list = useCoreData(() => api['visits.of'](owner), [enterpriseId, leadId], ['visits', 'attachments', 'requests', 'staff']);
  const staff = useCoreData(() => api['staff.list']({}), [], ['staff']).data ?? [];
  // Who a visit is by unless chosen (the core knows: the person signed in to the hub, else Settings' name).
  const me = useCoreData(() => api['visits.visitor']({}), [], ['staff']).data ?? null;
  const staffAccess = useWriteAccess('staff');
  const visitor = defaultVisitor(me, staffAccess.canWrite);
  const staffChoice = draft.staff_id ?? visitor;
  const access = useWriteAccess('visits');
  const attachAccess = useWriteAccess('attachments');

  const add = async () => {
    setError(null);
    setBusy(true);
    try {
      // The person working here, not yet on the staff list: the core adds them with the visit, in one transaction.
      const by = staffChoice === ADD_ME ? { by_visitor: true } : { staff_id: staffChoice || null };
      const visit = (await api['visits.create']({ ...owner, date, ...by, purpose: draft.purpose || null, notes: draft.notes || null })) as { id: string };
      for (const f of files) {
        const up = await uploadFile(f);
        await api['attachments.add']({ visit_id: visit.id, file: up.token });
      }
      if (enterpriseId && draft.request.trim()) await api['requests.create']({ enterprise_id: enterpriseId, visit_id: visit.id, text: draft.request.trim() });
      // A person just added to the staff list is the default from now on (their record, not ADD_ME).
      setDraft({ ...draft, staff_id: draft.staff_id === ADD_ME ? null : draft.staff_id, purpose: '', notes: '', request: '' });
      setFiles([]);
      setFormKey((k) => k + 1);
      void list.reload();
    } catch (err) {
      setError(errorText(err));
      void list.reload();
    } finally {
      setBusy(false);
    }
  };

  const attach = async (visitId: string, picked: FileList | null) => {
    setError(null);
    try {
      for (const f of Array.from(picked ?? [])) {
        const up = await uploadFile(f);
        await api['attachments.add']({ visit_id: visitId, file: up.token });
      }
      void list.reload();
    } catch (err) {
      setError(errorText(err));
    }
  };

  const visits = list.data ?? [];
  return (
    <div className="visits">
      <ReadOnlyNote access={access} />
      {access.canWrite && <form className="visit-form" aria-label={t('visits.new')} onSubmit={(e) => { e.preventDefault(); void add(); }}>
        <label>{t('visits.date')}<input type="date" value={date} max={day ?? undefined} required onChange={(e) => setDraft({ ...draft, date: e.target.value })} /></label>
        <label>{t('visits.staff')}
          <select value={staffChoice} onChange={(e) => setDraft({ ...draft, staff_id: e.target.value })}>
            <option value="">{t('common.none')}</option>
            {visitor === ADD_ME && <option value={ADD_ME}>{t('visits.addMe', { name: me?.name })}</option>}
            {staff.map((s) => <option key={s.id} value={s.id}>{s.name}</option>)}
          </select>
        </label>
        <label className="wide">{t('visits.purpose')}<input value={draft.purpose} maxLength={200} onChange={(e) => setDraft({ ...draft, purpose: e.target.value })} /></label>
        <label className="wide">{t('visits.notes')}<textarea rows={2} value={draft.notes} onChange={(e) => setDraft({ ...draft, notes: e.target.value })} /></label>
        {enterpriseId && <label className="wide">{t('visits.request')}<input placeholder={t('visits.requestPlaceholder')} value={draft.request} maxLength={2000} onChange={(e) => setDraft({ ...draft, request: e.target.value })} /></label>}
        <label className="wide">{t('visits.files')}<input key={formKey} type="file" multiple accept="image/*,.pdf,.doc,.docx,.xls,.xlsx,.txt" onChange={(e) => setFiles(Array.from(e.target.files ?? []))} /></label>
        <p className="wide muted small">{t('visits.limit')}</p>
        <button type="submit" className="primary wide" disabled={busy || !date}>{busy ? t('common.saving') : t('visits.add')}</button>
      </form>}
      {error && <p className="field-error" role="alert">{error}</p>}
      <ErrorBanner error={list.error} />
      {visits.length === 0 ? !list.loading && !list.error && <p className="muted">{t('visits.empty')}{access.canWrite && <>{t('common.sentenceEnd')}{t('visits.emptyHint')}</>}</p> : (
        visits.map((v) => (
          <article key={v.id} className="visit" data-visit={v.id}>
            <div className="visit-head">
              <strong>{formatDate(v.date, i18n.language)}</strong>
              {v.staff_name ? <span>{v.staff_name}</span> : null}
              {v.purpose ? <span>· {v.purpose}</span> : null}
            </div>
            {v.notes ? <p className="small">{v.notes}</p> : null}
            {v.requests.length > 0 && (
              <ul className="small">{v.requests.map((r) => <li key={r.id}>{t('visits.requestLine', { text: r.text })} · <span className={`status-${r.status}`}>{t(`enum.requestStatus.${r.status}`)}</span></li>)}</ul>
            )}
            <div className="thumbs">
              {v.attachments.map((a) => <Thumb key={a.id} a={a} />)}
              {attachAccess.canWrite && <label className="small">
                <span className="link">{t('visits.attach')}</span>
                <input type="file" multiple hidden aria-label={t('visits.attachTo', { date: formatDate(v.date, i18n.language) })} onChange={(e) => void attach(v.id, e.target.files)} />
              </label>}
            </div>
          </article>
        ))
      )}
    </div>
  );
}

/** The staff choice that adds the person working here to the staff list on saving. */
const ADD_ME = 'add-me';

/**
 * Who a new visit is by, unless chosen: the person working here (visits.visitor) when on the staff list,
 * ADD_ME when not and this user may add to the list (the core adds them with the visit), nobody when the
 * person is unknown or not known yet (the answer still loading: nothing is offered that a save could double).
 */
export function defaultVisitor(me: { name: string | null; staffId: string | null } | null, mayAddStaff: boolean): string {
  if (!me?.name) return '';
  return me.staffId ?? (mayAddStaff ? ADD_ME : '');
}

function Thumb({ a }: { a: Attachment }) {
  const { t } = useTranslation();
  const preview = useCoreData(() => (a.mime.startsWith('image/') ? api['attachments.preview']({ id: a.id }) : Promise.resolve(null)), [a.id], []).data;
  const open = async () => {
    const out = await api['attachments.file']({ id: a.id });
    await saveFile(out.token, out.name);
  };
  return (
    <figure>
      {preview ? <img src={preview} alt={a.name} /> : null}
      <button type="button" title={t('visits.download', { name: a.name })} onClick={() => void open()}>{a.name}</button>
    </figure>
  );
}
