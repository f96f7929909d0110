import { useEffect, useState } from 'react';
import { useTranslation } from 'react-i18next';
import { api, setApiLocale } from './api/client';
import { SearchDialog } from './components/SearchDialog';
import { ToastProvider } from './components/Toasts';
import { rememberLocale, type UiLocale } from './i18n';
import { useRoute } from './lib/route';
import { applyTheme, savedTheme, type Theme } from './lib/theme';
import { useCoreData, useShellEvents } from './lib/useCoreData';
import { Overview } from './pages/Overview';
import { Pipeline } from './pages/Pipeline';
import { ImportPage } from './pages/ImportPage';
import { ReportsPage } from './pages/ReportsPage';
import { RegistryPage } from './pages/RegistryPage';
import { Settings } from './pages/Settings';
import { registries } from './pages/registries';
import { Icon } from './components/Icon';

const PAGES = ['overview', 'enterprises', 'incubations', 'leads', 'pipeline', 'targets', 'imports', 'reports', 'settings'] as const;

export function App() {
  const { t, i18n } = useTranslation();
  const route = useRoute();
  const [theme, setTheme] = useState<Theme>(savedTheme);
  const [searchOpen, setSearchOpen] = useState(false);
  // The sidebar folds to a rail (remembered); narrow windows start folded, so grids keep their width.
  const [collapsed, setCollapsed] = useState(() => (localStorage.getItem('parkpilot.sidebar') ?? (window.innerWidth < 1200 ? 'collapsed' : 'open')) === 'collapsed');
  const toggleSidebar = () => {
    localStorage.setItem('parkpilot.sidebar', collapsed ? 'open' : 'collapsed');
    setCollapsed(!collapsed);
  };
  const dataset = useCoreData(() => api['meta.info']({}), [], []).data?.dataset ?? null;
  // Another database file was opened in the desktop app: start over on it.
  useShellEvents((e) => e.type === 'reopened' && location.reload());

  useEffect(() => {
    const onKey = (e: KeyboardEvent) => {
      if ((e.ctrlKey || e.metaKey) && e.key.toLowerCase() === 'k') {
        e.preventDefault();
        setSearchOpen(true);
      }
    };
    window.addEventListener('keydown', onKey);
    return () => window.removeEventListener('keydown', onKey);
  }, []);

  const changeLocale = (locale: UiLocale) => {
    rememberLocale(locale);
    setApiLocale(locale);
    void i18n.changeLanguage(locale);
  };
  const changeTheme = (next: Theme) => {
    applyTheme(next);
    setTheme(next);
  };

  const page = (PAGES as readonly string[]).includes(route.page) ? route.page : 'overview';
  const registry = registries[page as keyof typeof registries];

  return (
    <ToastProvider>
      <a className="skip" href="#main">{t('app.skip')}</a>
      <div className={`shell ${collapsed ? 'sidebar-collapsed' : ''}`}>
        <nav className="sidebar" aria-label="ParkPilot">
          <div className="brand">
            <button type="button" className="sidebar-toggle" aria-expanded={!collapsed} aria-label={collapsed ? t('app.expandSidebar') : t('app.collapseSidebar')} title={collapsed ? t('app.expandSidebar') : t('app.collapseSidebar')} onClick={toggleSidebar}>
              <Icon name="menu" />
            </button>
            <span className="brand-name">
              <span className="logo" aria-hidden>◆</span> {t('app.title')}
            </span>
          </div>
          <ul>
            {PAGES.map((p) => (
              <li key={p}>
                <a href={`#/${p}`} aria-current={p === page ? 'page' : undefined} className={p === page ? 'current' : ''} title={collapsed ? t(`nav.${p}`) : undefined}>
                  <span className="nav-initial" aria-hidden>{t(`nav.${p}`).slice(0, 1)}</span>
                  <span className="nav-label">{t(`nav.${p}`)}</span>
                </a>
              </li>
            ))}
          </ul>
        </nav>
        <div className="main-col">
          <header className="topbar">
            <button type="button" className="search-button" onClick={() => setSearchOpen(true)} aria-keyshortcuts="Control+K">
              <Icon name="search" /> {t('app.search')} <kbd>Ctrl K</kbd>
            </button>
            <div className="spacer" />
            <label className="inline">
              {t('app.language')}
              <select aria-label={t('app.language')} value={i18n.language} onChange={(e) => changeLocale(e.target.value as UiLocale)}>
                <option value="zh-CN">中文</option>
                <option value="en">English</option>
              </select>
            </label>
            <button type="button" onClick={() => changeTheme(theme === 'dark' ? 'light' : 'dark')} aria-label={t('app.theme')} title={t('app.theme')}>
              {theme === 'dark' ? <><Icon name="sun" /> {t('app.light')}</> : <><Icon name="moon" /> {t('app.dark')}</>}
            </button>
          </header>
          {dataset === 'demo' && <div className="demo-banner" role="note">{t('app.demoBanner')}</div>}
          <main id="main" tabIndex={-1}>
            {page === 'overview' && <Overview theme={theme} />}
            {page === 'pipeline' && <Pipeline />}
            {page === 'imports' && <ImportPage />}
            {page === 'reports' && <ReportsPage />}
            {page === 'settings' && <Settings theme={theme} onTheme={changeTheme} onLocale={changeLocale} />}
            {registry && <RegistryPage key={page} config={registry} route={route} theme={theme} />}
          </main>
        </div>
      </div>
      <SearchDialog open={searchOpen} onClose={() => setSearchOpen(false)} />
    </ToastProvider>
  );
}
