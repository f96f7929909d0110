/**
 * Errors that cross the API carry a stable code, the field they concern (if any) and parameters.
 * The message is rendered in the user's language from this catalogue, so the CLI, the web shell
 * and the desktop app all say the same thing.
 */
import { checkMessages } from './backup/messages';
import { hubMessages } from './hub/messages';
import { statsMessages } from './overview/messages';
import { syncMessages } from './sync/messages';
import { visitMessages } from './visits/messages';

export type Locale = 'zh-CN' | 'en';

const messages = {
  invalid_input: { 'zh-CN': '输入有误：{detail}', en: 'Invalid input: {detail}' },
  unknown_method: { 'zh-CN': '未知的操作：{method}', en: 'Unknown operation: {method}' },
  not_found: { 'zh-CN': '记录不存在或已删除', en: 'The record does not exist or was deleted' },
  uscc_length: { 'zh-CN': '统一社会信用代码应为 18 位', en: 'A Unified Social Credit Code has 18 characters' },
  uscc_charset: {
    'zh-CN': '统一社会信用代码含有不允许的字符（不含 I、O、S、V、Z）',
    en: 'The Unified Social Credit Code contains characters that are not allowed (no I, O, S, V, Z)',
  },
  uscc_orgCheck: {
    'zh-CN': '统一社会信用代码第 9–17 位（组织机构代码）校验不通过',
    en: 'Characters 9–17 of the Unified Social Credit Code (organisation code) fail their check',
  },
  uscc_check: {
    'zh-CN': '统一社会信用代码校验位错误，请核对',
    en: 'The check character of the Unified Social Credit Code is wrong',
  },
  uscc_taken: {
    'zh-CN': '统一社会信用代码已被“{name}”使用',
    en: 'This Unified Social Credit Code is already used by “{name}”',
  },
  duplicate: { 'zh-CN': '“{name}”已存在', en: '“{name}” already exists' },
  bad_measure: { 'zh-CN': '指标定义无法计算：{detail}', en: 'The metric definition cannot be computed: {detail}' },
  not_won: { 'zh-CN': '只有已签约（或之后阶段）的线索才能转为企业', en: 'Only a signed (or later) lead can become an enterprise' },
  already_converted: { 'zh-CN': '该线索已关联企业“{name}”', en: 'This lead is already linked to “{name}”' },
  unknown_stage: { 'zh-CN': '阶段“{stage}”不存在', en: 'There is no stage “{stage}”' },
  undo_stale: { 'zh-CN': '无法撤销：该线索此后已被再次移动或修改', en: 'Cannot undo: the lead has been moved or changed since' },
  date_in_future: { 'zh-CN': '日期不能晚于今天', en: 'The date cannot be after today' },
  import_too_large: { 'zh-CN': '文件过大：{detail}', en: 'The file is too large: {detail}' },
  import_bomb: { 'zh-CN': '文件解压后体积异常（疑似压缩炸弹），已拒绝读取', en: 'The file expands to an absurd size (a zip bomb?); it was not read' },
  import_format: { 'zh-CN': '无法识别的文件：{detail}（支持 .xlsx、.xls、.csv）', en: 'Unrecognised file: {detail} (.xlsx, .xls and .csv are supported)' },
  import_sheet: { 'zh-CN': '找不到工作表“{detail}”', en: 'There is no sheet “{detail}”' },
  import_no_header: { 'zh-CN': '在前 30 行中没有找到表头（如“企业名称”）', en: 'No header row (such as “Company”) in the first 30 rows' },
  import_missing: { 'zh-CN': '缺少{field}', en: '{field} is missing' },
  import_date: { 'zh-CN': '{field}“{value}”不是可识别的日期', en: '{field} “{value}” is not a date' },
  import_date_impossible: { 'zh-CN': '{field}“{value}”是不存在的日期', en: '{field} “{value}” is an impossible date' },
  import_number: { 'zh-CN': '{field}“{value}”不是有效数字', en: '{field} “{value}” is not a number' },
  import_integer: { 'zh-CN': '{field}“{value}”应为整数', en: '{field} “{value}” should be a whole number' },
  import_enum: { 'zh-CN': '{field}“{value}”不是可选的值', en: '{field} “{value}” is not one of the allowed values' },
  import_unknown_ref: { 'zh-CN': '{field}“{value}”在系统中不存在', en: '{field} “{value}” does not exist in ParkPilot' },
  import_uscc_number: {
    'zh-CN': '统一社会信用代码被表格软件转成了数字（{value}），末尾数字已丢失；请把该列设为“文本”重新导出后再导入',
    en: 'The credit code was turned into a number by the spreadsheet ({value}) and lost its last digits; set the column to Text, export again and re-import',
  },
  import_duplicate_row: { 'zh-CN': '与第 {row} 行是同一企业（{by}相同）', en: 'Same record as row {row} (same {by})' },
  import_exists: { 'zh-CN': '系统中已有“{name}”，按“仅新建”跳过', en: '“{name}” already exists; skipped (create only)' },
  import_not_found: { 'zh-CN': '系统中没有对应记录，按“仅更新”跳过', en: 'No matching record; skipped (update only)' },
  import_skipped: { 'zh-CN': '按选择跳过', en: 'Skipped as chosen' },
  import_contact_without_name: { 'zh-CN': '有{field}但缺少{name}：联系方式需要对应的联系人姓名', en: '{field} is given without {name}: a contact detail needs the person\'s name' },
  report_period: { 'zh-CN': '无法识别的统计期间“{value}”：请填写年份（2020 或 2020年）、季度（2020-Q4 或 2020年第四季度）或月份（2020-12 或 2020年12月）', en: 'Unrecognised period “{value}”: give a year (2020), a quarter (2020-Q4) or a month (2020-12)' },
  incubating_needs_record: { 'zh-CN': '“在孵”由孵化记录决定：请先在“孵化”中为该企业登记入孵，企业状态会随之变为在孵', en: '“Incubating” follows the incubation record: admit the enterprise under Incubations first, and its status follows' },
  enterprise_exited: { 'zh-CN': '该企业已迁出园区，不能入孵或在孵', en: 'This enterprise has left the park; it cannot be admitted or incubating' },
  incubation_still_active: { 'zh-CN': '该企业仍有在孵的孵化记录：请先在“孵化”中办理毕业或终止，企业状态会随之更新', en: 'This enterprise still has an active incubation: graduate or end it under Incubations first, and its status follows' },
  import_reverted: { 'zh-CN': '该批次已于 {date} 撤销', en: 'This import was already reverted on {date}' },
  cancelled: { 'zh-CN': '已取消', en: 'Cancelled' },
  busy: { 'zh-CN': '正在导入数据，请稍候再试', en: 'An import is writing to the database; try again in a moment' },
  required: { 'zh-CN': '必填', en: 'Required' },
  // A form value the schema refuses, said in the user's language (not zod's English).
  value_negative: { 'zh-CN': '不能为负数', en: 'Cannot be negative' },
  value_min: { 'zh-CN': '不能小于 {min}', en: 'Must be at least {min}' },
  value_above: { 'zh-CN': '应大于 {min}', en: 'Must be more than {min}' },
  value_max: { 'zh-CN': '不能大于 {max}', en: 'Must be at most {max}' },
  text_too_long: { 'zh-CN': '最多 {max} 个字符', en: 'At most {max} characters' },
  text_too_short: { 'zh-CN': '至少 {min} 个字符', en: 'At least {min} characters' },
  not_integer: { 'zh-CN': '应为整数', en: 'Must be a whole number' },
  not_number: { 'zh-CN': '应为数字', en: 'Must be a number' },
  not_date: { 'zh-CN': '日期应写作 年-月-日（如 2021-06-30），且是存在的日期', en: 'A date is written year-month-day (e.g. 2021-06-30) and must exist' },
  not_allowed_value: { 'zh-CN': '不是可选的值', en: 'Not one of the allowed values' },
  date_order: { 'zh-CN': '迁出日期不能早于入驻日期', en: 'The exit date cannot be before the entry date' },
  team_or_enterprise: {
    'zh-CN': '请选择在园企业或填写团队名称',
    en: 'Choose an enterprise or enter a team name',
  },
  min_max: { 'zh-CN': '最小值不能大于最大值', en: 'The minimum cannot exceed the maximum' },
  unknown_reference: { 'zh-CN': '引用的记录不存在：{detail}', en: 'Referenced record does not exist: {detail}' },
  in_use: { 'zh-CN': '仍被 {count} 条记录使用，无法删除', en: 'Still used by {count} records; cannot delete' },
  schema_too_new: {
    'zh-CN': '数据库由更新版本的 ParkPilot 创建（{detail}），请升级后再打开；文件未被修改',
    en: 'This database was made by a newer ParkPilot ({detail}); upgrade to open it. The file was not changed',
  },
  schema_mismatch: {
    'zh-CN': '数据库的结构版本与本程序不符（{detail}），已拒绝打开；文件未被修改',
    en: 'The database schema does not match this program ({detail}); it was not opened and not changed',
  },
  not_a_database: {
    'zh-CN': '无法打开数据库文件：{detail}',
    en: 'Cannot open the database file: {detail}',
  },
  sqlite_too_old: { 'zh-CN': 'SQLite 版本过旧：{detail}', en: 'SQLite is too old: {detail}' },
  unauthorized: { 'zh-CN': '未授权的请求', en: 'Unauthorized request' },
  // Hostile and malformed input (issue 12 §3, §4).
  import_encoding: { 'zh-CN': '不支持的文本编码：{detail}（请另存为 UTF-8 或 GBK 的 CSV）', en: 'Unsupported text encoding: {detail} (save the CSV as UTF-8 or GBK)' },
  import_csv: { 'zh-CN': 'CSV 文件第 {line} 行附近格式有误：{detail}', en: 'The CSV file is malformed near line {line}: {detail}' },
  import_csv_quote: { 'zh-CN': 'CSV 文件第 {line} 行开始的引号没有闭合', en: 'The quote opened on line {line} of the CSV file is never closed' },
  import_csv_record: { 'zh-CN': 'CSV 文件第 {line} 行的记录超过 {max} 个字符，不像名单中的一行', en: 'The record on line {line} of the CSV file is longer than {max} characters; it is not a row of a roster' },
  import_cell_formula: {
    'zh-CN': '{field}“{value}”是没有保存计算结果的公式；请在 Excel 或 WPS 中打开并保存后再导入',
    en: '{field} “{value}” is a formula saved without its result; open and save the file in Excel or WPS, then import again',
  },
  import_cell_error: { 'zh-CN': '{field}是错误值 {value}', en: '{field} holds the error value {value}' },
  import_cell_shared: {
    'zh-CN': '{field}引用的第 {value} 号共享文本在文件中不存在，文件可能已损坏；请在 Excel 或 WPS 中打开并另存后再导入',
    en: '{field} refers to shared text number {value}, which the file does not hold (the file may be damaged); open and save it again in Excel or WPS, then import',
  },
  host_not_loopback: {
    'zh-CN': '只能在本机地址（127.0.0.1、::1、localhost）上提供服务：{detail} 需要登录账户，目前尚不支持',
    en: 'The web shell serves loopback addresses only (127.0.0.1, ::1, localhost): {detail} would need sign-in, which ParkPilot does not have yet',
  },
  db_locked: {
    'zh-CN': '另一个 ParkPilot 正在写入此数据库，请等它完成后再试',
    en: 'Another ParkPilot is writing this database; try again when it has finished',
  },
  upgrading: { 'zh-CN': '正在升级数据库，请在完成后再试', en: 'The database is being upgraded; try again when it has finished' },
  cross_origin: { 'zh-CN': '拒绝来自其他网站的请求', en: 'Requests from other sites are refused' },
  bad_request: { 'zh-CN': '无法理解的请求：{detail}', en: 'Malformed request: {detail}' },
  internal: { 'zh-CN': '内部错误：{detail}', en: 'Internal error: {detail}' },
  disk_full: {
    'zh-CN': '磁盘空间不足，未能写入。请清理磁盘空间后重试（{detail}）',
    en: 'The disk is full, so it could not be written. Free some space and try again ({detail})',
  },
  file_denied: {
    'zh-CN': '没有权限使用该位置，请换一个文件夹（{detail}）',
    en: 'There is no permission to use that location; choose another folder ({detail})',
  },
  file_missing: { 'zh-CN': '文件或文件夹不存在（{detail}）', en: 'The file or folder does not exist ({detail})' },
  ...syncMessages,
  database_corrupt: {
    'zh-CN': '数据库文件已损坏（{detail}）。请在“设置 → 备份”中从备份恢复；损坏的文件会先另存一份',
    en: 'The database file is damaged ({detail}). Restore it from a backup in Settings → Backups; the damaged file is kept aside first',
  },
  backup_failed: { 'zh-CN': '无法写入备份：{detail}；操作未执行，数据未改动', en: 'Could not write a backup: {detail}. Nothing was done and nothing changed' },
  restore_invalid: { 'zh-CN': '该文件不是完好的 ParkPilot 数据库，不能用于恢复：{detail}', en: 'This file is not an intact ParkPilot database and cannot be restored: {detail}' },
  database_in_use: { 'zh-CN': '另一个 ParkPilot 正在使用该数据库，请先关闭它', en: 'Another ParkPilot has this database open; close it first' },
  ...visitMessages,
  ...statsMessages,
  ...hubMessages,
  ...checkMessages,
} as const satisfies Record<string, Record<Locale, string>>;

