/**
 * The lines of `parkpilot check`'s report (joined into the catalogue in errors.ts, so the command
 * speaks the language it is asked for, like every other message the CLI prints).
 */
export const checkMessages = {
  check_integrity: { 'zh-CN': '完整性：{result}', en: 'integrity: {result}' },
  check_foreign_keys: { 'zh-CN': '外键：{result}', en: 'foreign keys: {result}' },
  check_foreign_keys_broken: {
    'zh-CN': '{count} 处引用失效（第一处：{table} 第 {rowid} 行 → {parent}）',
    en: '{count} broken (first: {table} row {rowid} → {parent})',
  },
  check_search: { 'zh-CN': '搜索索引 {fts}：{result}', en: 'search index {fts}: {result}' },
  check_search_differs: {
    'zh-CN': '缺少 {missing} 个词条，多出 {extra} 个（需要重建）',
    en: '{missing} tokens missing, {extra} extra (rebuild needed)',
  },
  check_aggregate: { 'zh-CN': '统计表 {name}：{result}', en: 'aggregate {name}: {result}' },
  check_aggregate_differs: { 'zh-CN': '{differences} 行与重新计算的结果不同', en: '{differences} rows differ from a rebuild' },
  check_rule: { 'zh-CN': '规则 {name}：{result}', en: 'rule {name}: {result}' },
  check_rule_broken: { 'zh-CN': '{violations} 条记录不符（前几条：{examples}）', en: '{violations} records break it (first: {examples})' },
  // What each rule of check.ts asks and how to mend a record that breaks it (printed under a broken rule).
  check_rule_about_incubating_status: {
    'zh-CN': '企业状态“在孵”应与孵化记录一致：有入孵或在孵的孵化记录时才是“在孵”，反之亦然',
    en: 'an enterprise is Incubating exactly when one of its incubation records is admitted or incubating',
  },
  check_rule_about_exited_without_exit_date: {
    'zh-CN': '这些企业状态为“迁出”，但没有迁出日期或迁出日期在今天之后，在册企业数仍会算上它们：请填写实际迁出日期',
    en: 'these enterprises are Exited but have no exit date, or one after today, so the registered count still includes them: enter the date they left',
  },
  check_rule_about_exit_date_while_registered: {
    'zh-CN': '这些企业的迁出日期已到，但状态仍为在册（入驻、在孵或毕业），在册企业数已不算它们：请把状态改为“迁出”，或更正、清除迁出日期',
    en: 'these enterprises have an exit date on or before today but a registered status (Settled, Incubating or Graduated), so the registered count leaves them out: set the status to Exited, or correct or clear the exit date',
  },
  check_ok: { 'zh-CN': '正常', en: 'ok' },
  check_sound: { 'zh-CN': '数据库完好', en: 'the database is sound' },
  check_rules_broken: {
    'zh-CN': '有记录不符合规则：文件本身完好，请更正上面列出的记录',
    en: 'RECORDS BREAK A RULE: the file is intact; correct the records named above',
  },
  check_damaged: {
    'zh-CN': '发现问题：请恢复一份备份（parkpilot restore 文件 --db 数据库），或保留此文件并寻求帮助',
    en: 'PROBLEMS FOUND: restore a backup (parkpilot restore FILE --db DB) or keep this file and ask for help',
  },
} as const;
