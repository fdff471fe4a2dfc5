/**
 * Shared plumbing of the benchmarks: where results go, and child processes that
 * print `LISTENING <port>` (servers) or a JSON line (one-shot measurements).
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { existsSync, mkdirSync, writeFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { waitForListening } from '../test/support/child-listening.js';

/** The project root: the nearest directory above this script holding a package.json. */
export function projectRoot(): string {
  let dir = dirname(fileURLToPath(import.meta.url));
  while (!existsSync(join(dir, 'package.json')) && dirname(dir) !== dir) dir = dirname(dir);
  return dir;
}

/** Writes `bench/results/<name>.json` (pretty-printed) and returns its path. */
export function writeResult(name: string, data: unknown): string {
  return writeResultFile(`${name}.json`, `${JSON.stringify(data, null, 2)}\n`);
}

/** Writes `bench/results/<fileName>` and returns its path. */
export function writeResultFile(fileName: string, text: string): string {
  const dir = join(projectRoot(), 'bench', 'results');
  mkdirSync(dir, { recursive: true });
  const file = join(dir, fileName);
  writeFileSync(file, text);
  return file;
}

/** Extra node flags for server children, e.g. `BENCH_NODE_ARGS="--cpu-prof --cpu-prof-dir=/tmp/prof"`. */
export function nodeArgsFromEnv(): string[] {
  return (process.env.BENCH_NODE_ARGS ?? '').split(/\s+/).filter(Boolean);
}

/** A server child process listening on 127.0.0.1. */
export interface ServerProcess {
  readonly url: string;
  readonly child: ChildProcess;
  /** The server process's CPU time so far (user + system), µs, asked over IPC. */
  cpuMicros(): Promise<number>;
  /** SIGTERM, then waits for a clean exit (so `--cpu-prof` profiles are written). */
  stop(): Promise<void>;
}

/**
 * Spawns `node <nodeArgs> <script>` with `env`, waits for its `LISTENING <port>` line
 * (at most `timeoutMs`), and returns its URL.
 */
export async function startServer(script: string, env: Record<string, string>, nodeArgs: string[] = [], timeoutMs = 30_000): Promise<ServerProcess> {
  const child = spawn(process.execPath, [...nodeArgs, script], { env: { ...process.env, ...env }, stdio: ['pipe', 'pipe', 'pipe', 'ipc'] });
  let stderr = '';
  child.stderr!.on('data', (d: Buffer) => (stderr = (stderr + d.toString()).slice(-8000)));
  const exited = new Promise<void>((resolve) => child.once('exit', () => resolve()));
  const port = await waitForListening(child, script, timeoutMs, () => stderr);
  return {
    url: `http://127.0.0.1:${port}`,
    child,
    cpuMicros: () =>
      new Promise<number>((resolve, reject) => {
        const timer = setTimeout(() => reject(new Error(`${script} did not report its CPU time`)), 10_000);
        child.once('message', (m: { cpu?: number }) => {
          clearTimeout(timer);
          resolve(Number(m?.cpu));
        });
        child.send('cpu');
      }),
    async stop() {
      if (child.exitCode !== null || child.signalCode !== null) return;
      child.kill('SIGTERM');
      const timer = setTimeout(() => child.kill('SIGKILL'), 10_000);
      await exited;
      clearTimeout(timer);
    },
  };
}

/** Runs `node <script> <args>` to completion, streaming its output; resolves with its exit code and stdout. */
export function runScript(script: string, args: string[] = [], env: Record<string, string> = {}, echo = true): Promise<{ code: number; stdout: string }> {
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, [script, ...args], { env: { ...process.env, ...env }, stdio: ['ignore', 'pipe', 'inherit'] });
    let stdout = '';
    child.stdout!.on('data', (d: Buffer) => {
      stdout += d.toString();
      if (echo) process.stdout.write(d);
    });
    child.once('error', reject);
    child.once('exit', (code) => resolve({ code: code ?? 1, stdout }));
  });
}

/**
 * For server entry points: prints `LISTENING <port>`, answers the IPC message
 * `'cpu'` with `{ cpu: <user + system µs> }`, and exits cleanly on SIGTERM, SIGINT
 * or when stdin closes (the parent died), after `close()`.
 */
export function serveUntilStopped(port: number, close: () => Promise<unknown>): void {
  process.stdout.write(`LISTENING ${port}\n`);
  process.on('message', (m) => {
    if (m !== 'cpu' || !process.send) return;
    const { user, system } = process.cpuUsage();
    process.send({ cpu: user + system });
  });
  let stopping = false;
  const stop = () => {
    if (stopping) return;
    stopping = true;
    close().then(
      () => process.exit(0),
      () => process.exit(1),
    );
  };
  process.once('SIGTERM', stop);
  process.once('SIGINT', stop);
  process.stdin.resume();
  process.stdin.once('end', stop);
}
