import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach } from 'vitest';
import { ParkCore, type CoreOptions } from '../../src/core/service';
import { seededIds } from '../../src/core/util/ids';

const dirs: string[] = [];
afterEach(() => {
  for (const d of dirs.splice(0)) rmSync(d, { recursive: true, force: true });
});

export function tempFile(name = 'park.db'): string {
  const dir = mkdtempSync(join(tmpdir(), 'parkpilot-'));
  dirs.push(dir);
  return join(dir, name);
}

/** A core on a real SQLite file with a fixed clock (2026-11-21 09:00 UTC, +1 ms a call) and seeded ids. */
export function testCore(options: CoreOptions = {}, file = tempFile()): ParkCore {
  let t = Date.UTC(2026, 10, 21, 9);
  return new ParkCore(file, { site: '0123456789abcdef', user: 'tester', now: () => t++, ids: seededIds(7), ...options });
}
