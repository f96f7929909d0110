/**
 * Closed vocabularies with their labels in both UI languages. The renderer receives them through
 * `meta.enums`, so labels live in one place; grid filters match typed labels back to codes.
 */
export const enums = {
  enterpriseKind: { core: ['核心企业', 'Core enterprise'], startup: ['初创企业', 'Startup'], service: ['服务机构', 'Service organisation'] },
  enterpriseStatus: { settled: ['入驻', 'Settled'], incubating: ['在孵', 'Incubating'], graduated: ['毕业', 'Graduated'], exited: ['迁出', 'Exited'] },
  qualification: { hnte: ['高新技术企业', 'High-tech enterprise'], srdi: ['专精特新', 'Specialised & innovative SME'], tsme: ['科技型中小企业', 'Tech-based SME'] },
  incubationStage: {
    applied: ['申请', 'Applied'], screening: ['评审', 'Screening'], admitted: ['入孵', 'Admitted'],
    incubating: ['在孵', 'Incubating'], graduated: ['毕业', 'Graduated'], terminated: ['终止', 'Terminated'],
  },
  leadSource: {
    referral: ['以商招商', 'Business referral'], exhibition: ['展会招商', 'Exhibition'], government: ['政府推介', 'Government referral'],
    agency: ['中介机构', 'Agency'], inbound: ['主动来访', 'Walk-in enquiry'], online: ['网络平台', 'Online platform'], other: ['其他', 'Other'],
  },
  activityKind: { call: ['电话', 'Call'], visit: ['走访', 'Visit'], meeting: ['会议', 'Meeting'], note: ['备注', 'Note'] },
  targetStatus: { achieved: ['已达成', 'Achieved'], on_track: ['按计划推进', 'On track'], at_risk: ['有风险', 'At risk'], missed: ['未达成', 'Missed'], overdue: ['已逾期', 'Overdue'] },
  requestStatus: { open: ['待处理', 'Open'], in_progress: ['处理中', 'In progress'], resolved: ['已解决', 'Resolved'] },
  staffRole: { investment: ['招商专员', 'Investment officer'], mentor: ['创业导师', 'Mentor'], admin: ['管理员', 'Administrator'] },
} as const satisfies Record<string, Record<string, readonly [string, string]>>;

export type EnumName = keyof typeof enums;
export type EnumCode<E extends EnumName> = keyof (typeof enums)[E] & string;

export function enumCodes<E extends EnumName>(name: E): [EnumCode<E>, ...EnumCode<E>[]] {
  return Object.keys(enums[name]) as [EnumCode<E>, ...EnumCode<E>[]];
}

/**
 * The ordered enums, in one place: incubation stages run in the order `enums` lists them. Terminated
 * is a dead end (like a lost lead), so the progression a startup climbs stops at graduated.
 */
export const incubationStages: readonly string[] = enumCodes('incubationStage');
export const incubationProgression: readonly string[] = incubationStages.filter((s) => s !== 'terminated');
