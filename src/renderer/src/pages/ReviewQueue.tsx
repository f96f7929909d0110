import { useEffect, useRef, useState, type KeyboardEvent } from 'react';
import { useTranslation } from 'react-i18next';
import { api, errorText } from '../api/client';
import { useHubStatus } from '../hub/useHubStatus';
import { ErrorBanner } from '../components/ErrorBanner';
import { formatDateTime, wanToYuan } from '../lib/format';
import { fieldLabel, fieldOf, showValue } from '../lib/fieldValue';
import { useCoreData } from '../lib/useCoreData';
import type { FieldDef } from './registries';
import '../fieldwork.css';

type Item = Awaited<ReturnType<(typeof api)['sync.reviews']>>[number];
type Choice = 'kept' | 'lost' | 'other' | 'restore';
/** Tables whose records open in a registry page (`#/<table>/<id>`); an edit of a deleted record has none to open. */
const OPENS = new Set(['enterprises', 'incubations', 'leads', 'targets']);

/** Field kinds a person can type another value for here; lists and structured fields are settled in the record. */
const TYPED = new Set(['text', 'textarea', 'number', 'money', 'date', 'enum', undefined]);

/**
 * The review queue: values that lost a merge (conflicts) and edits that reached deleted records.
 * A list on the left (↑/↓ to move, Enter to answer, 1/2/3 for the choices), the item on the right.
 * Each answer is an ordinary write, so it travels to every copy like any other change.
 */
