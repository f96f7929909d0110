import { Suspense, useEffect, useState } from 'react';
import { useTranslation } from 'react-i18next';
import { api, onDatabaseDamage, setApiLocale } from './api/client';
import { FieldCopyBanner } from './components/FieldCopyBanner';
import { SearchDialog } from './components/SearchDialog';
import { ToastProvider } from './components/Toasts';
import { rememberLocale, switchLanguage, type UiLocale } from './i18n';
import { useRoute } from './lib/route';
import { PageNotFound } from './components/PageNotFound';
import { applyTheme, savedTheme, type Theme } from './lib/theme';
import { afterFirstPaint } from './lib/firstPaint';
import { useCoreData, useShellEvents } from './lib/useCoreData';
import { DamageScreen } from './pages/BackupsSettings';
import { useDatabaseDamage } from './lib/useDatabaseDamage';
import { registries } from './pages/registries';
import { Icon } from './components/Icon';
import { HubStatus } from './hub/HubStatus';
import { peekPrefetched, takePrefetched } from './lib/prefetch';
import { PageLoading } from './components/PageLoading';
import { preloadable } from './lib/preloadable';
import { noteDatabaseDay } from './lib/databaseDay';

// Each page is its own chunk, loaded when first opened: the start-up script holds only the shell, so
// the window is usable at once and the grid (AG Grid) and charts (ECharts) load with the pages that use them.
// The start-up entry loads the first page's chunk beside the shell (boot.tsx), so it renders without a fallback.
export const Overview = preloadable(() => import('./pages/Overview').then((m) => m.Overview));
const Pipeline = preloadable(() => import('./pages/Pipeline').then((m) => m.Pipeline));
const ImportPage = preloadable(() => import('./pages/ImportPage').then((m) => m.ImportPage));
const ReportsPage = preloadable(() => import('./pages/ReportsPage').then((m) => m.ReportsPage));
const RegistryPage = preloadable(() => import('./pages/RegistryPage').then((m) => m.RegistryPage));
const Settings = preloadable(() => import('./pages/Settings').then((m) => m.Settings));
const Fieldwork = preloadable(() => import('./pages/Fieldwork').then((m) => m.Fieldwork));
const ReviewQueue = preloadable(() => import('./pages/ReviewQueue').then((m) => m.ReviewQueue));

const PAGES = ['overview', 'enterprises', 'incubations', 'leads', 'pipeline', 'targets', 'imports', 'reports', 'fieldwork', 'reviews', 'settings'] as const;

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
  // Asked for at start-up when the app opens on the Overview (overviewStart.ts).
  // Shown in the first render when it has already arrived, so the Overview does not wait a render for it.
  const info = useCoreData(() => takePrefetched('meta.info', () => api['meta.info']({})), [], [], () => peekPrefetched<Awaited<ReturnType<(typeof api)['meta.info']>>>('meta.info')).data ?? null;
  const dataset = info?.dataset ?? null;
  useEffect(() => {
    if (info) noteDatabaseDay(info.today);
  }, [info]);
  // Field-copy banner and the review badge: any change may add an unreturned edit or a review item.
  const syncSummary = useCoreData(() => afterFirstPaint(() => api['sync.summary']({})), [], 'all').data;
  // Another database file was opened in the desktop app: start over on it.
  useShellEvents((e) => e.type === 'reopened' && location.reload());
  const damage = useDatabaseDamage(onDatabaseDamage);

  // The window title names the park (the desktop window takes the page's title).
  const parkName = useCoreData(() => afterFirstPaint(() => api['settings.get']({})), [], 'all').data?.parkName ?? null;
  useEffect(() => {
    document.title = parkName ? `${parkName} · ${t('app.title')}` : t('app.title');
  }, [parkName, t]);

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
    void switchLanguage(locale);
  };
  /** A demo database runs on its last day of history or on today: everything reloads on the new day. */
  const switchDemoDay = async (onToday: boolean) => {
    await api['settings.update']({ demoOnToday: onToday });
    sessionStorage.removeItem('parkpilot.asOf');
    location.reload();
  };
  const changeTheme = (next: Theme) => {
    applyTheme(next);
    setTheme(next);
  };

  // An address naming no page shows that it does not (PageNotFound), with no page marked in the sidebar.
  const page = (PAGES as readonly string[]).includes(route.page) ? route.page : null;
  const registry = page ? registries[page as keyof typeof registries] : undefined;

  return (
    <ToastProvider>
      {/* Moves focus to the page's content; it must not touch the hash, which is the route. */}
      <a className="skip" href="#main" onClick={(e) => { e.preventDefault(); document.getElementById('main')?.focus(); }}>{t('app.skip')}</a>
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
                  {/* The folded rail's mark: one per page (first letters repeat: 招商线索/招商看板, Reports/Review). */}
                  <span className="nav-initial" aria-hidden>{t(`navShort.${p}`)}</span>
                  <span className="nav-label">{t(`nav.${p}`)}</span>
                  {p === 'reviews' && !!syncSummary?.openReviews && (
                    <span className="count-badge" aria-label={t('reviews.badge', { count: syncSummary.openReviews })}>{syncSummary.openReviews}</span>
                  )}
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
            <HubStatus />
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
          {dataset === 'demo' && info && (
            <div className="demo-banner" role="note">
              {t('app.demoBanner')}{' '}
              {info.demoDay ? t('app.demoDay', { date: info.demoDay }) : t('app.demoOnToday', { date: info.today })}{' '}
              <button type="button" className="link-button" onClick={() => void switchDemoDay(!info.demoOnToday)}>
                {info.demoDay ? t('app.demoUseToday') : t('app.demoUseItsDay')}
              </button>
            </div>
          )}
          <FieldCopyBanner summary={syncSummary} />
          <main id="main" tabIndex={-1}>
            {damage !== null && <DamageScreen detail={damage} />}
            <Suspense fallback={<PageLoading />}>
            {damage === null && page === null && <PageNotFound page={route.page} />}
            {damage === null && page === 'overview' && info && <Overview key={info.today} theme={theme} today={info.today} />}
            {damage === null && page === 'pipeline' && <Pipeline />}
            {damage === null && page === 'imports' && <ImportPage />}
            {damage === null && page === 'reports' && <ReportsPage />}
            {damage === null && page === 'fieldwork' && <Fieldwork />}
            {damage === null && page === 'reviews' && <ReviewQueue />}
            {damage === null && page === 'settings' && <Settings theme={theme} onTheme={changeTheme} onLocale={changeLocale} />}
            {damage === null && registry && <RegistryPage key={page} config={registry} route={route} theme={theme} />}
            </Suspense>
          </main>
        </div>
      </div>
      <SearchDialog open={searchOpen} onClose={() => setSearchOpen(false)} />
    </ToastProvider>
  );
}
