import assert from 'node:assert/strict';
import { readdirSync, readFileSync, statSync } from 'node:fs';
import { dirname, join, relative, resolve } from 'node:path';
import { describe, it } from 'node:test';
import { projectRoot } from '../support/project-root.js';

/**
 * The layering of `src/`, checked on the sources: the dispatch core knows no
 * transport, and no two folders import each other (directly or around a
 * cycle). A folder is a directory under `src/` (`transports/http` and
 * `transports/ws` count separately); files at the root of `src/` (the module,
 * the index, the constants) are the composition root and are not checked.
 */
const SRC = join(projectRoot(), 'src');

function sources(dir: string): string[] {
  return readdirSync(dir).flatMap((name) => {
    const path = join(dir, name);
    if (statSync(path).isDirectory()) return sources(path);
    return name.endsWith('.ts') && !name.endsWith('.spec.ts') ? [path] : [];
  });
}

/** `src/core/x.ts` → `core`; `src/transports/http/x.ts` → `transports/http`; root files → undefined. */
function folderOf(file: string): string | undefined {
  const parts = relative(SRC, file).split('/');
  if (parts.length === 1) return undefined;
  return parts[0] === 'transports' ? `${parts[0]}/${parts[1]}` : parts[0];
}

/** Folder → folders it imports (static imports, `import type` and re-exports included). */
function folderGraph(): Map<string, Set<string>> {
  const graph = new Map<string, Set<string>>();
  for (const file of sources(SRC)) {
    const from = folderOf(file);
    if (!from) continue;
    const edges = graph.get(from) ?? new Set<string>();
    graph.set(from, edges);
    const text = readFileSync(file, 'utf8');
    for (const match of text.matchAll(/(?:import|export)\s[^'";]*?from\s+'(\.[^']+)'/g)) {
      const target = folderOf(resolve(dirname(file), match[1]));
      if (target && target !== from) edges.add(target);
    }
  }
  return graph;
}

describe('src/ layering', () => {
  const graph = folderGraph();

  it('reads the folders it should (sanity)', () => {
    for (const folder of ['core', 'protocol', 'transports/http', 'transports/ws', 'discovery', 'auth']) assert.ok(graph.has(folder), folder);
  });

  it('the dispatch core imports no transport', () => {
    const transports = [...(graph.get('core') ?? [])].filter((f) => f.startsWith('transports/'));
    assert.deepEqual(transports, []);
  });

  it('protocol/ (shared by every side, the browser client included) imports only itself and common/', () => {
    assert.deepEqual([...(graph.get('protocol') ?? [])].filter((f) => f !== 'common'), []);
  });

  it('no folder imports another that imports it back, directly or around a cycle', () => {
    const cycles: string[] = [];
    const state = new Map<string, 'visiting' | 'done'>();
    const stack: string[] = [];
    const visit = (node: string): void => {
      state.set(node, 'visiting');
      stack.push(node);
      for (const next of graph.get(node) ?? []) {
        if (state.get(next) === 'visiting') cycles.push([...stack.slice(stack.indexOf(next)), next].join(' → '));
        else if (!state.has(next)) visit(next);
      }
      stack.pop();
      state.set(node, 'done');
    };
    for (const node of graph.keys()) if (!state.has(node)) visit(node);
    assert.deepEqual(cycles, []);
  });
});
