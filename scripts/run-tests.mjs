#!/usr/bin/env node
// Runs every compiled test (`.build/test/**/*.test.js`, `.build/src/**/*.spec.js`) with
// node's built-in test runner and ends with the plain line `N passed, N failed`
// (`, N skipped` added when tests were skipped or todo). Output: node's spec reporter,
// with todo tests never shown as failures (scripts/test-reporter.mjs).
// Usage: node scripts/run-tests.mjs [substring filter ...]
import { spawn } from 'node:child_process';
import { readdirSync, statSync, existsSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';

const roots = ['.build/test', '.build/src'];
const filters = process.argv.slice(2);
const files = [];
function walk(dir) {
  for (const name of readdirSync(dir)) {
    const p = join(dir, name);
    if (statSync(p).isDirectory()) walk(p);
    else if (/\.(test|spec)\.js$/.test(name)) files.push(p);
  }
}
for (const r of roots) if (existsSync(r)) walk(r);
const selected = files.filter((f) => filters.length === 0 || filters.some((s) => f.includes(s))).sort();
if (selected.length === 0) {
  console.error('no test files found (did the build run?)');
  console.log('0 passed, 1 failed');
  process.exit(1);
}
const child = spawn(
  process.execPath,
  ['--test', `--test-reporter=${fileURLToPath(new URL('./test-reporter.mjs', import.meta.url))}`, '--test-concurrency=2', '--test-timeout=120000', ...selected],
  { stdio: ['ignore', 'pipe', 'inherit'], env: { ...process.env, NODE_ENV: 'test' } },
);
let out = '';
child.stdout.on('data', (d) => { out += d; process.stdout.write(d); });
child.on('close', (code) => {
  // eslint-disable-next-line no-control-regex
  const plain = out.replace(/\x1b\[[0-9;]*m/g, '');
  const num = (k) => Number((plain.match(new RegExp(`^\\S*\\s*${k} (\\d+)\\s*$`, 'm')) || [])[1] ?? 0);
  const passed = num('pass');
  const failed = num('fail') + num('cancelled');
  const skipped = num('skipped') + num('todo');
  console.log(`${passed} passed, ${failed} failed${skipped > 0 ? `, ${skipped} skipped` : ''}`);
  process.exit(code === 0 && failed === 0 ? 0 : 1);
});
