import Module, { createRequire } from 'node:module';
import { StringDecoder } from 'node:string_decoder';

/**
 * exceljs's streaming reader decodes every chunk of a sheet's XML on its own, so a Chinese character
 * split across two chunks turns into "��" (seen on about 1 row in 3,000 of a 100k-row roster). This
 * puts a fixed copy of its small SAX adapter — same events, but a stateful UTF-8 decoder — into the
 * module cache before exceljs loads it. exceljs is therefore only ever loaded through `excel()`:
 * a static import would be hoisted above the fix by the bundler.
 */
const require = createRequire(import.meta.url);

let loaded: typeof import('exceljs') | null = null;

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
    parser.on('opentag', (value) => events.push({ eventType: 'opentag', value }));
    parser.on('text', (value) => events.push({ eventType: 'text', value }));
    parser.on('closetag', (value) => events.push({ eventType: 'closetag', value }));
    for await (const chunk of iterable) {
      parser.write(typeof chunk === 'string' ? chunk : decoder.write(chunk));
      if (error) throw error;
      yield events;
      events = [];
    }
    const rest = decoder.end();
    if (rest) {
      parser.write(rest);
      if (error) throw error;
      yield events;
    }
  }
  const mod = new Module(path);
  mod.filename = path;
  mod.loaded = true;
  mod.exports = parseSax;
  require.cache[path] = mod;
}
