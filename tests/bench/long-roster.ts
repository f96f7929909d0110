/**
 * The long roster of the file benches (files.ts, import-memory.ts): `rows` distinct, valid enterprises
 * with the export's headers, as CSV and (optionally) as .xlsx written by the export's own sheet writer,
 * made without a database of that size.
 */
import { once } from 'node:events';
import { createWriteStream } from 'node:fs';
import { writeSheetXlsx } from '../../src/core/exports/sheet-writer';
import { exportColumns } from '../../src/core/exports/views';
import { completeUscc } from '../../src/core/util/uscc';

export async function writeRoster(csvPath: string, xlsxPath: string | null, rows: number): Promise<void> {
  const columns = exportColumns.enterprises.map((c) => ({ key: c.key, header: c.zh, kind: c.kind }));
  const industries = ['大数据', '云计算', '人工智能', '物联网', '智能制造'];
  const alphabet = '0123456789ABCDEFGHJKLMNPQRTUWXY';
  const code = (n: number) => {
    let t = '';
    for (let i = 0; i < 8; i++, n = Math.floor(n / alphabet.length)) t = alphabet[n % alphabet.length]! + t;
    return completeUscc(`91440400${t}`);
  };
  function* records() {
    for (let i = 0; i < rows; i++) {
      yield {
        name: `长名册第${i}号数据科技有限公司`, uscc: code(i), industry: industries[i % industries.length], kind: '初创企业', status: i % 7 === 0 ? '迁出' : '入驻',
        building: `${1 + (i % 9)}号楼`, unit: String(100 + (i % 900)), area_m2: 50 + (i % 2000), entry_date: `20${String(10 + (i % 12)).padStart(2, '0')}-0${1 + (i % 9)}-1${i % 10}`,
        exit_date: i % 7 === 0 ? '2023-06-30' : null, registered_capital: (i % 5000) * 10_000, headcount: i % 300, revenue: (i % 9000) * 10_000, tax: (i % 300) * 10_000, patents: i % 20, notes: '长文件测试',
      };
    }
  }
  const out = createWriteStream(csvPath);
  const quote = (v: unknown) => (v === null || v === undefined ? '' : typeof v === 'number' ? String(v) : /[",\r\n]/.test(String(v)) ? `"${String(v).replace(/"/g, '""')}"` : String(v));
  out.write(`\uFEFF${columns.map((c) => c.header).join(',')}\r\n`);
  for (const r of records()) {
    const line = columns.map((c) => quote(c.kind === 'money' && typeof (r as Record<string, unknown>)[c.key] === 'number' ? ((r as Record<string, unknown>)[c.key] as number) / 10_000 : (r as Record<string, unknown>)[c.key])).join(',');
    if (!out.write(`${line}\r\n`)) await once(out, 'drain');
  }
  out.end();
  await once(out, 'finish');
  if (xlsxPath) await writeSheetXlsx(xlsxPath, { name: '企业', columns, rows: records() });
}
