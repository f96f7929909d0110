import demo from '../../../seeds/demo.json';
import industries from '../../../seeds/industries.json';
import plan from '../../../seeds/plan.json';
import { insertMany, insertRow, transact, updateRow, type Row, type WriteContext } from '../db/write';
import { mulberry32 } from '../util/ids';
import { completeUscc } from '../util/uscc';
import { applyPreset } from '../leads/pipeline';

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
  const kind = r < 0.06 ? 'core' : r < 0.8 ? 'startup' : 'service';
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
    next_follow_up: stage === 'lost' || stage === 'producing' ? null : dateIn(rand, rangeDays - 400, rangeDays + 30),
    probability: stage === 'lost' ? 0 : between(rand, 1, 9) * 10,
    lost_reason: stage === 'lost' ? pick(rand, demo.lostReasons) : null,
    notes: label,
  };
}

function activityRow(rand: Rand, leadId: string | null, enterpriseId: string | null, staffIds: string[]): Row {
  const kind = pick(rand, ['call', 'visit', 'meeting', 'note'] as const);
  return { lead_id: leadId, enterprise_id: enterpriseId, kind, date: dateIn(rand), staff_id: pick(rand, staffIds), text: pick(rand, demo.activityTexts[kind]) };
}

/** The clearly labelled demo data set, written through the normal write path (full field history). */
export function seedDemo(ctx: WriteContext): void {
  const rand = mulberry32(demo.seed);
  const label = demo.label;
  transact(ctx, () => {
    seedReference(ctx);
    ctx.db.prepare("INSERT INTO settings (key, value) VALUES ('dataset', 'demo') ON CONFLICT (key) DO UPDATE SET value = 'demo'").run();
    const staff = demo.staff.map((s) => ({ id: insertRow(ctx, 'staff', { ...s, phone: null, email: null }), role: s.role }));
    const owners = staff.filter((s) => s.role === 'investment').map((s) => s.id);
    const mentors = staff.filter((s) => s.role === 'mentor').map((s) => s.id);
    const names = new Set<string>();
    const startups: { id: string; entry: string; status: string }[] = [];
    for (let i = 0; i < demo.counts.enterprises; i++) {
      const row = enterpriseRow(rand, i + 1, label);
      while (names.has(row.name as string)) row.name = (row.name as string).replace(/(有限公司|股份有限公司)$/, `${pick(rand, demo.places)}分公司`);
      names.add(row.name as string);
      const id = insertRow(ctx, 'enterprises', row);
      if (row.kind === 'startup') startups.push({ id, entry: row.entry_date as string, status: row.status as string });
    }
    for (let i = 0; i < demo.counts.incubations; i++) {
      const team = i % 4 === 3;
      const s = startups[i * 3];
      const applied = s && !team ? addDays(s.entry, -between(rand, 20, 90)) : dateIn(rand, 0, rangeDays - 60);
      const stage = s?.status === 'graduated' ? 'graduated' : pick(rand, ['applied', 'screening', 'admitted', 'incubating', 'incubating', 'incubating', 'graduated', 'terminated'] as const);
      const admitted = ['applied', 'screening'].includes(stage) ? null : addDays(applied, between(rand, 15, 60));
      insertRow(ctx, 'incubations', {
        enterprise_id: team ? null : (s?.id ?? null),
        team_name: team || !s ? pick(rand, demo.teams) : null,
        cohort: `${applied.slice(0, 4)}届`,
        stage,
        mentor_id: pick(rand, mentors),
        applied_date: applied,
        admitted_date: admitted,
        exit_date: admitted && (stage === 'graduated' || stage === 'terminated') ? addDays(admitted, between(rand, 300, 1100)) : null,
        agreement_start: admitted,
        agreement_end: admitted ? addDays(admitted, 730) : null,
        notes: label,
      });
    }
    for (let i = 0; i < demo.counts.leads; i++) {
      const leadId = insertRow(ctx, 'leads', leadRow(rand, i + 1, owners, label));
      for (let a = 0; a < demo.counts.activitiesPerLead; a++) insertRow(ctx, 'activities', activityRow(rand, leadId, null, owners));
    }
    const targets = ctx.db.prepare('SELECT id, name FROM targets').all() as { id: string; name: string }[];
    for (const m of demo.milestones) {
      const t = targets.find((x) => x.name === m.target);
      if (t && m.done) updateRow(ctx, 'targets', t.id, { done_date: m.done, evidence: m.evidence });
      const ms = ctx.db.prepare('SELECT id FROM milestones WHERE name = ?').get(m.target) as { id: string } | undefined;
      if (ms && m.done) updateRow(ctx, 'milestones', ms.id, { done_date: m.done, notes: m.evidence });
    }
  });
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
  const inChunks = (n: number, make: (i: number) => Row, table: 'enterprises' | 'leads' | 'activities', keep?: string[]) => {
    for (let start = 0; start < n; start += chunk) {
      const rows: Row[] = [];
      for (let i = start; i < Math.min(n, start + chunk); i++) rows.push(make(i));
      const ids = insertMany(ctx, table, rows);
      if (keep) for (const id of ids) keep.push(id);
      done += rows.length;
      onProgress(done, total);
    }
  };
  inChunks(counts.enterprises, (i) => {
    const row = enterpriseRow(rand, i + 1, label);
    row.name = `${row.name as string}${i.toString(36).toUpperCase()}`;
    return row;
  }, 'enterprises', enterpriseIds);
  inChunks(counts.leads, (i) => ({ ...leadRow(rand, i + 1, staffIds, label), uscc: rand() < 0.7 ? uscc('91', 50_000_000 + i) : null }), 'leads', leadIds);
  inChunks(counts.activities, () => (rand() < 0.5 && leadIds.length ? activityRow(rand, pick(rand, leadIds), null, staffIds) : activityRow(rand, null, enterpriseIds.length ? pick(rand, enterpriseIds) : null, staffIds)), 'activities');
}
