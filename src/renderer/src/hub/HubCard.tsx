import { useEffect, useRef, useState, type FormEvent } from 'react';
import { useTranslation } from 'react-i18next';
import { api, ApiError, errorText } from '../api/client';
import { ConfirmDialog } from '../components/Modal';
import { useToast } from '../components/Toasts';
import { formatDateTime, formatNumber } from '../lib/format';
import './hub.css';
import { needsPassword, refreshHubStatus, useHubStatus, type HubStatusValue } from './useHubStatus';

/** The desktop app has its preload bridge; the web shell has none. They keep the password differently. */
const isDesktopApp = () => typeof window !== 'undefined' && !!window.parkpilot;

/**
 * Settings → Office hub (办公室数据中心): connect this database to the park's PostgreSQL hub, see who is
 * signed in and how syncing goes, sync now, disconnect. The password is never shown back: the web
 * shell keeps it in its process memory for the session only, the desktop app in the OS keychain.
 */
export function HubCard() {
  const { t } = useTranslation();
  const { status } = useHubStatus();
  const ref = useRef<HTMLElement>(null);
  const loaded = status !== null;

  // Links to #/settings/hub (the status bar) bring the card into view.
  useEffect(() => {
    const show = () => {
      if (!/^#\/settings\/hub\b/.test(location.hash) || !ref.current) return;
      ref.current.scrollIntoView({ block: 'start' });
      ref.current.querySelector<HTMLElement>('h2')?.focus({ preventScroll: true });
    };
    show();
    window.addEventListener('hashchange', show);
    return () => window.removeEventListener('hashchange', show);
  }, [loaded]);

  return (
    <section className="card hub-card" aria-labelledby="hub-settings" ref={ref}>
      <h2 id="hub-settings" tabIndex={-1}>{t('hub.title')}</h2>
      {status && !status.url && <ConnectForm />}
      {status?.url && <Linked status={status} />}
    </section>
  );
}

/** Address, login and password; the first copy publishes, the others join, a standalone one may merge. */
function ConnectForm() {
  const { t } = useTranslation();
  const toast = useToast();
  const [url, setUrl] = useState('');
  const [login, setLogin] = useState('');
  const [password, setPassword] = useState('');
  const [busy, setBusy] = useState(false);
  const [error, setError] = useState<string | null>(null);
  const [offerMerge, setOfferMerge] = useState(false);

  const connect = async (merge: boolean) => {
    setBusy(true);
    setError(null);
    try {
      const s = await api['hub.connect']({ url: url.trim(), ...(login.trim() ? { login: login.trim() } : {}), ...(password ? { password } : {}), merge });
      setPassword('');
      setOfferMerge(false);
      toast({ kind: 'info', text: t('hub.connected', { person: s.person ?? s.login ?? '' }) });
      refreshHubStatus();
    } catch (err) {
      setOfferMerge(err instanceof ApiError && err.payload.code === 'hub_other_park');
      setError(errorText(err));
    } finally {
      setBusy(false);
    }
  };
  const submit = (e: FormEvent) => {
    e.preventDefault();
    void connect(false);
  };

  return (
    <>
      <p className="muted small">{t('hub.intro')}</p>
      <form className="hub-form" onSubmit={submit} aria-busy={busy}>
        <label>
          {t('hub.address')}
          <input value={url} onChange={(e) => setUrl(e.target.value)} placeholder="postgres://zhang@192.168.1.10:5432/parkpilot" required maxLength={500} spellCheck={false} autoComplete="url" />
        </label>
        <label>
          {t('hub.login')}
          <input value={login} onChange={(e) => setLogin(e.target.value)} placeholder={t('hub.loginPlaceholder')} maxLength={63} spellCheck={false} autoComplete="username" />
        </label>
        <label>
          {t('hub.password')}
          <input type="password" value={password} onChange={(e) => setPassword(e.target.value)} maxLength={200} autoComplete="current-password" />
        </label>
        <div className="hub-actions">
          <button type="submit" className="primary" disabled={busy || !url.trim()}>{busy ? t('hub.connecting') : t('hub.connect')}</button>
        </div>
      </form>
      <p className="muted small">{isDesktopApp() ? t('hub.passwordDesktop') : t('hub.passwordWeb')}</p>
      {error && <p className="form-error hub-error" role="alert">{error}</p>}
      {offerMerge && (
        <div className="hub-merge" role="group" aria-labelledby="hub-merge-title">
          <p id="hub-merge-title"><strong>{t('hub.mergeTitle')}</strong></p>
          <p className="small">{t('hub.mergeHint')}</p>
          <div className="hub-actions">
            <button type="button" className="primary" disabled={busy} onClick={() => void connect(true)}>{t('hub.merge')}</button>
            <button type="button" disabled={busy} onClick={() => (setOfferMerge(false), setError(null))}>{t('common.cancel')}</button>
          </div>
        </div>
      )}
    </>
  );
}

/** A linked database: who, where, how syncing goes, and what the person can do about it. */
function Linked({ status }: { status: HubStatusValue }) {
  const { t, i18n } = useTranslation();
  const toast = useToast();
  const [password, setPassword] = useState('');
  const [busy, setBusy] = useState<'sync' | 'reconnect' | 'disconnect' | null>(null);
  const [error, setError] = useState<string | null>(null);
  const [note, setNote] = useState<string | null>(null);
  const [confirming, setConfirming] = useState(false);
  const ask = needsPassword(status);

  const run = async (what: 'sync' | 'reconnect' | 'disconnect', work: () => Promise<string | null>) => {
    setBusy(what);
    setError(null);
    setNote(null);
    try {
      setNote(await work());
    } catch (err) {
      setError(errorText(err));
    } finally {
      setBusy(null);
      refreshHubStatus();
    }
  };
  const syncNow = () =>
    run('sync', async () => {
      const r = await api['hub.sync']({});
      return t('hub.synced', { pulled: r.pulled, pushed: r.pushed });
    });
  const reconnect = (e: FormEvent) => {
    e.preventDefault();
    void run('reconnect', async () => {
      await api['hub.connect']({ url: status.url!, password });
      setPassword('');
      return t('hub.reconnected');
    });
  };
  const disconnect = () => {
    setConfirming(false);
    void run('disconnect', async () => {
      await api['hub.disconnect']({});
      toast({ kind: 'info', text: t('hub.disconnected') });
      return null;
    });
  };
  // The link's own error, unless the password form below already says what to do.
  const linkError = status.error && !(ask && status.error.code === 'hub_password_needed') ? status.error.message : null;

  return (
    <>
      <dl className="info hub-info">
        <dt>{t('hub.who')}</dt>
        <dd>{status.person ?? status.login}{status.login && status.person !== status.login ? <span className="muted"> ({status.login})</span> : null}</dd>
        <dt>{t('hub.roleLabel')}</dt>
        <dd>{status.role ? t(`hub.role.${status.role}`) : t('common.none')}{status.role === 'viewer' && <span className="muted small"> — {t('hub.viewerNote')}</span>}</dd>
        <dt>{t('hub.server')}</dt>
        <dd className="mono">{status.url}</dd>
        <dt>{t('hub.stateLabel')}</dt>
        <dd data-hub-state={status.state}>{status.error?.code === 'hub_password_needed' ? t('hub.state.password') : t(`hub.state.${status.state}`)}</dd>
        <dt>{t('hub.lastSync')}</dt>
        <dd>{status.lastSync ? formatDateTime(status.lastSync, i18n.language) : t('hub.never')}</dd>
        <dt>{t('hub.waiting')}</dt>
        <dd data-hub-waiting={status.waiting}>{formatNumber(status.waiting, i18n.language)}</dd>
        {status.refused && (
          <>
            <dt>{t('hub.refusedLabel')}</dt>
            <dd className="hub-refused">{t('hub.refused', { count: status.refused.count, detail: status.refused.detail })}</dd>
          </>
        )}
      </dl>
      {linkError && <p className="form-error hub-error" role="alert">{linkError}</p>}
      {ask && (
        <form className="hub-form" onSubmit={reconnect} aria-busy={busy === 'reconnect'}>
          <p className="hub-ask" role="alert">{t('hub.askPassword', { login: status.login ?? '' })}</p>
          <label>
            {t('hub.password')}
            <input type="password" value={password} onChange={(e) => setPassword(e.target.value)} maxLength={200} autoComplete="current-password" required />
          </label>
          <div className="hub-actions">
            <button type="submit" className="primary" disabled={!!busy || !password}>{busy === 'reconnect' ? t('hub.connecting') : t('hub.reconnect')}</button>
          </div>
        </form>
      )}
      <div className="hub-actions">
        <button type="button" className={ask ? '' : 'primary'} disabled={!!busy || ask} onClick={() => void syncNow()}>{busy === 'sync' ? t('hub.syncing') : t('hub.syncNow')}</button>
        <button type="button" className="danger" disabled={!!busy} onClick={() => setConfirming(true)}>{t('hub.disconnect')}</button>
      </div>
      <p className="muted small">{isDesktopApp() ? t('hub.passwordDesktop') : t('hub.passwordWeb')}</p>
      {note && <p role="status" className="ok-text">{note}</p>}
      {error && <p className="form-error hub-error" role="alert">{error}</p>}
      <ConfirmDialog
        open={confirming}
        title={t('hub.disconnectTitle')}
        message={t('hub.disconnectConfirm', { count: status.waiting })}
        confirmLabel={t('hub.disconnect')}
        cancelLabel={t('common.cancel')}
        onConfirm={disconnect}
        onCancel={() => setConfirming(false)}
      />
    </>
  );
}
