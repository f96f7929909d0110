/**
 * Which fonts a printed PDF carries, for the bench's report line: the embedded faces' names and how many
 * Type 3 fonts there are. Type 3 is how Chromium prints an OpenType-CFF face (Noto Sans CJK), the slow path;
 * a TrueType CJK face (reports/fonts.ts) is embedded by name. Chromium writes font dictionaries uncompressed.
 */
export function pdfFontsNote(pdf: Buffer): string {
  const text = pdf.toString('latin1');
  const type3 = text.match(/\/Subtype \/Type3\b/g)?.length ?? 0;
  const faces = [...new Set([...text.matchAll(/\/BaseFont \/[A-Z]{6}\+([\w-]+)/g)].map((m) => m[1]))].sort();
  return `fonts: ${[...faces, ...(type3 ? [`Type 3 ×${type3}`] : [])].join(', ') || 'none'}`;
}
