import demo from '../../../seeds/demo.json';
import industries from '../../../seeds/industries.json';
import plan from '../../../seeds/plan.json';
import { HybridClock } from '../db/clock';
import { insertMany, insertRow, transact, updateRow, type Row, type WriteContext } from '../db/write';
import { recordStage } from '../stages/events';
import { mulberry32 } from '../util/ids';
import { completeUscc } from '../util/uscc';
import { applyPreset } from '../leads/pipeline';
import { hasActiveIncubation, syncIncubationStatus } from '../incubation/status';

/**
 * Builds databases from the data files in seeds/: the reference lists and the pilot-zone plan (every
 * database gets these), the labelled demo data set, and large deterministic data sets for scale tests.
 */
export function seedReference(ctx: WriteContext): void {
  transact(ctx, () => {
    for (const { id, ...values } of industries) insertRow(ctx, 'industries', values, id);
    applyPreset(ctx, 'government');
    for (const p of plan.plans) {
      const planId = insertRow(ctx, 'plans', { name: p.name, source: p.source, start_date: p.start_date, deadline: p.deadline });
      p.targets.forEach((t, i) => insertRow(ctx, 'targets', { ...t, plan_id: planId, deadline: p.deadline, baseline: 0, sort: i + 1 }));
      p.targets.forEach((t) => {
        if (t.measure.kind === 'milestone') insertRow(ctx, 'milestones', { plan_id: planId, name: t.name, due_date: p.deadline });
      });
    }
  });
}

type Rand = () => number;
const pick = <T>(rand: Rand, list: readonly T[]): T => list[Math.floor(rand() * list.length)]!;
const between = (rand: Rand, lo: number, hi: number) => lo + Math.floor(rand() * (hi - lo + 1));
const USCC_CHARS = '0123456789ABCDEFGHJKLMNPQRTUWXY';

const DAY = 86_400_000;
const rangeStart = Date.parse(demo.dateRange[0]!);
const rangeDays = Math.round((Date.parse(demo.dateRange[1]!) - rangeStart) / DAY);
const dateIn = (rand: Rand, fromDay = 0, toDay = rangeDays) => new Date(rangeStart + between(rand, fromDay, toDay) * DAY).toISOString().slice(0, 10);
const addDays = (date: string, days: number) => new Date(Date.parse(date) + days * DAY).toISOString().slice(0, 10);

/**
 * A valid USCC, unique per (prefix, serial): the scattered serial in base 31 fills the organisation code.
 * `prefix` is the registration authority + type (91 companies, 52 social organisations …).
 */
function uscc(prefix: string, serial: number): string {
  let org = '';
  // Multiplying by a number coprime with 31^8 scatters serials over the code space, one-to-one.
  let n = Number((BigInt(serial) * 387_420_489n) % 852_891_037_441n);
  for (let i = 0; i < 8; i++) {
    org = USCC_CHARS[n % 31]! + org;
    n = Math.floor(n / 31);
  }
  return completeUscc(`${prefix}440400${org}`);
}

const industryIds = industries.map((i) => i.id);

