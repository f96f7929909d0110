/** The words of `parkpilot stats` for a person (joined into the catalogue in errors.ts). */
export const statsMessages = {
  stats_as_of: { 'zh-CN': '截至 {day}', en: 'as of {day}' },
  stats_counts: {
    'zh-CN': '企业 {enterprises}  孵化记录 {incubations}  招商线索 {leads}  跟进记录 {activities}',
    en: 'enterprises {enterprises}  incubations {incubations}  leads {leads}  activities {activities}',
  },
  stats_target: {
    'zh-CN': '  [{status}] {name}：{value} {unit}（目标 {range}，期限 {deadline}{projection}）',
    en: '  [{status}] {name}: {value} {unit} (target {range} by {deadline}{projection})',
  },
  stats_projected: { 'zh-CN': '；预计 {value}', en: '; projected {value}' },
  // A milestone is done or not, as the Overview shows it, not a value against "1–1".
  stats_milestone: { 'zh-CN': '  [{status}] {name}：{state}（期限 {deadline}）', en: '  [{status}] {name}: {state} (due {deadline})' },
  stats_milestone_done: { 'zh-CN': '已完成', en: 'done' },
  stats_milestone_open: { 'zh-CN': '未完成', en: 'not done' },
} as const;
