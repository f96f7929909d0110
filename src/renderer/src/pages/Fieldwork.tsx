import { useRef, useState } from 'react';
import { useTranslation } from 'react-i18next';
import { api, ApiError, errorText, runJob, saveFile, uploadFile } from '../api/client';
import { ErrorBanner } from '../components/ErrorBanner';
import { useToast } from '../components/Toasts';
import { formatDateTime, formatNumber } from '../lib/format';
import { fieldLabel, fieldOf, showValue } from '../lib/fieldValue';
import { useCoreData } from '../lib/useCoreData';
import '../fieldwork.css';

type MergeResult = Awaited<ReturnType<typeof import('../../../core/sync/fieldwork').importSource>>;
type Status = Awaited<ReturnType<(typeof api)['sync.status']>>;

/**
 * Fieldwork (外勤): the office prepares a laptop copy; either side writes a change package for the
 * other; a package or a laptop's database file is merged after a preview (the same merge, rolled back).
 */
export function Fieldwork() {
  const { t } = useTranslation();
  const status = useCoreData(() => api['sync.status']({}), [], 'all');
  return (
    <div className="fieldwork">
      <h1>{t('fieldwork.title')}</h1>
      <p className="muted">{t('fieldwork.intro')}</p>
      <ErrorBanner error={status.error} />
      {status.data && <StatusCard status={status.data} />}
      <div className="grid2">
        {status.data && !status.data.fieldCopy && <CheckoutCard onDone={status.reload} />}
        {status.data && <ExportCard status={status.data} onDone={status.reload} />}
      </div>
      <MergeCard onDone={status.reload} />
    </div>
  );
}

function StatusCard({ status }: { status: Status }) {
  const { t, i18n } = useTranslation();
  return (
    <section className="card" aria-labelledby="sync-status">
      <h2 id="sync-status">{t('fieldwork.status')}</h2>
      <p>
        {status.fieldCopy ? t('fieldwork.isFieldCopy', { device: status.fieldCopy.device, office: status.fieldCopy.officeDevice }) : t('fieldwork.isOffice', { device: status.device ?? status.site })}
        {' · '}<span className="mono small">{t('fieldwork.site')} {status.site}</span>
        {' · '}<a href="#/reviews">{t('reviews.badge', { count: status.openReviews })}</a>
      </p>
      {status.peers.length === 0 ? <p className="muted">{t('fieldwork.noPeers')}</p> : (
        <table className="list">
          <thead><tr><th>{t('fieldwork.peer')}</th><th>{t('fieldwork.person')}</th><th>{t('fieldwork.lastHeard')}</th><th>{t('fieldwork.lastSent')}</th><th>{t('fieldwork.waiting')}</th></tr></thead>
          <tbody>
            {status.peers.map((p) => {
              return (
                <tr key={p.site}>
                  <td>{p.office ? t('fieldwork.officePeer', { device: p.device ?? p.site }) : p.device ?? p.site}</td>
                  <td>{p.person ?? t('common.none')}</td>
                  <td>{p.lastHeard ? formatDateTime(p.lastHeard, i18n.language) : t('common.none')}</td>
                  <td>{p.lastSent ? formatDateTime(p.lastSent, i18n.language) : t('common.none')}</td>
                  <td>{!p.waiting ? t('fieldwork.nothingWaiting') : p.waitingRecords === null ? formatNumber(p.waiting, i18n.language) : t('fieldwork.waitingValue', { records: p.waitingRecords, count: p.waiting })}</td>
                </tr>
              );
            })}
          </tbody>
        </table>
      )}
    </section>
  );
}

/** Peers and their bookkeeping are not rows of the change log: the status reloads after each action. */
type Done = { onDone: () => Promise<void> };

function CheckoutCard({ onDone }: Done) {
  const { t } = useTranslation();
  const toast = useToast();
  const [device, setDevice] = useState('');
  const [person, setPerson] = useState('');
  const [busy, setBusy] = useState(false);
  const [error, setError] = useState<string | null>(null);
  const [done, setDone] = useState<{ token: string; name: string } | null>(null);
  const staff = useCoreData(() => api['staff.list']({}), [], ['staff']).data ?? [];

  const prepare = async () => {
    setError(null);
    setDone(null);
    setBusy(true);
    try {
      const out = await api['sync.checkout']({ device, ...(person.trim() ? { person } : {}) });
      setDone(out);
      // Emptied for the next laptop: a second click would otherwise make another copy under the same device name.
      setDevice('');
      setPerson('');
      void onDone();
      await saveFile(out.token, out.name);
      toast({ kind: 'info', text: t('fieldwork.checkoutDone', { name: out.name }) });
    } catch (err) {
      setError(errorText(err));
    } finally {
      setBusy(false);
    }
  };

  return (
    <section className="card" aria-labelledby="checkout">
      <h2 id="checkout">{t('fieldwork.checkout')}</h2>
      <p className="muted small">{t('fieldwork.checkoutHint')}</p>
      <form className="form" onSubmit={(e) => { e.preventDefault(); void prepare(); }}>
        {/* Not disabled while the device name is empty: the press says why (the field is required) instead of doing nothing. */}
        <label>{t('fieldwork.device')}<input value={device} onChange={(e) => setDevice(e.target.value)} placeholder={t('fieldwork.devicePlaceholder')} required maxLength={60} /></label>
        <label>{t('fieldwork.person')}
          <input value={person} onChange={(e) => setPerson(e.target.value)} list="checkout-staff" maxLength={60} />
        </label>
        <datalist id="checkout-staff">{staff.map((s) => <option key={s.id} value={s.name} />)}</datalist>
        <button type="submit" className="primary" disabled={busy}>{t('fieldwork.prepare')}</button>
      </form>
      {error && <p className="form-error" role="alert">{error}</p>}
      {done && <p role="status">{t('fieldwork.checkoutReady', { name: done.name })} <button type="button" className="link" onClick={() => void saveFile(done.token, done.name)}>{t('reports.again')}</button></p>}
    </section>
  );
}

