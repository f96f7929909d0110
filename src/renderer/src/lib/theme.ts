import { colorSchemeDark, colorSchemeLight, themeQuartz } from 'ag-grid-community';

export type Theme = 'light' | 'dark';
const KEY = 'parkpilot.theme';

export function savedTheme(): Theme {
  const saved = localStorage.getItem(KEY);
  if (saved === 'light' || saved === 'dark') return saved;
  return window.matchMedia?.('(prefers-color-scheme: dark)').matches ? 'dark' : 'light';
}

export function applyTheme(theme: Theme): void {
  document.documentElement.dataset.theme = theme;
  localStorage.setItem(KEY, theme);
}

const fontFamily = '"Noto Sans CJK SC", "PingFang SC", "Microsoft YaHei", system-ui, sans-serif';
export const gridThemes = {
  light: themeQuartz.withPart(colorSchemeLight).withParams({ fontFamily, accentColor: '#1f6feb' }),
  dark: themeQuartz.withPart(colorSchemeDark).withParams({ fontFamily, accentColor: '#4493f8' }),
};
