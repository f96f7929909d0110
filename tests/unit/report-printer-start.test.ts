import { describe, expect, it } from 'vitest';
import { seedReference } from '../../src/core/seed/seed';
import { OMNIBOX_POPUPS } from '../../src/server/chromiumFlags';
import { browserCommandLine } from '../browser-process';
import { chromiumPath, closePrinter, preparePrinter, printerPagesOpen, printPdf } from '../../src/server/pdf';
import { testCore } from './helpers';

/**
 * A PDF report starts the shell's printer before it builds the report (its queries and charts), so a cold
 * printer's start runs beside that work instead of after it (issue 14, report → PDF). A workbook does not
 * start the printer, and a shell without the hook still prints. What the printer prepared is released when
 * the job ends, also when the build fails before the print.
 */
describe('report jobs start the PDF printer first', () => {
  const run = async (format: 'pdf' | 'xlsx', withPrepare = true, failBuild = false) => {
    const events: string[] = [];
    let jobId = '';
    // Where the job's build stood when the printer was started: 0 of 3 until the report's queries and charts are done.
    const built = () => `${core.jobs.status(jobId).done}/${core.jobs.status(jobId).total}`;
    const core = testCore({
      printPdf: async () => {
        events.push(`print at ${built()}`);
        return Buffer.from('%PDF-1.4\n');
      },
      ...(withPrepare
        ? {
            preparePrinter: () => {
              events.push(`prepare at ${built()}`);
              return () => void events.push(`release at ${built()}`);
            },
          }
        : {}),
    });
    seedReference(core.context());
    const job = core.call('reports.start', { kind: 'operations', format, period: '2020' });
    jobId = job.id;
    // The job's build runs after it awaits the chart library; without the settings table it fails there.
    if (failBuild) core.db.exec('DROP TABLE settings');
    const done = await core.jobs.wait(job.id);
    core.close();
    if (done.state !== (failBuild ? 'failed' : 'done')) throw new Error(done.error?.message ?? done.state);
    return events;
  };

  it('starts the printer before the report is built, and prints after, for a PDF', async () => {
    expect(await run('pdf')).toEqual(['prepare at 0/3', 'print at 1/3', 'release at 3/3']);
  });

  it('releases what the printer prepared when the build fails before the print', async () => {
    expect(await run('pdf', true, true)).toEqual(['prepare at 0/3', 'release at 0/3']);
  });

  it('leaves the printer alone for a workbook', async () => {
    expect(await run('xlsx')).toEqual([]);
  });

  it('prints without the hook (a shell whose printer needs no start)', async () => {
    expect(await run('pdf', false)).toEqual(['print at 1/3']);
  });
});

/** The same with the CLI's printer, the system Chromium: the page it opened for a print that never came is closed. */
describe.skipIf(!chromiumPath())('the system Chromium printer after a failed report job', () => {
  it('has no page open after a PDF job whose build failed', async () => {
    const core = testCore({ printPdf, preparePrinter });
    try {
      seedReference(core.context());
      const started = core.call('reports.start', { kind: 'operations', format: 'pdf', period: '2020' });
      core.db.exec('DROP TABLE settings');
      expect((await core.jobs.wait(started.id)).state).toBe('failed');
      expect(await printerPagesOpen()).toBe(0);
    } finally {
      core.close();
      await closePrinter();
    }
  }, 120_000);
});

/**
 * The printer starts Chromium with the flags of src/server/chromiumFlags.ts, as the e2e runs do
 * (chromium-flags.spec.ts checks them there): without them each page it opens pre-loads the address bar's
 * drop-downs, about 1.3 s of CPU a page.
 */
describe.skipIf(!chromiumPath() || process.platform !== 'linux')('the system Chromium printer\'s flags', () => {
  it('turns the address bar\'s drop-downs off in the last --disable-features', async () => {
    const release = preparePrinter();
    try {
      await printerPagesOpen();
      const lists = browserCommandLine().filter((arg) => arg.startsWith('--disable-features='));
      expect(lists.at(-1)?.slice('--disable-features='.length).split(',')).toEqual(expect.arrayContaining([...OMNIBOX_POPUPS]));
    } finally {
      release();
      await closePrinter();
    }
  }, 120_000);
});
