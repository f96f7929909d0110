import { useCallback, useEffect, useState } from 'react';
import { useTranslation } from 'react-i18next';
import { api, errorText } from '../api/client';
import { ConfirmDialog } from '../components/Modal';
import { useToast } from '../components/Toasts';

type Overview = Awaited<ReturnType<(typeof api)['backups.list']>>;
type Item = Overview['items'][number];

const megabytes = (bytes: number) => (bytes / 1048576).toFixed(bytes < 10 * 1048576 ? 1 : 0);

/**
 * Settings → Backups: where they live, the rotation and its size budget, the list (when, why, size,
 * verified), back up now, and restore. Also the body of the restore screen when the file is damaged.
 */
export function BackupsSettings({ damaged = false }: { damaged?: boolean }) {
  const { t, i18n } = useTranslation();
  const toast = useToast();
  const [data, setData] = useState<Overview | null>(null);
  const [error, setError] = useState<string | null>(null);
  const [busy, setBusy] = useState(false);
  const [confirm, setConfirm] = useState<Item | null>(null);
  const [budget, setBudget] = useState('');

  const load = useCallback(() => {
    api['backups.list']({}).then((d) => {
      setData(d);
      setBudget(String(d.budgetMb));
    }, (err: unknown) => setError(errorText(err)));
  }, []);
  useEffect(load, [load]);

  const act = async (work: () => Promise<Overview | null>, done?: string) => {
    setBusy(true);
    setError(null);
    try {
      const next = await work();
      if (next) setData(next);
      if (done) toast({ kind: 'info', text: done });
    } catch (err) {
      setError(errorText(err));
    } finally {
      setBusy(false);
    }
  };

  const restore = (item: Item) =>
    act(async () => {
      await api['backups.restore']({ name: item.name });
      // Every page shows the restored data: start the app over on it.
      location.reload();
      return null;
    });

  // To the second: the day's backup and one made by hand a moment later must not read the same.
  const when = (iso: string) => new Date(iso).toLocaleString(i18n.language, { dateStyle: 'medium', timeStyle: 'medium' });

  return (
    <section className="card backups" aria-labelledby="backups-title">
      <h2 id="backups-title">{t('backups.title')}</h2>
      <p className="muted">{t('backups.hint', { recent: data?.policy.recent ?? 10, daily: data?.policy.daily ?? 7, weekly: data?.policy.weekly ?? 4 })}</p>
      {data && (
        <dl className="info">
          <dt>{t('backups.where')}</dt><dd className="mono">{data.dir}</dd>
          <dt>{t('backups.used')}</dt>
          <dd>
            {t('backups.usedOf', { used: megabytes(data.usedBytes), count: data.items.length })}{' '}
            <label className="inline">
              {t('backups.budget')}
              <input type="number" min={50} step={50} aria-label={t('backups.budget')} value={budget} onChange={(e) => setBudget(e.target.value)} style={{ width: '7em' }} />
              MB
            </label>{' '}
            <button type="button" disabled={busy || budget === String(data.budgetMb)} onClick={() => void act(() => api['backups.setBudget']({ mb: Number(budget) }), t('backups.budgetSaved'))}>{t('common.save')}</button>
          </dd>
        </dl>
      )}
      {!damaged && (
        <p>
          <button type="button" className="primary" disabled={busy} onClick={() => void act(() => api['backups.create']({}), t('backups.made'))}>
            {busy ? t('backups.working') : t('backups.now')}
          </button>
        </p>
      )}
      {error && <p className="form-error" role="alert">{error}</p>}
      {data && data.items.length === 0 && <p className="muted">{t('backups.empty')}</p>}
      {data && data.items.length > 0 && (
        <table className="plain backups-list">
          <thead>
            <tr><th>{t('backups.when')}</th><th>{t('backups.why')}</th><th>{t('backups.size')}</th><th>{t('backups.verified')}</th><th>{t('common.rowActions')}</th></tr>
          </thead>
          <tbody>
            {data.items.map((item) => (
              <tr key={item.name}>
                <td>{when(item.at)}</td>
                <td>{t(`backups.reason.${item.reason}`)}</td>
                <td>{megabytes(item.size)} MB</td>
                <td>{item.verified ? `✓ ${t('backups.yes')}` : `✗ ${t('backups.no')}`}</td>
                <td>
                  {item.verified && (
                    <button type="button" disabled={busy} aria-label={`${t('backups.restore')} ${when(item.at)}`} onClick={() => setConfirm(item)}>{t('backups.restore')}</button>
                  )}
                </td>
              </tr>
            ))}
          </tbody>
        </table>
      )}
      <ConfirmDialog
        open={confirm !== null}
        title={t('backups.confirmTitle')}
        message={confirm ? t('backups.confirm', { when: when(confirm.at), why: t(`backups.reason.${confirm.reason}`) }) : ''}
        confirmLabel={t('backups.restore')}
        cancelLabel={t('common.cancel')}
        onCancel={() => setConfirm(null)}
        onConfirm={() => {
          const item = confirm!;
          setConfirm(null);
          void restore(item);
        }}
      />
    </section>
  );
}

/** Shown instead of the page when the database is damaged: one clear message and the restore list. */
export function DamageScreen({ detail }: { detail: string }) {
  const { t } = useTranslation();
  return (
    <div className="damage">
      <h1 tabIndex={-1} ref={(h) => h?.focus()}>{t('backups.damagedTitle')}</h1>
      <p role="alert">{t('backups.damaged')}</p>
      <p className="muted small mono">{detail}</p>
      <BackupsSettings damaged />
    </div>
  );
}
