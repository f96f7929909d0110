import { displayWidth, moneyValue, neutralise } from './cells';
import type { SheetSpec } from './xlsx';
import { ZipWriter } from './zip-writer';

/**
 * The grid export's workbook, written as sheet XML straight into a streaming zip: one sheet, bold
 * frozen header, widths that fit Chinese text (measured on the header and the first 500 rows),
 * numbers as numbers, money in 万元 with its format, dates as real dates, formula-like text defused,
 * text as inline strings. It replaces exceljs's streaming writer for exports, which built several
 * objects and a style lookup per cell: the profile of a 100,000-row export spent most of its time
 * there (see tests/bench/files.ts). Memory holds the first 500 rows and one 64 KB piece of XML.
 */
const MONEY_FORMAT: Record<number, string> = { 10_000: '#,##0.00"万元"', 1_000: '#,##0.0"千元"', 1: '#,##0"元"' };

// Cell formats (cellXfs): 0 plain, 1 number, 2 date, 3 money, 4 the bold header.
const XF = { text: 0, number: 1, date: 2, money: 3, header: 4 } as const;

const escapeXml = (text: string) =>
  // Characters XML 1.0 cannot hold are dropped, as exceljs did.
  // eslint-disable-next-line no-control-regex -- control characters are exactly what must go
  text.replace(/[\x00-\x08\x0b\x0c\x0e-\x1f\ufffe\uffff]/g, '').replace(/[&<>]/g, (c) => (c === '&' ? '&amp;' : c === '<' ? '&lt;' : '&gt;'));
