import { enums, type EnumName } from '../enums';

/** An enum's labels in a form the grid's enum filter matches against. */
export function labelsOf(name: EnumName): Record<string, readonly string[]> {
  return enums[name] as Record<string, readonly string[]>;
}