function enterpriseRow(rand: Rand, serial: number, label: string): Row {
  const industry = rand() < 0.85 ? pick(rand, industryIds.slice(0, 7)) : 'other';
  const r = rand();
  const kind = r < 0.03 ? 'core' : r < 0.8 ? 'startup' : 'service';
  const entry = dateIn(rand);
  const s = rand();
  const status = kind === 'startup' ? (s < 0.45 ? 'incubating' : s < 0.7 ? 'graduated' : s < 0.9 ? 'settled' : 'exited') : s < 0.92 ? 'settled' : 'exited';
  const scale = kind === 'core' ? 50 : kind === 'service' ? 3 : 1;
  const name = `${pick(rand, demo.places)}${pick(rand, demo.brands)}${pick(rand, demo.business[industry as keyof typeof demo.business])}${pick(rand, demo.suffixes)}`;
  const quals: Row[] = [];
  if (rand() < 0.3) quals.push({ type: 'hnte', expires: addDays(entry, between(rand, 365, 1095)) });
  if (rand() < 0.1) quals.push({ type: 'srdi', expires: addDays(entry, between(rand, 365, 1095)) });
  if (rand() < 0.4) quals.push({ type: 'tsme', expires: addDays(entry, 365) });
  return {
    name,
    uscc: uscc(kind === 'service' && rand() < 0.3 ? '52' : '91', serial),
    industry,
    kind,
    status,
    building: pick(rand, demo.buildings),
    unit: `${between(rand, 1, 12)}${String(between(rand, 1, 20)).padStart(2, '0')}`,
    area_m2: between(rand, 2, 60 * scale) * 10,
    entry_date: entry,
    exit_date: status === 'exited' ? addDays(entry, between(rand, 200, 1200)) : null,
    registered_capital: between(rand, 10, 500 * scale) * 10_000,
    headcount: between(rand, 3, 40 * scale),
    revenue: between(rand, 0, 2000 * scale) * 10_000,
    tax: between(rand, 0, 120 * scale) * 10_000,
    rd_spend: between(rand, 0, 300 * scale) * 10_000,
    patents: between(rand, 0, 5 * scale),
    software_copyrights: between(rand, 0, 12 * scale),
    qualifications: quals,
    contacts: [{ name: `${pick(rand, demo.contacts)}${pick(rand, demo.givenNames)}`, role: '总经理', phone: `1${between(rand, 3, 9)}${String(between(rand, 0, 999_999_999)).padStart(9, '0')}`, email: null }],
    tags: [label],
    notes: label,
  };
}

function leadRow(rand: Rand, serial: number, staffIds: string[], label: string): Row {
  const industry = pick(rand, industryIds);
  const stage = pick(rand, ['promoted', 'promoted', 'negotiating', 'negotiating', 'negotiating', 'signed', 'starting', 'funded', 'producing', 'lost'] as const);
  return {
    company: `${pick(rand, ['深圳', '广州', '香港', '澳门', '北京', '上海', '杭州', '成都'])}${pick(rand, demo.brands)}${pick(rand, demo.business[industry as keyof typeof demo.business])}${pick(rand, demo.suffixes)}`,
    uscc: rand() < 0.7 ? uscc('91', 900_000 + serial) : null,
    source: pick(rand, ['referral', 'exhibition', 'government', 'agency', 'inbound', 'online', 'other'] as const),
    industry,
    intended_investment: between(rand, 5, 5000) * 100_000,
    expected_area_m2: between(rand, 5, 500) * 10,
    stage,
    owner_id: pick(rand, staffIds),
    // Follow-ups mostly fall due after the demo's last day, as in an office that keeps up; a few are late.
    next_follow_up: stage === 'lost' || stage === 'producing' ? null : dateIn(rand, rangeDays - 14, rangeDays + 75),
    probability: stage === 'lost' ? 0 : between(rand, 1, 9) * 10,
    lost_reason: stage === 'lost' ? pick(rand, demo.lostReasons) : null,
    notes: label,
  };
}

function activityRow(rand: Rand, leadId: string | null, enterpriseId: string | null, staffIds: string[]): Row {
  const kind = pick(rand, ['call', 'visit', 'meeting', 'note'] as const);
  return { lead_id: leadId, enterprise_id: enterpriseId, kind, date: dateIn(rand), staff_id: pick(rand, staffIds), text: pick(rand, demo.activityTexts[kind]) };
}

/**
 * The clearly labelled demo data set, written through the normal write path in date order under a
 * simulated clock: each record is created on its business date and changes on the dates things
 * happened (graduation, exit, stage moves), so the change log and stage events hold 2017–2021 history
 * that as-of views replay.
 */