function ExportCard({ status, onDone }: { status: Status } & Done) {
  const { t } = useTranslation();
  const office = status.fieldCopy?.officeSite ?? '';
  const [receiver, setReceiver] = useState(office || (status.peers[0]?.site ?? ''));
  const [password, setPassword] = useState('');
  const [busy, setBusy] = useState(false);
  const [error, setError] = useState<string | null>(null);
  const [done, setDone] = useState<{ token: string; name: string; changes: number } | null>(null);
  const receivers = status.peers.some((p) => p.site === office) || !office ? status.peers : [{ site: office, device: status.fieldCopy!.officeDevice }, ...status.peers];

  const write = async () => {
    setError(null);
    setBusy(true);
    try {
      const out = await api['sync.exportPackage']({ ...(receiver ? { receiver } : {}), ...(password ? { password } : {}) });
      setDone(out);
      void onDone();
      await saveFile(out.token, out.name);
    } catch (err) {
      setError(errorText(err));
    } finally {
      setBusy(false);
    }
  };

  return (
    <section className="card" aria-labelledby="export-package">
      <h2 id="export-package">{t('fieldwork.export')}</h2>
      <p className="muted small">{status.fieldCopy ? t('fieldwork.exportHintLaptop') : t('fieldwork.exportHintOffice')}</p>
      <form className="form" onSubmit={(e) => { e.preventDefault(); void write(); }}>
        <label>{t('fieldwork.receiver')}
          <select value={receiver} onChange={(e) => setReceiver(e.target.value)}>
            {receivers.map((p) => <option key={p.site} value={p.site}>{p.device ?? p.site}</option>)}
            <option value="">{t('fieldwork.everything')}</option>
          </select>
        </label>
        <label>{t('fieldwork.password')}<input type="password" autoComplete="new-password" value={password} onChange={(e) => setPassword(e.target.value)} placeholder={t('fieldwork.optional')} /></label>
        <button type="submit" className="primary" disabled={busy}>{t('fieldwork.writePackage')}</button>
      </form>
      {error && <p className="form-error" role="alert">{error}</p>}
      {done && <p role="status">{t('fieldwork.packageReady', { name: done.name, count: done.changes })}</p>}
    </section>
  );
}

