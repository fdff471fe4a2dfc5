import assert from 'node:assert/strict';
import { execFile, execFileSync } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import { fileURLToPath } from 'node:url';
import { startSample, type RunningSample } from './sample-support.js';

// Runs the curl blocks of the READMEs with the real curl, against a fresh
// sample, and compares each output with the ```json block that follows it.
// Convention: a ```bash block that uses curl against http://127.0.0.1:3000 is
// run (all blocks of one file in one shell, in order, so `jar` and `$TOKEN`
// carry over); a ```json block right after it is its expected output.

const README_ORIGIN = 'http://127.0.0.1:3000';

interface CurlBlock {
  script: string;
  expected?: unknown;
  line: number;
}

function projectRoot(): string {
  for (let dir = dirname(fileURLToPath(import.meta.url)); ; dir = dirname(dir)) {
    if (existsSync(join(dir, 'sample', 'README.md')) && existsSync(join(dir, 'package.json'))) return dir;
    if (dirname(dir) === dir) throw new Error('project root not found');
  }
}

/** The runnable curl blocks of a markdown file, with their expected outputs. */
function curlBlocks(markdown: string): CurlBlock[] {
  const fence = /^```(\w*)[^\n]*\n([\s\S]*?)^```[ \t]*$/gm;
  const fences: { lang: string; body: string; start: number; end: number }[] = [];
  for (let m = fence.exec(markdown); m; m = fence.exec(markdown)) {
    fences.push({ lang: m[1], body: m[2], start: m.index, end: m.index + m[0].length });
  }
  const blocks: CurlBlock[] = [];
  fences.forEach((f, i) => {
    if (!['bash', 'sh', 'shell'].includes(f.lang) || !/\bcurl\b/.test(f.body) || !f.body.includes(README_ORIGIN)) return;
    const next = fences[i + 1];
    const adjacent = next && next.lang === 'json' && markdown.slice(f.end, next.start).trim() === '';
    blocks.push({
      script: f.body,
      expected: adjacent ? JSON.parse(next.body) : undefined,
      line: markdown.slice(0, f.start).split('\n').length,
    });
  });
  return blocks;
}

function hasTool(name: string): boolean {
  try {
    execFileSync('sh', ['-c', `command -v ${name}`], { stdio: 'ignore' });
    return true;
  } catch {
    return false;
  }
}

const missing = ['curl', 'jq', 'bash'].filter((t) => !hasTool(t));
const requireTools = process.env.CI === 'true';

function runScript(script: string, cwd: string): Promise<string> {
  return new Promise((resolve, reject) => {
    execFile('bash', ['-euo', 'pipefail', '-c', script], { cwd, timeout: 60_000 }, (err, stdout, stderr) => {
      if (err) reject(new Error(`${err.message}\n${stderr}`));
      else resolve(stdout);
    });
  });
}

for (const file of ['sample/README.md', 'README.md']) {
  describe(`curl blocks of ${file}`, () => {
    const path = join(projectRoot(), file);
    const blocks = existsSync(path) ? curlBlocks(readFileSync(path, 'utf8')) : [];
    let sample: RunningSample;
    let cwd: string;

    before(async () => {
      if (blocks.length === 0 || (missing.length && !requireTools)) return;
      sample = await startSample();
      cwd = mkdtempSync(join(tmpdir(), 'djust-curl-'));
    });
    after(async () => {
      await sample?.close();
      if (cwd) rmSync(cwd, { recursive: true, force: true });
    });

    const skip = blocks.length === 0 ? `${file} has no curl blocks` : missing.length && !requireTools ? `missing ${missing.join(', ')}` : false;
    it(`return what ${file} says they return`, { skip }, async () => {
      assert.deepEqual(missing, [], `CI needs ${missing.join(', ')} for the README's curl examples`);
      const marker = (i: number) => `@@djust-block-${i}@@`;
      const script = blocks.map((b, i) => `printf '\\n%s\\n' '${marker(i)}'\n${b.script.replaceAll(README_ORIGIN, sample.url)}`).join('\n');
      const out = await runScript(`${script}\nprintf '\\n%s\\n' '${marker(blocks.length)}'`, cwd);
      blocks.forEach((block, i) => {
        const start = out.indexOf(marker(i)) + marker(i).length;
        const output = out.slice(start, out.indexOf(marker(i + 1))).trim();
        if (block.expected === undefined) return;
        let actual: unknown;
        try {
          actual = JSON.parse(output);
        } catch {
          assert.fail(`${file}:${block.line}: the output is not one JSON document:\n${output}`);
        }
        assert.deepEqual(actual, block.expected, `${file}:${block.line}`);
      });
      assert.ok(blocks.some((b) => b.expected !== undefined), `${file}: no curl block has an expected output`);
    });
  });
}
