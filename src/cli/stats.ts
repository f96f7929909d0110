import { enums } from '../core/enums';
import { formatMessage, type Locale } from '../core/errors';
import type { stats } from '../core/overview/stats';
import { localName, unitLabel } from '../core/targets/names';

/**
 * `parkpilot stats` for a person, in the command's language: the same words as the app's (the core's
 * catalogue for the lines, `enums` for a target's status, names.ts for English names and units).
 */
export function formatStats(s: ReturnType<typeof stats>, locale: Locale): string {
  const say = (code: Parameters<typeof formatMessage>[0], params: Record<string, string | number>) => formatMessage(code, params, locale);
  const lines = [
    say('stats_as_of', { day: s.asOf }),
    say('stats_counts', { enterprises: s.enterprises.total, incubations: s.incubations.total, leads: s.leads.total, activities: s.activities.total }),
  ];
  for (const t of s.targets) {
    const [zh, en] = enums.targetStatus[t.status];
    const status = locale === 'en' ? en : zh;
    const name = localName(locale, t.name, t.nameEn);
    if (t.kind === 'milestone') {
      lines.push(say('stats_milestone', { status, name, state: say(t.value >= (t.min ?? 1) ? 'stats_milestone_done' : 'stats_milestone_open', {}), deadline: t.deadline }));
      continue;
    }
    lines.push(
      say('stats_target', {
        status,
        name,
        value: t.value,
        unit: unitLabel(t.unit, locale, t.value),
        range: t.max == null ? `≥ ${t.min ?? 0}` : `${t.min ?? 0}–${t.max}`,
        deadline: t.deadline,
        // Past the deadline the value is final: nothing is projected (as on the Overview's card).
        projection: t.pastDeadline ? '' : say('stats_projected', { value: t.projection }),
      }),
    );
  }
  return `${lines.join('\n')}\n`;
}
