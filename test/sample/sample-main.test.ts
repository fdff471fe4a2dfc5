import assert from 'node:assert/strict';
import { spawn, type ChildProcess } from 'node:child_process';
import { after, describe, it } from 'node:test';
import { fileURLToPath } from 'node:url';

const MAIN = fileURLToPath(new URL('../../sample/main.js', import.meta.url));

/** Reads the child's stdout until `pattern` matches (bounded wait for startup I/O). */
function waitForOutput(child: ChildProcess, pattern: RegExp, timeoutMs = 90_000): Promise<string> {
  return new Promise((resolve, reject) => {
    let out = '';
    const timer = setTimeout(() => reject(new Error(`no match for ${pattern} within ${timeoutMs} ms:\n${out}`)), timeoutMs);
    child.stdout!.on('data', (chunk) => {
      out += chunk;
      if (pattern.test(out)) {
        clearTimeout(timer);
        resolve(out);
      }
    });
    child.once('exit', (code) => {
      clearTimeout(timer);
      reject(new Error(`main.js exited with ${code}:\n${out}`));
    });
  });
}

describe('npm start entry point (sample/main.ts)', () => {
  let child: ChildProcess | undefined;
  after(() => {
    if (child && child.exitCode === null) child.kill('SIGKILL');
  });

  it('honours PORT and HOST, prints the URLs, serves them, and stops on SIGTERM', async () => {
    const { DATABASE_URL: _ignored, ...env } = process.env;
    child = spawn(process.execPath, [MAIN], { env: { ...env, PORT: '0', HOST: '127.0.0.1' }, stdio: ['ignore', 'pipe', 'pipe'] });
    child.stderr!.resume();
    const out = await waitForOutput(child, /API token .*\n/);
    const page = /Page\s+(http:\/\/127\.0\.0\.1:(\d+))\/ /.exec(out);
    assert.ok(page, out);
    const base = page[1];
    assert.notEqual(page[2], '0');
    assert.match(out, /PGlite \(embedded, in memory\)/);
    assert.ok(out.includes(`Swagger UI  ${base}/docs`), out);
    assert.ok(out.includes(`OpenAPI     ${base}/djust/api/openapi.json`), out);
    assert.ok(out.includes('API token   djust-demo-token'), out);
    assert.equal((await fetch(`${base}/`)).status, 200);
    assert.equal((await fetch(`${base}/docs`)).status, 200);

    // Nest's shutdown hooks close the app (sockets, database), then re-raise the signal.
    const exited = new Promise<{ code: number | null; signal: string | null }>((resolve) =>
      child!.once('exit', (code, signal) => resolve({ code, signal })),
    );
    child.kill('SIGTERM');
    const { code, signal } = await exited;
    assert.ok(code === 0 || signal === 'SIGTERM', `exit code ${code}, signal ${signal}`);
  });
});
