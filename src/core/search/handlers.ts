import { z } from 'zod';
import { readHandler, slice } from '../handler';
import type { Db } from '../db/open';
import { matchExpression } from './tokens';

export interface SearchHit {
  entity: 'enterprises' | 'leads';
  id: string;
  name: string;
  uscc: string | null;
  status: string;
}

const USCC_PREFIX = /^[0-9A-HJ-NP-RTUW-Y]{2,18}$/;

/**
 * Global search over enterprises and leads: by name (Chinese 1+ characters, other words by prefix)
 * or by USCC prefix (served by the B-tree index on uscc, not by FTS).
 */
export function search(db: Db, query: string, limit: number): SearchHit[] {
  const q = query.trim();
  if (!q) return [];
  const upper = q.toUpperCase();
  const hits: SearchHit[] = [];
  if (USCC_PREFIX.test(upper) && /\d/.test(upper)) {
    const range = [upper, `${upper}\uffff`];
    hits.push(
      ...(db.prepare("SELECT 'enterprises' AS entity, id, name, uscc, status FROM enterprises WHERE deleted = 0 AND uscc >= ? AND uscc < ? ORDER BY uscc LIMIT ?").all(...range, limit) as SearchHit[]),
      ...(db.prepare("SELECT 'leads' AS entity, id, company AS name, uscc, stage AS status FROM leads WHERE deleted = 0 AND uscc >= ? AND uscc < ? ORDER BY uscc LIMIT ?").all(...range, limit) as SearchHit[]),
    );
  }
  const expr = matchExpression(q);
  if (expr && hits.length < limit) {
    hits.push(
      ...(db
        .prepare("SELECT 'enterprises' AS entity, e.id, e.name, e.uscc, e.status FROM enterprises_fts f JOIN enterprises e ON e.rowid = f.rowid WHERE enterprises_fts MATCH ? LIMIT ?")
        .all(expr, limit) as SearchHit[]),
      ...(db
        .prepare("SELECT 'leads' AS entity, l.id, l.company AS name, l.uscc, l.stage AS status FROM leads_fts f JOIN leads l ON l.rowid = f.rowid WHERE leads_fts MATCH ? LIMIT ?")
        .all(expr, limit) as SearchHit[]),
    );
  }
  const seen = new Set<string>();
  return hits.filter((h) => !seen.has(h.id) && seen.add(h.id)).slice(0, limit);
}

export const searchHandlers = slice('search', {
  query: readHandler(z.strictObject({ q: z.string().max(100), limit: z.number().int().min(1).max(100).default(20) }), (ctx, { q, limit }) => search(ctx.db, q, limit)),
});
