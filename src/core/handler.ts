import type { z } from 'zod';
import type { Locale } from './errors';
import type { Db } from './db/open';
import type { WriteContext } from './db/write';
import type { Files, Jobs } from './jobs';
import type { ConnectOptions, HubStatus } from './hub/link';

/** What every handler receives: the write context plus the caller's language. */
export interface CoreContext extends WriteContext {
  locale: Locale;
  /** Today's date (YYYY-MM-DD) for the caller; fixed in tests. */
  today: () => string;
  jobs: Jobs;
  files: Files;
  /**
   * A read-only connection to the same database, for long reads (exports) that yield between chunks:
   * it reads one consistent snapshot, and the main connection stays free to write meanwhile.
   * The caller closes it.
   */
  openReader: () => Db;
  /** Prints HTML to PDF: Electron's printToPDF in the app, system Chromium in the CLI and web shell. */
  printPdf?: (html: string, options: { headerTitle: string }) => Promise<Buffer>;
  /**
   * Starts the PDF printer while a report is built, where starting it takes seconds (the system Chromium).
   * The job runs the returned release when it ends, printed or failed, so nothing prepared stays open.
   */
  preparePrinter?: () => () => void;
  /** Closes the database, runs `swap` (a restore replaces the file) and opens it again; set by ParkCore. */
  reopen?: (swap: () => void) => void;
  /** The office hub link of this database (set by ParkCore). */
  hub?: HubControl;
}

export interface HubControl {
  status: (locale: Locale) => HubStatus;
  connect: (options: ConnectOptions) => Promise<HubStatus>;
  disconnect: () => Promise<void>;
  sync: () => Promise<{ pulled: number; pushed: number }>;
}

export interface Handler<I extends z.ZodType = z.ZodType, O = unknown> {
  input: I;
  run: (ctx: CoreContext, input: z.output<I>) => O;
  /** Only reads: may be answered from a read-only snapshot while an import holds the write transaction. */
  reads?: boolean;
}

export function handler<I extends z.ZodType, O>(input: I, run: (ctx: CoreContext, input: z.output<I>) => O): Handler<I, O> {
  return { input, run };
}

/** A handler that only reads the database (see `Handler.reads`). */
export function readHandler<I extends z.ZodType, O>(input: I, run: (ctx: CoreContext, input: z.output<I>) => O): Handler<I, O> {
  return { input, run, reads: true };
}

/** Prefixes a slice's keys with its area: `{ list }` under 'enterprises' → `{ 'enterprises.list' }`. */
export type Slice<A extends string, S> = { [K in keyof S & string as `${A}.${K}`]: S[K] };
export function slice<A extends string, S extends Record<string, Handler>>(area: A, handlers: S): Slice<A, S> {
  return Object.fromEntries(Object.entries(handlers).map(([k, h]) => [`${area}.${k}`, h])) as Slice<A, S>;
}
