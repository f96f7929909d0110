import { net, protocol } from 'electron';
import { join, normalize, resolve, sep } from 'node:path';
import { pathToFileURL } from 'node:url';

const CSP = "default-src 'self'; script-src 'self'; style-src 'self' 'unsafe-inline'; img-src 'self' data:; connect-src 'self'; font-src 'self' data:; object-src 'none'; base-uri 'none'; frame-ancestors 'none'";

export function registerSchemes(): void {
  // codeCache: V8 keeps the compiled renderer scripts between launches (by default only http(s) pages get
  // that), so after the first launch the start-up script is not compiled again on every cold start.
  protocol.registerSchemesAsPrivileged([{ scheme: 'app', privileges: { standard: true, secure: true, supportFetchAPI: true, codeCache: true } }]);
}

/** Serves out/renderer under app://parkpilot/ with a path check and a CSP on every page. */
export function serveRenderer(rendererDir: string): void {
  const root = resolve(rendererDir);
  protocol.handle('app', async (request) => {
    const url = new URL(request.url);
    if (url.host !== 'parkpilot') return new Response('not found', { status: 404 });
    let file = resolve(root, `.${normalize(decodeURIComponent(url.pathname))}`);
    if (!(file === root || file.startsWith(root + sep))) return new Response('forbidden', { status: 403 });
    if (file === root || !/\.[a-z0-9]+$/i.test(file)) file = join(root, 'index.html');
    const response = await net.fetch(pathToFileURL(file).toString());
    const headers = new Headers(response.headers);
    if (file.endsWith('.html')) headers.set('Content-Security-Policy', CSP);
    return new Response(response.body, { status: response.status, headers });
  });
}
