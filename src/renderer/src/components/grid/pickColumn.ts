import type { ColDef } from 'ag-grid-community';
import type { PickListSource } from './PickListFilter';

/**
 * Column options that give a coded column its pick-list filter (see PickListFilter). The filter is
 * named, not referenced: the grid registers the components (gridSetup.ts), so the column definitions,
 * built at start-up, do not pull AG Grid into the start-up script.
 */
export function pickListFilter<R>(source: PickListSource): Partial<ColDef<R>> {
  return {
    filter: 'pickList',
    filterParams: { source },
    floatingFilterComponent: 'pickListFloating',
    floatingFilterComponentParams: { source },
    // The summary itself opens the list; a second filter button beside it would be noise.
    suppressFloatingFilterButton: true,
  };
}
