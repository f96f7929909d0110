import { useEffect, useState } from 'react';
import { useTranslation } from 'react-i18next';
import { api } from '../api/client';
import { useCoreData } from '../lib/useCoreData';
import { ErrorBanner } from './ErrorBanner';
import { navigate } from '../lib/route';
import { Modal } from './Modal';

type Hit = Awaited<ReturnType<(typeof api)['search.query']>>[number];

/** Hits shown at once; beyond them "see all" opens the registry filtered by the name. */
const LIMIT = 20;

/** Global search (Ctrl/Cmd+K): enterprises and leads by name or credit code. */
export function SearchDialog({ open, onClose }: { open: boolean; onClose: () => void }) {
  const { t } = useTranslation();
  const [q, setQ] = useState('');
  const [active, setActive] = useState(0);
  /** The query once typing pauses for 120 ms. */
  const [settled, setSettled] = useState('');

  useEffect(() => {
    if (!open) return void setQ('');
  }, [open]);

  useEffect(() => {
    const timer = setTimeout(() => setSettled(q.trim() ? q : ''), q.trim() ? 120 : 0);
    return () => clearTimeout(timer);
  }, [q]);
  const found = useCoreData(settled ? () => api['search.query']({ q: settled, limit: LIMIT }) : null, [settled], ['enterprises', 'leads']);
  const hits: Hit[] = q.trim() && settled ? (found.data ?? []) : [];
  const busy = q !== settled || found.loading;
  useEffect(() => setActive(0), [found.data]);

  const openHit = (h: Hit | undefined) => {
    if (!h) return;
    onClose();
    navigate(`${h.entity}/${h.id}`);
  };

  return (
    <Modal open={open} onClose={onClose} label={t('app.search')} className="search-dialog">
      <input
        autoFocus
        type="search"
        role="combobox"
        aria-expanded={hits.length > 0}
        aria-controls="search-results"
        aria-label={t('app.search')}
        placeholder={t('app.searchPlaceholder')}
        value={q}
        onChange={(e) => setQ(e.target.value)}
        onKeyDown={(e) => {
          // Enter and Esc while a pinyin IME composes belong to the IME (they pick or drop the candidate).
          if (e.nativeEvent.isComposing) return;
          if (e.key === 'ArrowDown') setActive((a) => Math.min(a + 1, hits.length - 1));
          else if (e.key === 'ArrowUp') setActive((a) => Math.max(a - 1, 0));
          else if (e.key === 'Enter') openHit(hits[active]);
          // A search box with text takes the first Esc to clear itself; the hint promises Esc closes.
          else if (e.key === 'Escape') onClose();
          else return;
          e.preventDefault();
        }}
      />
      <ul id="search-results" role="listbox" className="search-results">
        {hits.map((h, i) => (
          <li key={h.id} role="option" aria-selected={i === active} className={i === active ? 'active' : ''} onMouseEnter={() => setActive(i)} onClick={() => openHit(h)}>
            <span className="hit-kind">{t(`nav.${h.entity}`)}</span>
            <span className="hit-name">{h.name}{h.matchedIn === 'tags' && <span className="hit-where">{t('app.matchedInTags')}</span>}</span>
            <span className="hit-code">{h.uscc ?? ''}</span>
            <span className="hit-status">{t(`enum.${h.entity === 'enterprises' ? 'enterpriseStatus' : 'leadStage'}.${h.status}`)}</span>
          </li>
        ))}
      </ul>
      <ErrorBanner error={found.error} />
      {q.trim() && hits.length >= LIMIT && (
        <p className="search-more">
          {t('app.moreResults', { n: LIMIT })}{' '}
          {(['enterprises', 'leads'] as const).map((area) => (
            <button key={area} type="button" className="link-button" onClick={() => { onClose(); navigate(`${area}?q=${encodeURIComponent(q.trim())}`); }}>
              {t('app.seeAllIn', { area: t(`nav.${area}`) })}
            </button>
          ))}
        </p>
      )}
      <p className="search-foot">{!q.trim() ? t('app.typeToSearch') : !busy && hits.length === 0 ? t('app.noResults') : t('app.searchHint')}</p>
    </Modal>
  );
}
