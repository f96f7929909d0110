import { describe, expect, it } from 'vitest';
import type { Db } from '../../src/core/db/open';
import { AppError } from '../../src/core/errors';
import { seedReference } from '../../src/core/seed/seed';
import type { ParkCore } from '../../src/core/service';
import { testCore } from './helpers';

/**
 * The Overview reads aggregates the write path keeps (enterprise_months, stage_months, stage_events.until).
 * Here random histories are written through the handlers — creates, edits of dates and industries,
 * deletes and restores, stage moves entered out of date order — and every figure the aggregates give
 * is compared, for many as-of dates, with the same figure computed straight from the rows by the
 * plain SQL the Overview used before the aggregates existed.
 */
const TODAY = '2026-11-21';

/** A small deterministic generator (mulberry32), so a failure names its seed. */
function random(seed: number) {
  let a = seed;
  const next = () => {
    a = (a + 0x6d2b79f5) | 0;
    let t = Math.imul(a ^ (a >>> 15), 1 | a);
    t = (t + Math.imul(t ^ (t >>> 7), 61 | t)) ^ t;
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
  const int = (n: number) => Math.floor(next() * n);
  const pick = <T,>(xs: readonly T[]): T => xs[int(xs.length)]!;
  // Dates cluster on month edges, where whole-month aggregates meet exact day checks.
  const date = () => {
    const y = 2018 + int(4);
    const m = 1 + int(12);
    const d = pick([1, 1, 2, 15, 28, 30, 31].filter((x) => x <= new Date(Date.UTC(y, m, 0)).getUTCDate()));
    return `${y}-${String(m).padStart(2, '0')}-${String(d).padStart(2, '0')}`;
  };
  return { next, int, pick, date };
}

// ---- the reference: the Overview's former SQL, straight over the rows ----

function refStagesOn(db: Db, entity: 'leads' | 'incubations', asOf: string): Record<string, number> {
  const rows = db
    .prepare(
      `SELECT e.stage AS stage, count(*) AS n FROM (
         SELECT row_id, stage, row_number() OVER (PARTITION BY row_id ORDER BY date DESC, rowid DESC) AS rn
         FROM stage_events WHERE entity = ? AND deleted = 0 AND date <= ?
       ) e JOIN ${entity} t ON t.id = e.row_id AND t.deleted = 0 WHERE e.rn = 1 GROUP BY e.stage`,
    )
    .all(entity, asOf) as { stage: string; n: number }[];
  return Object.fromEntries(rows.map((r) => [r.stage, r.n]));
}

function refTimeInStage(db: Db, entity: string, asOf: string) {
  return db
    .prepare(
      `SELECT stage, avg(d) AS days, count(*) AS leads FROM (
         SELECT stage, julianday(lead(date) OVER w) - julianday(date) AS d FROM stage_events WHERE entity = ? AND deleted = 0 AND date <= ?
         WINDOW w AS (PARTITION BY row_id ORDER BY date, rowid)
       ) WHERE d IS NOT NULL GROUP BY stage ORDER BY stage`,
    )
    .all(entity, asOf) as { stage: string; days: number; leads: number }[];
}

function refFlow(db: Db, asOf: string) {
  const order = ['applied', 'screening', 'admitted', 'incubating', 'graduated', 'terminated'];
  return (
    db
      .prepare(
        "SELECT from_stage AS source, stage AS target, count(*) AS value FROM stage_events WHERE entity = 'incubations' AND deleted = 0 AND date <= ? AND from_stage IS NOT NULL GROUP BY from_stage, stage ORDER BY from_stage || stage",
      )
      .all(asOf) as { source: string; target: string; value: number }[]
  ).filter((r) => order.indexOf(r.target) > order.indexOf(r.source));
}

function refMix(db: Db, asOf: string): Record<string, number> {
  const rows = db
    .prepare(
      `SELECT coalesce(industry, '') AS industry, count(*) AS n FROM enterprises
       WHERE deleted = 0 AND (entry_date IS NULL OR entry_date <= ?) AND (exit_date IS NULL OR exit_date > ?) GROUP BY industry`,
    )
    .all(asOf, asOf) as { industry: string; n: number }[];
  return Object.fromEntries(rows.map((r) => [r.industry, r.n]));
}

function refQuarter(db: Db, column: 'entry_date' | 'exit_date', from: string, to: string): number {
  return (db.prepare(`SELECT count(*) AS n FROM enterprises WHERE deleted = 0 AND ${column} BETWEEN ? AND ?`).get(from, to) as { n: number }).n;
}

// ---- random histories through the handlers ----

function writeHistory(core: ParkCore, seed: number, steps: number): void {
  const r = random(seed);
  const industries = ['bigdata', 'cloud', 'ai', null] as const;
  const leadStages = ['promoted', 'negotiating', 'signed', 'starting', 'funded', 'producing', 'lost'];
  const incubationStages = ['applied', 'screening', 'admitted', 'incubating', 'graduated', 'terminated'];
  const enterprises: string[] = [];
  const leads: string[] = [];
  const incubations: string[] = [];
  const deleted: [string, string][] = [];
  for (let i = 0; i < steps; i++) {
    try {
      step(i);
    } catch (err) {
      if (!(err instanceof AppError)) throw err; // a write the rules refuse changes nothing
    }
  }
  function step(i: number) {
    const op = r.int(10);
    if (op < 3 || enterprises.length < 3) {
      const entry = r.next() < 0.9 ? r.date() : undefined;
      const exit = entry && r.next() < 0.3 ? r.date() : undefined; // before the entry date: refused by the rules
      const e = core.call('enterprises.create', { name: `企业${seed}-${i}`, kind: 'startup', status: exit ? 'exited' : 'settled', industry: r.pick(industries), entry_date: entry, exit_date: exit } as never) as { id: string };
      enterprises.push(e.id);
    } else if (op === 3) {
      const field = r.pick(['industry', 'entry_date', 'exit_date'] as const);
      const value = field === 'industry' ? r.pick(industries) : r.next() < 0.2 ? null : r.date();
      core.call('enterprises.update', { id: r.pick(enterprises), patch: { [field]: value } } as never);
    } else if (op === 4) {
      const table = r.pick(['enterprises', 'leads', 'incubations'] as const);
      const pool = { enterprises, leads, incubations }[table];
      if (pool.length) {
        const id = pool.splice(r.int(pool.length), 1)[0]!;
        core.call(`${table}.delete`, { id } as never);
        deleted.push([table, id]);
      }
    } else if (op === 5 && deleted.length) {
      const [table, id] = deleted.splice(r.int(deleted.length), 1)[0]!;
      core.call(`${table}.restore` as never, { id } as never);
      ({ enterprises, leads, incubations } as Record<string, string[]>)[table]!.push(id);
    } else if (op === 6 || leads.length < 2) {
      const l = core.call('leads.create', { company: `线索${seed}-${i}`, source: 'referral', stage: r.pick(leadStages.slice(0, 3)) } as never) as { id: string };
      leads.push(l.id);
    } else if (op === 7) {
      const stage = r.pick(leadStages);
      // Moves are dated in any order: entering history late is normal.
      const id = r.pick(leads);
      core.call('leads.moveStage', { id, stage, date: r.date(), ...(stage === 'lost' ? { lost_reason: '选址外地' } : {}) } as never);
      // The board's undo, at once: the move's event withdrawn (refused when the move is dated before another).
      if (r.next() < 0.3) core.call('leads.undoMove', { id, stage } as never);
    } else if (op === 8 || incubations.length < 2) {
      const inc = core.call('incubations.create', { team_name: `团队${seed}-${i}`, stage: 'applied' } as never) as { id: string };
      incubations.push(inc.id);
    } else {
      core.call('incubations.moveStage', { id: r.pick(incubations), stage: r.pick(incubationStages), date: r.date() } as never);
    }
  }
}

const asOfDates = ['2017-12-31', '2018-01-01', '2018-06-30', '2019-01-31', '2019-03-01', '2019-12-31', '2020-02-29', '2020-07-15', '2021-05-31', '2021-12-31', '2024-01-01'];

describe('Overview aggregates kept by the write path equal the figures computed from the rows', () => {
  for (const seed of [1, 2, 3]) {
    it(`random history #${seed}: mix, entries/exits, stages on a day, time in stage, incubation flow`, () => {
      const core = testCore();
      seedReference(core.context());
      writeHistory(core, seed, 400);
      const db = core.db;
      for (const asOf of asOfDates) {
        const o = core.call('dashboard.overview', { asOf }) as {
          industryMix: { industry: string; n: number }[];
          entriesExits: { from: string; to: string; entries: number; exits: number }[];
          funnel: { stages: { stage: string; current: number }[]; lost: number };
          incubationStages: Record<string, number>;
          leadTimeInStage: { stage: string; days: number; leads: number }[];
          incubationFlow: { source: string; target: string; value: number }[];
        };
        const where = `seed ${seed}, as of ${asOf}`;
        expect(Object.fromEntries(o.industryMix.map((m) => [m.industry, m.n])), where).toEqual(refMix(db, asOf));
        for (const q of o.entriesExits) {
          const to = q.to < asOf ? q.to : asOf;
          expect([q.entries, q.exits], `${where}, ${q.from}`).toEqual([refQuarter(db, 'entry_date', q.from, to), refQuarter(db, 'exit_date', q.from, to)]);
        }
        const leadStages = refStagesOn(db, 'leads', asOf);
        for (const s of o.funnel.stages) expect(s.current, `${where}, ${s.stage}`).toBe(leadStages[s.stage] ?? 0);
        expect(o.funnel.lost, where).toBe(leadStages.lost ?? 0);
        expect(o.incubationStages, where).toEqual(refStagesOn(db, 'incubations', asOf));
        const time = refTimeInStage(db, 'leads', asOf);
        expect(o.leadTimeInStage.map((t) => [t.stage, t.leads]), where).toEqual(time.map((t) => [t.stage, t.leads]));
        // The Overview gives days to one decimal (240.25 → 240.3): at most half a tenth from the exact mean
        // (toBeCloseTo's bound is strict, and a tie rounds to exactly that distance).
        o.leadTimeInStage.forEach((t, i) => expect(Math.abs(t.days - time[i]!.days), where).toBeLessThanOrEqual(0.05 + 1e-9));
        expect(o.incubationFlow, where).toEqual(refFlow(db, asOf));
      }
      // The aggregates hold no stale rows: each equals a rebuild from the rows.
      expect(db.prepare("SELECT industry, entry_month, exit_month, n FROM enterprise_months ORDER BY 1, 2, 3").all()).toEqual(
        db.prepare("SELECT coalesce(industry, '') AS industry, coalesce(substr(entry_date, 1, 7), '') AS entry_month, coalesce(substr(exit_date, 1, 7), '') AS exit_month, count(*) AS n FROM enterprises WHERE deleted = 0 GROUP BY 1, 2, 3 ORDER BY 1, 2, 3").all(),
      );
      expect(db.prepare('SELECT entity, from_stage, stage, start_month, end_month, n FROM stage_months ORDER BY 1, 2, 3, 4, 5').all()).toEqual(
        db.prepare("SELECT entity, coalesce(from_stage, '') AS from_stage, stage, substr(date, 1, 7) AS start_month, coalesce(substr(until, 1, 7), '') AS end_month, count(*) AS n FROM stage_events WHERE deleted = 0 GROUP BY 1, 2, 3, 4, 5 ORDER BY 1, 2, 3, 4, 5").all(),
      );
      core.close();
    });
  }

  it('today (and later) the funnel counts stored stages', () => {
    const core = testCore();
    seedReference(core.context());
    writeHistory(core, 9, 150);
    const o = core.call('dashboard.overview', { asOf: TODAY }) as { funnel: { stages: { stage: string; current: number }[] } };
    const stored = Object.fromEntries((core.db.prepare('SELECT stage, count(*) AS n FROM leads WHERE deleted = 0 GROUP BY stage').all() as { stage: string; n: number }[]).map((r) => [r.stage, r.n]));
    for (const s of o.funnel.stages) expect(s.current).toBe(stored[s.stage] ?? 0);
    core.close();
  });
});
