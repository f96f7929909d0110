/**
 * A fixed roster of a few thousand rows with what real rosters hold (a title row above the header,
 * blank rows, bad cells, duplicates by credit code and by name, rows the rules refuse, contacts,
 * text that needs quoting) and a canonical dump of everything an import leaves in the database:
 * the rows, the change log, the search index, the Overview aggregates, the batch, the report and the
 * correction workbook. Ids and clock stamps become their rank, so the dump compares the work done,
 * not when it ran. `import-equivalence.test.ts` holds the importer to the dump the path before the
 * streaming/worker change produced (tests/fixtures/import-equivalence/expected.json.gz).
 */
import type { ParkCore } from '../../src/core/service';
import { completeUscc } from '../../src/core/util/uscc';

function mulberry32(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

/** Eight characters of a credit code's organisation part for a number (digits and allowed letters). */
const digits = (n: number) => { const abc = '0123456789ABCDEFGHJKLMNPQRTUWXY'; let s = ''; for (let i = 0; i < 8; i++, n = Math.floor(n / abc.length)) s = abc[n % abc.length]! + s; return `MA${s.slice(2)}`; };

export type RosterCell = string | number | Date | null;

export const ROSTER_HEADER = ['企业名称', '统一社会信用代码', '所属行业', '企业类型', '状态', '楼栋', '房号', '面积（㎡）', '入驻日期', '迁出日期', '注册资本（万元）', '从业人数', '营业收入（元）', '专利', '联系人', '联系电话', '备注', '内部编号'];

/**
 * The roster: row 1 a title, row 2 the header, then `rows` data rows (some blank). `typed` gives
 * numbers and dates as spreadsheet values (for .xlsx); otherwise every cell is text (for .csv).
 * `variant` 1 is a second file over the same enterprises (for upsert): other figures, some new rows.
 */
export function roster(rows: number, typed: boolean, variant = 0): RosterCell[][] {
  const rand = mulberry32(20261201 + variant);
  const pick = <T>(xs: readonly T[]): T => xs[Math.floor(rand() * xs.length)]!;
  const out: RosterCell[][] = [['园区企业名册（2021 年）'], [...ROSTER_HEADER]];
  const industries = ['大数据', '云计算', '人工智能', '物联网', 'Big data', 'iot', '区块链金融', ''];
  const kinds = ['初创企业', '核心企业', '服务机构', 'startup', '独角兽', ''];
  const statuses = ['入驻', '入驻', '迁出', '毕业', '在孵', ''];
  const day = (i: number) => new Date(Date.UTC(2016 + (i % 6), (i * 7) % 12, 1 + ((i * 13) % 28)));
  const iso = (d: Date) => d.toISOString().slice(0, 10);
  for (let i = 0; i < rows; i++) {
    if (rand() < 0.02) {
      out.push([]);
      continue;
    }
    const n = variant && rand() < 0.3 ? i + 5000 : i;
    const dupOf = i > 10 && rand() < 0.03 ? Math.floor(rand() * i) : -1;
    const name = dupOf >= 0 && rand() < 0.5 ? `珠海${dupOf}号数据科技有限公司` : rand() < 0.01 ? `=HYPERLINK("x")${n}` : `${rand() < 0.02 ? '  ' : ''}珠海${n}号数据科技有限公司`;
    const code = completeUscc(`91440400${digits(dupOf >= 0 && rand() < 0.5 ? dupOf : n)}`);
    const uscc = rand() < 0.1 ? '' : rand() < 0.03 ? `${code.slice(0, 17)}${code.endsWith('0') ? '1' : '0'}` : rand() < 0.05 ? code.toLowerCase() : code;
    const entered = day(n);
    const exited = rand() < 0.15 ? new Date(entered.getTime() + (rand() < 0.1 ? -1 : 1) * 86_400_000 * (30 + Math.floor(rand() * 900))) : null;
    const dateText = (d: Date) => pick([iso(d), iso(d).replace(/-0?/g, '/'), `${d.getUTCFullYear()}年${d.getUTCMonth() + 1}月${d.getUTCDate()}日`, iso(d).replace(/-/g, '')]);
    const area = rand() < 0.05 ? 'abc' : Math.round(rand() * 2000 * 10) / 10;
    const capital = rand() < 0.1 ? null : Math.round(rand() * 5000);
    const headcount = rand() < 0.03 ? 12.5 : Math.floor(rand() * 300);
    const revenue = rand() < 0.2 ? null : Math.round(rand() * 5e7);
    const contact = rand() < 0.6 ? `联系人${n}` : '';
    const phone = rand() < 0.5 ? `1380000${String(n).padStart(4, '0')}` : '';
    const note = pick(['', '', '备注，含逗号', '多行\n备注', '含"引号"的备注', ' 前后空格 ', '生成数据']);
    const cells: RosterCell[] = [
      name, uscc, pick(industries), pick(kinds), pick(statuses), `${1 + (n % 6)}号楼`, String(100 + (n % 900)),
      typed ? area : String(area), typed ? (rand() < 0.05 ? '2021-02-30' : entered) : rand() < 0.05 ? '2021-02-30' : dateText(entered),
      exited ? (typed ? exited : dateText(exited)) : null,
      capital === null ? null : typed ? capital : rand() < 0.3 ? capital.toLocaleString('en-US') : String(capital),
      typed ? headcount : String(headcount), revenue === null ? null : typed ? revenue : String(revenue),
      typed ? Math.floor(rand() * 20) : String(Math.floor(rand() * 20)), contact, phone, note, `E-${n}`,
    ];
    out.push(cells.map((c) => (c === '' ? null : c)));
  }
  return out;
}

export function rosterCsv(rows: RosterCell[][]): string {
  const q = (v: RosterCell) => {
    const s = v === null ? '' : v instanceof Date ? v.toISOString().slice(0, 10) : String(v);
    return /[",\r\n]/.test(s) ? `"${s.replace(/"/g, '""')}"` : s;
  };
  return `\uFEFF${rows.map((r) => r.map(q).join(',')).join('\r\n')}\r\n`;
}

/** Ranks for values that depend on when the run happened (ids, clock stamps): first seen, first rank. */
class Ranks {
  private map = new Map<string, string>();
  constructor(private readonly prefix: string) {}
  of(value: unknown): unknown {
    if (typeof value !== 'string') return value;
    let r = this.map.get(value);
    if (!r) this.map.set(value, (r = `${this.prefix}${this.map.size}`));
    return r;
  }
}

/** Everything an import leaves behind, in a form that does not depend on ids, stamps or time. */
export function importDump(core: ParkCore): Record<string, unknown> {
  const db = core.db;
  const ids = new Ranks('#');
  const stamps = new Ranks('@');
  const batches = new Ranks('batch');
  const enterprises = (db.prepare('SELECT rowid AS rid, * FROM enterprises ORDER BY rowid').all() as Record<string, unknown>[]).map((r) => {
    // qualification_expires is a generated column (migration 0014), derived from the stored list, not stored.
    const { created_at: _c, updated_at: _u, qualification_expires: _q, ...rest } = r;
    return { ...rest, id: ids.of(r.id) } as Record<string, unknown>;
  });
  const rowidRank = new Map(enterprises.map((e, i) => [e.rid as number, i]));
  for (const e of enterprises) delete e.rid;
  const stampRows = db.prepare('SELECT stamp FROM changes ORDER BY stamp').all() as { stamp: string }[];
  for (const s of stampRows) stamps.of(s.stamp);
  const changes = (db.prepare('SELECT * FROM changes ORDER BY seq').all() as Record<string, unknown>[]).map((c) => ({
    stamp: stamps.of(c.stamp), site: c.site, user: c.user, tbl: c.tbl, row_id: ids.of(c.row_id), field: c.field, old_value: c.old_value, new_value: c.new_value, batch: c.batch === null ? null : batches.of(c.batch),
  }));
  db.exec('CREATE VIRTUAL TABLE IF NOT EXISTS temp.enterprise_terms USING fts5vocab(main, enterprises_fts, instance)');
  const search = (db.prepare('SELECT doc, term, offset FROM temp.enterprise_terms').all() as { doc: number; term: string; offset: number }[])
    .map((t) => `${rowidRank.get(t.doc) ?? `?${t.doc}`} ${t.offset} ${t.term}`)
    .sort();
  db.exec('DROP TABLE temp.enterprise_terms');
  const months = db.prepare('SELECT * FROM enterprise_months ORDER BY industry, entry_month, exit_month').all();
  const importBatches = (db.prepare('SELECT * FROM import_batches ORDER BY rowid').all() as Record<string, unknown>[]).map(({ imported_at: _t, ...b }) => ({ ...b, id: batches.of(b.id) }));
  const settings = db.prepare("SELECT key, value FROM settings WHERE key LIKE 'import.%' ORDER BY key").all();
  return { enterprises, changes, search, months, importBatches, settings };
}
