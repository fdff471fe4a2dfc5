import assert from 'node:assert/strict';
import { existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { repoRoot } from './openapi-consumers.js';

/** A unified-ish line diff: `-` expected, `+` actual, with 2 lines of context. */
export function lineDiff(expected: string, actual: string): string {
  const a = expected.split('\n');
  const b = actual.split('\n');
  // LCS table (documents are a few thousand lines: fine for a test).
  const m = a.length;
  const n = b.length;
  const lcs: Uint32Array[] = Array.from({ length: m + 1 }, () => new Uint32Array(n + 1));
  for (let i = m - 1; i >= 0; i--) for (let j = n - 1; j >= 0; j--) lcs[i][j] = a[i] === b[j] ? lcs[i + 1][j + 1] + 1 : Math.max(lcs[i + 1][j], lcs[i][j + 1]);
  const ops: [' ' | '-' | '+', string][] = [];
  let i = 0;
  let j = 0;
  while (i < m && j < n) {
    if (a[i] === b[j]) {
      ops.push([' ', a[i++]]);
      j++;
    } else if (lcs[i + 1][j] >= lcs[i][j + 1]) ops.push(['-', a[i++]]);
    else ops.push(['+', b[j++]]);
  }
  while (i < m) ops.push(['-', a[i++]]);
  while (j < n) ops.push(['+', b[j++]]);
  const keep = ops.map((op, k) => op[0] !== ' ' || ops.slice(Math.max(0, k - 2), k + 3).some((o) => o[0] !== ' '));
  return ops.map((op, k) => (keep[k] ? `${op[0]} ${op[1]}` : k > 0 && keep[k - 1] ? '  ...' : null)).filter((l) => l !== null).join('\n');
}

/**
 * Compares `value` (as pretty JSON) with the committed snapshot
 * `test/openapi/__snapshots__/<name>.json`; fails with a line diff when they
 * differ. `UPDATE_SNAPSHOTS=1` (re)writes the snapshot instead.
 */
export function matchSnapshot(name: string, value: unknown): void {
  const file = join(repoRoot(), 'test', 'openapi', '__snapshots__', `${name}.json`);
  const actual = `${JSON.stringify(value, null, 2)}\n`;
  if (process.env.UPDATE_SNAPSHOTS === '1' || !existsSync(file)) {
    if (process.env.CI && !existsSync(file)) assert.fail(`snapshot ${file} is missing (run with UPDATE_SNAPSHOTS=1 and commit it)`);
    mkdirSync(dirname(file), { recursive: true });
    writeFileSync(file, actual);
    return;
  }
  const expected = readFileSync(file, 'utf8');
  if (expected !== actual) {
    assert.fail(`snapshot ${name} changed (UPDATE_SNAPSHOTS=1 to accept):\n${lineDiff(expected, actual)}`);
  }
}
