import { useEffect, useState } from 'react';
import { api } from '../api/client';

/** Picks a park enterprise by typing part of its name or credit code. Holds the id. */
export function EnterprisePicker({ id, name, value, initialName, onChange }: { id: string; name: string; value: string; initialName: string; onChange: (id: string) => void }) {
  const [text, setText] = useState(initialName);
  const [hits, setHits] = useState<{ id: string; name: string }[]>([]);
  useEffect(() => {
    if (!text.trim() || text === initialName) return void setHits([]);
    const timer = setTimeout(() => {
      void api['search.query']({ q: text, limit: 10 }).then((r) => setHits(r.filter((h) => h.entity === 'enterprises')));
    }, 150);
    return () => clearTimeout(timer);
  }, [text, initialName]);
  return (
    <div className="picker">
      <input id={id} name={name} value={text} autoComplete="off" onChange={(e) => { setText(e.target.value); if (!e.target.value) onChange(''); }} data-selected={value || undefined} />
      {hits.length > 0 && (
        <ul className="picker-list" role="listbox">
          {hits.map((h) => (
            <li key={h.id} role="option" aria-selected={h.id === value} tabIndex={0} onClick={() => { onChange(h.id); setText(h.name); setHits([]); }} onKeyDown={(e) => { if (e.key === 'Enter') { e.preventDefault(); onChange(h.id); setText(h.name); setHits([]); } }}>
              {h.name}
            </li>
          ))}
        </ul>
      )}
    </div>
  );
}