export function seedDemo(ctx: WriteContext): void {
  const rand = mulberry32(demo.seed);
  const label = demo.label;
  let simNow = Date.parse(demo.dateRange[0]!);
  const sim: WriteContext = { ...ctx, clock: new HybridClock(ctx.clock.site, ctx.clock.snapshot(), () => simNow) };
  const end = demo.dateRange[1]!;
  const actions: { date: string; seq: number; run: () => void }[] = [];
  const at = (date: string, run: () => void) => actions.push({ date, seq: actions.length, run });
  const move = (table: 'leads' | 'incubations', id: string, from: string | null, to: string, date: string, extra: Row = {}) =>
    at(date, () => {
      // An enterprise that has left the park is no longer admitted (its application lapses).
      if (table === 'incubations' && ACTIVE.has(to) && exitedEnterprise(incubatedBy.get(id))) return;
      updateRow(sim, table, id, { stage: to, ...extra });
      recordStage(sim, table, id, from, to, date);
      if (table === 'incubations') syncIncubationStatus(sim, incubatedBy.get(id)); // 在孵 follows the record
    });
  const ACTIVE = new Set(['admitted', 'incubating']);
  const exitedEnterprise = (id: string | undefined) => !!id && (sim.db.prepare('SELECT status FROM enterprises WHERE id = ?').get(id) as { status: string } | undefined)?.status === 'exited';
  /** Incubation → its enterprise, for keeping the enterprise's 在孵 in step (incubation/status.ts). */
  const incubatedBy = new Map<string, string>();
  // An enterprise's own status moves (graduating, leaving) defer to an active incubation record:
  // the record decides 在孵 and 毕业; leaving the park ends the incubation first.
  const setStatus = (id: string, patch: Row, date: string) => {
    if (hasActiveIncubation(sim.db, id)) {
      if (patch.status !== 'exited') return;
      for (const inc of sim.db.prepare("SELECT id, stage FROM incubations WHERE enterprise_id = ? AND deleted = 0 AND stage IN ('admitted', 'incubating')").all(id) as { id: string; stage: string }[]) {
        updateRow(sim, 'incubations', inc.id, { stage: 'terminated', exit_date: date });
        recordStage(sim, 'incubations', inc.id, inc.stage, 'terminated', date);
      }
    }
    updateRow(sim, 'enterprises', id, patch);
  };

  transact(ctx, () => {
    seedReference(sim);
    ctx.db.prepare("INSERT INTO settings (key, value) VALUES ('dataset', 'demo') ON CONFLICT (key) DO UPDATE SET value = 'demo'").run();
    ctx.db.prepare("INSERT INTO settings (key, value) VALUES ('demo.until', ?) ON CONFLICT (key) DO UPDATE SET value = excluded.value").run(end);
    const staff = demo.staff.map((s) => ({ id: insertRow(sim, 'staff', { ...s, phone: null, email: null }), role: s.role }));
    const owners = staff.filter((s) => s.role === 'investment').map((s) => s.id);
    const mentors = staff.filter((s) => s.role === 'mentor').map((s) => s.id);

    // Enterprises: created on their entry date; startups graduate, some leave, on later dates.
    const names = new Set<string>();
    const startups: { id: string; entry: string; graduated: string | null }[] = [];
    for (let i = 0; i < demo.counts.enterprises; i++) {
      const row = enterpriseRow(rand, i + 1, label);
      while (names.has(row.name as string)) row.name = (row.name as string).replace(/(有限公司|股份有限公司)$/, `${pick(rand, demo.places)}分公司`);
      names.add(row.name as string);
      const id = ctx.ids();
      const entry = row.entry_date as string;
      const finalStatus = row.status as string;
      const exit = row.exit_date as string | null;
      const graduated = finalStatus === 'graduated' ? minDate(addDays(entry, between(rand, 300, 1000)), end) : null;
      // Every enterprise enters as 入驻; 在孵 comes from an incubation record admitting it.
      const initial = 'settled';
      row.founded_date = addDays(entry, -between(rand, 30, row.kind === 'startup' ? 900 : 4000));
      row.revenue_prev = Math.round(((row.revenue as number) * between(rand, 40, 95)) / 100 / 10_000) * 10_000;
      at(entry, () => insertRow(sim, 'enterprises', { ...row, status: initial, exit_date: null }, id));
      if (graduated && graduated > entry) at(graduated, () => setStatus(id, { status: 'graduated' }, graduated));
      if (finalStatus === 'settled' && row.kind === 'startup') between(rand, 200, 700); // (keeps the random sequence of earlier demo versions)
      if (exit && exit <= end) at(exit, () => setStatus(id, { status: 'exited', exit_date: exit }, exit));
      else if (finalStatus === 'exited') at(end, () => setStatus(id, { status: 'exited', exit_date: end }, end));
      if (row.kind === 'startup') startups.push({ id, entry, graduated });
    }

    // Incubations: applied → screening → admitted → incubating → graduated | terminated, each dated.
    for (let i = 0; i < demo.counts.incubations; i++) {
      const team = i % 4 === 3;
      const s = team ? undefined : startups[i * 3];
      // A registered startup applies once it has a place in the park (its record exists from then on).
      const applied = s ? addDays(s.entry, between(rand, 0, 20)) : dateIn(rand, 0, rangeDays - 60);
      const path = ['screening', 'admitted', 'incubating'];
      const finalStage = s?.graduated ? 'graduated' : pick(rand, ['applied', 'screening', 'admitted', 'incubating', 'incubating', 'incubating', 'graduated', 'terminated'] as const);
      const id = ctx.ids();
      at(applied, () =>
        insertRow(sim, 'incubations', {
          enterprise_id: s?.id ?? null, team_name: s ? null : pick(rand, demo.teams), cohort: `${applied.slice(0, 4)}届`, stage: 'applied',
          mentor_id: pick(rand, mentors), applied_date: applied, notes: label,
        }, id),
      );
      at(applied, () => recordStage(sim, 'incubations', id, null, 'applied', applied));
      if (s) incubatedBy.set(id, s.id);
      const steps = finalStage === 'applied' ? [] : finalStage === 'screening' ? ['screening'] : finalStage === 'admitted' ? path.slice(0, 2) : path;
      let date = applied;
      let from = 'applied';
      let admitted: string | null = null;
      for (const step of steps) {
        date = minDate(addDays(date, step === 'incubating' ? 1 : between(rand, 7, 30)), end);
        if (step === 'admitted') admitted = date;
        move('incubations', id, from, step, date, step === 'admitted' ? { admitted_date: date, agreement_start: date, agreement_end: addDays(date, 730) } : {});
        from = step;
      }
      if (admitted && rand() < 0.6) {
        // Startup milestones and financing rounds (amounts in yuan), dated after admission.
        const goals = [['完成产品原型（MVP）', '项', 1], ['获得首个付费客户', '家', 1], ['实现首笔收入', '万元', 50]] as const;
        for (const [goal, unit, target] of goals.slice(0, between(rand, 1, 3))) {
          const deadline = addDays(admitted, between(rand, 90, 540));
          const done = rand() < 0.6 ? minDate(addDays(admitted, between(rand, 60, 500)), end) : null;
          at(minDate(admitted, end), () => insertRow(sim, 'startup_milestones', { incubation_id: id, goal, unit, target_value: target, deadline, done_date: null }));
          if (done) at(done, () => {
            const m = ctx.db.prepare('SELECT id FROM startup_milestones WHERE incubation_id = ? AND goal = ?').get(id, goal) as { id: string };
            updateRow(sim, 'startup_milestones', m.id, { done_date: done });
          });
        }
        const rounds = between(rand, 0, 2);
        for (let r = 0; r < rounds; r++) {
          const on = minDate(addDays(admitted, between(rand, 120, 900)), end);
          const amount = between(rand, 5, 80) * 100_000;
          at(on, () => insertRow(sim, 'financing_rounds', { incubation_id: id, date: on, round: ['天使轮', 'Pre-A轮', 'A轮'][r], amount, investor: pick(rand, ['横琴创投', '珠海科技创业投资基金', '粤澳合作基金', '某知名天使投资人']) }));
        }
      }
      if ((finalStage === 'graduated' || finalStage === 'terminated') && admitted) {
        const out = s?.graduated && s.graduated > date ? s.graduated : minDate(addDays(date, between(rand, 300, 1100)), end);
        if (out < end) move('incubations', id, from, finalStage, out, { exit_date: out });
      }
    }

    // Leads: promoted on their first date, moved along the pipeline; won ones became enterprises.
    const order = ['promoted', 'negotiating', 'signed', 'starting', 'funded', 'producing'];
    for (let i = 0; i < demo.counts.leads; i++) {
      const row = leadRow(rand, i + 1, owners, label);
      const finalStage = row.stage as string;
      const first = dateIn(rand, 0, rangeDays - 120);
      const id = ctx.ids();
      const lastIndex = finalStage === 'lost' ? between(rand, 0, 2) : order.indexOf(finalStage);
      at(first, () => insertRow(sim, 'leads', { ...row, stage: 'promoted', lost_reason: null }, id));
      at(first, () => recordStage(sim, 'leads', id, null, 'promoted', first));
      let date = first;
      for (let k = 1; k <= lastIndex; k++) {
        date = minDate(addDays(date, between(rand, 20, 150)), end);
        move('leads', id, order[k - 1]!, order[k]!, date);
        if (order[k] === 'signed' && rand() < 0.6) {
          const signed = date;
          const big = (row.intended_investment as number) >= 450_000_000;
          at(signed, () => {
            const enterpriseId = insertRow(sim, 'enterprises', {
              name: row.company, uscc: row.uscc, industry: row.industry, kind: big ? 'core' : 'startup', status: 'settled', entry_date: signed,
              founded_date: addDays(signed, -between(rand, 400, 5000)), area_m2: row.expected_area_m2, building: pick(rand, demo.buildings),
              registered_capital: Math.round((row.intended_investment as number) / 10), qualifications: [], contacts: [], tags: [label], notes: label,
            });
            updateRow(sim, 'leads', id, { enterprise_id: enterpriseId });
          });
        }
      }
      if (finalStage === 'lost') move('leads', id, order[lastIndex]!, 'lost', minDate(addDays(date, between(rand, 20, 120)), end), { lost_reason: row.lost_reason });
      for (let a = 0; a < demo.counts.activitiesPerLead; a++) {
        const when = minDate(addDays(first, between(rand, 0, 600)), end);
        const activity = activityRow(rand, id, null, owners);
        at(when, () => insertRow(sim, 'activities', { ...activity, date: when }));
      }
    }

    const targets = ctx.db.prepare('SELECT id, name FROM targets').all() as { id: string; name: string }[];
    for (const m of demo.milestones) {
      if (!m.done) continue;
      const t = targets.find((x) => x.name === m.target);
      const ms = ctx.db.prepare('SELECT id FROM milestones WHERE name = ?').get(m.target) as { id: string } | undefined;
      at(m.done, () => {
        if (t) updateRow(sim, 'targets', t.id, { done_date: m.done, evidence: m.evidence });
        if (ms) updateRow(sim, 'milestones', ms.id, { done_date: m.done, notes: m.evidence });
      });
    }

    actions.sort((a, b) => (a.date < b.date ? -1 : a.date > b.date ? 1 : a.seq - b.seq));
    for (const action of actions) {
      simNow = Math.max(simNow, Date.parse(`${action.date}T09:00:00Z`));
      action.run();
    }
  });
  // The real clock continues after the simulated history.
  ctx.clock.receive(sim.clock.tick());
}

