import { z } from 'zod';
import { deleteRow, insertRow, readLive, restoreRow, transact, updateRow, type WriteContext } from '../db/write';
import type { Db } from '../db/open';
import { AppError } from '../errors';
import { requiredText } from '../fields';
import { handler, readHandler, slice } from '../handler';

/**
 * The investment-lead pipeline's stages, configurable per database. `kind` gives a stage its meaning
 * for counting: `open` (still being worked), `won` (signed and beyond: a project), `lost`.
 */
export type StageKind = 'open' | 'won' | 'lost';
export interface PipelineStage {
  id: string;
  name_zh: string;
  name_en: string;
  sort: number;
  kind: StageKind;
}

type PresetStage = Omit<PipelineStage, 'sort'>;
export const presets: Record<'government' | 'sales', PresetStage[]> = {
  government: [
    { id: 'promoted', name_zh: '推介', name_en: 'Promoted', kind: 'open' },
    { id: 'negotiating', name_zh: '在谈', name_en: 'Negotiating', kind: 'open' },
    { id: 'signed', name_zh: '签约', name_en: 'Signed', kind: 'won' },
    { id: 'starting', name_zh: '拟开工', name_en: 'About to start', kind: 'won' },
    { id: 'funded', name_zh: '到资', name_en: 'Capital arrived', kind: 'won' },
    { id: 'producing', name_zh: '投产', name_en: 'In production', kind: 'won' },
    { id: 'lost', name_zh: '流失', name_en: 'Lost', kind: 'lost' },
  ],
  sales: [
    { id: 'contact', name_zh: '初步接触', name_en: 'First contact', kind: 'open' },
    { id: 'visit', name_zh: '走访', name_en: 'Site visit', kind: 'open' },
    { id: 'negotiation', name_zh: '洽谈', name_en: 'Negotiation', kind: 'open' },
    { id: 'signed', name_zh: '签约', name_en: 'Signed', kind: 'won' },
    { id: 'settled', name_zh: '落地', name_en: 'Settled', kind: 'won' },
    { id: 'lost', name_zh: '流失', name_en: 'Lost', kind: 'lost' },
  ],
};

export function leadStages(db: Db): PipelineStage[] {
  return db.prepare('SELECT id, name_zh, name_en, sort, kind FROM pipeline_stages WHERE deleted = 0 ORDER BY sort').all() as PipelineStage[];
}

/** The stages a lead is followed up in (kind open, 跟进中): what 在跟进线索 and overdue follow-ups count. */
export function openLeadStages(db: Db): string[] {
  return leadStages(db).filter((s) => s.kind === 'open').map((s) => s.id);
}

export function stageLabels(db: Db): Record<string, readonly string[]> {
  return Object.fromEntries(leadStages(db).map((s) => [s.id, [s.name_zh, s.name_en]]));
}

/** Replaces the stages with a preset; refused while live leads sit in a stage the preset lacks. */
export function applyPreset(ctx: WriteContext, preset: keyof typeof presets): void {
  transact(ctx, () => {
    const keep = new Set(presets[preset].map((s) => s.id));
    const stranded = ctx.db.prepare('SELECT stage, count(*) AS n FROM leads WHERE deleted = 0 GROUP BY stage').all() as { stage: string; n: number }[];
    const n = stranded.filter((s) => !keep.has(s.stage)).reduce((a, s) => a + s.n, 0);
    if (n > 0) throw new AppError('in_use', { count: n });
    for (const s of leadStages(ctx.db)) if (!keep.has(s.id)) deleteRow(ctx, 'pipeline_stages', s.id);
    presets[preset].forEach((s, i) => {
      const { id, ...values } = s;
      const existing = ctx.db.prepare('SELECT deleted FROM pipeline_stages WHERE id = ?').get(id) as { deleted: number } | undefined;
      if (!existing) insertRow(ctx, 'pipeline_stages', { ...values, sort: i + 1 }, id);
      else {
        if (existing.deleted) restoreRow(ctx, 'pipeline_stages', id);
        updateRow(ctx, 'pipeline_stages', id, { ...values, sort: i + 1 });
      }
    });
  });
}

const stageCode = z.string().regex(/^[a-z][a-z0-9_]{1,39}$/);
const stageFields = { name_zh: requiredText, name_en: requiredText, sort: z.number().int().min(0).max(1000), kind: z.enum(['open', 'won', 'lost']) };

export const pipelineHandlers = slice('pipeline', {
  stages: readHandler(z.strictObject({}), (ctx) => leadStages(ctx.db)),
  applyPreset: handler(z.strictObject({ preset: z.enum(['government', 'sales']) }), (ctx, { preset }) => {
    applyPreset(ctx, preset);
    return leadStages(ctx.db);
  }),
  create: handler(z.strictObject({ id: stageCode, ...stageFields }), (ctx, { id, ...values }) => {
    if (ctx.db.prepare('SELECT 1 FROM pipeline_stages WHERE id = ?').get(id)) throw new AppError('invalid_input', { detail: 'id' }, [{ field: 'id', code: 'duplicate', params: { name: id } }]);
    insertRow(ctx, 'pipeline_stages', values, id);
    return leadStages(ctx.db);
  }),
  update: handler(z.strictObject({ id: stageCode, patch: z.strictObject(stageFields).partial() }), (ctx, { id, patch }) => {
    readLive(ctx.db, 'pipeline_stages', id);
    updateRow(ctx, 'pipeline_stages', id, patch);
    return leadStages(ctx.db);
  }),
  delete: handler(z.strictObject({ id: stageCode }), (ctx, { id }) => {
    const n = (ctx.db.prepare('SELECT count(*) AS n FROM leads WHERE stage = ? AND deleted = 0').get(id) as { n: number }).n;
    if (n > 0) throw new AppError('in_use', { count: n });
    deleteRow(ctx, 'pipeline_stages', id);
    return leadStages(ctx.db);
  }),
});
