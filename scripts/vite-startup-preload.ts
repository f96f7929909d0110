import type { IndexHtmlTransformContext, Plugin } from 'vite';

type OutputChunk = Extract<NonNullable<IndexHtmlTransformContext['chunk']>, { type: 'chunk' }>;

/**
 * Start-up preloads for the renderer's index.html. The entry (src/main.ts) stays tiny so its requests to
 * the core leave at once, and imports the app shell (boot.tsx) and the Overview dynamically: without a hint
 * the browser asks for those only once the entry has been fetched and run, and behind the entry's own API
 * calls (six connections per host over HTTP/1.1). `<link rel="modulepreload">` for them and every chunk they
 * import statically (and a preload of their style sheets) lets them download beside the entry instead. The
 * same file is what Electron's window loads (app://parkpilot/), so the desktop app gets the same start.
 */
export function startupPreload(modules: string[]): Plugin {
  return {
    name: 'parkpilot-startup-preload',
    apply: 'build',
    transformIndexHtml: {
      order: 'post',
      handler(html, ctx) {
        if (!ctx.bundle) return html;
        const chunks = Object.values(ctx.bundle).filter((c): c is OutputChunk => c.type === 'chunk');
        const byFile = new Map(chunks.map((c) => [c.fileName, c]));
        const files: string[] = [];
        const styles: string[] = [];
        const visit = (chunk: OutputChunk) => {
          if (chunk.isEntry || files.includes(chunk.fileName)) return;
          files.push(chunk.fileName);
          for (const css of chunk.viteMetadata?.importedCss ?? []) if (!styles.includes(css)) styles.push(css);
          for (const next of chunk.imports) {
            const dep = byFile.get(next);
            if (dep) visit(dep);
          }
        };
        for (const module of modules) {
          // The chunk the module starts, or else the one it was put into (a manual group: vite-startup-chunk.ts).
          const holds = (id: string | null) => !!id && id.replace(/\\/g, '/').endsWith(module);
          const chunk = chunks.find((c) => holds(c.facadeModuleId)) ?? chunks.find((c) => c.moduleIds.some(holds));
          if (!chunk) throw new Error(`startup preload: no chunk for ${module}`);
          visit(chunk);
        }
        const already = (file: string) => html.includes(`/${file}"`);
        const links = [
          ...files.filter((f) => !already(f)).map((f) => `<link rel="modulepreload" crossorigin href="./${f}">`),
          ...styles.filter((f) => !already(f)).map((f) => `<link rel="preload" as="style" crossorigin href="./${f}">`),
        ];
        return html.replace('</head>', `  ${links.join('\n    ')}\n  </head>`);
      },
    },
  };
}
