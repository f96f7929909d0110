import { randomBytes, timingSafeEqual } from 'node:crypto';
import { createReadStream, createWriteStream, existsSync, readFileSync, rmSync, statSync } from 'node:fs';
import { once } from 'node:events';
import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { basename, extname, join, normalize, resolve, sep } from 'node:path';
import type { Locale } from '../core/errors';
import type { ParkCore } from '../core/service';

/**
 * The web shell: the built renderer and the handler map over HTTP. Loopback only by default; every
 * API call must carry this launch's token (the page receives it in a meta tag), and the Host header
 * must name this server, which stops other sites and DNS-rebinding pages from using the API.
 */
export interface ServerOptions {
  core: ParkCore;
  rendererDir: string;
  host?: string;
  port?: number;
  token?: string;
}

export interface RunningServer {
  url: string;
  token: string;
  server: Server;
  close: () => Promise<void>;
}

const TYPES: Record<string, string> = {
  '.html': 'text/html; charset=utf-8', '.js': 'text/javascript; charset=utf-8', '.css': 'text/css; charset=utf-8',
  '.svg': 'image/svg+xml', '.png': 'image/png', '.ico': 'image/x-icon', '.json': 'application/json', '.woff2': 'font/woff2',
};
const MAX_BODY = 8 * 1024 * 1024;
const CSP = "default-src 'self'; script-src 'self'; style-src 'self' 'unsafe-inline'; img-src 'self' data:; connect-src 'self'; font-src 'self' data:; object-src 'none'; base-uri 'none'; frame-ancestors 'none'";

export function startServer(options: ServerOptions): Promise<RunningServer> {
  const host = options.host ?? '127.0.0.1';
  const token = options.token ?? randomBytes(24).toString('hex');
  const root = resolve(options.rendererDir);
  const indexFile = join(root, 'index.html');
  if (!existsSync(indexFile)) throw new Error(`renderer not built: ${indexFile} is missing (run npm run build)`);
  const indexHtml = readFileSync(indexFile, 'utf8').replace('<head>', `<head><meta name="parkpilot-token" content="${token}">`);
  let allowedHosts = new Set<string>();
  const events = new Set<ServerResponse>();
  options.core.onEvent((e) => {
    for (const res of events) res.write(`data: ${JSON.stringify(e)}\n\n`);
  });

  const server = createServer((req, res) => {
    res.setHeader('X-Content-Type-Options', 'nosniff');
    res.setHeader('Referrer-Policy', 'no-referrer');
    if (!allowedHosts.has(req.headers.host ?? '')) return send(res, 421, { ok: false, error: { code: 'unauthorized', message: 'bad host' } });
    const url = new URL(req.url ?? '/', 'http://local');
    if (url.pathname.startsWith('/api/')) {
      if (!tokenOk(req.headers['x-parkpilot-token'] ?? url.searchParams.get('token'), token)) {
        return send(res, 401, { ok: false, error: { code: 'unauthorized', message: 'Unauthorized request' } });
      }
      if (url.pathname === '/api/events' && req.method === 'GET') {
        res.writeHead(200, { 'Content-Type': 'text/event-stream', 'Cache-Control': 'no-store' });
        res.write(': connected\n\n');
        events.add(res);
        req.on('close', () => events.delete(res));
        return;
      }
      if (url.pathname === '/api/upload' && req.method === 'POST') return void handleUpload(options.core, url.searchParams.get('name') ?? 'upload', req, res);
      if (url.pathname.startsWith('/api/download/') && req.method === 'GET') return handleDownload(options.core, url.pathname.slice(14), res);
      if (req.method !== 'POST') return send(res, 405, { ok: false, error: { code: 'invalid_input', message: 'POST only' } });
      return void handleApi(options.core, decodeURIComponent(url.pathname.slice(5)), req, res);
    }
    if (req.method !== 'GET' && req.method !== 'HEAD') return send(res, 405, {});
    serveStatic(root, url.pathname, indexHtml, res);
  });

  return new Promise((resolvePromise, reject) => {
    server.once('error', reject);
    server.listen(options.port ?? 0, host, () => {
      const { port } = server.address() as AddressInfo;
      allowedHosts = new Set([`${host}:${port}`, `localhost:${port}`, `127.0.0.1:${port}`, `[::1]:${port}`]);
      resolvePromise({
        url: `http://${host.includes(':') ? `[${host}]` : host}:${port}/`,
        token,
        server,
        close: () =>
          new Promise((done) => {
            for (const res of events) res.end();
            server.close(() => done());
            server.closeAllConnections();
          }),
      });
    });
  });
}

