/**
 * Chinese-aware search tokens for a plain unicode61 FTS5 column, no native extension needed.
 * Runs of CJK characters become their overlapping bigrams (kept adjacent) and their unigrams, so 园
 * and 数据 are whole tokens and a longer query is a phrase of bigrams; other text is split into lower-case words.
 * (FTS5's trigram tokenizer cannot match 1–2 character queries; Intl.Segmenter words miss 数据
 * inside 大数据.)
 */
const CJK_RUN = /[\u3400-\u9fff\uf900-\ufaff]+/g;

export function searchTokens(text: string): string {
  const bigrams: string[] = [];
  const unigrams: string[] = [];
  const rest = text.replace(CJK_RUN, (run) => {
    const chars = [...run];
    // Bigrams stay adjacent so a longer query matches as a phrase; unigrams go after them.
    for (let i = 0; i + 1 < chars.length; i++) bigrams.push(chars[i]! + chars[i + 1]!);
    unigrams.push(...chars);
    return ' ';
  });
  const words = rest.toLowerCase().split(/[^\p{L}\p{N}]+/u).filter(Boolean);
  return [...bigrams, ...unigrams, ...words].join(' ');
}

/** True when every character is CJK: then an FTS match is exactly a substring match. */
export const isAllCjk = (text: string): boolean => text.length > 0 && text.replace(CJK_RUN, '') === '';

/**
 * An FTS5 MATCH expression for what a user typed: every CJK run as a phrase of its bigrams (or the
 * single character), every other word as a prefix. Null when nothing searchable remains.
 */
export function matchExpression(query: string): string | null {
  const parts: string[] = [];
  const rest = query.replace(CJK_RUN, (run) => {
    const chars = [...run];
    if (chars.length === 1) parts.push(`"${chars[0]}"`);
    else parts.push(`"${chars.slice(0, -1).map((c, i) => c + chars[i + 1]).join(' ')}"`);
    return ' ';
  });
  for (const word of rest.toLowerCase().split(/[^\p{L}\p{N}]+/u)) if (word) parts.push(`"${word}"*`);
  return parts.length ? parts.join(' AND ') : null;
}
