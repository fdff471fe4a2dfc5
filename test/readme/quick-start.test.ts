import assert from 'node:assert/strict';
import { spawn, spawnSync, type ChildProcess } from 'node:child_process';
import { mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import { io, type Socket } from 'socket.io-client';
import { projectRoot } from '../support/project-root.js';

// The README's Quick start, copied verbatim into an empty folder, must give an
// endpoint that answers over HTTP and socket.io. This test reads the section,
// writes its files and runs its commands in a scratch folder, in the order the
// README gives them, with two substitutions only:
//
// - `npm install <packages>` installs the packages at the versions this repo's
//   lockfile pins (every package of the line must be pinned there) and
//   `nestjs-djust` as the tarball `npm pack` makes of this repo (dist/ must be
//   built), from npm's local cache (`--offline`; `--prefer-offline` only if the
//   cache lacks something). A real `npm install`, no symlinks to this repo's
//   node_modules: a package missing from the README's install line is missing
//   from the scratch project too.
// - `http://localhost:3000` becomes the port the app printed (it listens on
//   PORT=0); `node dist/client.js` gets that URL as its argument.
//
// Then it checks the answers the README shows, and calls the endpoint itself
// over HTTP and with a socket.io client.

const ROOT = projectRoot();
const README_URL = 'http://localhost:3000';
const COMMAND_TIMEOUT_MS = 180_000;

type Step =
  | { kind: 'file'; path: string; body: string }
  | { kind: 'commands'; body: string; output?: { lang: string; body: string } };

/** The Quick start section's files (marked blocks) and command blocks, in README order. */
function quickStartSteps(readme: string): Step[] {
  const start = readme.indexOf('\n## Quick start\n');
  assert.ok(start >= 0, 'README has no "## Quick start" section');
  const end = readme.indexOf('\n## ', start + 1);
  const section = readme.slice(start, end < 0 ? undefined : end);
  const fence = /(?:<!-- (readme-snippet|quick-start): (\S+) -->\n)?^```(\w*)\n([\s\S]*?)^```$/gm;
  const blocks = [...section.matchAll(fence)].map((m) => ({ marker: m[1], path: m[2], lang: m[3], body: m[4], index: m.index!, end: m.index! + m[0].length }));
  const steps: Step[] = [];
  blocks.forEach((block, i) => {
    if (block.marker === 'readme-snippet') {
      // The repo keeps the Quick start's files under test/readme/quick-start/ (type-checked, and equal to the README's blocks).
      const prefix = 'test/readme/quick-start/';
      const path = block.path.startsWith(prefix) ? block.path.slice(prefix.length) : `src/${block.path.split('/').pop()}`;
      steps.push({ kind: 'file', path, body: block.body });
    } else if (block.marker === 'quick-start') {
      steps.push({ kind: 'file', path: block.path, body: block.body });
    } else if (block.lang === 'bash') {
      const next = blocks[i + 1];
      const adjacent = next && !next.marker && next.lang !== 'bash' && section.slice(block.end, next.index).trim() === '';
      steps.push({ kind: 'commands', body: block.body, output: adjacent ? { lang: next.lang, body: next.body } : undefined });
    }
  });
  return steps;
}

/** Shell lines, with backslash continuations joined. */
function commandLines(body: string): string[] {
  return body
    .replace(/\\\n\s*/g, '')
    .split('\n')
    .map((l) => l.trim())
    .filter((l) => l && !l.startsWith('#'));
}

interface Run {
  status: number | null;
  stdout: string;
  stderr: string;
}

function run(command: string, args: string[], cwd: string, env: NodeJS.ProcessEnv = {}): Run {
  const res = spawnSync(command, args, { cwd, env: { ...process.env, ...env }, encoding: 'utf8', timeout: COMMAND_TIMEOUT_MS });
  return { status: res.status, stdout: res.stdout ?? '', stderr: `${res.stderr ?? ''}${res.error ? String(res.error) : ''}` };
}

function mustRun(label: string, command: string, args: string[], cwd: string, env?: NodeJS.ProcessEnv): Run {
  const res = run(command, args, cwd, env);
  assert.equal(res.status, 0, `${label} failed (${res.status}):\n${res.stdout.slice(-2000)}\n${res.stderr.slice(-3000)}`);
  return res;
}

/** The lockfile's version of each package this repo installs. */
function lockedVersion(name: string): string {
  const lock = JSON.parse(readFileSync(join(ROOT, 'package-lock.json'), 'utf8')) as { packages: Record<string, { version?: string }> };
  const version = lock.packages[`node_modules/${name}`]?.version;
  assert.ok(version, `the Quick start installs ${name}, which this repo's package-lock.json does not pin: add it to devDependencies`);
  return version;
}

describe('README Quick start, in a scratch project', () => {
  let dir: string;
  let tarball: string;
  let server: ChildProcess | undefined;
  let serverOutput = '';
  let url = '';
  let installMode = '';

  before(() => {
    dir = mkdtempSync(join(tmpdir(), 'djust-quick-start-'));
    const packed = mustRun('npm pack', 'npm', ['pack', '--json', '--pack-destination', dir], ROOT);
    tarball = join(dir, (JSON.parse(packed.stdout) as { filename: string }[])[0].filename);
  });

  after(() => {
    server?.kill('SIGKILL');
    rmSync(dir, { recursive: true, force: true });
  });

  /** `npm install [-D] a b c` with pinned versions and the packed tarball, from the local cache. */
  function npmInstall(line: string): void {
    const words = line.split(/\s+/).slice(2);
    const flags = words.filter((w) => w.startsWith('-'));
    const specs = words.filter((w) => !w.startsWith('-')).map((name) => (name === 'nestjs-djust' ? tarball : `${name}@${lockedVersion(name)}`));
    const args = ['install', ...flags, '--no-audit', '--no-fund', '--no-update-notifier', ...specs];
    let res = run('npm', [...args, '--offline'], dir);
    installMode = 'offline';
    if (res.status !== 0 && /ENOTCACHED/.test(res.stderr)) {
      res = run('npm', [...args, '--prefer-offline'], dir);
      installMode = 'prefer-offline (the cache lacked a package)';
    }
    assert.equal(res.status, 0, `${line} failed:\n${res.stderr.slice(-3000)}`);
  }

  function startServer(line: string): Promise<void> {
    const [command, ...args] = line.split(/\s+/);
    server = spawn(command, args, { cwd: dir, env: { ...process.env, PORT: '0' }, stdio: ['ignore', 'pipe', 'pipe'] });
    return new Promise((resolve, reject) => {
      const timer = setTimeout(() => reject(new Error(`the app did not print its URL:\n${serverOutput}`)), 30_000);
      const onData = (d: Buffer) => {
        serverOutput += d.toString();
        const match = /Listening on http:\/\/\S+:(\d+)/.exec(serverOutput);
        if (match) {
          clearTimeout(timer);
          url = `http://127.0.0.1:${match[1]}`;
          resolve();
        }
      };
      server!.stdout!.on('data', onData);
      server!.stderr!.on('data', (d: Buffer) => (serverOutput += d.toString()));
      server!.once('exit', (code) => {
        clearTimeout(timer);
        reject(new Error(`the app exited (${code}) before listening:\n${serverOutput}`));
      });
    });
  }

  function checkOutput(command: string, stdout: string, expected: { lang: string; body: string } | undefined): void {
    if (!expected) return;
    if (expected.lang === 'json') assert.deepEqual(JSON.parse(stdout), JSON.parse(expected.body), `${command} printed ${stdout}`);
    else assert.equal(stdout.trim(), expected.body.trim(), command);
  }

  it('its commands and files give an app that answers the README calls over HTTP and socket.io', async (t) => {
    const readme = readFileSync(join(ROOT, 'README.md'), 'utf8');
    const steps = quickStartSteps(readme);
    const ran: string[] = [];
    for (const step of steps) {
      if (step.kind === 'file') {
        mkdirSync(dirname(join(dir, step.path)), { recursive: true });
        writeFileSync(join(dir, step.path), step.body);
        continue;
      }
      for (const line of commandLines(step.body)) {
        ran.push(line);
        if (/^npm (install|i)\s/.test(line)) npmInstall(line);
        else if (line === 'node dist/main.js') await startServer(line);
        else if (/\bcurl\b/.test(line)) {
          assert.ok(url, 'curl before the app started');
          checkOutput(line, mustRun(line, 'bash', ['-c', line.replaceAll(README_URL, url)], dir).stdout, step.output);
        } else if (line === 'node dist/client.js') {
          assert.ok(url, 'the client before the app started');
          checkOutput(line, mustRun(line, 'node', ['dist/client.js', url], dir).stdout, step.output);
        } else mustRun(line, 'sh', ['-c', line], dir);
      }
    }
    assert.ok(steps.some((s) => s.kind === 'file' && s.path === 'src/main.ts'), 'the Quick start shows no src/main.ts');
    for (const expected of ['npm init -y && npm pkg set type=module', 'npx tsc', 'node dist/main.js', 'node dist/client.js']) {
      assert.ok(ran.includes(expected), `the Quick start no longer runs \`${expected}\`: ${JSON.stringify(ran)}`);
    }
    assert.ok(ran.some((l) => /\bcurl\b/.test(l)), 'the Quick start shows a curl call');
    assert.ok(installMode, 'the Quick start installs nothing');
    // Record how the packages came: offline from the cache, or (a cold cache) from the registry.
    t.diagnostic(`npm install: ${installMode}`);
  });

  it('the running app also answers this test directly: HTTP with and without the token, and a socket.io client', async () => {
    assert.ok(url, 'the app did not start');
    const call = (headers: Record<string, string>, body: unknown) =>
      fetch(`${url}/djust/api/order/update_status/`, { method: 'POST', headers: { 'content-type': 'application/json', ...headers }, body: JSON.stringify(body) });
    const ok = await call({ authorization: 'Bearer dev-token' }, { order_id: '7', status: 'paid' });
    assert.equal(ok.status, 200);
    assert.deepEqual(await ok.json(), { result: { order_id: 7, status: 'paid' }, assigns: { status: 'paid' } });
    const anonymous = await call({}, { order_id: 7, status: 'paid' });
    assert.equal(anonymous.status, 401);
    assert.equal(((await anonymous.json()) as { error: string }).error, 'unauthenticated');
    const invalid = await call({ authorization: 'Bearer dev-token' }, { status: 'paid' });
    assert.equal(invalid.status, 400);
    assert.deepEqual(((await invalid.json()) as { details: unknown }).details, { order_id: ['This field is required.'] });

    const socket: Socket = io(`${url}/djust`, { transports: ['websocket'], forceNew: true, reconnection: false, auth: { token: 'dev-token' } });
    try {
      await new Promise<void>((resolve, reject) => {
        socket.once('connect', () => resolve());
        socket.once('connect_error', reject);
      });
      const mounted = await socket.timeout(5000).emitWithAck('mount', { view: 'order' });
      assert.deepEqual(mounted.assigns, { status: 'new' });
      const ack = await socket.timeout(5000).emitWithAck('event', { ref: mounted.ref, handler: 'update_status', params: { order_id: 42, status: 'shipped' } });
      assert.deepEqual([ack.result, ack.assigns], [{ order_id: 42, status: 'shipped' }, { status: 'shipped' }], JSON.stringify(ack));
    } finally {
      socket.disconnect();
    }
    const doc = await fetch(`${url}/djust/api/openapi.json`);
    assert.equal(doc.status, 200);
    assert.ok(((await doc.json()) as { paths: Record<string, unknown> }).paths['/djust/api/order/update_status/']);
  });
});
