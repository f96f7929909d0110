import type { ColDef } from 'ag-grid-community';
import { PickListFilter, PickListFloatingFilter, type PickListSource } from './PickListFilter';

/** Column options that give a coded column its pick-list filter (see PickListFilter). */
export function pickListFilter<R>(source: PickListSource): Partial<ColDef<R>> {
  return {
    filter: PickListFilter,
    filterParams: { source },
    floatingFilterComponent: PickListFloatingFilter,
    floatingFilterComponentParams: { source },
    // The summary itself opens the list; a second filter button beside it would be noise.
    suppressFloatingFilterButton: true,
  };
}
