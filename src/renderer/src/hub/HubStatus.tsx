import { useTranslation } from 'react-i18next';
import './hub.css';
import { useHubStatus, type HubStatusValue } from './useHubStatus';

/** One line for the status bar: the state in words, and why when something is wrong. */
export function hubStatusLine(s: HubStatusValue, t: (key: string, options?: Record<string, unknown>) => string): { kind: string; text: string; reason: string | null } {
  const reason = s.error?.message ?? null;
  if (s.state === 'connected') return { kind: 'ok', text: s.waiting ? t('hub.barConnectedWaiting', { count: s.waiting }) : t('hub.barConnected'), reason: null };
  if (s.state === 'connecting') return { kind: 'busy', text: t('hub.barConnecting'), reason };
  if (s.state === 'offline') return { kind: 'warn', text: t('hub.barOffline', { count: s.waiting }), reason };
  if (s.error?.code === 'hub_password_needed') return { kind: 'error', text: t('hub.barPassword'), reason };
  if (s.state === 'error') return { kind: 'error', text: t('hub.barError'), reason };
  // Linked, but the link is not running here: the password was not accepted after a restart.
  return { kind: 'error', text: t('hub.barStopped'), reason: t('hub.barStoppedReason') };
}

/**
 * The office hub indicator in the top bar of every page: nothing for a database that is not linked;
 * otherwise connected / offline with the changes waiting / an error with its reason in one line. It
 * links to Settings → Office hub, where the person acts on it.
 */
export function HubStatus() {
  const { t } = useTranslation();
  const { status } = useHubStatus();
  if (!status || !status.url) return null;
  const line = hubStatusLine(status, t);
  const full = [t('hub.barTitle'), line.text, line.reason, status.role === 'viewer' ? t('hub.viewerNote') : null].filter(Boolean).join(' — ');
  return (
    <div className="hub-status-wrap" role="status">
      <a className={`hub-status hub-${line.kind}`} href="#/settings/hub" title={full} aria-label={full} data-state={status.state}>
        <span className="hub-dot" aria-hidden />
        <span className="hub-text">{line.text}</span>
        {line.reason && <span className="hub-reason">{line.reason}</span>}
        {status.role === 'viewer' && <span className="hub-role">{t('hub.role.viewer')}</span>}
      </a>
    </div>
  );
}
