/**
 * A grid's view (filters, sort) in the address, so it survives navigation and can be linked:
 * `#/leads?stage=signed,starting&next_follow_up=2020-01-01..2020-12-31&sort=company:desc`. A text
 * `equals` (and a pick list) reads `col=value`, a date range `col=FROM..TO`; any other filter goes
 * into `filter=` as JSON. The last view of each grid is also kept for the session, so returning to
 * the page from the sidebar shows it again.
 */
export type FilterModel = Record<string, Record<string, unknown>>;
export type SortModel = { colId: string; sort: 'asc' | 'desc' }[];
export interface GridUrlState {
  filter: FilterModel;
  sort: SortModel;
}

const RESERVED = new Set(['filter', 'sort', 'view']);
const RANGE = /^(\d{4}-\d\d-\d\d)\.\.(\d{4}-\d\d-\d\d)$/;

export function encodeGridState(state: GridUrlState): string {
  const params = new URLSearchParams();
  const rest: FilterModel = {};
  for (const [col, m] of Object.entries(state.filter)) {
    if (m.filterType === 'text' && m.type === 'equals' && typeof m.filter === 'string' && !RANGE.test(m.filter)) params.set(col, m.filter);
    else if (m.filterType === 'date' && m.type === 'inRange' && m.dateFrom && m.dateTo) params.set(col, `${String(m.dateFrom).slice(0, 10)}..${String(m.dateTo).slice(0, 10)}`);
    else rest[col] = m;
  }
  if (Object.keys(rest).length) params.set('filter', JSON.stringify(rest));
  if (state.sort.length) params.set('sort', state.sort.map((s) => (s.sort === 'desc' ? `${s.colId}:desc` : s.colId)).join(','));
  return params.toString();
}

/** The state an address asks for; `isDate` says which columns take dates; unknown columns are ignored. */
export function decodeGridState(params: URLSearchParams, known: (col: string) => boolean, isDate: (col: string) => boolean): GridUrlState {
  const filter: FilterModel = {};
  for (const [col, v] of params) {
    if (RESERVED.has(col) || !known(col) || !v) continue;
    const range = v.match(RANGE);
    if (range) filter[col] = { filterType: 'date', type: 'inRange', dateFrom: `${range[1]} 00:00:00`, dateTo: `${range[2]} 00:00:00` };
    else if (isDate(col) && /^\d{4}-\d\d-\d\d$/.test(v)) filter[col] = { filterType: 'date', type: 'equals', dateFrom: `${v} 00:00:00` };
    else filter[col] = { filterType: 'text', type: 'equals', filter: v };
  }
  const json = params.get('filter');
  if (json) {
    try {
      const parsed = JSON.parse(json) as FilterModel;
      for (const [col, m] of Object.entries(parsed)) if (known(col) && m && typeof m === 'object') filter[col] = m;
    } catch {
      // A hand-edited address with broken JSON: the simple filters still apply.
    }
  }
  const sort: SortModel = (params.get('sort') ?? '')
    .split(',')
    .filter(Boolean)
    .map((s) => s.split(':'))
    .filter(([col]) => known(col!))
    .map(([col, dir]) => ({ colId: col!, sort: dir === 'desc' ? 'desc' : 'asc' }));
  return { filter, sort };
}

const storageKey = (area: string) => `parkpilot.grid.${area}`;
export const rememberGridQuery = (area: string, query: string) => sessionStorage.setItem(storageKey(area), query);
export const rememberedGridQuery = (area: string) => sessionStorage.getItem(storageKey(area)) ?? '';
