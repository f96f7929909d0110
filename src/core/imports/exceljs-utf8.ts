import Module, { createRequire } from 'node:module';
import { StringDecoder } from 'node:string_decoder';

/**
 * exceljs's streaming reader decodes every chunk of a sheet's XML on its own, so a Chinese character
 * split across two chunks turns into "��" (seen on about 1 row in 3,000 of a 100k-row roster). This
 * puts a fixed copy of its small SAX adapter — same events, but a stateful UTF-8 decoder — into the
 * module cache before exceljs loads it. exceljs is therefore only ever loaded through `excel()`:
 * a static import would be hoisted above the fix by the bundler.
 *
 * The same adapter marks two kinds of cell that exceljs's streaming reader gets wrong: ISO dates
 * (`t="d"`, which it reads with parseFloat: "2021-03-01" became 2021, that is 1905-07-13) and error
 * values (`t="e"`: a formula's cached #DIV/0! became NaN). Both are turned into text cells that begin
 * with a marker — U+0000, which no XML text can hold — so the reader (read.ts) can tell them apart.
 */
const require = createRequire(import.meta.url);

let loaded: typeof import('exceljs') | null = null;

/** Prefixes of the text the adapter gives ISO-date and error cells. */
export const CELL_MARK = { date: '\u0000d:', error: '\u0000e:' } as const;

export function excel(): typeof import('exceljs') {
  if (!loaded) {
    installUtf8SafeSax();
    loaded = require('exceljs') as typeof import('exceljs');
  }
  return loaded;
}

function installUtf8SafeSax(): void {
  const path = require.resolve('exceljs/lib/utils/parse-sax.js');
  if (require.cache[path]) return;
  const { SaxesParser } = require('saxes') as { SaxesParser: new () => { on: (e: string, f: (v: unknown) => void) => void; write: (s: string) => void } };
  async function* parseSax(iterable: AsyncIterable<Buffer | string>) {
    const parser = new SaxesParser();
    const decoder = new StringDecoder('utf8');
    let error: unknown;
    let events: { eventType: string; value: unknown }[] = [];
    parser.on('error', (err) => (error = err));
    // The marked cell being read, and whether its <v> text has been marked yet.
    let marked: string | null = null;
    let markNext = false;
    parser.on('opentag', (value) => {
      const node = value as { name: string; attributes: Record<string, string> };
      if (node.name === 'c') {
        const t = node.attributes.t;
        marked = t === 'd' ? CELL_MARK.date : t === 'e' ? CELL_MARK.error : null;
        if (marked) node.attributes.t = 'str';
      } else if (node.name === 'v' && marked) markNext = true;
      events.push({ eventType: 'opentag', value });
    });
    parser.on('text', (value) => {
      if (markNext) {
        markNext = false;
        value = `${marked}${value as string}`;
      }
      events.push({ eventType: 'text', value });
    });
    parser.on('closetag', (value) => {
      if ((value as { name: string }).name === 'c') marked = null;
      events.push({ eventType: 'closetag', value });
    });
    for await (const chunk of iterable) {
      parser.write(typeof chunk === 'string' ? chunk : decoder.write(chunk));
      if (error) throw error;
      yield events;
      events = [];
    }
    const rest = decoder.end();
    if (rest) parser.write(rest);
    // Closing reports a document cut short (unclosed tags), which would otherwise import as its
    // first rows without a word.
    (parser as unknown as { close: () => void }).close();
    if (error) throw error;
    if (events.length) yield events;
  }
  const mod = new Module(path);
  mod.filename = path;
  mod.loaded = true;
  mod.exports = parseSax;
  require.cache[path] = mod;
}