const escapeAttr = (text: string) => escapeXml(text).replace(/"/g, '&quot;');

function columnName(index: number): string {
  let n = index + 1;
  let name = '';
  while (n > 0) {
    const r = (n - 1) % 26;
    name = String.fromCharCode(65 + r) + name;
    n = Math.floor((n - 1) / 26);
  }
  return name;
}

const inline = (ref: string, text: string, style = 0) => {
  const preserve = /^\s|\s$|\n/.test(text) ? ' xml:space="preserve"' : '';
  return `<c r="${ref}"${style ? ` s="${style}"` : ''} t="inlineStr"><is><t${preserve}>${escapeXml(text)}</t></is></c>`;
};

const DAY_MS = 86_400_000;

export async function writeSheetXlsx(path: string, spec: SheetSpec, onRow?: (n: number) => void): Promise<void> {
  const divisor = spec.moneyDivisor ?? 10_000;
  const { columns } = spec;
  const refs = columns.map((_, i) => columnName(i));
  type Value = number | string | null;
  /** A record's cells as they go into the sheet: numbers (dates as serial days) and text. */
  const toCells = (record: Record<string, unknown>): Value[] =>
    columns.map((c) => {
      const v = record[c.key];
      if (v === null || v === undefined || v === '') return null;
      if (c.kind === 'money') return moneyValue(v, divisor);
      if (c.kind === 'number') {
        const n = typeof v === 'number' ? v : Number(v);
        return Number.isFinite(n) ? n : null;
      }
      if (c.kind === 'date') return typeof v === 'string' && /^\d{4}-\d\d-\d\d/.test(v) ? Date.parse(`${v.slice(0, 10)}T00:00:00Z`) / DAY_MS + 25569 : null;
      return neutralise(String(v));
    });
  const styleOf = columns.map((c) => (c.kind === 'money' ? XF.money : c.kind === 'date' ? XF.date : c.kind === 'number' ? XF.number : XF.text));
  const rowXml = (r: number, cells: Value[]) => {
    let xml = `<row r="${r}">`;
    for (let i = 0; i < cells.length; i++) {
      const v = cells[i];
      if (v === null || v === undefined) continue;
      const ref = `${refs[i]}${r}`;
      if (typeof v === 'number') xml += `<c r="${ref}"${styleOf[i] ? ` s="${styleOf[i]}"` : ''}><v>${v}</v></c>`;
      else xml += inline(ref, v);
    }
    return `${xml}</row>`;
  };

  const iterator = (spec.rows as AsyncIterable<Record<string, unknown>>)[Symbol.asyncIterator]?.() ?? (spec.rows as Iterable<Record<string, unknown>>)[Symbol.iterator]();
  const first: Value[][] = [];
  let next = await iterator.next();
  while (!next.done && first.length < 500) {
    first.push(toCells(next.value));
    next = await iterator.next();
  }
  const widths = columns.map((c, i) =>
    Math.min(60, Math.max(8, displayWidth(c.header) + 2, ...first.map((r) => (c.kind === 'date' ? 12 : displayWidth(r[i] === null || r[i] === undefined ? '' : String(r[i])) + 2)))),
  );

  const zip = new ZipWriter(path, 4);
  try {
    await zip.file('[Content_Types].xml', '<?xml version="1.0" encoding="UTF-8" standalone="yes"?>\n<Types xmlns="http://schemas.openxmlformats.org/package/2006/content-types"><Default Extension="rels" ContentType="application/vnd.openxmlformats-package.relationships+xml"/><Default Extension="xml" ContentType="application/xml"/><Override PartName="/xl/workbook.xml" ContentType="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet.main+xml"/><Override PartName="/xl/worksheets/sheet1.xml" ContentType="application/vnd.openxmlformats-officedocument.spreadsheetml.worksheet+xml"/><Override PartName="/xl/styles.xml" ContentType="application/vnd.openxmlformats-officedocument.spreadsheetml.styles+xml"/></Types>');
    await zip.file('_rels/.rels', '<?xml version="1.0" encoding="UTF-8" standalone="yes"?>\n<Relationships xmlns="http://schemas.openxmlformats.org/package/2006/relationships"><Relationship Id="rId1" Type="http://schemas.openxmlformats.org/officeDocument/2006/relationships/officeDocument" Target="xl/workbook.xml"/></Relationships>');
    await zip.file('xl/workbook.xml', `<?xml version="1.0" encoding="UTF-8" standalone="yes"?>\n<workbook xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main" xmlns:r="http://schemas.openxmlformats.org/officeDocument/2006/relationships"><workbookPr/><bookViews><workbookView/></bookViews><sheets><sheet name="${escapeAttr(spec.name.slice(0, 31))}" sheetId="1" r:id="rId1"/></sheets></workbook>`);
    await zip.file('xl/_rels/workbook.xml.rels', '<?xml version="1.0" encoding="UTF-8" standalone="yes"?>\n<Relationships xmlns="http://schemas.openxmlformats.org/package/2006/relationships"><Relationship Id="rId1" Type="http://schemas.openxmlformats.org/officeDocument/2006/relationships/worksheet" Target="worksheets/sheet1.xml"/><Relationship Id="rId2" Type="http://schemas.openxmlformats.org/officeDocument/2006/relationships/styles" Target="styles.xml"/></Relationships>');
    const money = escapeAttr(MONEY_FORMAT[divisor] ?? '#,##0.00');
    await zip.file('xl/styles.xml', `<?xml version="1.0" encoding="UTF-8" standalone="yes"?>\n<styleSheet xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main"><numFmts count="3"><numFmt numFmtId="164" formatCode="#,##0.##"/><numFmt numFmtId="165" formatCode="yyyy-mm-dd"/><numFmt numFmtId="166" formatCode="${money}"/></numFmts><fonts count="2"><font><sz val="11"/><name val="Calibri"/><family val="2"/></font><font><b/><sz val="11"/><name val="Calibri"/><family val="2"/></font></fonts><fills count="2"><fill><patternFill patternType="none"/></fill><fill><patternFill patternType="gray125"/></fill></fills><borders count="1"><border><left/><right/><top/><bottom/><diagonal/></border></borders><cellStyleXfs count="1"><xf numFmtId="0" fontId="0" fillId="0" borderId="0"/></cellStyleXfs><cellXfs count="5"><xf numFmtId="0" fontId="0" fillId="0" borderId="0" xfId="0"/><xf numFmtId="164" fontId="0" fillId="0" borderId="0" xfId="0" applyNumberFormat="1"/><xf numFmtId="165" fontId="0" fillId="0" borderId="0" xfId="0" applyNumberFormat="1"/><xf numFmtId="166" fontId="0" fillId="0" borderId="0" xfId="0" applyNumberFormat="1"/><xf numFmtId="0" fontId="1" fillId="0" borderId="0" xfId="0" applyFont="1"/></cellXfs><cellStyles count="1"><cellStyle name="Normal" xfId="0" builtinId="0"/></cellStyles></styleSheet>`);
    const sheet = await zip.entry('xl/worksheets/sheet1.xml');
    const cols = columns.map((_, i) => `<col min="${i + 1}" max="${i + 1}" width="${widths[i]}" customWidth="1"${styleOf[i] ? ` style="${styleOf[i]}"` : ''}/>`).join('');
    await sheet.write(`<?xml version="1.0" encoding="UTF-8" standalone="yes"?>\n<worksheet xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main" xmlns:r="http://schemas.openxmlformats.org/officeDocument/2006/relationships"><sheetViews><sheetView workbookViewId="0"><pane ySplit="1" topLeftCell="A2" activePane="bottomLeft" state="frozen"/><selection pane="bottomLeft"/></sheetView></sheetViews><sheetFormatPr defaultRowHeight="15"/><cols>${cols}</cols><sheetData>`);
    let piece = `<row r="1" s="${XF.header}" customFormat="1">${columns.map((c, i) => inline(`${refs[i]}1`, neutralise(c.header), XF.header)).join('')}</row>`;
    let n = 0;
    let r = 1;
    const emit = async (cells: Value[]) => {
      piece += rowXml(++r, cells);
      if (piece.length > 64 * 1024) {
        await sheet.write(piece);
        piece = '';
      }
      if (++n % 5000 === 0) onRow?.(n);
    };
    for (const cells of first) await emit(cells);
    while (!next.done) {
      await emit(toCells(next.value));
      next = await iterator.next();
      // Rows come from a synchronous source: without a real yield the whole export would run as one
      // task, and neither its progress nor any other call would be answered until it ends.
      if (n % 1000 === 0) await new Promise((resolve) => setImmediate(resolve));
    }
    await sheet.write(`${piece}</sheetData><pageMargins left="0.7" right="0.7" top="0.75" bottom="0.75" header="0.3" footer="0.3"/></worksheet>`);
    await sheet.end();
    await zip.finish();
  } catch (err) {
    zip.destroy();
    throw err;
  }
}
