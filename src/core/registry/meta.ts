import { enterpriseRegistry } from '../enterprises/fields';
import { incubationRegistry } from '../incubation/fields';
import { leadRegistry } from '../leads/fields';
import { fieldMetas, type FieldMeta } from './derive';

/** The registry areas' fields as the renderer builds its grids, forms and history from them (`meta.fields`). */
export const registryMetas: Record<'enterprises' | 'leads' | 'incubations', FieldMeta[]> = {
  enterprises: fieldMetas(enterpriseRegistry),
  leads: fieldMetas(leadRegistry),
  incubations: fieldMetas(incubationRegistry),
};
