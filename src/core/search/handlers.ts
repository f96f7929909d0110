import { z } from 'zod';
import { readHandler, slice } from '../handler';
import type { Db } from '../db/open';
import { isAllCjk, matchExpression } from './tokens';

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
 * A word in at least this many names is looked for by walking the names shortest first (an index on
 * (length, name), migration 0014) and testing each, instead of sorting every name that has it: 数据 is
 * in about 400,000 of a million names, and sorting them took 0.7 s; the walk meets 20 of them within a
 * few dozen names. Below it the matches are few enough to sort.
 */
const WALK_NAMES_FROM = 5_000;

/** Whether the full-text index holds at least WALK_NAMES_FROM rows for a match (counting stops there). */
function common(db: Db, fts: string, expr: string, from: number): boolean {
  const row = db.prepare(`SELECT count(*) AS n FROM (SELECT rowid FROM ${fts} WHERE ${fts} MATCH ? LIMIT ?)`).get(expr, from) as { n: number };
  return row.n >= from;
}

/**
 * Global search over enterprises and leads, best first: credit-code prefix (the B-tree index on
 * uscc), then names that contain what was typed, then records found only through their tags (the
 * demo's "演示数据" tag must not crowd out real name matches), each hit saying where it matched.
 * Chinese 1+ characters and other words by prefix go through FTS; the name check is a LIKE on the
 * FTS candidates.
 */
export function search(db: Db, query: string, limit: number, walkNamesFrom = WALK_NAMES_FROM): SearchHit[] {
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
    // Chinese text in a name is always in its full-text tokens, so for an all-CJK query the name test
    // alone finds the name matches and the walk needs no full-text lookup. (A Latin word is matched by
    // prefix in the index but as a substring by LIKE: there the index stays part of the condition.)
    const walk = (fts: string) => isAllCjk(parts.join('')) && common(db, fts, expr, walkNamesFrom);
    const enterprises = (where: string, n: number) =>
      where === 'name' && walk('enterprises_fts')
        ? (db.prepare(`SELECT 'enterprises' AS entity, e.id, e.name, e.uscc, e.status, 'name' AS matchedIn FROM enterprises e INDEXED BY enterprises_name_length
            WHERE e.deleted = 0 AND ${inName('e.name')} ORDER BY length(e.name), e.name, e.rowid LIMIT ?`).all(...likes, n) as SearchHit[])
        : (db.prepare(`SELECT 'enterprises' AS entity, e.id, e.name, e.uscc, e.status, '${where === 'name' ? 'name' : 'tags'}' AS matchedIn FROM enterprises_fts f JOIN enterprises e ON e.rowid = f.rowid
            WHERE enterprises_fts MATCH ? AND ${where === 'name' ? '' : 'NOT '}(${inName('e.name')}) ORDER BY length(e.name), e.name, e.rowid LIMIT ?`).all(expr, ...likes, n) as SearchHit[]);
    const leads = () =>
      walk('leads_fts')
        ? (db.prepare(`SELECT 'leads' AS entity, l.id, l.company AS name, l.uscc, l.stage AS status, 'name' AS matchedIn FROM leads l INDEXED BY leads_company_length
            WHERE l.deleted = 0 AND ${inName('l.company')} ORDER BY length(l.company), l.company, l.rowid LIMIT ?`).all(...likes, limit) as SearchHit[])
        : (db.prepare(`SELECT 'leads' AS entity, l.id, l.company AS name, l.uscc, l.stage AS status, 'name' AS matchedIn FROM leads_fts f JOIN leads l ON l.rowid = f.rowid
            WHERE leads_fts MATCH ? AND ${inName('l.company')} ORDER BY length(l.company), l.company, l.rowid LIMIT ?`).all(expr, ...likes, limit) as SearchHit[]);
    // Name matches of both registries together, the closest (shortest) names first.
    const byName = [...enterprises('name', limit), ...leads()];
    hits.push(...byName.sort((a, b) => a.name.length - b.name.length || (a.name < b.name ? -1 : a.name > b.name ? 1 : 0)));
    if (hits.length < limit) hits.push(...enterprises('tags', limit - hits.length));
  }
  const seen = new Set<string>();
  return hits.filter((h) => !seen.has(h.id) && seen.add(h.id)).slice(0, limit);
}

export const searchHandlers = slice('search', {
  query: readHandler(z.strictObject({ q: z.string().max(100), limit: z.number().int().min(1).max(100).default(20) }), (ctx, { q, limit }) => search(ctx.db, q, limit)),
});
