import { readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { resolve } from 'node:path';
import { describe, expect, it } from 'vitest';
import { outsideAsar } from '../../src/core/imports/worker-source';

// The import reader's worker thread loads csv-parse by path; inside a packaged app that path must be
// the unpacked file beside app.asar, which electron-builder must therefore unpack.
describe('the reader worker in a packaged app', () => {
  it('loads csv-parse from app.asar.unpacked, and leaves other paths alone', () => {
    expect(outsideAsar('/opt/ParkPilot/resources/app.asar/node_modules/csv-parse/dist/cjs/index.cjs')).toBe('/opt/ParkPilot/resources/app.asar.unpacked/node_modules/csv-parse/dist/cjs/index.cjs');
    expect(outsideAsar('C:\\Program Files\\ParkPilot\\resources\\app.asar\\node_modules\\csv-parse\\dist\\cjs\\index.cjs')).toBe('C:\\Program Files\\ParkPilot\\resources\\app.asar.unpacked\\node_modules\\csv-parse\\dist\\cjs\\index.cjs');
    expect(outsideAsar('/opt/ParkPilot/resources/app.asar.unpacked/node_modules/csv-parse/x.cjs')).toBe('/opt/ParkPilot/resources/app.asar.unpacked/node_modules/csv-parse/x.cjs');
    const here = createRequire(__filename).resolve('csv-parse');
    expect(outsideAsar(here)).toBe(here);
  });

  it('electron-builder unpacks every package the worker loads by path', () => {
    const config = JSON.parse(readFileSync(resolve(__dirname, '../../electron-builder.json'), 'utf8')) as { asarUnpack?: string[] };
    const source = readFileSync(resolve(__dirname, '../../src/core/imports/worker-source.ts'), 'utf8');
    const loaded = [...source.matchAll(/requireHere\.resolve\('([^']+)'\)/g)].map((m) => m[1]!);
    expect(loaded).toContain('csv-parse');
    for (const name of loaded) expect(config.asarUnpack ?? []).toContain(`**/node_modules/${name}/**`);
  });
});
