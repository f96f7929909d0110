import type { Rolldown } from 'vite';

type ChunkingContext = Rolldown.ChunkingContext;

/**
 * One chunk for the app shell: every module the shell (src/boot.tsx) imports statically, that the start-up
 * entry (src/main.ts) does not already carry. Left to the bundler, the modules the shell shares with the
 * lazily loaded pages (React, i18next, the icons, toasts, dialogs) became five small chunks of their own,
 * each one more request and module for a cold start to fetch, compile and link before the first screen
 * (issue 14's cold load). Every page needs the shell first anyway, so nothing is loaded earlier than before.
 */
export function shellChunk(shell: string, entry: string): (moduleId: string, ctx: ChunkingContext) => string | null {
  let members: Set<string> | null = null;
  return (moduleId, ctx) => {
    members ??= difference(staticGraph(shell, ctx), staticGraph(entry, ctx));
    return members.has(moduleId) ? 'boot' : null;
  };
}

/** A module and everything it imports statically (not its dynamic imports, which load on demand). */
function staticGraph(root: string, ctx: ChunkingContext): Set<string> {
  const seen = new Set<string>();
  const queue = [root];
  while (queue.length) {
    const id = queue.pop()!;
    if (seen.has(id)) continue;
    const info = ctx.getModuleInfo(id);
    if (!info) throw new Error(`shell chunk: ${id} is not in the module graph`);
    seen.add(id);
    queue.push(...info.importedIds);
  }
  return seen;
}

function difference(a: Set<string>, b: Set<string>): Set<string> {
  return new Set([...a].filter((x) => !b.has(x)));
}
