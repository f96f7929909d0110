import { randomBytes, timingSafeEqual } from 'node:crypto';
import { createReadStream, createWriteStream, existsSync, readFileSync, rmSync, statSync } from 'node:fs';
import { once } from 'node:events';
import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { basename, extname, join, normalize, resolve, sep } from 'node:path';
import { AppError, toErrorPayload, type ErrorCode, type Locale } from '../core/errors';
import type { ParkCore } from '../core/service';
import type { UpgradeStatus } from '../core/db/upgrade';

/**
 * The web shell: the built renderer and the handler map over HTTP. Loopback only (there are no
 * accounts yet, so another address is refused); every API call must carry this launch's token in its
 * X-ParkPilot-Token header (never the query string, which leaks into logs and history; the page
 * receives it in a meta tag), and the Host header must name this server, which stops DNS-rebinding
 * pages. Requests from other origins (an Origin header or Sec-Fetch-Site that is not this server's)
 * are refused outright, the page with the token included. No request may crash or hang the server:
 * every failure is answered with a status and a coded error.
 */
export interface ServerOptions {
  /** The open core; or, while an older database is upgraded (db/upgrade.ts), `upgrade` and no core yet. */
  core?: ParkCore;
  /**
   * An upgrade under way: its status answers GET /api/upgrade-status, the page carries a
   * parkpilot-upgrading meta tag (the renderer shows the progress, then reloads), and every other API
   * call is refused with `upgrading` until `ready` gives the core.
   */
  upgrade?: { status(): UpgradeStatus; ready: Promise<ParkCore> };
  rendererDir: string;
  host?: string;
  port?: number;
  token?: string;
  /** Largest upload accepted, in bytes (default 200 MB, the importer's own limit). */
  maxUpload?: number;
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

/** Addresses the web shell may listen on: this machine only. */
export function isLoopback(host: string): boolean {
  return host === 'localhost' || host === '::1' || host === '[::1]' || /^127\.\d{1,3}\.\d{1,3}\.\d{1,3}$/.test(host);
}

/** The HTTP status for a coded error. */
function statusOf(code: ErrorCode): number {
  if (code === 'internal') return 500;
  if (code === 'unknown_method' || code === 'not_found') return 404;
  if (code === 'unauthorized') return 401;
  if (code === 'cross_origin') return 403;
  if (code === 'db_locked' || code === 'busy') return 409;
  if (code === 'import_too_large') return 413;
  return 400;
}

export function startServer(options: ServerOptions): Promise<RunningServer> {
  const host = options.host ?? '127.0.0.1';
  if (!isLoopback(host)) throw new AppError('host_not_loopback', { detail: host });
  const token = options.token ?? randomBytes(24).toString('hex');
  const root = resolve(options.rendererDir);
  const indexFile = join(root, 'index.html');
  if (!existsSync(indexFile)) throw new Error(`renderer not built: ${indexFile} is missing (run npm run build)`);
  const indexHtml = readFileSync(indexFile, 'utf8').replace('<head>', `<head><meta name="parkpilot-token" content="${token}">`);
  let allowedHosts = new Set<string>();
  const upgradingHtml = indexHtml.replace('<head>', '<head><meta name="parkpilot-upgrading" content="1">');
  const events = new Set<ServerResponse>();
  let core: ParkCore | undefined;
  const attach = (c: ParkCore) => {
    core = c;
    c.onEvent((e) => {
      for (const res of events) res.write(`data: ${JSON.stringify(e)}\n\n`);
    });
  };
  if (options.core) attach(options.core);
  else if (options.upgrade) options.upgrade.ready.then(attach, () => undefined); // a failure stays in status()
  else throw new Error('startServer needs a core or an upgrade');

  const route = (req: IncomingMessage, res: ServerResponse): void | Promise<void> => {
    res.setHeader('X-Content-Type-Options', 'nosniff');
    res.setHeader('Referrer-Policy', 'no-referrer');
    const locale = localeOf(req);
    if (!allowedHosts.has(req.headers.host ?? '')) return fail(res, 421, 'unauthorized', locale);
    if (!sameOrigin(req, allowedHosts)) return fail(res, 403, 'cross_origin', locale);
    // Only a path is a request target here ("//x" or "http://x/" would name another host).
    const target = req.url ?? '/';
    if (!target.startsWith('/') || target.startsWith('//')) return fail(res, 400, 'bad_request', locale, 'the request target must be a path');
    const url = new URL(target, 'http://local');
    if (url.pathname.startsWith('/api/')) {
      if (!tokenOk(req.headers['x-parkpilot-token'], token)) return fail(res, 401, 'unauthorized', locale);
      if (url.pathname === '/api/upgrade-status' && req.method === 'GET') return send(res, 200, upgradeStatus(core ? { state: 'done' } : options.upgrade!.status(), locale));
      if (!core) return fail(res, 503, 'upgrading', locale);
      if (url.pathname === '/api/events' && req.method === 'GET') {
        res.writeHead(200, { 'Content-Type': 'text/event-stream', 'Cache-Control': 'no-store' });
        res.write(': connected\n\n');
        events.add(res);
        req.on('close', () => events.delete(res));
        return;
      }
      if (url.pathname === '/api/upload' && req.method === 'POST') return handleUpload(core, url.searchParams.get('name') ?? 'upload', req, res, options.maxUpload ?? MAX_UPLOAD);
      if (url.pathname.startsWith('/api/download/') && req.method === 'GET') return handleDownload(core, decodeURIComponent(url.pathname.slice(14)), res);
      if (req.method !== 'POST') return fail(res, 405, 'bad_request', locale, 'POST only');
      if (url.pathname === '/api/batch') return handleBatch(core, req, res);
      return handleApi(core, decodeURIComponent(url.pathname.slice(5)), req, res);
    }
    if (req.method !== 'GET' && req.method !== 'HEAD') return fail(res, 405, 'bad_request', locale, 'GET only');
    serveStatic(root, decodeURIComponent(url.pathname), core ? indexHtml : upgradingHtml, res);
  };

  const server = createServer((req, res) => {
    // A malformed escape (GET /%) throws URIError; anything else thrown is a bug, but neither may
    // take the server down: the request gets its answer and the server goes on.
    const failed = (err: unknown) => {
      if (res.headersSent) return void res.destroy();
      if (err instanceof URIError) return fail(res, 400, 'bad_request', localeOf(req), 'malformed percent-escape');
      const payload = toErrorPayload(err, localeOf(req));
      send(res, statusOf(payload.code), { ok: false, error: payload });
    };
    try {
      const pending = route(req, res);
      if (pending) pending.catch(failed);
    } catch (err) {
      failed(err);
    }
  });
  // CONNECT and Upgrade (WebSocket) requests are not served: answered, not dropped.
  const refuse = (_req: IncomingMessage, socket: import('node:stream').Duplex) => {
    socket.on('error', () => {});
    socket.end('HTTP/1.1 405 Method Not Allowed\r\nConnection: close\r\nContent-Length: 0\r\n\r\n');
  };
  server.on('connect', refuse);
  server.on('upgrade', refuse);
  // Requests Node's parser cannot read (bad request line, headers) get a 400 and the socket closes.
  server.on('clientError', (err: NodeJS.ErrnoException, socket) => {
    if (!socket.writable) return void socket.destroy();
    const status = err.code === 'HPE_HEADER_OVERFLOW' ? 431 : err.code === 'ERR_HTTP_REQUEST_TIMEOUT' ? 408 : 400;
    socket.end(`HTTP/1.1 ${status} Bad Request\r\nConnection: close\r\nContent-Length: 0\r\n\r\n`);
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

const localeOf = (req: IncomingMessage): Locale => (String(req.headers['x-parkpilot-locale'] ?? '').startsWith('en') ? 'en' : 'zh-CN');

/** The upgrade's status for the page, a failure's message in the page's language. */
function upgradeStatus(s: UpgradeStatus, locale: Locale): unknown {
  return s.state === 'failed' ? { state: 'failed', error: new AppError(s.error.code, s.error.params).toPayload(locale) } : s;
}

function fail(res: ServerResponse, status: number, code: ErrorCode, locale: Locale, detail = ''): void {
  send(res, status, { ok: false, error: new AppError(code, { detail }).toPayload(locale) });
}

/**
 * A browser names the page that sent a request: Origin on cross-origin requests and on POSTs, and
 * Sec-Fetch-Site on all of them. Either, when present, must say this server; other clients (the CLI,
 * tests, curl) send neither.
 */
function sameOrigin(req: IncomingMessage, allowedHosts: Set<string>): boolean {
  const origin = req.headers.origin;
  if (origin !== undefined) {
    const host = /^http:\/\/([^/]+)$/.exec(origin)?.[1];
    if (!host || !allowedHosts.has(host)) return false;
  }
  const site = req.headers['sec-fetch-site'];
  return site === undefined || site === 'same-origin' || site === 'none';
}

function tokenOk(given: string | string[] | null | undefined, token: string): boolean {
  if (typeof given !== 'string' || given.length !== token.length) return false;
  return timingSafeEqual(Buffer.from(given), Buffer.from(token));
}

/** The body of an API request as JSON, or undefined once the request has been answered with an error. */
async function readJson(req: IncomingMessage, res: ServerResponse): Promise<{ value: unknown } | undefined> {
  const locale = localeOf(req);
  const chunks: Buffer[] = [];
  let size = 0;
  for await (const chunk of req) {
    size += (chunk as Buffer).length;
    if (size > MAX_BODY) {
      res.setHeader('Connection', 'close');
      fail(res, 413, 'bad_request', locale, `request body over ${MAX_BODY / 1048576} MB`);
      return undefined;
    }
    chunks.push(chunk as Buffer);
  }
  const body = Buffer.concat(chunks).toString('utf8'); // joined first: a character may span two chunks
  try {
    return { value: body ? JSON.parse(body) : {} };
  } catch {
    fail(res, 400, 'bad_request', locale, 'malformed JSON');
    return undefined;
  }
}

async function handleApi(core: ParkCore, method: string, req: IncomingMessage, res: ServerResponse): Promise<void> {
  const locale = localeOf(req);
  const body = await readJson(req, res);
  if (!body) return;
  const parsed = body.value;
  if (typeof parsed !== 'object' || parsed === null || Array.isArray(parsed)) return fail(res, 400, 'bad_request', locale, 'the body must be {"input": …}');
  const input = (parsed as { input?: unknown }).input;
  const started = performance.now();
  const result = await core.invoke(method, input, locale);
  // The core's own time, which the page's resource timing shows beside the transfer (cold-start timelines).
  res.setHeader('Server-Timing', `core;dur=${(performance.now() - started).toFixed(1)}`);
  send(res, result.ok ? 200 : statusOf(result.error.code), result);
}

const MAX_BATCH = 16;

/**
 * Several calls in one request (`{"calls": [{"method", "input"}, …]}`), answered in order as
 * `{"ok": true, "value": [result, …]}`, each result what its own request would have answered. The page's
 * start-up calls (main.ts) travel this way: one request instead of six, which otherwise queue with the
 * start-up scripts for the browser's six connections. The calls run one after another, as separate
 * requests would. (No method is named "batch": every method has a dot.)
 */
async function handleBatch(core: ParkCore, req: IncomingMessage, res: ServerResponse): Promise<void> {
  const locale = localeOf(req);
  const body = await readJson(req, res);
  if (!body) return;
  const calls = (body.value as { calls?: unknown } | null)?.calls;
  const valid = Array.isArray(calls) && calls.length <= MAX_BATCH && calls.every((c) => typeof c === 'object' && c !== null && typeof (c as { method?: unknown }).method === 'string');
  if (!valid) return fail(res, 400, 'bad_request', locale, `the body must be {"calls": [{"method": …, "input": …}]}, at most ${MAX_BATCH} calls`);
  const started = performance.now();
  const results = [];
  for (const c of calls as { method: string; input?: unknown }[]) results.push(await core.invoke(c.method, c.input, locale));
  res.setHeader('Server-Timing', `core;dur=${(performance.now() - started).toFixed(1)}`);
  send(res, 200, { ok: true, value: results });
}

const MAX_UPLOAD = 200 * 1024 * 1024;

/** A spreadsheet from the page, streamed to a private temporary file; the page gets a token for it. */
async function handleUpload(core: ParkCore, name: string, req: IncomingMessage, res: ServerResponse, maxUpload: number): Promise<void> {
  // eslint-disable-next-line no-control-regex -- control characters have no place in a file name
  const safeName = basename(name.replace(/\\/g, '/')).replace(/[\0-\x1f]/g, '').slice(0, 200) || 'upload';
  const path = core.files.outputPath(safeName);
  const out = createWriteStream(path, { mode: 0o600 });
  // The file may fail to open or write at any time, also while no write is awaited (and destroying it with a
  // write pending reports ERR_STREAM_DESTROYED): without a listener either error would end the whole process.
  let failure: Error | null = null;
  out.on('error', (err) => void (failure ??= err));
  const discard = () => {
    out.destroy();
    rmSync(path, { force: true });
  };
  let size = 0;
  try {
    for await (const chunk of req) {
      if (failure) throw failure;
      size += (chunk as Buffer).length;
      if (size > maxUpload) {
        // Refused: the part already written goes too, and the rest of the body is not read.
        discard();
        res.setHeader('Connection', 'close');
        return fail(res, 413, 'import_too_large', localeOf(req), `> ${Math.round(maxUpload / 1048576)} MB`);
      }
      if (!out.write(chunk)) await once(out, 'drain');
    }
    if (failure) throw failure;
    out.end();
    await once(out, 'finish');
    send(res, 200, { ok: true, value: { token: core.files.register(path, safeName), name: safeName, size } });
  } catch (err) {
    discard(); // the client went away mid-upload, or the disk failed
    throw err;
  }
}

/** A file the core produced (export, report, rejected rows), by its token. */
function handleDownload(core: ParkCore, fileToken: string, res: ServerResponse): void {
  let file: { path: string; name: string };
  try {
    file = core.files.get(fileToken);
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
  const stream = createReadStream(file.path);
  stream.on('error', () => res.destroy());
  stream.pipe(res);
}

function send(res: ServerResponse, status: number, body: unknown): void {
  const json = JSON.stringify(body);
  res.writeHead(status, { 'Content-Type': 'application/json; charset=utf-8', 'Cache-Control': 'no-store', 'Content-Length': Buffer.byteLength(json) });
  res.end(json);
}

function serveStatic(root: string, pathname: string, indexHtml: string, res: ServerResponse): void {
  if (pathname.includes('\0')) return fail(res, 400, 'bad_request', 'en', 'NUL in path');
  const file = resolve(root, `.${normalize(pathname)}`);
  const inside = file === root || file.startsWith(root + sep);
  if (inside && file !== root && existsSync(file) && statSync(file).isFile() && !file.endsWith('index.html')) {
    res.writeHead(200, { 'Content-Type': TYPES[extname(file)] ?? 'application/octet-stream', 'Cache-Control': 'no-cache' });
    const stream = createReadStream(file);
    stream.on('error', () => res.destroy());
    stream.pipe(res);
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
