/**
 * Errors that cross the API carry a stable code, the field they concern (if any) and parameters.
 * The message is rendered in the user's language from this catalogue, so the CLI, the web shell
 * and the desktop app all say the same thing.
 */
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
  date_in_future: { 'zh-CN': '日期不能晚于今天', en: 'The date cannot be after today' },
  required: { 'zh-CN': '必填', en: 'Required' },
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
  internal: { 'zh-CN': '内部错误：{detail}', en: 'Internal error: {detail}' },
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

/** Turns anything thrown into a payload; unknown errors become `internal` without leaking stacks. */
export function toErrorPayload(err: unknown, locale: Locale): ErrorPayload {
  if (err instanceof AppError) return err.toPayload(locale);
  const detail = err instanceof Error ? err.message : String(err);
  return new AppError('internal', { detail }).toPayload(locale);
}