function tokenOk(given: string | string[] | null | undefined, token: string): boolean {
  if (typeof given !== 'string' || given.length !== token.length) return false;
  return timingSafeEqual(Buffer.from(given), Buffer.from(token));
}

async function handleApi(core: ParkCore, method: string, req: IncomingMessage, res: ServerResponse): Promise<void> {
  const locale: Locale = String(req.headers['x-parkpilot-locale'] ?? '').startsWith('en') ? 'en' : 'zh-CN';
  let body = '';
  let size = 0;
  for await (const chunk of req) {
    size += (chunk as Buffer).length;
    if (size > MAX_BODY) return send(res, 413, { ok: false, error: { code: 'invalid_input', message: 'request too large' } });
    body += chunk;
  }
  let input: unknown;
  try {
    input = body ? (JSON.parse(body) as { input?: unknown }).input : undefined;
  } catch {
    return send(res, 400, await core.invoke('(malformed json)', undefined, locale));
  }
  const result = await core.invoke(method, input, locale);
  send(res, result.ok ? 200 : result.error.code === 'unknown_method' ? 404 : result.error.code === 'internal' ? 500 : 400, result);
}

const MAX_UPLOAD = 200 * 1024 * 1024;

/** A spreadsheet from the page, streamed to a private temporary file; the page gets a token for it. */
async function handleUpload(core: ParkCore, name: string, req: IncomingMessage, res: ServerResponse): Promise<void> {
  const safeName = basename(name).slice(0, 200) || 'upload';
  const path = core.files.outputPath(safeName);
  const out = createWriteStream(path, { mode: 0o600 });
  let size = 0;
  try {
    for await (const chunk of req) {
      size += (chunk as Buffer).length;
      if (size > MAX_UPLOAD) {
        out.destroy();
        rmSync(path, { force: true }); // a refused upload leaves nothing behind
        return send(res, 413, { ok: false, error: { code: 'import_too_large', message: `> ${MAX_UPLOAD / 1048576} MB` } });
      }
      if (!out.write(chunk)) await once(out, 'drain');
    }
    out.end();
    await once(out, 'finish');
    send(res, 200, { ok: true, value: { token: core.files.register(path, safeName), name: safeName, size } });
  } catch (err) {
    out.destroy();
    rmSync(path, { force: true });
    send(res, 500, { ok: false, error: { code: 'internal', message: (err as Error).message } });
  }
}

/** A file the core produced (export, report, rejected rows), by its token. */
function handleDownload(core: ParkCore, fileToken: string, res: ServerResponse): void {
  let file: { path: string; name: string };
  try {
    file = core.files.get(decodeURIComponent(fileToken));
  } catch {
    return send(res, 404, { ok: false, error: { code: 'not_found', message: 'not found' } });
  }
  const ext = extname(file.name);
  const types: Record<string, string> = { '.xlsx': 'application/vnd.openxmlformats-officedocument.spreadsheetml.sheet', '.csv': 'text/csv; charset=utf-8', '.pdf': 'application/pdf' };
  res.writeHead(200, {
    'Content-Type': types[ext] ?? 'application/octet-stream',
    'Content-Disposition': `attachment; filename="${encodeURIComponent(file.name)}"; filename*=UTF-8''${encodeURIComponent(file.name)}`,
    'Cache-Control': 'no-store',
  });
  createReadStream(file.path).pipe(res);
}

function send(res: ServerResponse, status: number, body: unknown): void {
  res.writeHead(status, { 'Content-Type': 'application/json; charset=utf-8', 'Cache-Control': 'no-store' });
  res.end(JSON.stringify(body));
}

function serveStatic(root: string, pathname: string, indexHtml: string, res: ServerResponse): void {
  const file = resolve(root, `.${normalize(decodeURIComponent(pathname))}`);
  const inside = file === root || file.startsWith(root + sep);
  if (inside && file !== root && existsSync(file) && statSync(file).isFile() && !file.endsWith('index.html')) {
    res.writeHead(200, { 'Content-Type': TYPES[extname(file)] ?? 'application/octet-stream', 'Cache-Control': 'no-cache' });
    createReadStream(file).pipe(res);
    return;
  }
  if (extname(pathname) && pathname !== '/index.html') {
    res.writeHead(404, { 'Content-Type': 'text/plain' });
    res.end('not found');
    return;
  }
  // Any other path is a page of the single-page app.
  res.writeHead(200, { 'Content-Type': TYPES['.html']!, 'Content-Security-Policy': CSP, 'Cache-Control': 'no-store' });
  res.end(indexHtml);
}
