import { existsSync, mkdirSync, readdirSync, readFileSync, statSync, writeFileSync } from 'node:fs';
import { request } from 'node:http';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { Files, RUN_DIR_PREFIX, sweepStaleRunDirs } from '../../src/core/jobs';
import { startServer } from '../../src/server/http';
import { copyAtomically, writeAtomically } from '../../src/core/util/atomic';
import { tempFile, testCore } from './helpers';

describe('files written safely', () => {
  it('a writer that fails part-way leaves the older file whole and no temporary file', async () => {
    const dest = tempFile('export.csv');
    writeFileSync(dest, 'the older export\n');
    await expect(
      writeAtomically(dest, async (tmp) => {
        writeFileSync(tmp, 'half of a new exp');
        throw new Error('disk full');
      }),
    ).rejects.toThrow('disk full');
    expect(readFileSync(dest, 'utf8')).toBe('the older export\n');
    expect(readdirSync(dirname(dest))).toEqual(['export.csv']);
    await writeAtomically(dest, (tmp) => writeFileSync(tmp, 'the new export\n'));
    expect(readFileSync(dest, 'utf8')).toBe('the new export\n');
    const source = tempFile('source.pdf');
    writeFileSync(source, '%PDF-1.7 …');
    copyAtomically(source, dest);
    expect(readFileSync(dest, 'utf8')).toBe('%PDF-1.7 …');
    expect(readdirSync(dirname(dest))).toEqual(['export.csv']);
  });

  it('outputs live in a private folder (0700, files 0600), removed on release, on close, and after a kill by the next start', () => {
    const files = new Files();
    const path = files.outputPath('report.pdf');
    writeFileSync(path, 'x');
    const token = files.register(path);
    const runDir = dirname(dirname(path));
    expect(runDir.startsWith(join(tmpdir(), `${RUN_DIR_PREFIX}${process.pid}-`))).toBe(true);
    expect(statSync(runDir).mode & 0o777).toBe(0o700);
    expect(statSync(path).mode & 0o777).toBe(0o600);
    files.release(token);
    expect(existsSync(path)).toBe(false);
    const other = files.outputPath('b.xlsx');
    writeFileSync(other, 'x');
    files.dispose();
    expect(existsSync(runDir)).toBe(false);
    // A folder left by a process that no longer runs goes; a live one's stays.
    const root = dirname(tempFile());
    const dead = join(root, `${RUN_DIR_PREFIX}999999999-abc`);
    const live = join(root, `${RUN_DIR_PREFIX}${process.pid}-abc`);
    for (const d of [dead, live]) mkdirSync(join(d, 'chromium-profile'), { recursive: true });
    expect(sweepStaleRunDirs(root)).toBe(1);
    expect([existsSync(dead), existsSync(live)]).toEqual([false, true]);
  });

  it('the CLI user file given to import is not chmod-ed', () => {
    const files = new Files();
    const mine = tempFile('roster.csv');
    writeFileSync(mine, 'a\n', { mode: 0o644 });
    files.register(mine);
    expect(statSync(mine).mode & 0o777).toBe(0o644);
  });

  it('an upload the disk refuses is answered with an error, and the server goes on serving', async () => {
    const dir = join(dirname(tempFile()), 'renderer');
    mkdirSync(dir, { recursive: true });
    writeFileSync(join(dir, 'index.html'), '<html><head></head><body>app</body></html>');
    const core = testCore();
    // The folder the upload should go to is gone (a cleaner, a full or unmounted disk): the file cannot open.
    core.files.outputPath = (name: string) => join(dirname(tempFile()), 'no-such-folder', name);
    const server = await startServer({ core, rendererDir: dir });
    // The body comes in two parts with a pause between: the file fails while the server waits for the rest.
    const post = (body: Buffer) =>
      new Promise<{ status: number; body: string }>((resolve, reject) => {
        const req = request(`${server.url}api/upload?name=roster.csv`, { method: 'POST', headers: { 'X-ParkPilot-Token': server.token } }, (res) => {
          let text = '';
          res.on('data', (c: Buffer) => (text += c.toString()));
          res.on('end', () => resolve({ status: res.statusCode!, body: text }));
        });
        req.on('error', reject);
        req.write(body.subarray(0, 5));
        setTimeout(() => req.end(body.subarray(5)), 300);
      });
    try {
      for (const size of [10, 3 << 20]) {
        const answer = await post(Buffer.alloc(size, 0x61));
        expect(answer.status).toBeGreaterThanOrEqual(400);
        expect(JSON.parse(answer.body)).toMatchObject({ ok: false, error: { code: 'file_missing' } });
        expect((JSON.parse(answer.body) as { error: { message: string } }).error.message).toMatch(/^文件或文件夹不存在（.+roster\.csv）$/);
      }
      const page = await fetch(server.url);
      expect(page.status).toBe(200);
    } finally {
      await server.close();
      core.close();
    }
  });

  it('a refused upload (over 200 MB) leaves no partial file', async () => {
    const dir = join(dirname(tempFile()), 'renderer');
    mkdirSync(dir, { recursive: true });
    writeFileSync(join(dir, 'index.html'), '<html><head></head><body>app</body></html>');
    const core = testCore();
    const server = await startServer({ core, rendererDir: dir });
    try {
      const status = await new Promise<number>((resolve, reject) => {
        const req = request(`${server.url}api/upload?name=big.csv`, { method: 'POST', headers: { 'X-ParkPilot-Token': server.token } }, (res) => {
          res.resume();
          resolve(res.statusCode!);
        });
        req.on('error', () => resolve(-1)); // the server may close the socket once it has answered
        const chunk = Buffer.alloc(4 << 20, 0x61);
        let sent = 0;
        const pump = () => {
          while (sent < 210 << 20) {
            sent += chunk.length;
            if (!req.write(chunk)) return void req.once('drain', pump);
          }
          req.end();
        };
        pump();
        setTimeout(() => reject(new Error('no answer')), 60_000).unref();
      });
      expect([413, -1]).toContain(status);
      const runDirs = readdirSync(tmpdir()).filter((n) => n.startsWith(`${RUN_DIR_PREFIX}${process.pid}-`));
      const leftovers = runDirs.flatMap((d) => readdirSync(join(tmpdir(), d), { recursive: true }) as string[]).filter((n) => n.endsWith('big.csv'));
      expect(leftovers).toEqual([]);
    } finally {
      await server.close();
      core.close();
    }
  });
});
