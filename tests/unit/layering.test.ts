import { readdirSync, readFileSync, statSync } from 'node:fs';
import { dirname, join, relative, resolve } from 'node:path';
import { describe, expect, it } from 'vitest';

/** The core's runtime imports (type-only ones are erased) as a graph of files. */
function importGraph(root: string): Map<string, string[]> {
  const files: string[] = [];
  const walk = (dir: string) => {
    for (const name of readdirSync(dir)) {
      const path = join(dir, name);
      if (statSync(path).isDirectory()) walk(path);
      else if (path.endsWith('.ts')) files.push(path);
    }
  };
  walk(root);
  const graph = new Map<string, string[]>();
  for (const file of files) {
    const text = readFileSync(file, 'utf8');
    const targets = [...text.matchAll(/^(?:import|export) (?!type )[^;]*? from '(\.[^']+)'/gms)]
      .map((m) => resolve(dirname(file), m[1]!) + '.ts')
      .filter((t) => files.includes(t));
    graph.set(relative(root, file), targets.map((t) => relative(root, t)));
  }
  return graph;
}

function cycles(graph: Map<string, string[]>): string[][] {
  const found: string[][] = [];
  const state = new Map<string, 'open' | 'done'>();
  const stack: string[] = [];
  const visit = (node: string) => {
    state.set(node, 'open');
    stack.push(node);
    for (const next of graph.get(node) ?? []) {
      if (state.get(next) === 'open') found.push([...stack.slice(stack.indexOf(next)), next]);
      else if (!state.has(next)) visit(next);
    }
    stack.pop();
    state.set(node, 'done');
  };
  for (const node of [...graph.keys()].sort()) if (!state.has(node)) visit(node);
  return found;
}

describe('the core layering', () => {
  it('has no import cycles but the reader pair another change is taking apart', () => {
    const found = cycles(importGraph(resolve(__dirname, '../../src/core'))).map((c) => c.join(' → '));
    expect(found.filter((c) => !/^imports\/(read|xls)\.ts → imports\/(read|xls)\.ts → imports\/(read|xls)\.ts$/.test(c))).toEqual([]);
  });
});
