import { enumCodes, type EnumCode } from '../enums';

/**
 * Which statuses count as 在册 (on the park's books): every status but 迁出 (exited). The Overview's
 * 在册企业 figure counts the enterprises in the park on its day (entered, not yet left), and its link
 * opens the registry filtered to these statuses, taken from the dashboard's answer (overview/dashboard.ts),
 * so the two say the same thing and a new status is counted in both or neither.
 */
export const REGISTERED_STATUSES: readonly EnumCode<'enterpriseStatus'>[] = enumCodes('enterpriseStatus').filter((s) => s !== 'exited');