export type ErrorCode = keyof typeof messages;

export interface FieldIssue {
  field: string;
  code: ErrorCode;
  params?: Record<string, string | number>;
}

export interface ErrorPayload {
  code: ErrorCode;
  message: string;
  params?: Record<string, string | number>;
  fields?: (FieldIssue & { message: string })[];
}

export class AppError extends Error {
  constructor(
    readonly code: ErrorCode,
    readonly params: Record<string, string | number> = {},
    readonly fields: FieldIssue[] = [],
  ) {
    super(formatMessage(code, params, 'en'));
    this.name = 'AppError';
  }

  toPayload(locale: Locale): ErrorPayload {
    return {
      code: this.code,
      message: formatMessage(this.code, this.params, locale),
      params: this.params,
      fields: this.fields.map((f) => ({ ...f, message: formatMessage(f.code, f.params ?? {}, locale) })),
    };
  }
}

export function formatMessage(code: ErrorCode, params: Record<string, string | number>, locale: Locale): string {
  const template: string = messages[code][locale];
  return template.replace(/\{(\w+)\}/g, (_, k: string) => String(params[k] ?? ''));
}

export function isErrorCode(code: string): code is ErrorCode {
  return code in messages;
}

/** SQLite found damage (SQLITE_CORRUPT*, SQLITE_NOTADB) on a file it had opened. */
export function isDatabaseDamage(err: unknown): boolean {
  const code = (err as { code?: unknown } | null)?.code;
  return typeof code === 'string' && /^SQLITE_(CORRUPT|NOTADB)/.test(code);
}

