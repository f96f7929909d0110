import { useRef, useState } from 'react';
import { useTranslation } from 'react-i18next';
import type { ImportEntity } from '../../../core/imports/fields';
import type { ImportReport } from '../../../core/imports/importer';
import { api, errorText, runJob, saveFile, uploadFile } from '../api/client';
import { ErrorBanner } from '../components/ErrorBanner';
import { useToast } from '../components/Toasts';
import { ConfirmDialog } from '../components/Modal';
import { useWriteAccess } from '../hub/useWriteAccess';
import { formatDateTime } from '../lib/format';
import { useCoreData } from '../lib/useCoreData';

type Report = ImportReport;
type Entity = ImportEntity;
/** What the user chose for one row, over the file's mode. */
type Choice = 'create' | 'update' | 'skip';
type Batch = Record<string, unknown> & { id: string };


/**
 * Spreadsheet import: pick a file, check the dry run (counts, column mapping you can correct,
 * a preview and every rejected row with its reason), then import — one batch, revertable in one step.
 */
export function ImportPage() {
  const { t, i18n } = useTranslation();
  const toast = useToast();
  const [file, setFile] = useState<{ token: string; name: string } | null>(null);
  const [entity, setEntity] = useState<Entity>('enterprises');
  const [mode, setMode] = useState<'create' | 'update' | 'upsert'>('create');
  const [sheet, setSheet] = useState<string | undefined>();
  const [mapping, setMapping] = useState<Record<string, string>>({});
  const [overrides, setOverrides] = useState<Record<string, Choice>>({});
  const [report, setReport] = useState<Report | null>(null);
  const [progress, setProgress] = useState<number | null>(null);
  const [error, setError] = useState<string | null>(null);
  /** The import the user asked to revert, waiting for the confirmation. */
  const [reverting, setReverting] = useState<{ id: string; name: string } | null>(null);
  /** Batches reverted from this page: the result of one says so, and offers no second revert (which the core refuses). */
  const [reverted, setReverted] = useState<ReadonlySet<string>>(new Set());
  const abort = useRef<AbortController | null>(null);
  /** The latest run: an earlier dry run that finishes later must not replace its answer. */
  const latest = useRef(0);

  // Batches are rows of their own table (not in the change log): reloaded after every change.
  const batchList = useCoreData(() => api['imports.batches']({}) as Promise<Batch[]>, []);
  const batches = batchList.data ?? [];
  const loadBatches = batchList.reload;

  const run = async (dryRun: boolean, over: { token?: string; sheet?: string; mapping?: Record<string, string>; overrides?: Record<string, Choice> } = {}) => {
    const token = over.token ?? file?.token;
    if (!token) return;
    const seq = ++latest.current;
    setError(null);
    setProgress(0);
    abort.current = new AbortController();
    try {
      const rowChoices = over.overrides ?? overrides;
      const job = await api['imports.start']({
        file: token, entity, mode, dryRun,
        ...((over.sheet ?? sheet) ? { sheet: over.sheet ?? sheet } : {}),
        ...(Object.keys(over.mapping ?? mapping).length ? { mapping: over.mapping ?? mapping } : {}),
        ...(Object.keys(rowChoices).length ? { overrides: rowChoices } : {}),
      });
      const r = await runJob<Report>(job.id, (done, total) => seq === latest.current && setProgress(Math.round((done / Math.max(1, total)) * 100)), abort.current.signal);
      if (seq !== latest.current) return;
      setReport(r);
      setMapping(Object.fromEntries(r.columns.map((c) => [String(c.index), c.field])));
      if (!dryRun) {
        toast({ kind: 'info', text: t('imports.done', { created: r.created, updated: r.updated }) });
        void loadBatches();
      }
    } catch (err) {
      if (seq === latest.current) setError(errorText(err));
    } finally {
      if (seq === latest.current) setProgress(null);
    }
  };

  const pick = async (f: File | undefined) => {
    if (!f) return;
    setReport(null);
    setMapping({});
    setOverrides({});
    setSheet(undefined);
    try {
      const uploaded = await uploadFile(f);
      setFile(uploaded);
      await run(true, { token: uploaded.token, mapping: {}, overrides: {} });
    } catch (err) {
      setError(errorText(err));
    }
  };

  const downloadRejected = async () => {
    if (!report) return;
    const out = await api['imports.rejectedFile']({ key: report.batchId ?? `${file!.token}:${String(report.dryRun)}` });
    if (out) await saveFile(out.token, out.name);
  };

  const downloadTemplate = async () => {
    try {
      const out = await api['imports.template']({ entity });
      await saveFile(out.token, out.name);
    } catch (err) {
      toast({ kind: 'error', text: (err as Error).message });
    }
  };

  const revert = async (id: string) => {
    setReverting(null);
    try {
      const r = await api['imports.revert']({ batchId: id });
      setReverted((before) => new Set(before).add(id));
      toast({ kind: 'info', text: t('imports.reverted', { deleted: r.deleted, restored: r.restored }) });
      void loadBatches();
    } catch (err) {
      toast({ kind: 'error', text: errorText(err) });
    }
  };

  // A hub role that may not change these records is told so before choosing a file.
  const access = useWriteAccess(entity);

  return (
    <div className="import-page">
      <h1>{t('imports.title')}</h1>
      {access.reason && <p className="muted small" role="note">{access.reason}</p>}
      <section className="card import-form">
        <label className="inline">{t('imports.entity')}
          <select aria-label={t('imports.entity')} value={entity} onChange={(e) => { setEntity(e.target.value as Entity); setReport(null); setMapping({}); setOverrides({}); }}>
            {(['enterprises', 'leads', 'incubations'] as const).map((x) => <option key={x} value={x}>{t(`nav.${x}`)}</option>)}
          </select>
        </label>
        <label className="inline">{t('imports.mode')}
          <select aria-label={t('imports.mode')} value={mode} onChange={(e) => setMode(e.target.value as typeof mode)}>
            {(['create', 'update', 'upsert'] as const).map((m) => <option key={m} value={m}>{t(`imports.mode_${m}`)}</option>)}
          </select>
        </label>
        <label className="file-pick">
          {t('imports.choose')}
          <input type="file" aria-label={t('imports.choose')} accept=".xlsx,.csv,.xls" onChange={(e) => void pick(e.target.files?.[0])} />
        </label>
        {file && <span className="muted">{file.name}</span>}
        <button type="button" className="link-button" onClick={() => void downloadTemplate()}>{t('imports.template')}</button>
      </section>
      {progress !== null && (
        <div className="progress-row" role="status">
          <div className="bar"><span style={{ width: `${progress}%` }} /></div>
          <span>{progress}%</span>
          <button type="button" onClick={() => abort.current?.abort()}>{t('common.cancel')}</button>
        </div>
      )}
      {error && <p className="form-error" role="alert">{error}</p>}
      {report && (
        <>
          <section className="card">
            <h2>{report.dryRun ? t('imports.dryRun') : report.batchId && reverted.has(report.batchId) ? t('imports.resultReverted') : t('imports.result')}</h2>
            <div className="counts" data-testid="import-counts">
              <span>{t('imports.rows', { n: report.rows })}</span>
              <span className="ok">{t('imports.created', { n: report.created })}</span>
              <span>{t('imports.updated', { n: report.updated })}</span>
              <span className="muted">{t('imports.skipped', { n: report.skipped })}</span>
              <span className="bad">{t('imports.rejected', { n: report.rejected.length })}</span>
            </div>
            <p className="muted small">{t('imports.source', { sheet: report.sheet, row: report.headerRow })}{report.encoding ? ` · ${report.encoding.toUpperCase()}` : ''}</p>
            {report.unmapped.length > 0 && <p className="warning small" data-testid="import-unmapped">{t('imports.unmapped', { n: report.unmapped.length, columns: report.unmapped.join(t('common.listSep')) })}</p>}
            <div className="row-buttons">
              {report.dryRun && <button type="button" className="primary" disabled={progress !== null || report.created + report.updated === 0 || !access.canWrite} title={access.reason ?? undefined} onClick={() => void run(false)}>{t('imports.apply', { n: report.created + report.updated })}</button>}
              {report.rejected.length > 0 && <button type="button" onClick={() => void downloadRejected()}>{t('imports.downloadRejected')}</button>}
              {!report.dryRun && report.batchId && !reverted.has(report.batchId) && <button type="button" className="danger" onClick={() => setReverting({ id: report.batchId!, name: file?.name ?? '' })}>{t('imports.revert')}</button>}
            </div>
          </section>
          {report.dryRun && (
            <section className="card">
              <h2>{t('imports.mapping')}</h2>
              {report.sheets.length > 1 && (
                <label className="inline">{t('imports.sheet')}
                  <select value={report.sheet} onChange={(e) => { setSheet(e.target.value); void run(true, { sheet: e.target.value, mapping: {} }); }}>
                    {report.sheets.map((s) => <option key={s}>{s}</option>)}
                  </select>
                </label>
              )}
              <table className="plain mapping">
                <thead><tr><th>{t('imports.column')}</th><th>{t('imports.field')}</th></tr></thead>
                <tbody>
                  {report.columns.filter((c) => c.header).map((c) => (
                    <tr key={c.index}>
                      <td>{c.header}</td>
                      <td>
                        <select aria-label={`${t('imports.field')} ${c.header}`} value={mapping[String(c.index)] ?? ''} onChange={(e) => setMapping({ ...mapping, [String(c.index)]: e.target.value })}>
                          <option value="">{t('imports.ignore')}</option>
                          {report.fields.map((f) => <option key={f} value={f}>{f.startsWith('contact_') ? `${t('field.contacts')}：${t(`field.${f}`)}` : t(`field.${f}`)}</option>)}
                        </select>
                      </td>
                    </tr>
                  ))}
                </tbody>
              </table>
              <button type="button" onClick={() => void run(true)}>{t('imports.recheck')}</button>
            </section>
          )}
          {report.dryRun && report.matches.length > 0 && (
            <section className="card" aria-labelledby="import-matches">
              <h2 id="import-matches">{t('imports.matches', { n: report.matches.length })}</h2>
              <p className="muted small">{t('imports.matchesHelp')}</p>
              <table className="plain matches">
                <thead><tr><th>{t('imports.row')}</th><th>{t('imports.name')}</th><th>{t('imports.existing')}</th><th>{t('imports.action')}</th></tr></thead>
                <tbody>
                  {report.matches.map((m) => (
                    <tr key={m.row} className={`action-${m.action}`} data-row={m.row}>
                      <td>{m.row}</td><td>{m.name}</td><td>{m.existing}</td>
                      <td>
                        <select
                          aria-label={t('imports.choiceFor', { row: m.row })}
                          value={overrides[String(m.row)] ?? ''}
                          onChange={(e) => {
                            const next = { ...overrides };
                            if (e.target.value) next[String(m.row)] = e.target.value as Choice;
                            else delete next[String(m.row)];
                            setOverrides(next);
                            void run(true, { overrides: next });
                          }}
                        >
                          <option value="">{t('imports.byFile', { action: t(report.mode === 'create' ? 'imports.action_skip' : 'imports.action_update') })}</option>
                          <option value="update">{t('imports.action_update')}</option>
                          <option value="skip">{t('imports.action_skip')}</option>
                          <option value="create">{t('imports.createAnyway')}</option>
                        </select>
                      </td>
                    </tr>
                  ))}
                </tbody>
              </table>
            </section>
          )}
          <section className="card">
            <h2>{t('imports.preview')}</h2>
            <table className="plain preview">
              <thead><tr><th>{t('imports.row')}</th><th>{t('imports.action')}</th><th>{t('imports.name')}</th><th>{t('imports.reasons')}</th></tr></thead>
              <tbody>
                {report.preview.map((p) => (
                  <tr key={p.row} className={`action-${p.action}`} data-row={p.row}>
                    <td>{p.row}</td><td>{t(`imports.action_${p.action}`)}</td><td>{p.name}</td><td>{p.reasons.join(t('common.clauseSep'))}</td>
                  </tr>
                ))}
              </tbody>
            </table>
          </section>
        </>
      )}
      <section className="card">
        <h2>{t('imports.history')}</h2>
        <ErrorBanner error={batchList.error} />
        {batches.length === 0 ? <p className="muted">{t('imports.noHistory')}</p> : (
          <table className="plain">
            <thead><tr><th>{t('imports.when')}</th><th>{t('imports.file')}</th><th>{t('imports.entity')}</th><th>{t('imports.counts')}</th><th>{t('common.rowActions')}</th></tr></thead>
            <tbody>
              {batches.map((b) => (
                <tr key={b.id}>
                  <td className="nowrap">{formatDateTime(String(b.imported_at), i18n.language)}</td>
                  <td>{String(b.file_name)}</td>
                  <td>{t(`nav.${String(b.entity)}`)}</td>
                  <td>{t('imports.batchCounts', { created: b.created, updated: b.updated, rejected: b.rejected })}</td>
                  <td>{b.reverted_at ? <span className="muted">{t('imports.wasReverted')}</span> : <button type="button" className="danger" disabled={!access.canWrite} title={access.reason ?? undefined} onClick={() => setReverting({ id: b.id, name: String(b.file_name) })}>{t('imports.revert')}</button>}</td>
                </tr>
              ))}
            </tbody>
          </table>
        )}
      </section>
      <ConfirmDialog
        open={reverting !== null}
        title={t('imports.revertTitle')}
        message={t('imports.revertConfirm', { name: reverting?.name ?? '' })}
        confirmLabel={t('imports.revert')}
        cancelLabel={t('common.cancel')}
        onConfirm={() => void revert(reverting!.id)}
        onCancel={() => setReverting(null)}
      />
    </div>
  );
}
