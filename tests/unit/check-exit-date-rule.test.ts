import { describe, expect, it } from 'vitest';
import { checkDatabase } from '../../src/core/backup/check';
import { formatCheck } from '../../src/cli/backup';
import { seedDemo } from '../../src/core/seed/seed';
import { testCore } from './helpers';

/**
 * The Overview's 在册企业 counts by entry and exit dates, the registry's 在册 filter by status: `parkpilot
 * check` names the enterprises for which the two disagree (out of the register with no exit date, or an
 * exit date with a registered status), and says how to mend them in the command's language.
 */
describe('check: an enterprise out of the register has an exit date, one on it has none', () => {
  it('the demo park keeps both rules', () => {
    const core = testCore();
    seedDemo(core.context());
    const rules = checkDatabase(core.db).rules;
    expect(rules.filter((r) => r.name !== 'incubating_status')).toEqual([
      { name: 'exited_without_exit_date', violations: 0, examples: [], ok: true },
      { name: 'exit_date_while_registered', violations: 0, examples: [], ok: true },
    ]);
  });

  it('judges exit dates as of the database day: a planned move-out is fine, an exit dated after today is not yet one', () => {
    const core = testCore();
    const create = (name: string, status: string, exit_date: string | null) =>
      (core.call('enterprises.create', { name, kind: 'startup', status, entry_date: '2019-03-01', exit_date } as never) as { id: string }).id;
    create('下月迁出', 'settled', '2021-07-01');
    const early = create('提前标迁出', 'settled', '2021-07-01');
    create('今天迁出', 'exited', '2021-06-15');
    core.db.prepare("UPDATE enterprises SET status = 'exited' WHERE id = ?").run(early);
    const rules = (today: string) => checkDatabase(core.db, today).rules.filter((r) => r.name !== 'incubating_status');
    expect(rules('2021-06-15')).toEqual([
      { name: 'exited_without_exit_date', violations: 1, examples: ['提前标迁出'], ok: false },
      { name: 'exit_date_while_registered', violations: 0, examples: [], ok: true },
    ]);
    expect(rules('2021-07-01')).toEqual([
      { name: 'exited_without_exit_date', violations: 0, examples: [], ok: true },
      { name: 'exit_date_while_registered', violations: 1, examples: ['下月迁出'], ok: false },
    ]);
    // The handler checks as of the app's day (ctx.today: the core's clock here, a demo park's last day of history there).
    const onDay = (day: string) => {
      const at = testCore({ now: () => Date.parse(`${day}T09:00:00Z`) }, core.db.name);
      try {
        return (at.call('backups.check', {} as never) as { rules: { name: string; violations: number }[] }).rules.slice(1).map((r) => r.violations);
      } finally {
        at.close();
      }
    };
    core.close();
    expect(onDay('2021-06-15')).toEqual([1, 0]);
    expect(onDay('2021-07-01')).toEqual([0, 1]);
  });

  it('names the records that break either rule, and only those', () => {
    const core = testCore();
    const create = (name: string, status: string, exit_date: string | null) =>
      (core.call('enterprises.create', { name, kind: 'startup', status, entry_date: '2019-03-01', exit_date } as never) as { id: string }).id;
    create('正常在册', 'settled', null);
    create('正常迁出', 'exited', '2021-05-01');
    const noDate = create('迁出无日期', 'settled', null);
    const dated = create('在册有日期', 'exited', '2023-07-01');
    // Behind the app's back, as a legacy file or a hand edit would have them (the status feeds no rollup).
    core.db.prepare("UPDATE enterprises SET status = 'exited' WHERE id = ?").run(noDate);
    core.db.prepare("UPDATE enterprises SET status = 'graduated' WHERE id = ?").run(dated);

    const report = checkDatabase(core.db);
    expect(report.ok).toBe(false);
    expect(report.rules).toEqual([
      { name: 'incubating_status', violations: 0, examples: [], ok: true },
      { name: 'exited_without_exit_date', violations: 1, examples: ['迁出无日期'], ok: false },
      { name: 'exit_date_while_registered', violations: 1, examples: ['在册有日期'], ok: false },
    ]);

    const en = formatCheck(report, 'en');
    expect(en).toContain('rule exited_without_exit_date: 1 records break it (first: 迁出无日期)');
    expect(en).toContain('these enterprises are Exited but have no exit date, or one after today');
    expect(en).toContain('rule exit_date_while_registered: 1 records break it (first: 在册有日期)');
    expect(en).toContain('set the status to Exited, or correct or clear the exit date');
    expect(en).toContain('RECORDS BREAK A RULE');
    const zh = formatCheck(report, 'zh-CN');
    expect(zh).toContain('规则 exited_without_exit_date：1 条记录不符（前几条：迁出无日期）');
    expect(zh).toContain('请填写实际迁出日期');
    expect(zh).toContain('请把状态改为“迁出”，或更正、清除迁出日期');

    // Deleted records are not on any count: mending by deleting clears the report.
    core.call('enterprises.delete', { id: noDate } as never);
    core.call('enterprises.delete', { id: dated } as never);
    expect(checkDatabase(core.db).ok).toBe(true);
  });
});
