/** Error messages of laptop sync and packages (joined into the catalogue in errors.ts). */
export const syncMessages = {
  // The detail (the decompressor's words, a line count) stays in the error's params for a report, out of the
  // sentence: it is English and says nothing a user can act on.
  sync_truncated: {
    'zh-CN': '同步包不完整或已损坏，请重新导出；数据库未被修改',
    en: 'The sync package is incomplete or damaged; export it again. The database was not changed',
  },
  sync_tampered: {
    'zh-CN': '同步包的校验和不符，内容可能被改动过，已拒绝合并；数据库未被修改',
    en: 'The sync package fails its checksum (it may have been altered); it was not merged and the database was not changed',
  },
  sync_password: {
    'zh-CN': '同步包密码错误，或文件已损坏；数据库未被修改',
    en: 'Wrong password for the sync package, or the file is damaged; the database was not changed',
  },
  sync_password_needed: {
    'zh-CN': '该同步包已加密，请输入密码',
    en: 'This sync package is encrypted; enter its password',
  },
  sync_other_database: {
    'zh-CN': '该同步包来自另一个园区数据库（{detail}），不能合并到此数据库；数据库未被修改',
    en: 'This sync package comes from another park database ({detail}) and cannot be merged here; the database was not changed',
  },
  sync_own_package: {
    'zh-CN': '这是本数据库自己导出的同步包，无需合并',
    en: 'This sync package was written by this database itself; there is nothing to merge',
  },
  sync_newer_version: {
    'zh-CN': '同步包由更新版本的 ParkPilot 导出（{detail}），请先升级本机的 ParkPilot 再合并；数据库未被修改',
    en: 'The sync package was written by a newer ParkPilot ({detail}); update ParkPilot on this computer, then merge. The database was not changed',
  },
  sync_clock_ahead: {
    'zh-CN': '设备“{device}”的时钟超前（变更时间 {stamp}，本机现在 {now}，允许误差 {minutes} 分钟）；请校正该设备的日期时间后重新导出。数据库未被修改',
    en: 'The clock of device “{device}” is ahead (a change at {stamp}, this computer now {now}, tolerance {minutes} minutes); correct that device’s date and time, then export again. The database was not changed',
  },
  sync_bad_change: {
    'zh-CN': '同步包含有无法识别的变更（{detail}），已拒绝合并；数据库未被修改',
    en: 'The sync package holds a change this program does not know ({detail}); it was not merged and the database was not changed',
  },
  sync_incomplete: {
    'zh-CN': '同步包缺少它所引用的记录（{detail}），请让对方导出完整的同步包；数据库未被修改',
    en: 'The sync package refers to records it does not contain ({detail}); ask for a complete package. The database was not changed',
  },
  sync_not_field_copy: {
    'zh-CN': '此数据库不是外勤副本',
    en: 'This database is not a field copy',
  },
  sync_review_resolved: {
    'zh-CN': '该待核对项已由 {by} 处理',
    en: 'This review item was already resolved by {by}',
  },
  sync_out_exists: {
    'zh-CN': '文件已存在：{detail}',
    en: 'The file already exists: {detail}',
  },
} as const;
