import { REPORT_FONTS } from './fonts';
import type { Report, Section } from './model';

const esc = (s: unknown) => String(s ?? '').replace(/[&<>"']/g, (c) => ({ '&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;', "'": '&#39;' })[c]!);

/** Escaped text whose ISO dates never break at their hyphens (Chromium breaks lines after a hyphen). */
const text = (s: unknown) => esc(s).replace(/\d{4}-\d{2}-\d{2}/g, (d) => `<span class="nowrap">${d}</span>`);

function cell(value: unknown, kind: string, divisor: number): string {
  if (value === null || value === undefined || value === '') return '';
  if (kind === 'money' && typeof value === 'number') return (value / divisor).toLocaleString('zh-CN', { maximumFractionDigits: 2 });
  if (kind === 'number' && typeof value === 'number') return value.toLocaleString('zh-CN', { maximumFractionDigits: 2 });
  return esc(value);
}

function section(s: Section): string {
  switch (s.kind) {
    case 'figures':
      return `<section><h2>${esc(s.title)}</h2><div class="figures">${s.figures.map((f) => `<div class="figure"><div class="value">${esc(f.value)}</div><div class="label">${esc(f.label)}</div>${f.note ? `<div class="note">${esc(f.note)}</div>` : ''}</div>`).join('')}</div></section>`;
    case 'table': {
      const divisor = s.moneyDivisor ?? 10_000;
      const head = s.columns.map((c) => `<th class="${c.kind}">${esc(c.header)}</th>`).join('');
      const shown = s.pdfLimit ? s.rows.slice(0, s.pdfLimit) : s.rows;
      const rest = s.rows.length - shown.length;
      const cls = (c: (typeof s.columns)[number]) => `${c.kind}${c.nowrap ? ' nowrap' : ''}`;
      const body = s.rows.length
        ? shown.map((r) => `<tr>${s.columns.map((c) => `<td class="${cls(c)}">${cell(r[c.key], c.kind, divisor)}</td>`).join('')}</tr>`).join('') +
          (rest > 0 ? `<tr><td colspan="${s.columns.length}" class="empty">${esc((s.more ?? '…… {n}').replace('{n}', String(rest)))}</td></tr>` : '')
        : `<tr><td colspan="${s.columns.length}" class="empty">${esc(s.empty ?? '—')}</td></tr>`;
      // A table runs on over pages (its header repeats, a row never splits) rather than leave the page
      // before it half empty; its heading stays with its first rows.
      return `<section class="table"><h2>${esc(s.title)}</h2><table><thead><tr>${head}</tr></thead><tbody>${body}</tbody></table>${s.note ? `<p class="caption">${text(s.note)}</p>` : ''}</section>`;
    }
    case 'chart':
      return `<section class="chart"><h2>${esc(s.title)}</h2>${s.svg}${s.caption ? `<p class="caption">${text(s.caption)}</p>` : ''}</section>`;
    case 'text':
      return `<section><h2>${esc(s.title)}</h2>${s.paragraphs.map((p) => `<p>${text(p)}</p>`).join('')}</section>`;
  }
}

/** The one HTML template reports print from: a cover page, then the sections; A4 portrait. */
export function reportHtml(r: Report, lang: 'zh-CN' | 'en' = 'zh-CN'): string {
  return `<!doctype html><html lang="${lang}"><head><meta charset="utf-8"><title>${esc(r.title)}</title><style>
@page { size: A4; margin: 22mm 16mm 20mm 16mm; }
* { box-sizing: border-box; }
/* Bold only where the face has a bold: a synthesised bold (WenQuanYi Micro Hei has none) prints as Type 3
   outlines, the slow path reports/fonts.ts avoids; headings keep their size, rule and shading. */
body { font-family: ${REPORT_FONTS}; font-synthesis-weight: none; font-size: 10.5pt; color: #1c2430; margin: 0; }
.cover { height: 230mm; display: flex; flex-direction: column; justify-content: center; text-align: center; page-break-after: always; }
.cover h1 { font-size: 24pt; margin: 0 0 10mm; }
.cover .sub { font-size: 14pt; color: #33475b; }
.cover .org { margin-top: 40mm; font-size: 12pt; }
.cover .date { margin-top: 4mm; color: #5f6b7a; }
h2 { font-size: 13pt; border-left: 4px solid #1f6feb; padding-left: 8px; margin: 8mm 0 4mm; }
section { page-break-inside: avoid; }
section.table { page-break-inside: auto; }
h2 { page-break-after: avoid; }
section.chart svg { display: block; margin: 0 auto; }
.figures { display: grid; grid-template-columns: repeat(4, 1fr); gap: 3mm; }
.figure { border: 1px solid #dde3ea; border-radius: 2mm; padding: 3mm; }
.figure .value { font-size: 16pt; font-weight: 700; }
.figure .label { color: #5f6b7a; font-size: 9pt; }
.figure .note { color: #5f6b7a; font-size: 8pt; }
table { width: 100%; border-collapse: collapse; font-size: 9pt; }
thead { display: table-header-group; }
tr { page-break-inside: avoid; }
th, td { border: 1px solid #c8d1dc; padding: 1.5mm 2mm; text-align: left; vertical-align: top; }
th { background: #eef3f9; }
td.number, td.money, th.number, th.money { text-align: right; }
/* Numbers, money and dates never break mid-token (a narrow column grows instead). */
td.date, td.number, td.money, td.nowrap, th.number, th.money { white-space: nowrap; }
.nowrap { white-space: nowrap; }
td.empty { text-align: center; color: #5f6b7a; }
.caption { font-size: 8.5pt; color: #5f6b7a; text-align: center; }
</style></head><body>
<div class="cover"><h1>${text(r.title)}</h1><div class="sub">${text(r.subtitle)}</div><div class="org">${esc(r.organisation)}</div><div class="date">${esc(r.generatedAt)}</div></div>
${r.sections.map(section).join('\n')}
</body></html>`;
}

