import { once } from 'node:events';
import { createWriteStream, type WriteStream } from 'node:fs';
import * as zlib from 'node:zlib';

/**
 * A streaming zip writer for the export's workbook: each entry is deflated as it is written (on
 * zlib's thread pool, so compression runs beside the rows being made) and followed by a data
 * descriptor, so nothing is held whole in memory. Plain zip (no ZIP64): a workbook stays far under 4 GB.
 */
const CRC_TABLE = (() => {
  const table = new Int32Array(256);
  for (let n = 0; n < 256; n++) {
    let c = n;
    for (let k = 0; k < 8; k++) c = c & 1 ? 0xedb88320 ^ (c >>> 1) : c >>> 1;
    table[n] = c;
  }
  return table;
})();

/** CRC-32 of a buffer, continuing `crc`: zlib's own where this Node has it (20.15+), else a table. */
const crc32: (data: Buffer, crc: number) => number =
  typeof (zlib as { crc32?: unknown }).crc32 === 'function'
    ? (data, crc) => (zlib as unknown as { crc32: (d: Buffer, c: number) => number }).crc32(data, crc)
    : (data, crc) => {
        let c = ~crc;
        for (let i = 0; i < data.length; i++) c = CRC_TABLE[(c ^ data[i]!) & 0xff]! ^ (c >>> 8);
        return ~c >>> 0;
      };

interface Written {
  name: Buffer;
  crc: number;
  compressed: number;
  size: number;
  offset: number;
}

export class ZipWriter {
  private readonly out: WriteStream;
  private offset = 0;
  private readonly entries: Written[] = [];
  private readonly time: number;
  private readonly date: number;

  /** The file's first write error (a folder that is gone, a full disk): the next step throws it. */
  private failed: Error | null = null;

  constructor(path: string, private readonly level = 6) {
    this.out = createWriteStream(path);
    // Without a listener the error would be thrown from the event loop (ending the process) and the
    // export would wait for 'finish' forever.
    this.out.on('error', (err) => (this.failed ??= err));
    const now = new Date();
    this.time = (now.getHours() << 11) | (now.getMinutes() << 5) | (now.getSeconds() >> 1);
    this.date = ((now.getFullYear() - 1980) << 9) | ((now.getMonth() + 1) << 5) | now.getDate();
  }

  private async raw(data: Buffer): Promise<void> {
    if (this.failed) throw this.failed;
    this.offset += data.length;
    if (!this.out.write(data)) await once(this.out, 'drain');
  }

  /** An entry whose text comes in pieces: `write` them in order, then `end`. */
  async entry(name: string): Promise<{ write(text: string): Promise<void>; end(): Promise<void> }> {
    const nameBytes = Buffer.from(name, 'utf8');
    const header = Buffer.alloc(30);
    header.writeUInt32LE(0x04034b50, 0);
    header.writeUInt16LE(20, 4);
    header.writeUInt16LE(0x0808, 6); // sizes in a data descriptor; UTF-8 names
    header.writeUInt16LE(8, 8);
    header.writeUInt16LE(this.time, 10);
    header.writeUInt16LE(this.date, 12);
    header.writeUInt16LE(nameBytes.length, 26);
    const offset = this.offset;
    await this.raw(Buffer.concat([header, nameBytes]));
    const deflate = zlib.createDeflateRaw({ level: this.level, chunkSize: 256 * 1024 });
    let crc = 0;
    let size = 0;
    let compressed = 0;
    const pumped = (async () => {
      for await (const chunk of deflate as AsyncIterable<Buffer>) {
        compressed += chunk.length;
        await this.raw(chunk);
      }
    })();
    return {
      write: async (text: string) => {
        const data = Buffer.from(text, 'utf8');
        crc = crc32(data, crc);
        size += data.length;
        if (!deflate.write(data)) await once(deflate, 'drain');
      },
      end: async () => {
        deflate.end();
        await pumped;
        const descriptor = Buffer.alloc(16);
        descriptor.writeUInt32LE(0x08074b50, 0);
        descriptor.writeUInt32LE(crc >>> 0, 4);
        descriptor.writeUInt32LE(compressed, 8);
        descriptor.writeUInt32LE(size, 12);
        await this.raw(descriptor);
        this.entries.push({ name: nameBytes, crc: crc >>> 0, compressed, size, offset });
      },
    };
  }

  async file(name: string, text: string): Promise<void> {
    const e = await this.entry(name);
    await e.write(text);
    await e.end();
  }

  /** The central directory, then the file is flushed and closed. */
  async finish(): Promise<void> {
    const start = this.offset;
    for (const e of this.entries) {
      const h = Buffer.alloc(46);
      h.writeUInt32LE(0x02014b50, 0);
      h.writeUInt16LE(20, 4);
      h.writeUInt16LE(20, 6);
      h.writeUInt16LE(0x0808, 8);
      h.writeUInt16LE(8, 10);
      h.writeUInt16LE(this.time, 12);
      h.writeUInt16LE(this.date, 14);
      h.writeUInt32LE(e.crc, 16);
      h.writeUInt32LE(e.compressed, 20);
      h.writeUInt32LE(e.size, 24);
      h.writeUInt16LE(e.name.length, 28);
      h.writeUInt32LE(e.offset, 42);
      await this.raw(Buffer.concat([h, e.name]));
    }
    const end = Buffer.alloc(22);
    end.writeUInt32LE(0x06054b50, 0);
    end.writeUInt16LE(this.entries.length, 8);
    end.writeUInt16LE(this.entries.length, 10);
    end.writeUInt32LE(this.offset - start, 12);
    end.writeUInt32LE(start, 16);
    await this.raw(end);
    this.out.end();
    if (this.failed) throw this.failed;
    await once(this.out, 'finish');
  }

  /** Stops writing (an error on the way): the partial file is closed. */
  destroy(): void {
    this.out.destroy();
  }
}