const minDate = (a: string, b: string) => (a < b ? a : b);

/** A 在孵 enterprise's incubation record: applied around its entry, admitted weeks later, a two-year agreement. */
function activeIncubationRow(rand: Rand, enterpriseId: string, enterprise: Row, mentorIds: string[], label: string): Row {
  const last = demo.dateRange[1]!;
  const applied = minDate(addDays(enterprise.entry_date as string, -between(rand, 0, 60)), last);
  const admitted = minDate(addDays(applied, between(rand, 14, 90)), last);
  return {
    enterprise_id: enterpriseId,
    cohort: `${admitted.slice(0, 4)}届`,
    stage: rand() < 0.15 ? 'admitted' : 'incubating',
    mentor_id: mentorIds.length ? pick(rand, mentorIds) : null,
    applied_date: applied,
    admitted_date: admitted,
    agreement_start: admitted,
    agreement_end: addDays(admitted, 730),
    notes: label,
  };
}

export interface GenerateCounts {
  enterprises: number;
  leads: number;
  activities: number;
}

/**
 * Large deterministic data sets for scale tests and the benchmark: bulk-loaded in chunks (one
 * snapshot change entry per row), reporting progress after each chunk.
 */
export function generate(ctx: WriteContext, counts: GenerateCounts, onProgress: (done: number, total: number) => void = () => {}, seed = 1): void {
  const rand = mulberry32(seed);
  const label = '生成数据 Generated data';
  const total = counts.enterprises + counts.leads + counts.activities;
  let done = 0;
  const chunk = 10_000;
  if (!ctx.db.prepare("SELECT 1 FROM industries WHERE id = 'bigdata'").get()) seedReference(ctx);
  ctx.db.prepare("INSERT INTO settings (key, value) VALUES ('dataset', 'generated') ON CONFLICT (key) DO UPDATE SET value = 'generated'").run();
  const staffIds = insertMany(ctx, 'staff', demo.staff.map((s) => ({ ...s })));
  const enterpriseIds: string[] = [];
  const leadIds: string[] = [];
  const inChunks = (n: number, make: (i: number) => Row, table: 'enterprises' | 'leads' | 'activities', keep?: string[], after?: (rows: Row[], ids: string[]) => void) => {
    for (let start = 0; start < n; start += chunk) {
      const rows: Row[] = [];
      for (let i = start; i < Math.min(n, start + chunk); i++) rows.push(make(i));
      const ids = insertMany(ctx, table, rows);
      if (keep) for (const id of ids) keep.push(id);
      after?.(rows, ids);
      done += rows.length;
      onProgress(done, total);
    }
  };
  // 在孵 is an incubation record's (incubation/status.ts): each 在孵 startup gets an active record, written
  // with its chunk of enterprises. Its values come from a stream of their own, so the enterprises, leads
  // and activities are the ones this seed always gave.
  const incubationRand = mulberry32(seed ^ 0x5eed_1ac0);
  const mentorIds = staffIds.filter((_, i) => demo.staff[i]!.role === 'mentor');
  inChunks(counts.enterprises, (i) => {
    const row = enterpriseRow(rand, i + 1, label);
    row.name = `${row.name as string}${i.toString(36).toUpperCase()}`;
    return row;
  }, 'enterprises', enterpriseIds, (rows, ids) => {
    const records = rows.flatMap((row, k) => (row.status === 'incubating' ? [activeIncubationRow(incubationRand, ids[k]!, row, mentorIds, label)] : []));
    if (!records.length) return;
    const incubationIds = insertMany(ctx, 'incubations', records);
    // The stage it is in since its admission: the Overview's incubation flow and time in stage read these.
    insertMany(ctx, 'stage_events', records.map((r, k) => ({ entity: 'incubations', row_id: incubationIds[k], from_stage: null, stage: r.stage, date: r.admitted_date })));
  });
  inChunks(counts.leads, (i) => ({ ...leadRow(rand, i + 1, staffIds, label), uscc: rand() < 0.7 ? uscc('91', 50_000_000 + i) : null }), 'leads', leadIds);
  // Each lead entered its current stage on a date in the range: one stage event per lead.
  for (let start = 0; start < leadIds.length; start += chunk) {
    const ids = leadIds.slice(start, start + chunk);
    const stages = ctx.db.prepare('SELECT id, stage FROM leads WHERE id IN (SELECT value FROM json_each(?))').all(JSON.stringify(ids)) as { id: string; stage: string }[];
    insertMany(ctx, 'stage_events', stages.map((l) => ({ entity: 'leads', row_id: l.id, from_stage: null, stage: l.stage, date: dateIn(rand) })));
  }
  inChunks(counts.activities, () => (rand() < 0.5 && leadIds.length ? activityRow(rand, pick(rand, leadIds), null, staffIds) : activityRow(rand, null, enterpriseIds.length ? pick(rand, enterpriseIds) : null, staffIds)), 'activities');
}
