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
  /** Where the query was found: the name or the credit code rank first; tags after them, marked. */
  matchedIn: 'code' | 'name' | 'tags';
}

const USCC_PREFIX = /^[0-9A-HJ-NP-RTUW-Y]{2,18}$/;
const CJK_RUN = /[\u3400-\u9fff\uf900-\ufaff]+/g;

/** The parts of a query that a name must contain (each CJK run, each other word) to count as a name match. */
function nameParts(q: string): string[] {
  const parts: string[] = [];
  const rest = q.replace(CJK_RUN, (run) => (parts.push(run), ' '));
  for (const w of rest.split(/[^\p{L}\p{N}]+/u)) if (w) parts.push(w);
  return parts;
}

const likeOf = (s: string) => `%${s.replace(/[\\%_]/g, (c) => `\\${c}`)}%`;

/**
 * Global search over enterprises and leads, best first: credit-code prefix (the B-tree index on
 * uscc), then names that contain what was typed, then records found only through their tags (the
 * demo's "演示数据" tag must not crowd out real name matches), each hit saying where it matched.
 * Chinese 1+ characters and other words by prefix go through FTS; the name check is a LIKE on the
 * FTS candidates.
 */
export function search(db: Db, query: string, limit: number): SearchHit[] {
  const q = query.trim();
  if (!q) return [];
  const upper = q.toUpperCase();
  const hits: SearchHit[] = [];
  if (USCC_PREFIX.test(upper) && /\d/.test(upper)) {
    const range = [upper, `${upper}\uffff`];
    hits.push(
      ...(db.prepare("SELECT 'enterprises' AS entity, id, name, uscc, status, 'code' AS matchedIn FROM enterprises WHERE deleted = 0 AND uscc >= ? AND uscc < ? ORDER BY uscc LIMIT ?").all(...range, limit) as SearchHit[]),
      ...(db.prepare("SELECT 'leads' AS entity, id, company AS name, uscc, stage AS status, 'code' AS matchedIn FROM leads WHERE deleted = 0 AND uscc >= ? AND uscc < ? ORDER BY uscc LIMIT ?").all(...range, limit) as SearchHit[]),
    );
  }
  const expr = matchExpression(q);
  const parts = nameParts(q);
  if (expr && parts.length && hits.length < limit) {
    const inName = (col: string) => parts.map(() => `${col} LIKE ? ESCAPE '\\'`).join(' AND ');
    const likes = parts.map(likeOf);
    const enterprises = (where: string, n: number) =>
      db.prepare(`SELECT 'enterprises' AS entity, e.id, e.name, e.uscc, e.status, '${where === 'name' ? 'name' : 'tags'}' AS matchedIn FROM enterprises_fts f JOIN enterprises e ON e.rowid = f.rowid
        WHERE enterprises_fts MATCH ? AND ${where === 'name' ? '' : 'NOT '}(${inName('e.name')}) ORDER BY length(e.name), e.name LIMIT ?`).all(expr, ...likes, n) as SearchHit[];
    // Name matches of both registries together, the closest (shortest) names first.
    const byName = [
      ...enterprises('name', limit),
      ...(db
        .prepare(`SELECT 'leads' AS entity, l.id, l.company AS name, l.uscc, l.stage AS status, 'name' AS matchedIn FROM leads_fts f JOIN leads l ON l.rowid = f.rowid
          WHERE leads_fts MATCH ? AND ${inName('l.company')} ORDER BY length(l.company), l.company LIMIT ?`)
        .all(expr, ...likes, limit) as SearchHit[]),
    ];
    hits.push(...byName.sort((a, b) => a.name.length - b.name.length || (a.name < b.name ? -1 : a.name > b.name ? 1 : 0)));
    if (hits.length < limit) hits.push(...enterprises('tags', limit - hits.length));
  }
  const seen = new Set<string>();
  return hits.filter((h) => !seen.has(h.id) && seen.add(h.id)).slice(0, limit);
}

export const searchHandlers = slice('search', {
  query: readHandler(z.strictObject({ q: z.string().max(100), limit: z.number().int().min(1).max(100).default(20) }), (ctx, { q, limit }) => search(ctx.db, q, limit)),
});
