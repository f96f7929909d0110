import type { UiLocale as Locale } from '../i18n/locale';
import './upgrade.css';

/**
 * What the window shows while the database file is upgraded for this version (the shell runs the
 * migrations on a worker thread: db/upgrade.ts): the step, how far the safety backup is, and what
 * closing the window would do. Plain DOM, no React: it is all the page loads until the upgrade is
 * done, and then the page reloads into the app. A failed upgrade shows its error instead.
 */
interface Progress {
  step: number;
  steps: number;
  phase: 'backup' | 'check' | 'migrate';
  percent: number;
}
export type UpgradeStatus = { state: 'upgrading'; progress: Progress | null } | { state: 'done' } | { state: 'failed'; error: { code: string; message: string } };

const TEXT = {
  'zh-CN': {
    title: '升级数据库…',
    intro: '这个数据库由较早的 ParkPilot 版本创建，需要升级后才能打开。升级前会先完整备份数据库文件。',
    starting: '正在准备',
    backup: (p: number) => `正在备份 ${p}%`,
    check: '正在校验备份',
    migrate: '正在升级数据表',
    step: (n: number, m: number) => `第 ${n} 步，共 ${m} 步`,
    safe: '请勿关闭窗口。如果中途关闭，不会丢失任何数据：升级在一个事务中完成，未完成时数据库保持原样，下次打开时会重新升级。',
    failedTitle: '无法升级数据库',
    failedHint: '数据库保持升级前的样子，未做任何更改。升级前的备份（若已完成）保存在数据库旁的“-backups”文件夹中。重新启动 ParkPilot 会再次尝试升级。',
    lost: '与 ParkPilot 的连接中断，正在重试…',
  },
  en: {
    title: 'Upgrading the database…',
    intro: 'This database was made by an earlier version of ParkPilot and must be upgraded before it opens. The whole file is backed up first.',
    starting: 'Getting ready',
    backup: (p: number) => `backing up ${p}%`,
    check: 'checking the backup',
    migrate: 'upgrading the tables',
    step: (n: number, m: number) => `Step ${n} of ${m}`,
    safe: 'Please keep this window open. Closing it loses nothing: the upgrade is one transaction, so until it finishes the database stays exactly as it was, and it is upgraded again the next time it is opened.',
    failedTitle: 'The database could not be upgraded',
    failedHint: 'The database is as it was before, unchanged. The backup taken before the upgrade (if it was finished) is in the “-backups” folder beside the database. Starting ParkPilot again tries the upgrade again.',
    lost: 'Lost the connection to ParkPilot; trying again…',
  },
};

function element<K extends keyof HTMLElementTagNameMap>(tag: K, props: Partial<HTMLElementTagNameMap[K]> = {}, ...children: (Node | string)[]): HTMLElementTagNameMap[K] {
  const el = Object.assign(document.createElement(tag), props);
  el.append(...children);
  return el;
}

export function showUpgrade(root: HTMLElement, locale: Locale, status: () => Promise<UpgradeStatus>, done: () => void): void {
  const t = TEXT[locale];
  document.title = t.title;
  const heading = element('h1', { className: 'upgrade-title' }, t.title);
  const intro = element('p', { className: 'upgrade-intro' }, t.intro);
  const line = element('p', { className: 'upgrade-line' }, t.starting);
  const bar = element('progress', { className: 'upgrade-bar', max: 100 });
  const step = element('p', { className: 'upgrade-step' });
  const safe = element('p', { className: 'upgrade-safe' }, t.safe);
  const card = element('section', { className: 'upgrade-card' }, heading, intro, line, bar, step, safe);
  card.setAttribute('role', 'status');
  card.setAttribute('aria-live', 'polite');
  card.setAttribute('data-testid', 'upgrade-screen');
  root.replaceChildren(element('main', { className: 'upgrade-page' }, card));

  const render = (s: UpgradeStatus) => {
    if (s.state === 'failed') {
      heading.textContent = t.failedTitle;
      intro.textContent = s.error.message;
      line.remove();
      bar.remove();
      step.remove();
      safe.textContent = t.failedHint;
      card.setAttribute('role', 'alert');
      return;
    }
    const p = s.state === 'upgrading' ? s.progress : null;
    if (!p) return;
    const overall = p.phase === 'migrate' ? 100 : p.phase === 'check' ? 100 : p.percent;
    line.textContent = p.phase === 'backup' ? t.backup(p.percent) : p.phase === 'check' ? t.check : t.migrate;
    bar.value = p.phase === 'migrate' ? p.percent : overall;
    step.textContent = t.step(p.step, p.steps);
  };

  const poll = async () => {
    let s: UpgradeStatus;
    try {
      s = await status();
    } catch {
      line.textContent = t.lost;
      return void setTimeout(poll, 1000);
    }
    if (s.state === 'done') return done();
    render(s);
    if (s.state === 'upgrading') setTimeout(poll, 250);
  };
  void poll();
}

/** The web shell's status endpoint (server/http.ts), with this launch's token. */
export async function webUpgradeStatus(locale: Locale): Promise<UpgradeStatus> {
  const token = document.querySelector<HTMLMetaElement>('meta[name="parkpilot-token"]')?.content ?? '';
  const res = await fetch('/api/upgrade-status', { headers: { 'X-ParkPilot-Token': token, 'X-ParkPilot-Locale': locale } });
  if (!res.ok) throw new Error(`HTTP ${res.status}`);
  return (await res.json()) as UpgradeStatus;
}
