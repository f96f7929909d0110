import { mkdirSync, writeFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { request } from 'node:http';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startServer, type RunningServer } from '../../src/server/http';
import { tempFile, testCore } from './helpers';

function http(url: string, options: { method?: string; headers?: Record<string, string>; body?: string } = {}): Promise<{ status: number; body: string }> {
  return new Promise((resolve, reject) => {
    const req = request(url, { method: options.method ?? 'GET', headers: options.headers }, (res) => {
      let body = '';
      res.on('data', (c) => (body += c));
      res.on('end', () => resolve({ status: res.statusCode!, body }));
    });
    req.on('error', reject);
    req.end(options.body);
  });
}

describe('the web shell', () => {
  let server: RunningServer;
  let secret: string;
  beforeAll(async () => {
    const dir = join(dirname(tempFile()), 'renderer');
    mkdirSync(dir, { recursive: true });
    writeFileSync(join(dir, 'index.html'), '<html><head></head><body>app</body></html>');
    secret = join(dirname(dir), 'secret.txt');
    writeFileSync(secret, 'do not serve');
    server = await startServer({ core: testCore(), rendererDir: dir });
  });
  afterAll(() => server.close());

  const call = (method: string, input: unknown, token = server.token) =>
    http(`${server.url}api/${method}`, { method: 'POST', headers: { 'X-ParkPilot-Token': token, 'Content-Type': 'application/json' }, body: JSON.stringify({ input }) });

  it('hands the page its token and a CSP', async () => {
    const r = await http(server.url);
    expect(r.body).toContain(`<meta name="parkpilot-token" content="${server.token}">`);
  });

  it('serves the API to requests that carry the token', async () => {
    const r = await call('meta.info', {});
    expect(r.status).toBe(200);
    expect(JSON.parse(r.body).ok).toBe(true);
  });

  it('answers a batch of calls in one request, each as its own request would, in order', async () => {
    const batch = (body: unknown, token = server.token) =>
      http(`${server.url}api/batch`, { method: 'POST', headers: { 'X-ParkPilot-Token': token, 'Content-Type': 'application/json', 'X-ParkPilot-Locale': 'en' }, body: JSON.stringify(body) });
    const calls = [
      { method: 'meta.enums', input: {} },
      { method: 'industries.list', input: {} },
      { method: 'no.such', input: {} },
      { method: 'enterprises.create', input: { name: 1 } },
      { method: 'meta.info', input: {} },
    ];
    const r = await batch({ calls });
    expect(r.status).toBe(200);
    const answers = (JSON.parse(r.body) as { ok: boolean; value: unknown[] }).value;
    const alone = await Promise.all(calls.map(async (c) => JSON.parse((await http(`${server.url}api/${c.method}`, { method: 'POST', headers: { 'X-ParkPilot-Token': server.token, 'X-ParkPilot-Locale': 'en' }, body: JSON.stringify({ input: c.input }) })).body) as unknown));
    expect(answers).toEqual(alone);
    expect((answers[2] as { error: { code: string } }).error.code).toBe('unknown_method');
    expect((answers[3] as { error: { code: string } }).error.code).toBe('invalid_input');
    // Same gate as every call; a malformed batch is refused with a coded error.
    expect((await batch({ calls }, 'x'.repeat(server.token.length))).status).toBe(401);
    for (const bad of [{}, { calls: 'meta.info' }, { calls: [{ input: {} }] }, { calls: Array.from({ length: 17 }, () => ({ method: 'meta.info' })) }]) {
      const refused = await batch(bad);
      expect(refused.status, JSON.stringify(bad).slice(0, 60)).toBe(400);
      expect(JSON.parse(refused.body).error.code).toBe('bad_request');
    }
  });

  it('rejects requests without the token, or with another', async () => {
    expect((await http(`${server.url}api/meta.info`, { method: 'POST', body: '{}' })).status).toBe(401);
    expect((await call('meta.info', {}, 'x'.repeat(server.token.length))).status).toBe(401);
  });

  it('rejects a foreign Host header (DNS rebinding)', async () => {
    const r = await http(`${server.url}api/meta.info`, { method: 'POST', headers: { Host: 'evil.example:80', 'X-ParkPilot-Token': server.token }, body: '{}' });
    expect(r.status).toBe(421);
  });

  it('returns coded errors for bad input and unknown methods', async () => {
    const bad = await call('enterprises.create', { name: 1 });
    expect(bad.status).toBe(400);
    expect(JSON.parse(bad.body).error.code).toBe('invalid_input');
    expect((await call('nope.nothing', {})).status).toBe(404);
    const malformed = await http(`${server.url}api/meta.info`, { method: 'POST', headers: { 'X-ParkPilot-Token': server.token }, body: '{not json' });
    expect(malformed.status).toBe(400);
  });

  it('never serves files outside the renderer folder', async () => {
    for (const path of ['../secret.txt', '..%2fsecret.txt', '%2e%2e/secret.txt']) {
      const r = await http(`${server.url}${path}`);
      expect(r.body).not.toContain('do not serve');
    }
  });

  it('listens on loopback only by default', () => {
    expect(server.url.startsWith('http://127.0.0.1:')).toBe(true);
  });
});
