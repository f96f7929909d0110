/** Error messages of the office hub (joined into the catalogue in errors.ts). */
export const hubMessages = {
  hub_unreachable: {
    'zh-CN': '无法连接办公室数据中心（{detail}）。本机数据照常可用，恢复连接后会自动同步',
    en: 'Cannot reach the office hub ({detail}). Work here goes on; it syncs by itself once the hub is back',
  },
  hub_auth: {
    'zh-CN': '办公室数据中心拒绝登录：用户名或密码错误（{detail}）',
    en: 'The office hub refused the sign-in: wrong user name or password ({detail})',
  },
  hub_not_prepared: {
    'zh-CN': '该 PostgreSQL 数据库尚未准备为 ParkPilot 数据中心，请信息管理员先运行 parkpilot hub init',
    en: 'This PostgreSQL database is not prepared as a ParkPilot hub yet; ask the IT person to run parkpilot hub init',
  },
  hub_newer: {
    'zh-CN': '数据中心已被更新版本的 ParkPilot 使用（{detail}），请先升级本机的 ParkPilot',
    en: 'The hub is used by a newer ParkPilot ({detail}); update ParkPilot on this desktop first',
  },
  hub_other_park: {
    'zh-CN': '该数据中心保存的是另一个园区数据库（{detail}）。如要把本机数据库并入其中，请选择“合并并加入”',
    en: 'This hub holds another park database ({detail}). To merge this database into it, choose “merge and join”',
  },
  hub_no_role: {
    'zh-CN': '登录账户 {detail} 在数据中心没有 ParkPilot 角色（管理员、工作人员或只读），请信息管理员授权',
    en: 'The sign-in {detail} has no ParkPilot role on the hub (administrator, staff or viewer); ask the IT person to grant one',
  },
  hub_publish_admin: {
    'zh-CN': '数据中心还是空的，只有管理员可以首次发布园区数据库',
    en: 'The hub is empty: only an administrator may publish the park database to it first',
  },
  hub_read_only: {
    'zh-CN': '您在办公室数据中心的角色是只读，不能修改数据（可以查看、导出和生成报告）',
    en: 'Your role on the office hub is viewer: you can read, export and print reports, but not change data',
  },
  hub_admin_only: {
    'zh-CN': '只有管理员可以修改此项（{detail}）',
    en: 'Only an administrator may change this ({detail})',
  },
  hub_refused: {
    'zh-CN': '数据中心拒绝了 {count} 项修改（角色 {role} 无权修改 {detail}），这些修改只保存在本机',
    en: 'The hub refused {count} changes (role {role} may not change {detail}); they stay on this desktop only',
  },
  hub_clock_ahead: {
    'zh-CN': '本机时钟比数据中心服务器快了 10 分钟以上，修改暂不上传，请校正本机日期和时间',
    en: 'This desktop’s clock is more than 10 minutes ahead of the hub server; changes are held back until the date and time are corrected',
  },
  hub_not_connected: {
    'zh-CN': '本数据库未连接办公室数据中心',
    en: 'This database is not connected to an office hub',
  },
  hub_password_needed: {
    'zh-CN': '请输入办公室数据中心的密码（{detail}）',
    en: 'Enter the office hub password ({detail})',
  },
  hub_bad_url: {
    'zh-CN': '数据中心地址无效，应形如 postgres://用户名@服务器:5432/数据库（{detail}）',
    en: 'Invalid hub address; it looks like postgres://user@server:5432/database ({detail})',
  },
} as const;
