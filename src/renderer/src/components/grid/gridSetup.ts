import { AllCommunityModule, colorSchemeDark, colorSchemeLight, themeQuartz, ModuleRegistry } from 'ag-grid-community';
import { PickListFilter, PickListFloatingFilter } from './PickListFilter';

// Everything of AG Grid the registry pages need, in the page chunk that first shows a grid (not in the
// start-up script: the Overview has no grid, and AG Grid is a third of the renderer's weight).
ModuleRegistry.registerModules([AllCommunityModule]);

const fontFamily = '"Noto Sans CJK SC", "PingFang SC", "Microsoft YaHei", system-ui, sans-serif';
export const gridThemes = {
  light: themeQuartz.withPart(colorSchemeLight).withParams({ fontFamily, accentColor: '#1f6feb' }),
  dark: themeQuartz.withPart(colorSchemeDark).withParams({ fontFamily, accentColor: '#4493f8' }),
};

/** The grid's named components: column definitions name them (see pickColumn.ts), so they carry no AG Grid code. */
export const gridComponents = { pickList: PickListFilter, pickListFloating: PickListFloatingFilter };
