/**
 * Child of import-lazy-modules.test.ts: loads the core process's entry (every module the app's core
 * process loads at start), lists the packages loaded, opens an .xls and lists them again.
 */
import '../../src/core/process/entry';
import { resolve } from 'node:path';
import { openTable } from '../../src/core/imports/read';

/** The packages whose files are loaded ('@scope/name' or 'name'). */
function packages(): string[] {
  const names = Object.keys(require.cache)
    .filter((k) => k.includes('node_modules/'))
    .map((k) => {
      const parts = k.split('node_modules/').pop()!.split('/');
      return parts[0]!.startsWith('@') ? `${parts[0]}/${parts[1]}` : parts[0]!;
    });
  return [...new Set(names)];
}

void (async () => {
  const atStart = packages();
  const table = await openTable(resolve(__dirname, '../fixtures/roster-libreoffice.xls'), 'roster-libreoffice.xls');
  let rows = 0;
  for await (const _row of table.rows) rows++;
  console.log(JSON.stringify({ atStart, afterXls: packages(), rows }));
})();