/** Node's file-system error codes (and SQLite's full disk) a user can act on, by the message that says how. */
const FILE_ERRORS: Partial<Record<string, ErrorCode>> = {
  ENOSPC: 'disk_full',
  EDQUOT: 'disk_full',
  SQLITE_FULL: 'disk_full',
  EACCES: 'file_denied',
  EPERM: 'file_denied',
  EROFS: 'file_denied',
  ENOENT: 'file_missing',
};

/** Turns anything thrown into a payload; unknown errors become `internal` without leaking stacks. */
export function toErrorPayload(err: unknown, locale: Locale): ErrorPayload {
  if (err instanceof AppError) return err.toPayload(locale);
  // SQLite's "database is locked" after the busy timeout: another process is writing.
  if (/^SQLITE_BUSY/.test(String((err as { code?: unknown } | null)?.code ?? ''))) return new AppError('db_locked').toPayload(locale);
  // Damage noticed by any query gets the one clear message (and the renderer its restore screen).
  if (isDatabaseDamage(err)) return new AppError('database_corrupt', { detail: (err as Error).message }).toPayload(locale);
  // A full disk or a folder without permission is the user's to fix: said so, with the path it concerns.
  const fileCode = FILE_ERRORS[String((err as { code?: unknown } | null)?.code ?? '')];
  if (fileCode) return new AppError(fileCode, { detail: String((err as { path?: unknown }).path ?? (err as Error).message) }).toPayload(locale);
  const detail = err instanceof Error ? err.message : String(err);
  return new AppError('internal', { detail }).toPayload(locale);
}
