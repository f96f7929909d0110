import { useEffect, useState } from 'react';
import { api } from '../api/client';
import { useCoreData } from '../lib/useCoreData';

/** Picks a park enterprise by typing part of its name or credit code. Holds the id. */
export function EnterprisePicker({ id, name, value, initialName, onChange }: { id: string; name: string; value: string; initialName: string; onChange: (id: string) => void }) {
  const [text, setText] = useState(initialName);
  /** The text to look up, once typing pauses; '' while it is empty, the chosen name or cleared by a pick. */
  const [query, setQuery] = useState('');
  useEffect(() => {
    const next = !text.trim() || text === initialName ? '' : text;
    const timer = setTimeout(() => setQuery(next), next ? 150 : 0);
    return () => clearTimeout(timer);
  }, [text, initialName]);
  const found = useCoreData(query ? () => api['search.query']({ q: query, limit: 10 }) : null, [query], ['enterprises']);
  const hits = query ? (found.data ?? []).filter((h) => h.entity === 'enterprises') : [];
  const closeList = () => setQuery('');
  return (
    <div className="picker">
      <input id={id} name={name} value={text} autoComplete="off" onChange={(e) => { setText(e.target.value); if (!e.target.value) onChange(''); }} data-selected={value || undefined} />
      {hits.length > 0 && (
        <ul className="picker-list" role="listbox">
          {hits.map((h) => (
            <li key={h.id} role="option" aria-selected={h.id === value} tabIndex={0} onClick={() => { onChange(h.id); setText(h.name); closeList(); }} onKeyDown={(e) => { if (e.key === 'Enter') { e.preventDefault(); onChange(h.id); setText(h.name); closeList(); } }}>
              {h.name}
            </li>
          ))}
        </ul>
      )}
    </div>
  );
}
