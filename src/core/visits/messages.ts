/** Error messages of visits, attachments and requests (joined into the catalogue in errors.ts). */
export const visitMessages = {
  attachment_too_large: {
    'zh-CN': '附件“{name}”为 {size} MB，超过每个文件 {limit} MB 的上限；请压缩或缩小后再上传',
    en: 'The attachment “{name}” is {size} MB, over the limit of {limit} MB per file; compress or resize it, then upload again',
  },
  attachment_empty: {
    'zh-CN': '附件“{name}”是空文件',
    en: 'The attachment “{name}” is an empty file',
  },
  attachment_missing: {
    'zh-CN': '附件内容缺失（{detail}）；请让对方重新导出同步包。数据库未被修改',
    en: 'An attachment’s content is missing ({detail}); ask for the package again. The database was not changed',
  },
  visit_owner: {
    'zh-CN': '走访须关联一家企业或一条招商线索',
    en: 'A visit belongs to an enterprise or an investment lead',
  },
  no_visitor: {
    'zh-CN': '不知道本机的使用人：请在“设置 → 园区与使用人”填写姓名，或从名单中选择走访人',
    en: 'Nobody is named as working on this computer: enter a name under Settings → Park and user, or pick the visit’s staff member from the list',
  },
} as const;
