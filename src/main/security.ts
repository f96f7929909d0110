import { app, session, shell, type WebContents } from 'electron';

/** The renderer's origin: a custom protocol, so file:// is never trusted. */
export const APP_ORIGIN = 'app://parkpilot';

const EXTERNAL_ALLOW = new Set(['https://www.zhuhai.gov.cn', 'https://www.chinatorch.gov.cn']);

/** Only the app's own page may call the API; parse and compare exactly, never by prefix. */
export function isTrustedSender(url: string | undefined): boolean {
  if (!url) return false;
  try {
    const u = new URL(url);
    return u.protocol === 'app:' && u.host === 'parkpilot';
  } catch {
    return false;
  }
}

export function hardenApp(): void {
  app.on('web-contents-created', (_event, contents: WebContents) => {
    // A page may leave the app by a link (will-navigate), a server redirect (will-redirect) or inside
    // a frame (will-frame-navigate): every way is held to the same rule, the app's own origin only.
    const stayInApp = (event: { preventDefault: () => void }, url: string) => {
      if (!isTrustedSender(url)) event.preventDefault();
    };
    contents.on('will-navigate', (event, url) => stayInApp(event, url));
    contents.on('will-redirect', (event, url) => stayInApp(event, url));
    contents.on('will-frame-navigate', (event) => stayInApp(event, event.url));
    contents.on('will-attach-webview', (event) => event.preventDefault());
    contents.setWindowOpenHandler(({ url }) => {
      try {
        if (EXTERNAL_ALLOW.has(new URL(url).origin)) void shell.openExternal(url);
      } catch {
        // not a URL: ignore
      }
      return { action: 'deny' };
    });
  });
  app.whenReady().then(() => {
    session.defaultSession.setPermissionRequestHandler((_wc, _permission, callback) => callback(false));
    session.defaultSession.setPermissionCheckHandler(() => false);
  });
}
