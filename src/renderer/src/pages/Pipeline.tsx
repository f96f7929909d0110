import { useEffect, useRef, useState, type DragEvent, type KeyboardEvent } from 'react';
import { useTranslation } from 'react-i18next';
import { api, errorText } from '../api/client';
import { ErrorBanner } from '../components/ErrorBanner';
import { ConvertDialog } from '../components/ConvertDialog';
import { Modal } from '../components/Modal';
import { useToast } from '../components/Toasts';
import { formatDate, formatWan } from '../lib/format';
import { navigate } from '../lib/route';
import { useWriteAccess } from '../hub/useWriteAccess';
import { useCoreData } from '../lib/useCoreData';

type Column = Awaited<ReturnType<(typeof api)['leads.board']>>[number];
type Card = Column['leads'][number];

/**
 * The investment pipeline as a kanban board. Drag a card to another stage, or focus it and press
 * Alt+→ / Alt+← (Enter opens the lead). A drop on a lost stage asks for the reason; won leads offer
 * "convert to enterprise".
 */
export function Pipeline() {
  const { t, i18n } = useTranslation();
  const toast = useToast();
  const [filters, setFilters] = useState<{ owner_id?: string; industry?: string; source?: string }>({});
  const [lostFor, setLostFor] = useState<{ card: Card; stage: string } | null>(null);
  const [reason, setReason] = useState('');
  const [converting, setConverting] = useState<Card | null>(null);
  const [dragOver, setDragOver] = useState<string | null>(null);
  // An office-hub role that reads only sees the board but moves no card.
  const access = useWriteAccess('leads');

  const boardData = useCoreData(() => api['leads.board'](Object.fromEntries(Object.entries(filters).filter(([, v]) => v))), [filters], ['leads', 'pipeline_stages', 'staff']);
  const board: Column[] | null = boardData.data;
  const load = boardData.reload;
  const staff = useCoreData(() => api['staff.list']({}), [], ['staff']).data ?? [];
  const industries = useCoreData(() => api['industries.list']({}), [], ['industries']).data ?? [];
  // After a move, focus follows the card into its new column once the board shows it there (a fixed
  // delay lost the race when the reload took longer), so moves can be repeated from the keyboard.
  const refocus = useRef<{ id: string; stage: string } | null>(null);
  useEffect(() => {
    const want = refocus.current;
    const el = want && board ? document.querySelector<HTMLElement>(`[data-stage="${want.stage}"] [data-card="${want.id}"]`) : null;
    if (el) {
      el.focus();
      refocus.current = null;
    }
  }, [board]);

  const move = async (card: Card, stage: string, lostReason?: string) => {
    if (card.stage === stage) return;
    const target = board?.find((c) => c.id === stage);
    if (target?.kind === 'lost' && !lostReason) {
      setReason('');
      setLostFor({ card, stage });
      return;
    }
    try {
      await api['leads.moveStage']({ id: card.id, stage, ...(lostReason ? { lost_reason: lostReason } : {}) });
      const made = { card, stage, undone: false };
      lastMove.current = made;
      toast({ kind: 'info', text: t('pipeline.moved', { name: card.company, stage: t(`enum.leadStage.${stage}`) }), action: { label: t('common.undo'), run: () => void undo(made) } });
      refocus.current = { id: card.id, stage };
      await load();
    } catch (err) {
      toast({ kind: 'error', text: errorText(err) });
    }
  };

  // The last move made on this board, which Ctrl+Z (or the notice's Undo) takes back: the lead returns to
  // its stage and the move is withdrawn from its history (leads.undoMove), once.
  // A move is undone once, by whichever comes first (its notice's button stays up after Ctrl+Z).
  type Move = { card: Card; stage: string; undone: boolean };
  const lastMove = useRef<Move | null>(null);
  const undo = async (m: Move) => {
    if (m.undone) return;
    m.undone = true;
    if (lastMove.current === m) lastMove.current = null;
    try {
      await api['leads.undoMove']({ id: m.card.id, stage: m.stage });
      toast({ kind: 'info', text: t('pipeline.moved', { name: m.card.company, stage: t(`enum.leadStage.${m.card.stage}`) }) });
      refocus.current = { id: m.card.id, stage: m.card.stage };
      await load();
    } catch (err) {
      toast({ kind: 'error', text: errorText(err) });
    }
  };
  useEffect(() => {
    const onKey = (e: globalThis.KeyboardEvent) => {
      if (!(e.ctrlKey || e.metaKey) || e.key.toLowerCase() !== 'z' || e.shiftKey || e.altKey || e.defaultPrevented || !lastMove.current) return;
      // Typing in a field keeps its own undo; a dialog over the board (lost reason, convert, search) is not the board.
      if (e.target instanceof HTMLElement && e.target.closest('input, textarea, select, [contenteditable="true"]')) return;
      if (document.querySelector('dialog[open]')) return;
      e.preventDefault();
      void undo(lastMove.current);
    };
    window.addEventListener('keydown', onKey);
    return () => window.removeEventListener('keydown', onKey);
  });

  const onKey = (e: KeyboardEvent, card: Card) => {
    if (e.key === 'Enter') return navigate(`leads/${card.id}`);
    if (!e.altKey || !board || !access.canWrite || (e.key !== 'ArrowRight' && e.key !== 'ArrowLeft')) return;
    e.preventDefault();
    const i = board.findIndex((c) => c.id === card.stage);
    const next = board[i + (e.key === 'ArrowRight' ? 1 : -1)];
    if (next) void move(card, next.id);
  };

  const onDrop = (e: DragEvent, stage: string) => {
    e.preventDefault();
    setDragOver(null);
    const id = e.dataTransfer.getData('text/plain');
    const card = board?.flatMap((c) => c.leads).find((l) => l.id === id);
    if (card && access.canWrite) void move(card, stage);
  };

  const select = (key: 'owner_id' | 'industry' | 'source', label: string, options: { value: string; label: string }[]) => (
    <label className="inline">
      {label}
      <select aria-label={label} value={filters[key] ?? ''} onChange={(e) => setFilters({ ...filters, [key]: e.target.value || undefined })}>
        <option value="">{t('pipeline.all')}</option>
        {options.map((o) => <option key={o.value} value={o.value}>{o.label}</option>)}
      </select>
    </label>
  );

  return (
    <div className="pipeline">
      <div className="toolbar">
        <h1>{t('nav.pipeline')}</h1>
        <span className="muted small" role={access.reason ? 'note' : undefined}>{access.reason ?? t('pipeline.hint')}</span>
        <div className="spacer" />
        {select('owner_id', t('field.owner_id'), staff.filter((s) => s.role === 'investment').map((s) => ({ value: s.id, label: s.name })))}
        {select('industry', t('field.industry'), industries.map((i) => ({ value: i.id, label: t(`enum.industry.${i.id}`) })))}
        {select('source', t('field.source'), Object.keys(t('enum.leadSource', { returnObjects: true }) as Record<string, string>).map((c) => ({ value: c, label: t(`enum.leadSource.${c}`) })))}
        <a href="#/leads">{t('pipeline.asGrid')}</a>
      </div>
      <ErrorBanner error={boardData.error} />
      {!board ? (!boardData.error && <p className="muted">{t('common.loading')}</p>) : (
        <div className="board">
          {board.map((col) => (
            <section
              key={col.id}
              className={`board-col kind-${col.kind} ${dragOver === col.id ? 'drag-over' : ''}`}
              aria-label={t(`enum.leadStage.${col.id}`)}
              data-stage={col.id}
              onDragOver={(e) => { if (!access.canWrite) return; e.preventDefault(); setDragOver(col.id); }}
              onDragLeave={() => setDragOver(null)}
              onDrop={(e) => onDrop(e, col.id)}
            >
              <header>
                <span>{t(`enum.leadStage.${col.id}`)}</span>
                <span className="count-badge">{col.count}</span>
                <span className="col-total small" data-total={col.investment}>{t('pipeline.investmentTotal', { amount: formatWan(col.investment, i18n.language) })}</span>
              </header>
              <ul>
                {col.leads.map((card) => (
                  <li
                    key={card.id}
                    className={`board-card ${card.overdue ? 'overdue' : ''}`}
                    data-card={card.id}
                    tabIndex={0}
                    draggable={access.canWrite}
                    aria-label={card.company}
                    aria-keyshortcuts={access.canWrite ? 'Alt+ArrowRight Alt+ArrowLeft Enter' : 'Enter'}
                    onDragStart={(e) => e.dataTransfer.setData('text/plain', card.id)}
                    onKeyDown={(e) => onKey(e, card)}
                    onDoubleClick={() => navigate(`leads/${card.id}`)}
                  >
                    <div className="card-title">{card.company}</div>
                    <div className="muted small">
                      {card.intended_investment != null && <span>{formatWan(card.intended_investment, i18n.language)} {t('common.wan')} · </span>}
                      {card.owner_name ?? t('common.none')}
                    </div>
                    {card.next_follow_up && <div className={`small ${card.overdue ? 'overdue-text' : 'muted'}`}>{t('pipeline.followUp', { date: formatDate(card.next_follow_up, i18n.language) })}</div>}
                    {col.kind === 'won' && !card.enterprise_id && (
                      <button type="button" className="small-button" onClick={() => setConverting(card)}>{t('pipeline.convert')}</button>
                    )}
                    {card.enterprise_id && <a className="small" href={`#/enterprises/${card.enterprise_id}`}>{t('pipeline.linked')}</a>}
                  </li>
                ))}
                {col.count > col.leads.length && <li className="muted small">{t('pipeline.more', { n: col.count - col.leads.length })}</li>}
              </ul>
            </section>
          ))}
        </div>
      )}
      <Modal open={!!lostFor} onClose={() => setLostFor(null)} label={t('pipeline.lostTitle')} className="confirm">
        <h2>{t('pipeline.lostTitle')}</h2>
        <p>{lostFor?.card.company}</p>
        <label className="stack">
          {t('field.lost_reason')}
          <input autoFocus value={reason} onChange={(e) => setReason(e.target.value)} onKeyDown={(e) => { if (e.key === 'Enter' && reason.trim() && lostFor) { void move(lostFor.card, lostFor.stage, reason.trim()); setLostFor(null); } }} />
        </label>
        <div className="actions">
          <button type="button" onClick={() => setLostFor(null)}>{t('common.cancel')}</button>
          <button type="button" className="primary" disabled={!reason.trim()} onClick={() => { if (lostFor) void move(lostFor.card, lostFor.stage, reason.trim()); setLostFor(null); }}>{t('common.save')}</button>
        </div>
      </Modal>
      {converting && <ConvertDialog leadId={converting.id} company={converting.company} onClose={() => setConverting(null)} onDone={() => { setConverting(null); void load(); }} />}
    </div>
  );
}
