import { createWriteStream } from 'node:fs';
import { once } from 'node:events';
import { neutralise, type OutColumn } from './cells';

const quote = (s: string) => (/[",\r\n]/.test(s) ? `"${s.replace(/"/g, '""')}"` : s);

/** UTF-8 with a byte-order mark (so Excel opens Chinese text correctly); money in 万元. */
export async function writeCsv(path: string, columns: OutColumn[], rows: Iterable<Record<string, unknown>>, onRow?: (n: number) => void): Promise<void> {
  const out = createWriteStream(path);
  // A write error (a folder that is gone, a full disk) fails the export instead of the process.
  let failed: Error | null = null;
  out.on('error', (err) => (failed ??= err));
  const write = async (line: string) => {
    if (failed) throw failed;
    if (!out.write(line)) await once(out, 'drain');
  };
  await write(`\uFEFF${columns.map((c) => quote(neutralise(c.header))).join(',')}\r\n`);
  let n = 0;
  for (const r of rows) {
    const line = columns.map((c) => {
      const v = r[c.key];
      if (v === null || v === undefined) return '';
      if (c.kind === 'money') return typeof v === 'number' ? String(v / 10_000) : '';
      if (c.kind === 'number') return String(v);
      return quote(neutralise(String(v)));
    });
    await write(`${line.join(',')}\r\n`);
    if (++n % 5000 === 0) onRow?.(n);
  }
  out.end();
  if (failed) throw failed;
  await once(out, 'finish');
}