function MergeCard({ onDone }: Done) {
  const { t, i18n } = useTranslation();
  const toast = useToast();
  const [file, setFile] = useState<{ token: string; name: string } | null>(null);
  const [password, setPassword] = useState('');
  const [needsPassword, setNeedsPassword] = useState(false);
  const [preview, setPreview] = useState<MergeResult | null>(null);
  const [result, setResult] = useState<MergeResult | null>(null);
  const [progress, setProgress] = useState<number | null>(null);
  const [error, setError] = useState<string | null>(null);
  const abort = useRef<AbortController | null>(null);

  const run = async (dryRun: boolean, token = file?.token, pw = password) => {
    if (!token) return;
    setError(null);
    setProgress(0);
    abort.current = new AbortController();
    try {
      const job = await api['sync.merge']({ file: token, dryRun, ...(pw ? { password: pw } : {}) });
      const r = await runJob<MergeResult>(job.id, (d, total) => setProgress(Math.round((d / Math.max(1, total)) * 100)), abort.current.signal);
      setNeedsPassword(false);
      if (dryRun) setPreview(r);
      else {
        setResult(r);
        setPreview(null);
        void onDone();
        toast({ kind: 'info', text: t('fieldwork.merged', { count: r.applied }) });
      }
    } catch (err) {
      if (err instanceof ApiError && (err.payload.code === 'sync_password_needed' || err.payload.code === 'sync_password')) setNeedsPassword(true);
      setError(errorText(err));
    } finally {
      setProgress(null);
    }
  };

  const pick = async (f: File | undefined) => {
    if (!f) return;
    setPreview(null);
    setResult(null);
    setError(null);
    setNeedsPassword(false);
    try {
      const up = await uploadFile(f);
      setFile(up);
      await run(true, up.token);
    } catch (err) {
      setError(errorText(err));
    }
  };

  const shown = result ?? preview;
  return (
    <section className="card" aria-labelledby="merge">
      <h2 id="merge">{t('fieldwork.merge')}</h2>
      <p className="muted small">{t('fieldwork.mergeHint')}</p>
      <div className="actions">
        <label className="inline">{t('fieldwork.pickFile')} <input type="file" accept=".ppsync,.db,.sqlite" aria-label={t('fieldwork.pickFile')} onChange={(e) => void pick(e.target.files?.[0])} /></label>
      </div>
      {needsPassword && (
        <form className="form" onSubmit={(e) => { e.preventDefault(); void run(true); }}>
          <label>{t('fieldwork.packagePassword')}<input type="password" autoFocus value={password} onChange={(e) => setPassword(e.target.value)} /></label>
          <button type="submit">{t('fieldwork.preview')}</button>
        </form>
      )}
      {progress !== null && (
        <div className="actions">
          <div className="bar" role="progressbar" aria-valuenow={progress} style={{ width: 240 }}><span style={{ width: `${progress}%` }} /></div>
          <button type="button" onClick={() => abort.current?.abort()}>{t('common.cancel')}</button>
        </div>
      )}
      {error && <p className="form-error" role="alert">{error}</p>}
      {shown && (
        <div aria-label={result ? t('fieldwork.result') : t('fieldwork.previewTitle')} role="region">
          <h3>{result ? t('fieldwork.result') : t('fieldwork.previewTitle')} <span className="muted small">{t('fieldwork.from', { device: shown.sender.device, person: shown.sender.person ?? t('common.none'), name: file?.name ?? '' })}</span></h3>
          <div className="counts">
            <div data-count="changes"><b>{shown.applied}</b>{t('fieldwork.c.applied')}<span className="muted small"> {t('fieldwork.c.duplicates', { count: shown.duplicates })}</span></div>
            <div data-count="fastForward"><b>{shown.fastForward}</b>{t('fieldwork.c.fastForward')}</div>
            <div data-count="converged"><b>{shown.converged}</b>{t('fieldwork.c.converged')}</div>
            <div data-count="conflicts" className={shown.conflicts.length ? 'warn' : ''}><b>{shown.conflicts.length}</b>{t('fieldwork.c.conflicts')}</div>
            <div data-count="newRecords"><b>{shown.newRecords}</b>{t('fieldwork.c.newRecords')}</div>
            <div data-count="absorbed"><b>{shown.absorbed.length}</b>{t('fieldwork.c.absorbed')}</div>
            <div data-count="deletedEdits" className={shown.deletedEdits ? 'warn' : ''}><b>{shown.deletedEdits}</b>{t('fieldwork.c.deletedEdits')}</div>
          </div>
          {shown.conflicts.length > 0 && (
            <table className="list" aria-label={t('fieldwork.c.conflicts')}>
              <thead><tr><th>{t('reviews.record')}</th><th>{t('reviews.field')}</th><th>{t('reviews.kept')}</th><th>{t('reviews.lost')}</th><th>{t('reviews.lostWho')}</th></tr></thead>
              <tbody>
                {shown.conflicts.map((c) => (
                  <tr key={`${c.table}:${c.id}:${c.field}:${c.lostAt}`}>
                    <td>{t(`reviews.table.${c.table}`, { defaultValue: c.table })}{c.label ? ` · ${c.label}` : ''}</td>
                    <td>{fieldLabel(t, c.table, c.field)}</td>
                    <td>{showValue(t, i18n.language, fieldOf(c.table, c.field), c.kept)}</td>
                    <td><del>{showValue(t, i18n.language, fieldOf(c.table, c.field), c.lost)}</del></td>
                    <td>{t('reviews.lostBy', { user: c.lostBy, device: c.lostDevice ?? '?', time: formatDateTime(c.lostAt, i18n.language) })}</td>
                  </tr>
                ))}
              </tbody>
            </table>
          )}
          {shown.absorbed.length > 0 && (
            <ul className="small">{shown.absorbed.map((a) => <li key={a.absorbed}>{t('fieldwork.absorbedOne', { uscc: a.uscc })}</li>)}</ul>
          )}
          {preview && !result && (
            <div className="actions">
              <button type="button" className="primary" disabled={progress !== null} onClick={() => void run(false)}>{t('fieldwork.mergeNow')}</button>
              <span className="muted small">{t('fieldwork.previewNote')}</span>
            </div>
          )}
          {result && (
            <p role="status" className="ok-text">
              {t('fieldwork.mergedSummary', { count: result.applied, reviews: result.reviewItems })}{' '}
              {result.reviewItems > 0 && <a href="#/reviews">{t('fieldwork.toReviews')}</a>}
            </p>
          )}
        </div>
      )}
    </section>
  );
}
