import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { nativeBindingOf, openDatabase } from '../../src/core/db/open';

// The desktop app opens its databases with Electron's build of better-sqlite3; a worker thread that
// reads the same file (the merge's classify thread) must load that binding too, so the connection says
// which one it was opened with.
describe('nativeBindingOf', () => {
  const dir = mkdtempSync(join(tmpdir(), 'pp-binding-'));
  afterAll(() => rmSync(dir, { recursive: true, force: true }));

  it('is the binding a connection was opened with, and nothing for the default one', () => {
    const binding = require.resolve('better-sqlite3/build/Release/better_sqlite3.node');
    const withBinding = openDatabase(join(dir, 'a.db'), { nativeBinding: binding });
    const plain = openDatabase(join(dir, 'b.db'));
    try {
      expect(nativeBindingOf(withBinding)).toBe(binding);
      expect(nativeBindingOf(plain)).toBeUndefined();
    } finally {
      withBinding.close();
      plain.close();
    }
  });
});
