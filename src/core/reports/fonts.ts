/**
 * The one font stack a printed report uses: its HTML, its charts' SVG text and the printer's header and
 * footer. TrueType-outline CJK faces come first because Chromium's PDF backend (Skia) embeds those as small
 * CIDFontType2 subsets, while an OpenType-CFF face such as Noto Sans CJK (Debian's fonts-noto-cjk) is printed
 * as Type 3 glyph procedures, the slowest part of a print (issue 14, report → PDF ≤ 3 s): Microsoft YaHei on
 * Windows, PingFang SC on macOS, WenQuanYi Micro Hei on Debian/Ubuntu (fonts-wqy-microhei). Where none is
 * installed the report prints in Noto Sans CJK as before.
 *
 * Names are single-quoted: ECharts writes a chart's font family into an SVG style attribute in double quotes
 * unescaped, so double-quoted names broke the attribute and the charts' own family was lost.
 */
export const REPORT_FONTS = "'Microsoft YaHei', 'PingFang SC', 'WenQuanYi Micro Hei', 'Noto Sans CJK SC', 'Source Han Sans SC', sans-serif";
