import { execFileSync } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { dirname, join } from 'node:path';

/**
 * Reads a spreadsheet the way an office does: LibreOffice converts it to CSV (UTF-8, comma, quote)
 * beside the file, and the CSV's lines come back. Each call has a profile of its own beside the file:
 * the screen specs and the command-line specs run at the same time, and two LibreOffice processes
 * sharing the default profile hand their work to each other.
 */
export function libreOfficeCsvLines(file: string): string[] {
  const dir = dirname(file);
  execFileSync('soffice', [`-env:UserInstallation=file://${join(dir, '.lo-profile')}`, '--headless', '--convert-to', 'csv:Text - txt - csv (StarCalc):44,34,76', '--outdir', dir, file], { stdio: 'ignore', timeout: 120_000 });
  return readFileSync(file.replace(/\.xlsx$/, '.csv'), 'utf8').trim().split('\n');
}
