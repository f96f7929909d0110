import Database from 'better-sqlite3';
import fc from 'fast-check';
import { existsSync, mkdirSync, mkdtempSync, readdirSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { AppError } from '../../src/core/errors';
import type { ParkCore } from '../../src/core/service';
import { startServer, type RunningServer } from '../../src/server/http';
import { testCore } from './helpers';
import { rawRequest, requestArbitrary } from './http-fuzz';

/**
 * Issue 12 §4: the web shell never falls over and never lets anyone in. Each case the audit found,
 * then a few hundred generated requests (the bench script sends thousands).
 */
describe('the web shell under hostile requests', () => {
  let server: RunningServer;
  let core: ParkCore;
  let port: number;
  let host: string;
  let dbFile: string;
  let home: string;
  beforeAll(async () => {
    // Its own folder: the helpers' temporary files are removed after each test, this outlives them.
    home = mkdtempSync(join(tmpdir(), 'parkpilot-web-'));
    const dir = join(home, 'renderer');
    mkdirSync(dir, { recursive: true });
    writeFileSync(join(dir, 'index.html'), '<html><head></head><body>app</body></html>');
    dbFile = join(home, 'web.db');
    core = testCore({}, dbFile);
    server = await startServer({ core, rendererDir: dir, maxUpload: 64 * 1024 });
    port = Number(new URL(server.url).port);
    host = `127.0.0.1:${port}`;
  });
  afterAll(async () => {
    await server.close();
    core.close();
    rmSync(home, { recursive: true, force: true });
  });

  const get = (path: string, headers: Record<string, string> = {}) =>
    rawRequest(port, `GET ${path} HTTP/1.1\r\nHost: ${host}\r\n${Object.entries(headers).map(([k, v]) => `${k}: ${v}\r\n`).join('')}Connection: close\r\n\r\n`);
  const post = (path: string, body: string, headers: Record<string, string> = {}, timeoutMs = 5000) =>
    rawRequest(port, `POST ${path} HTTP/1.1\r\nHost: ${host}\r\nX-ParkPilot-Token: ${server.token}\r\nContent-Type: application/json\r\n${Object.entries(headers).map(([k, v]) => `${k}: ${v}\r\n`).join('')}Content-Length: ${Buffer.byteLength(body)}\r\nConnection: close\r\n\r\n${body}`, timeoutMs);
  const stillUp = async () => expect((await post('/api/meta.info', '{"input":{}}')).status).toBe(200);
  const code = (a: { body: string }) => (JSON.parse(a.body) as { error: { code: string } }).error.code;

  it('GET /% and other malformed escapes get 400 with a code; the server stays up', async () => {
    for (const path of ['/%', '/%E0%A4%A', '/assets/%zz.js']) {
      const a = await get(path, { 'X-ParkPilot-Token': server.token });
      expect(a.status).toBe(400);
      expect(code(a)).toBe('bad_request');
    }
    expect(code(await post('/api/%', '{}'))).toBe('bad_request');
    // Found by bench:fuzz: a target that is not a path ("//" parses as a URL without a host) was a 500.
    for (const target of ['//', '//evil.example/x', 'http://evil.example/']) expect((await get(target)).status).toBe(400);
    expect((await get('/api/download/%', { 'X-ParkPilot-Token': server.token })).status).toBe(400);
    await stillUp();
  });

  it('a body that is JSON but not an object, or not JSON, is a 400, not a crash', async () => {
    for (const body of ['null', '1', '"x"', '[1]', '{not json', '\u00ff\u00fe']) {
      const a = await post('/api/meta.info', body);
      expect(a.status).toBe(400);
      expect(code(a)).toBe('bad_request');
    }
    await stillUp();
  });

  it('the token page and the API only for this server\'s own origin; cross-origin requests are refused', async () => {
    expect((await get('/')).body).toContain(server.token);
    expect((await get('/', { 'Sec-Fetch-Site': 'none' })).body).toContain(server.token);
    const foreign: Record<string, string>[] = [{ Origin: 'http://evil.example' }, { Origin: 'null' }, { Origin: `http://${host}.evil.example` }, { 'Sec-Fetch-Site': 'cross-site' }, { 'Sec-Fetch-Site': 'same-site' }];
    for (const headers of foreign) {
      const page = await get('/', headers);
      expect(page.status).toBe(403);
      expect(page.body).not.toContain(server.token);
      expect(code(page)).toBe('cross_origin');
      expect((await post('/api/meta.info', '{"input":{}}', headers)).status).toBe(403);
    }
    expect((await post('/api/meta.info', '{"input":{}}', { Origin: `http://${host}`, 'Sec-Fetch-Site': 'same-origin' })).status).toBe(200);
  });

  it('the token is not accepted in the query string', async () => {
    const a = await get(`/api/events?token=${server.token}`);
    expect(a.status).toBe(401);
    expect((await rawRequest(port, `POST /api/meta.info?token=${server.token} HTTP/1.1\r\nHost: ${host}\r\nContent-Length: 2\r\nConnection: close\r\n\r\n{}`)).status).toBe(401);
  });

  it('refuses to listen beyond loopback (there are no accounts yet)', () => {
    for (const h of ['0.0.0.0', '::', '192.168.1.10', 'example.com']) {
      expect(() => startServer({ core, rendererDir: '.', host: h })).toThrow(AppError);
      try {
        void startServer({ core, rendererDir: '.', host: h });
      } catch (err) {
        expect((err as AppError).code).toBe('host_not_loopback');
      }
    }
  });

  it('bad grid requests are 400 with a code: unknown column, absurd endRow', async () => {
    const unknown = await post('/api/enterprises.rows', JSON.stringify({ input: { startRow: 0, endRow: 100, sortModel: [{ colId: 'nope', sort: 'asc' }] } }));
    expect(unknown.status).toBe(400);
    expect(code(unknown)).toBe('invalid_input');
    const filter = await post('/api/enterprises.rows', JSON.stringify({ input: { startRow: 0, endRow: 100, filterModel: { nope: { filterType: 'text', type: 'equals', filter: 'x' } } } }));
    expect(filter.status).toBe(400);
    for (const endRow of [1e9, 5_000_000]) {
      const absurd = await post('/api/enterprises.rows', JSON.stringify({ input: { startRow: 0, endRow } }));
      expect(absurd.status).toBe(400);
      expect(code(absurd)).toBe('invalid_input');
    }
    expect((await post('/api/enterprises.rows', JSON.stringify({ input: { startRow: 0, endRow: 100 } }))).status).toBe(200);
  });

  it('a refused upload is a 413 with a code, and its partial file is removed', async () => {
    const big = 'x'.repeat(200 * 1024);
    const a = await rawRequest(port, `POST /api/upload?name=big.csv HTTP/1.1\r\nHost: ${host}\r\nX-ParkPilot-Token: ${server.token}\r\nContent-Length: ${big.length}\r\nConnection: close\r\n\r\n${big}`);
    expect(a.status).toBe(413);
    expect(code(a)).toBe('import_too_large');
    const folder = (core.files as unknown as { dir: string | null }).dir;
    const left = folder && existsSync(folder) ? readdirSync(folder, { recursive: true, withFileTypes: true }).filter((e) => e.isFile()) : [];
    expect(left).toEqual([]);
    await stillUp();
  });

  it('a write while another process holds the lock is 409 "another ParkPilot is writing this database"', async () => {
    const writer = new Database(dbFile);
    writer.exec('BEGIN IMMEDIATE');
    try {
      const a = await post('/api/enterprises.create', JSON.stringify({ input: { name: '甲公司', kind: 'startup', status: 'settled' } }), { 'X-ParkPilot-Locale': 'en' }, 15_000);
      expect(a.status).toBe(409);
      expect(JSON.parse(a.body).error).toMatchObject({ code: 'db_locked', message: expect.stringMatching(/^Another ParkPilot is writing this database/) });
    } finally {
      writer.exec('ROLLBACK');
      writer.close();
    }
  }, 20_000);

  it('fuzz: every generated request gets an answer (no 5xx), and the server stays up', async () => {
    const statuses = new Map<number | null, number>();
    await fc.assert(
      fc.asyncProperty(requestArbitrary(host, server.token), async (request) => {
        const a = await rawRequest(port, Buffer.from(request, 'latin1'));
        statuses.set(a.status, (statuses.get(a.status) ?? 0) + 1);
        expect(a.status).not.toBeNull();
        expect(a.status).toBeLessThan(500);
      }),
      { numRuns: 300, seed: 12 },
    );
    await stillUp();
    expect([...statuses.keys()].filter((s) => s !== null && s >= 200 && s < 300).length).toBeGreaterThan(0); // some got through
  }, 120_000);
});