export function ReviewQueue() {
  const { t, i18n } = useTranslation();
  const open = useCoreData(() => api['sync.reviews']({ status: 'open' }), [], 'all');
  const all = useCoreData(() => api['sync.reviews']({ status: 'all' }), [], ['review_items']);
  const items = open.data ?? [];
  const resolved = (all.data ?? []).filter((r) => r.status === 'resolved');
  const [index, setIndex] = useState(0);
  const [error, setError] = useState<string | null>(null);
  const [other, setOther] = useState('');
  const [typing, setTyping] = useState(false);
  const list = useRef<HTMLUListElement>(null);
  const firstChoice = useRef<HTMLButtonElement>(null);
  const otherInput = useRef<HTMLInputElement & HTMLSelectElement>(null);
  const current = items[Math.min(index, items.length - 1)];
  const def = current ? fieldOf(current.tbl, current.field) : undefined;
  const show = (r: Item, v: unknown) => showValue(t, i18n.language, fieldOf(r.tbl, r.field), v);
  // On an office hub only an administrator settles conflicts (the hub refuses anyone else's answer).
  const hub = useHubStatus().status;
  const mayResolve = !hub?.url || hub.role === 'admin';

  useEffect(() => {
    setOther('');
    setTyping(false);
    setError(null);
  }, [current?.id]);
  useEffect(() => {
    if (typing) otherInput.current?.focus();
  }, [typing]);
  // The list takes the keyboard when the queue first shows items: its hint (↑/↓, 1/2/3) works at once.
  const focusedOnArrival = useRef(false);
  useEffect(() => {
    if (focusedOnArrival.current || items.length === 0) return;
    focusedOnArrival.current = true;
    list.current?.focus();
  }, [items.length]);

  const resolve = async (choice: Choice, value?: unknown) => {
    if (!current) return;
    setError(null);
    try {
      await api['sync.resolve']({ id: current.id, choice, ...(choice === 'other' ? { value: value as string | number | null } : {}) });
      await Promise.all([open.reload(), all.reload()]);
      list.current?.focus();
    } catch (err) {
      setError(errorText(err));
    }
  };

  const typedValue = (f: FieldDef | undefined, s: string): unknown => {
    const v = s.trim();
    if (v === '') return null;
    if (f?.kind === 'number' || f?.kind === 'money') {
      const n = Number(v.replace(/[,，\s]/g, ''));
      if (!Number.isFinite(n)) throw new Error(t('reviews.notNumber'));
      return f.kind === 'money' ? wanToYuan(n) : n;
    }
    return v;
  };
  const submitOther = () => {
    try {
      void resolve('other', typedValue(def, other));
    } catch (err) {
      setError((err as Error).message);
    }
  };

  const choose = (n: number) => {
    if (!current || !mayResolve) return;
    if (current.kind === 'deleted_edit') {
      if (n === 1) void resolve('restore');
      if (n === 2) void resolve('kept');
      return;
    }
    if (n === 1) void resolve('kept');
    if (n === 2) void resolve('lost');
    if (n === 3 && TYPED.has(def?.kind)) setTyping(true);
  };

  const onListKey = (e: KeyboardEvent) => {
    const last = items.length - 1;
    if (e.key === 'ArrowDown') setIndex((i) => Math.min(last, i + 1));
    else if (e.key === 'ArrowUp') setIndex((i) => Math.max(0, i - 1));
    else if (e.key === 'Home') setIndex(0);
    else if (e.key === 'End') setIndex(last);
    else if (e.key === 'Enter') firstChoice.current?.focus();
    else if (['1', '2', '3'].includes(e.key)) choose(Number(e.key));
    else return;
    e.preventDefault();
  };

  const recordName = (r: Item) => `${t(`reviews.table.${r.tbl}`, { defaultValue: r.tbl })} · ${r.label ?? r.row_id.slice(0, 8)}`;

  return (
    <div className="review-page">
      <h1>{t('reviews.title')}</h1>
      <p className="hint muted small">{t('reviews.hint')}</p>
      <ErrorBanner error={open.error} />
      {items.length === 0 ? (
        !open.loading && <p className="card" role="status" style={{ gridColumn: '1 / -1' }}>{t('reviews.empty')}</p>
      ) : (
        <>
          <section className="card">
            <h2>{t('reviews.openCount', { count: items.length })}</h2>
            <ul ref={list} className="review-list" role="listbox" tabIndex={0} aria-label={t('reviews.title')} aria-activedescendant={current ? `review-${current.id}` : undefined} onKeyDown={onListKey}>
              {items.map((r, i) => (
                <li key={r.id} id={`review-${r.id}`} role="option" aria-selected={r.id === current?.id} onClick={() => setIndex(i)}>
                  <strong>{recordName(r)}</strong>
                  <div className="small muted">{r.kind === 'deleted_edit' ? t('reviews.deletedEdit') : t('reviews.conflictOn', { field: fieldLabel(t, r.tbl, r.field) })}</div>
                </li>
              ))}
            </ul>
          </section>
          {current && (
            <section className="card" aria-label={t('reviews.item')} data-review-id={current.id}>
              <h2>{recordName(current)}</h2>
              {/* The record itself, to see the rest of it before deciding (registries only: a visit opens from its record). */}
              {OPENS.has(current.tbl) && current.kind === 'conflict' && <p className="small"><a href={`#/${current.tbl}/${current.row_id}`}>{t('reviews.openRecord')}</a></p>}
              {!mayResolve && <p className="muted small" role="note">{t('hub.reviewAdminOnly')}</p>}
              {current.kind === 'conflict' ? (
                <>
                  <p>{t('reviews.conflictOn', { field: fieldLabel(t, current.tbl, current.field) })}</p>
                  <div className="review-values">
                    <div data-side="kept">
                      <div className="muted small">{t('reviews.kept')}</div>
                      <div className="value">{show(current, current.current)}</div>
                      <div className="muted small">{t('reviews.keptWhy')}</div>
                      {current.keptBy && <div className="muted small">{t('reviews.keptBy', { user: current.keptBy, device: current.keptDevice ?? '?', time: formatDateTime(current.keptAt!, i18n.language) })}</div>}
                    </div>
                    <div data-side="lost">
                      <div className="muted small">{t('reviews.lost')}</div>
                      <div className="value">{show(current, current.lost)}</div>
                      <div className="muted small">{t('reviews.lostBy', { user: current.lostBy, device: current.lostDevice ?? '?', time: formatDateTime(current.lostAt, i18n.language) })}</div>
                    </div>
                  </div>
                  <div className="review-choices">
                    <button ref={firstChoice} type="button" disabled={!mayResolve} onClick={() => choose(1)}><kbd className="key">1</kbd>{t('reviews.keepThis', { value: show(current, current.current) })}</button>
                    <button type="button" disabled={!mayResolve} onClick={() => choose(2)}><kbd className="key">2</kbd>{t('reviews.takeThat', { value: show(current, current.lost) })}</button>
                    {TYPED.has(def?.kind) && (typing ? (
                      <form className="other" onSubmit={(e) => { e.preventDefault(); submitOther(); }}>
                        {def?.kind === 'enum' ? (
                          <select ref={otherInput} aria-label={t('reviews.otherValue')} value={other} onChange={(e) => setOther(e.target.value)}>
                            <option value="">{t('common.none')}</option>
                            {Object.keys(t(`enum.${def.enumName}`, { returnObjects: true }) as Record<string, string>).map((code) => <option key={code} value={code}>{t(`enum.${def.enumName}.${code}`)}</option>)}
                          </select>
                        ) : (
                          <input ref={otherInput} aria-label={t('reviews.otherValue')} type={def?.kind === 'date' ? 'date' : 'text'} inputMode={def?.kind === 'number' || def?.kind === 'money' ? 'decimal' : undefined} placeholder={def?.kind === 'money' ? t('common.wan') : ''} value={other} onChange={(e) => setOther(e.target.value)} onKeyDown={(e) => e.key === 'Escape' && (setTyping(false), list.current?.focus())} />
                        )}
                        <button type="submit" className="primary">{t('reviews.useOther')}</button>
                      </form>
                    ) : (
                      <button type="button" disabled={!mayResolve} onClick={() => choose(3)}><kbd className="key">3</kbd>{t('reviews.typeOther')}</button>
                    ))}
                  </div>
                </>
              ) : (
                <>
                  <p>{t('reviews.deletedEditText', { user: current.lostBy, device: current.lostDevice ?? '?', time: formatDateTime(current.lostAt, i18n.language) })}</p>
                  <ul>
                    {Object.entries((current.lost ?? {}) as Record<string, unknown>).map(([f, v]) => (
                      <li key={f}>{fieldLabel(t, current.tbl, f)}: <strong>{showValue(t, i18n.language, fieldOf(current.tbl, f), v)}</strong></li>
                    ))}
                  </ul>
                  <div className="review-choices">
                    <button ref={firstChoice} type="button" disabled={!mayResolve} onClick={() => choose(1)}><kbd className="key">1</kbd>{t('reviews.restore')}</button>
                    <button type="button" disabled={!mayResolve} onClick={() => choose(2)}><kbd className="key">2</kbd>{t('reviews.leaveDeleted')}</button>
                  </div>
                </>
              )}
              {error && <p className="form-error" role="alert">{error}</p>}
            </section>
          )}
        </>
      )}
      <section className="card review-resolved" aria-labelledby="resolved-title">
        <h2 id="resolved-title">{t('reviews.resolved')}</h2>
        {resolved.length === 0 ? <p className="muted">{t('reviews.noneResolved')}</p> : (
          <table className="list">
            <thead><tr><th>{t('reviews.record')}</th><th>{t('reviews.field')}</th><th>{t('reviews.outcome')}</th><th>{t('reviews.who')}</th></tr></thead>
            <tbody>
              {resolved.map((r) => (
                <tr key={r.id}>
                  <td>{recordName(r)}</td>
                  <td>{r.kind === 'deleted_edit' ? t('reviews.deletedEdit') : fieldLabel(t, r.tbl, r.field)}</td>
                  <td>{t(`reviews.choice.${r.resolution ?? 'kept'}`)}{r.kind === 'conflict' ? ` → ${show(r, r.current)}` : ''}</td>
                  <td>{r.resolvedBy} · {formatDateTime(r.resolvedAt, i18n.language)}</td>
                </tr>
              ))}
            </tbody>
          </table>
        )}
      </section>
    </div>
  );
}
