import { z } from 'zod';
import { enterpriseRegistry } from '../enterprises/fields';
import { incubationRegistry } from '../incubation/fields';
import { leadRegistry } from '../leads/fields';
import { inputShape } from '../registry/field';
import type { ImportEntity } from './fields';

/**
 * The create schema of each entity an import creates: what entityHandlers makes its `create` input
 * of (`z.strictObject` over the registry's stored fields, the very same zod schemas), built here from
 * the registries alone so that the check thread need not load the handlers, the grid and the write
 * path. tests/unit/import-check-thread.test.ts holds them field for field to the handlers' own.
 */
export const createSchemas: Record<ImportEntity, z.ZodType> = {
  enterprises: z.strictObject(inputShape(enterpriseRegistry)),
  leads: z.strictObject(inputShape(leadRegistry)),
  incubations: z.strictObject(inputShape(incubationRegistry)),
};
