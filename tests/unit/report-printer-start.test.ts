import { describe, expect, it } from 'vitest';
import { seedReference } from '../../src/core/seed/seed';
import { testCore } from './helpers';

/**
 * A PDF report starts the shell's printer before it builds the report (its queries and charts), so a cold
 * printer's start runs beside that work instead of after it (issue 14, report → PDF). A workbook does not
 * start the printer, and a shell without the hook still prints.
 */
describe('report jobs start the PDF printer first', () => {
  const run = async (format: 'pdf' | 'xlsx', withPrepare = true) => {
    const events: string[] = [];
    let jobId = '';
    // Where the job's build stood when the printer was started: 0 of 3 until the report's queries and charts are done.
    const built = () => `${core.jobs.status(jobId).done}/${core.jobs.status(jobId).total}`;
    const core = testCore({
      printPdf: async () => {
        events.push(`print at ${built()}`);
        return Buffer.from('%PDF-1.4\n');
      },
      ...(withPrepare ? { preparePrinter: () => void events.push(`prepare at ${built()}`) } : {}),
    });
    seedReference(core.context());
    const job = core.call('reports.start', { kind: 'operations', format, period: '2020' });
    jobId = job.id;
    const done = await core.jobs.wait(job.id);
    core.close();
    if (done.state !== 'done') throw new Error(done.error?.message ?? done.state);
    return events;
  };

  it('starts the printer before the report is built, and prints after, for a PDF', async () => {
    expect(await run('pdf')).toEqual(['prepare at 0/3', 'print at 1/3']);
  });

  it('leaves the printer alone for a workbook', async () => {
    expect(await run('xlsx')).toEqual([]);
  });

  it('prints without the hook (a shell whose printer needs no start)', async () => {
    expect(await run('pdf', false)).toEqual(['print at 1/3']);
  });
});
