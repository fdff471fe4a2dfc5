import assert from 'node:assert/strict';
import { execFile, execFileSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import { ADAPTERS, type RunningApp } from '../support/app.js';
import { projectRoot } from '../support/project-root.js';
import { bootSessionApp } from './session-app.fixture.js';

const root = projectRoot();
const SECTION_FILE = 'test/auth/readme/README.auth.md';
const section = readFileSync(join(root, SECTION_FILE), 'utf8');

/** The code fences of the section: [language, body, marker path]. */
const fences = [...section.matchAll(/(?:<!-- readme-snippet: (\S+) -->\n)?```(\w*)\n([\s\S]*?)```/g)].map(([, path, lang, body]) => ({ path, lang, body }));

/**
 * The README's Auth and Permissions sections live in README.auth.md (pasted
 * into README.md between "## Auth" and "## Rate limiting"). Every TypeScript
 * block is a file under test/auth/readme/ that the auth e2e tests import and
 * run; every bash block is run here with curl against the session app.
 */
describe('README: Auth and Permissions sections', () => {
  it('marks every TypeScript block with the file it is, verbatim', () => {
    const ts = fences.filter((f) => f.lang === 'ts');
    assert.ok(ts.length >= 10);
    for (const { path, body } of ts) {
      assert.ok(path, `unmarked ts block: ${body.split('\n')[0]}`);
      assert.equal(readFileSync(join(root, path), 'utf8'), body, path);
    }
  });

  it('has only ts and bash blocks', () => {
    assert.deepEqual([...new Set(fences.map((f) => f.lang))].sort(), ['bash', 'ts']);
  });

  it('is what README.md says, once pasted', (t) => {
    const readme = readFileSync(join(root, 'README.md'), 'utf8');
    if (readme.includes('<!-- section:auth -->')) {
      t.skip('README.md still has the <!-- section:auth --> placeholder');
      return;
    }
    const start = readme.indexOf('## Auth\n');
    const end = readme.indexOf('## Rate limiting\n');
    assert.ok(start >= 0 && end > start, 'README.md has "## Auth" before "## Rate limiting"');
    assert.equal(readme.slice(start, end).trimEnd(), section.trimEnd());
  });
});

function hasCommand(name: string): boolean {
  try {
    execFileSync('sh', ['-c', `command -v ${name}`], { stdio: 'ignore' });
    return true;
  } catch {
    return false;
  }
}

function runBash(script: string, cwd: string, env: Record<string, string>): Promise<string> {
  return new Promise((resolve, reject) => {
    execFile('bash', ['-euo', 'pipefail', '-c', script], { cwd, env: { ...process.env, ...env }, timeout: 30_000 }, (err, stdout, stderr) =>
      err ? reject(new Error(`${err.message}\n${stderr}`)) : resolve(stdout),
    );
  });
}

const bashBlocks = fences.filter((f) => f.lang === 'bash').map((f) => f.body);
const tools = hasCommand('curl') && hasCommand('jq');

for (const adapter of ADAPTERS) {
  describe(`README curl examples run (${adapter})`, { skip: tools ? false : 'curl and jq are needed' }, () => {
    let running: RunningApp;
    let dir: string;
    before(async () => {
      running = await bootSessionApp(adapter);
      dir = mkdtempSync(join(tmpdir(), 'djust-readme-'));
    });
    after(async () => {
      rmSync(dir, { recursive: true, force: true });
      await running.close();
    });

    it('has the examples', () => assert.equal(bashBlocks.length, 2));

    for (const [i, block] of bashBlocks.entries()) {
      it(`block ${i + 1} prints what its "# →" line says`, async () => {
        const expected = [...block.matchAll(/^# → (.*)$/gm)].map((m) => m[1]);
        assert.equal(expected.length, 1);
        const out = await runBash(block.replaceAll('http://localhost:3000', running.url), dir, { API_TOKEN: 'tok-alice' });
        assert.deepEqual(JSON.parse(out), JSON.parse(expected[0]));
      });
    }
  });
}
